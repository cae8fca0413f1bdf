"""Keep numeric libraries from fighting torch for the CPU.

numpy's and FAISS's OpenBLAS and FAISS's OpenMP each keep a thread pool whose idle threads spin
for a while after every call; interleaved with torch's own pool (every ask: encode, search,
score) they starved it, and an ask took ~80 ms instead of ~10 ms on 2 cores. Our numpy and FAISS
work per ask is tiny, so one thread each is best; torch keeps all cores for the model.

The limits go through threadpoolctl to each library's own handle. `faiss.omp_set_num_threads`
is not used: when torch is imported first, that symbol resolves to torch's libgomp and would
drop the model to one thread (index builds ran 1.8x slower).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def limit_numeric_threads() -> None:
    import faiss  # noqa: F401  (its OpenMP and OpenBLAS must be loaded to be found)
    import numpy  # noqa: F401
    from threadpoolctl import ThreadpoolController

    for lib in ThreadpoolController().lib_controllers:
        if lib.user_api == "blas" or "faiss" in lib.filepath:
            lib.set_num_threads(1)
