"""Compressed token vectors: product quantisation of the contextual word-piece vectors.

Late interaction needs every word piece's vector; kept as float16 they were 768 bytes each,
~100 KiB per SQuAD-sized paragraph, almost all of an index. Each vector is stored instead as
one byte per 4-dimensional slice (96 bytes: FAISS's `ProductQuantizer`, 256 centroids per
slice), and an ask decodes only its candidate paragraphs' rows, back to unit length.

The codebook is fitted once (`qa fit-codebook`), on text kept apart from the SQuAD files the
retrieval figures come from, and ships as `qa/data/token-codebook.npz`; every index records
its fingerprint, so an index coded with another codebook is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import faiss
import numpy as np

from .errors import QAError

CODEBOOK_PATH = Path(__file__).resolve().parent / "data" / "token-codebook.npz"
BITS = 8                       # 256 centroids per slice: one byte
_BATCH = 65_536                # rows coded at a time (bounds the float32 copy)
_MIN_PER_CENTROID = 39         # FAISS's k-means warns below this many training points per centroid


class Codebook:
    """A product quantiser with its centroids; thread-safe (coding only reads them)."""

    def __init__(self, centroids: np.ndarray, about: dict | None = None) -> None:
        self.centroids = np.ascontiguousarray(centroids, dtype=np.float32)     # (slices, 256, dim / slices)
        slices, k, width = self.centroids.shape
        if k != 2 ** BITS:
            raise QAError(f"A token codebook needs {2 ** BITS} centroids per slice, not {k}.")
        self.slices = slices
        self.dim = slices * width
        self.about = about or {}
        self.fingerprint = hashlib.sha256(self.centroids.tobytes()).hexdigest()[:16]
        self._pq = faiss.ProductQuantizer(self.dim, slices, BITS)
        faiss.copy_array_to_vector(self.centroids.ravel(), self._pq.centroids)

    def encode(self, vectors: np.ndarray) -> np.ndarray:
        """(rows, dim) float → (rows, slices) uint8 codes, in batches."""
        out = np.empty((len(vectors), self.slices), dtype=np.uint8)
        for start in range(0, len(vectors), _BATCH):
            out[start:start + _BATCH] = self._pq.compute_codes(
                np.ascontiguousarray(vectors[start:start + _BATCH], dtype=np.float32))
        return out

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Codes → float32 vectors, rescaled to unit length like the vectors they stand for."""
        if len(codes) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._pq.decode(np.ascontiguousarray(codes))
        rows /= np.maximum(np.sqrt(np.einsum("ij,ij->i", rows, rows)), 1e-6)[:, None]   # 0.36 -> 0.24 ms an ask
        return rows

    @classmethod
    def train(cls, vectors: np.ndarray, slices: int = 96, sample: int = 200_000, seed: int = 0,
              about: dict | None = None) -> "Codebook":
        """k-means per slice (FAISS) over at most `sample` rows drawn with a fixed seed."""
        dim = vectors.shape[1]
        if dim % slices:
            raise QAError(f"{slices} slices do not divide the vectors' {dim} dimensions.")
        if len(vectors) < 2 ** BITS * _MIN_PER_CENTROID:
            raise QAError(f"Too few vectors to fit a codebook ({len(vectors):,}; at least {2 ** BITS * _MIN_PER_CENTROID:,}).")
        rows = np.random.default_rng(seed).permutation(len(vectors))[:sample]
        pq = faiss.ProductQuantizer(dim, slices, BITS)
        pq.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
        centroids = faiss.vector_to_array(pq.centroids).reshape(slices, 2 ** BITS, dim // slices)
        return cls(centroids, dict(about or {}, vectors=int(len(vectors)), sampled=int(len(rows)), seed=seed))

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, centroids=self.centroids, about=np.array(json.dumps(self.about)))
        tmp.replace(path)


@lru_cache(maxsize=4)
def load_codebook(path: Path = CODEBOOK_PATH) -> Codebook:
    try:
        with np.load(path, allow_pickle=False) as data:
            return Codebook(data["centroids"], json.loads(str(data["about"])))
    except (OSError, ValueError, KeyError) as exc:
        raise QAError(f"The token codebook {path} cannot be read ({exc}); reinstall the package "
                      "or run `qa fit-codebook`.") from None


__all__ = ["Codebook", "CODEBOOK_PATH", "load_codebook"]
