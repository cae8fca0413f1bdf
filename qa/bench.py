"""`qa bench`: index build (and its curve over 300/1,200/2,500 paragraphs), index size on disk,
ask latency, cold start and fast-path parity, measured in one process.

Every speed figure comes with a plain baseline run in the same process (a plain fp32
SentenceTransformer.encode), and is reported as a ratio to it: timings on shared machines are
noisy, ratios much less so.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from .engine import Engine
from .evaluate import load_squad
from .ingest import split_sentences
from .settings import Settings

DEFAULT_QUESTIONS = [
    "What did Peskov warn about?", "Who is practicing a balancing act?", "What is drone diplomacy?",
    "Can Ankara restrain Kiev?", "Which countries bought Turkish drones?", "What did the ambassadors demand?",
    "Whose military superiority does Turkey want to balance?", "What is the Lublin Triangle?",
]


CURVE = (300, 1200, 2500)          # paragraphs, for the build-time curve
PEAK_SHAPES = ((4096, 384, 1536), (4096, 1536, 384))   # (rows, in, out): the model's own matmul shapes
CONCURRENT_ASKS = 300              # distinct questions asked on one thread, then as many from 8


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under a folder (an index on disk)."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def _time_each(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out


def _timed(fn, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def bench_article(squad: Path, size: int) -> tuple[list[str], list[str]]:
    """~`size` paragraphs of the SQuAD file in order, and the questions about them."""
    paragraphs, questions = [], []
    for article in load_squad(squad):
        for i, context in enumerate(article["contexts"]):
            if len(paragraphs) >= size:
                return paragraphs, questions
            paragraphs.append(context)
            questions.extend(q for (_, q, gold, _) in article["questions"] if gold == i)
    return paragraphs, questions


def model_pieces(paragraphs: list[str], token_counts) -> int:
    """Word pieces a build sends through the model: every sentence with its [CLS] and [SEP]."""
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    return sum(token_counts(sentences)) + 2 * len(sentences)


def matmul_flops_per_piece(config, width: int) -> float:
    """Multiply-add FLOPs of a BERT-style encoder per word piece: the weight matrices (Q, K, V,
    output, two feed-forward) and attention over a packed row of `width` pieces. Layer norms,
    softmax and GELU are left out: a floor, not an estimate."""
    h, inner = config.hidden_size, config.intermediate_size
    return 2.0 * config.num_hidden_layers * (4 * h * h + 2 * h * inner + 2 * width * h)


def peak_matmul_flops(dtypes=("float32", "bfloat16"), repeats: int = 30) -> dict[str, float]:
    """The best FLOP/s this machine reaches on one dense matmul of the model's shapes, per dtype
    (torch, on the calling thread's thread count): no model can run faster than this."""
    import torch

    out = {}
    for name in dtypes:
        dtype = getattr(torch, name)
        best = 0.0
        for rows, inner, outer in PEAK_SHAPES:
            a, b = torch.randn(rows, inner, dtype=dtype), torch.randn(inner, outer, dtype=dtype)
            for _ in range(3):
                a @ b
            start = time.perf_counter()
            for _ in range(repeats):
                a @ b
            best = max(best, 2.0 * rows * inner * outer * repeats / (time.perf_counter() - start))
        out[name] = best
    return out


def concurrency(doc, questions: list[str], threads: int = 8) -> dict:
    """Asks per second of distinct questions (none answered from the recent-question cache) on
    one thread, then from `threads` threads at once, as several app sessions would ask."""
    from concurrent.futures import ThreadPoolExecutor

    half = len(questions) // 2
    start = time.perf_counter()
    for q in questions[:half]:
        doc.ask(q)
    one = half / (time.perf_counter() - start)
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(doc.ask, questions[half:2 * half]))
    many = half / (time.perf_counter() - start)
    return {"asks_per_s_1_thread": one, f"asks_per_s_{threads}_threads": many,
            "concurrent_vs_1_thread": many / one}


def cold_start(index_dir: Path) -> float:
    """Seconds from a new Python process to its first answer on the default article (index built)."""
    code = ("import time; t=time.perf_counter(); from qa import Engine, Settings; "
            f"Engine(Settings(index_dir={str(index_dir)!r})).open_default().ask('What is drone diplomacy?'); "
            "print(time.perf_counter()-t)")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return time.perf_counter() - start if result.stdout else float("nan")


def run(settings: Settings, squad: Path, size: int = 600, asks: int = 200, with_eval: bool = True,
        log=print) -> dict:
    from sentence_transformers import SentenceTransformer

    from .embed import bundled_model_path, on_model_thread

    paragraphs, all_questions = bench_article(squad, size)
    text = "\n\n".join(paragraphs)
    distinct = list(dict.fromkeys(all_questions))
    questions, others = distinct[:asks], distinct[asks:]    # the 600-paragraph article's; the default article's
    # The baseline runs and is timed on the model thread, where the engine's model runs too (a
    # second thread running torch would slow both; see embed.on_model_thread), so it pays no hand-over.
    plain = on_model_thread(SentenceTransformer, str(bundled_model_path()), device="cpu")
    on_model_thread(plain.encode, paragraphs[:16], show_progress_bar=False)     # warm-up
    fig: dict = {"paragraphs": len(paragraphs)}

    def plain_queries() -> list[float]:
        return on_model_thread(_time_each, lambda q: plain.encode([q], show_progress_bar=False), questions)

    log(f"plain fp32 encode of {len(paragraphs)} paragraphs…")
    fig["plain_encode_s"], plain_vectors = on_model_thread(
        _timed, plain.encode, paragraphs, show_progress_bar=False, normalize_embeddings=True)

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(replace(settings, index_dir=Path(tmp) / "index"))
        fig["precision"] = engine.embedder.precision
        fig["runtime"] = engine.embedder.runtime
        engine.embedder.encode(paragraphs[:16])                                   # warm-up
        log(f"index build ({engine.embedder.precision})…")
        start = time.perf_counter()
        doc = engine.open_text(text)
        fig["build_s"] = time.perf_counter() - start
        fig["build_paragraphs_per_s"] = len(paragraphs) / fig["build_s"]
        fig["build_speedup_vs_plain_encode"] = fig["plain_encode_s"] / fig["build_s"]
        size = folder_bytes(doc.index_path)
        fig["index_bytes"] = size
        fig["index_kib_per_paragraph"] = size / 1024 / len(paragraphs)
        fig["index_x_text_size"] = size / len(text.encode("utf-8"))

        fast_vectors = engine.embedder.encode(paragraphs)
        fig["parity_mean_cosine"] = float((fast_vectors * plain_vectors).sum(axis=1).mean())
        fig["parity_min_cosine"] = float((fast_vectors * plain_vectors).sum(axis=1).min())

        log("ask latency…")
        plain_query = plain_queries()
        default = engine.open_default()
        for d in (default, doc):
            for q in DEFAULT_QUESTIONS:
                d.ask(q)                                                       # warm-up
        # Distinct questions everywhere: a repeated one is answered from the recent-question cache
        # and would time the cache, not an ask (the default article's own few questions repeat).
        ask_default = _time_each(default.ask, others[:asks])
        ask_big = _time_each(doc.ask, questions)
        plain_query += plain_queries()
        fig["plain_query_encode_p50_ms"] = 1000 * statistics.median(plain_query)
        for name, times in (("default", ask_default), ("600", ask_big)):
            fig[f"ask_{name}_p50_ms"] = 1000 * _percentile(times, 50)
            fig[f"ask_{name}_p95_ms"] = 1000 * _percentile(times, 95)
            fig[f"ask_{name}_p50_vs_plain_query_encode"] = fig[f"ask_{name}_p50_ms"] / fig["plain_query_encode_p50_ms"]

        log("asks from 8 threads…")
        fig.update(concurrency(doc, others[:2 * CONCURRENT_ASKS]))           # none asked of `doc` before

        log("build-time curve…")
        for n in CURVE:
            # distinct paragraphs as many as needed: the SQuAD ones, numbered on each new pass
            more = [f"({k // len(paragraphs)}) {paragraphs[k % len(paragraphs)]}" if k >= len(paragraphs)
                    else paragraphs[k] for k in range(n)]
            start = time.perf_counter()
            book = engine.open_text("\n\n".join(more), listed=False)
            fig[f"build_{n}_s"] = time.perf_counter() - start
        for q in others[:10]:
            book.ask(q)                                                        # warm-up
        times = _time_each(book.ask, others[10:10 + asks // 2])
        fig[f"ask_{CURVE[-1]}_p50_ms"] = 1000 * _percentile(times, 50)
        fig[f"ask_{CURVE[-1]}_p95_ms"] = 1000 * _percentile(times, 95)

        log("the model's matmul floor…")
        config = plain[0].auto_model.config
        peak = on_model_thread(peak_matmul_flops)
        fig["matmul_peak_tflops"] = max(peak.values()) / 1e12
        fig["matmul_peak_dtype"] = max(peak, key=peak.get)
        per_piece = matmul_flops_per_piece(config, settings.pack_tokens)
        for n, texts in ((len(paragraphs), paragraphs), (CURVE[-1], more)):
            pieces = model_pieces(texts, engine.embedder.token_counts)
            fig[f"model_pieces_{n}"] = pieces
            fig[f"build_floor_{n}_s"] = pieces * per_piece / (fig["matmul_peak_tflops"] * 1e12)
        fig["build_speedup_ceiling"] = fig["plain_encode_s"] / fig[f"build_floor_{len(paragraphs)}_s"]

        log("cold start…")
        engine.open_default()
        fig["cold_start_s"] = cold_start(engine.settings.index_dir)

    if with_eval:
        from .evaluate import evaluate

        for precision in (fig["precision"], "fp32") if fig["precision"] != "fp32" else ("fp32",):
            log(f"R@1 on {squad.name} ({precision})…")
            with tempfile.TemporaryDirectory() as tmp:
                e = Engine(replace(settings, index_dir=Path(tmp), precision=precision))
                fig[f"recall_at_1_{precision}"] = evaluate(e, squad, "hybrid").recall_at_1
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in fig.items()}


def table(fig: dict) -> str:
    rows = [
        ("index build, %d paragraphs (%s %s)" % (fig["paragraphs"], fig["runtime"], fig["precision"]),
         f"{fig['build_s']:.2f} s = {fig['build_paragraphs_per_s']:.0f} paragraphs/s",
         f"{fig['build_speedup_vs_plain_encode']:.2f}x faster than plain fp32 encode ({fig['plain_encode_s']:.2f} s)"),
        ("ask, default article", f"p50 {fig['ask_default_p50_ms']:.1f} ms, p95 {fig['ask_default_p95_ms']:.1f} ms",
         f"{fig['ask_default_p50_vs_plain_query_encode']:.2f}x one plain fp32 query encode"),
        ("ask, %d-paragraph article" % fig["paragraphs"], f"p50 {fig['ask_600_p50_ms']:.1f} ms, p95 {fig['ask_600_p95_ms']:.1f} ms",
         f"{fig['ask_600_p50_vs_plain_query_encode']:.2f}x one plain fp32 query encode ({fig['plain_query_encode_p50_ms']:.1f} ms)"),
        ("index on disk, %d paragraphs" % fig["paragraphs"],
         f"{fig['index_bytes'] / 2**20:.1f} MiB = {fig['index_kib_per_paragraph']:.1f} KiB/paragraph",
         f"{fig['index_x_text_size']:.0f}x the article's text"),
        ("build time by paragraphs", ", ".join(f"{n}: {fig[f'build_{n}_s']:.1f} s" for n in CURVE),
         ", ".join(f"{n / fig[f'build_{n}_s']:.0f}/s" for n in CURVE)),
        ("ask, %d-paragraph book" % CURVE[-1], f"p50 {fig[f'ask_{CURVE[-1]}_p50_ms']:.1f} ms, "
         f"p95 {fig[f'ask_{CURVE[-1]}_p95_ms']:.1f} ms", "distinct questions"),
        ("asks/s, 8 threads vs 1 (distinct questions)", f"{fig['asks_per_s_8_threads']:.0f} vs {fig['asks_per_s_1_thread']:.0f}",
         f"{fig['concurrent_vs_1_thread']:.2f}x single-thread throughput"),
        ("model's matmul floor (best matmul rate seen: %.2f TFLOP/s, %s)" % (fig["matmul_peak_tflops"], fig["matmul_peak_dtype"]),
         f"{fig['paragraphs']}: {fig['build_floor_%d_s' % fig['paragraphs']]:.1f} s, "
         f"{CURVE[-1]}: {fig['build_floor_%d_s' % CURVE[-1]]:.1f} s",
         f"a build can be at most {fig['build_speedup_ceiling']:.2f}x faster than plain fp32 encode"),
        ("cold start (process → first answer)", f"{fig['cold_start_s']:.2f} s", ""),
        ("fast-path parity with fp32", f"mean cosine {fig['parity_mean_cosine']:.5f}", f"min {fig['parity_min_cosine']:.5f}"),
    ]
    if "recall_at_1_fp32" in fig:
        fast = fig.get(f"recall_at_1_{fig['precision']}", fig["recall_at_1_fp32"])
        rows.append(("R@1, tune file", f"{fig['precision']} {fast:.2f}", f"fp32 {fig['recall_at_1_fp32']:.2f}"))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{a:<{width}}  {b:<34} {c}" for a, b, c in rows)


def main(settings: Settings, squad: Path, as_json: bool, with_eval: bool) -> None:
    fig = run(settings, squad, with_eval=with_eval, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(fig, indent=2) if as_json else table(fig))
