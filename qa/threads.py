"""Keep numeric libraries from fighting torch for the CPU.

numpy's and FAISS's OpenBLAS and FAISS's OpenMP each keep a thread pool whose idle threads spin
for a while after every call; interleaved with torch's own pool (every ask: encode, search,
score) they starved it, and an ask took ~80 ms instead of ~10 ms on 2 cores. Our numpy and FAISS
work per ask is tiny, so one thread each is best; torch keeps all cores for the model.

OpenBLAS's limit holds for the process. OpenMP's holds only for the thread that sets it, and
every app session asks from a thread of its own (a new team of FAISS workers per asking thread
otherwise), so `limit_numeric_threads` is called where work starts: each ask and each build.
The limits go through threadpoolctl to each library's own handle. `faiss.omp_set_num_threads`
is not used: when torch is imported first, that symbol resolves to torch's libgomp.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

_here = threading.local()


def limit_numeric_threads() -> None:
    """One thread for BLAS (process-wide) and for FAISS's OpenMP in the calling thread."""
    if getattr(_here, "limited", False):
        return
    for lib in _faiss_openmp():
        lib.set_num_threads(1)
    _here.limited = True


@contextmanager
def faiss_on_all_cores() -> Iterator[None]:
    """FAISS's OpenMP on every core in the calling thread for a while, then back to one: for a
    build's product-quantisation coding, which runs while the model thread waits (600 paragraphs'
    97,000 word pieces: 1.1 s on one thread, 0.6 s on two)."""
    limit_numeric_threads()
    libs = _faiss_openmp()
    for lib in libs:
        lib.set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        for lib in libs:
            lib.set_num_threads(1)


@lru_cache(maxsize=1)
def _faiss_openmp() -> list:
    import faiss  # noqa: F401  (its OpenMP and OpenBLAS must be loaded to be found)
    import numpy  # noqa: F401
    from threadpoolctl import ThreadpoolController

    libs = ThreadpoolController().lib_controllers
    for lib in libs:
        if lib.user_api == "blas":
            lib.set_num_threads(1)
    return [lib for lib in libs if lib.user_api == "openmp" and "faiss" in lib.filepath]
