"""Keep numeric libraries from fighting torch for the CPU.

numpy's and FAISS's OpenBLAS and FAISS's OpenMP each keep a thread pool whose idle threads spin
for a while after every call; interleaved with torch's own pool (every ask: encode, search,
score) they starved it, and an ask took ~80 ms instead of ~10 ms on 2 cores. Our numpy and FAISS
work per ask is tiny, so one thread each is best; torch keeps all cores for the model.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def limit_numeric_threads() -> None:
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(1)
    threadpool_limits(limits=1, user_api="blas")
