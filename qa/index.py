"""Build an article's vector index and keep it on disk under index/<article-id>/.

Layout of one index folder:
  manifest.json   format, model id, dimension, the article's content hash, build parameters,
                  and the sha256 of each other file (so a truncated or edited file is detected)
  article.json.gz title, paragraphs, their sentences, and the unit -> paragraph/sentence map (gzipped JSON)
  vectors.faiss   the unit vectors in a FAISS inner-product index, scalar-quantised to one byte
                  per dimension (ranges fitted on the article's own vectors; cosine: unit length)
  tokens.npy      contextual token vectors of every sentence, for late interaction, as product-
                  quantisation codes (uint8, codebook.py; the manifest names the codebook)
  unit_tokens.npy how many token rows each unit has (sentence units; 0 for windows)
  heading_tokens.npy, heading_lengths.npy
                  the same codes for each section heading trail (in sorted order), and how many
                  rows each has: late interaction matches a paragraph's heading as well
  bm25/           the paragraphs' BM25 index (bm25s: sparse arrays and JSON)

A folder is written complete under a temporary name and renamed into place, so a crash never
leaves a half-written index under the real name.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import faiss
import numpy as np

from .codebook import Codebook
from .embed import Embedder, Encoded
from .ingest import split_sentences
from .lexical import Lexical
from .records import Article, Details
from .threads import faiss_on_all_cores, limit_numeric_threads
from .units import WINDOW, make_units

limit_numeric_threads()


def _large_blocks_straight_back() -> None:
    """glibc serves blocks over a moving threshold (up to 32 MB) from its heap once one such
    block was freed, and a heap rarely shrinks: a build's many chunk-sized arrays then left
    hundreds of MB of freed memory counted against the process. A fixed 4 MB threshold makes
    every larger block its own mapping, given back to the system when freed.

    Fixing it also fixes the heap's trim threshold at its 128 KB default: an ask's decoded
    token vectors (~2 MB, under 4 MB) were then handed back after each use and faulted in
    afresh, page by page, on the next (PQ decode 0.55 ms → 2.2 ms once the model ran on a thread
    of its own). 16 MB of free heap top is kept instead."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 4 << 20)                           # M_MMAP_THRESHOLD
        libc.mallopt(-1, 16 << 20)                          # M_TRIM_THRESHOLD
    except (OSError, AttributeError):                        # not glibc: nothing to tune
        pass


_large_blocks_straight_back()

STREAM_TEXTS = 2048  # sentences per model call of a build (bounds its memory)
FORMAT = 8          # 7: token vectors as PQ codes, unit vectors as 8-bit, article gzipped; 8: headings' tokens


def content_hash(article: Article) -> str:
    parts = [article.title, list(article.paragraphs)] + ([list(article.context)] if any(article.context) else [])
    if article.details.to_dict():                  # only when known: hashes of articles without stay as they were
        parts.append(article.details.to_dict())
    payload = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class ArticleIndex:
    """An article with everything retrieval needs, loaded in memory."""

    article: Article
    sentences: list[list[str]]
    unit_paragraph: np.ndarray   # int32, one per unit
    unit_sentence: np.ndarray    # int32, WINDOW for paragraph/window units
    vectors: faiss.Index
    lexical: Lexical
    tokens: np.ndarray           # uint8 (n_tokens, slices): PQ codes, rows grouped by paragraph, in unit order
    token_unit: np.ndarray       # int32, the unit of each token row
    manifest: dict
    codebook: Codebook           # decodes `tokens`
    heading_tokens: np.ndarray | None = None     # uint8 PQ codes of the headings' word pieces
    heading_lengths: np.ndarray | None = None    # int32 rows per heading, in `headings` order

    @property
    def headings(self) -> list[str]:
        """What heading_tokens hold (headings_of)."""
        return headings_of(self.article)

    @property
    def size(self) -> int:
        return len(self.article.paragraphs)


def headings_of(article: Article) -> list[str]:
    """The article's distinct section heading trails, sorted: the order a build encodes them in."""
    return sorted({c for c in article.context if c})


def build(article: Article, embedder: Embedder, params: dict, codebook: Codebook,
          progress: Callable[[int, int], None] | None = None) -> ArticleIndex:
    """`params` (recorded in the manifest) holds window_tokens, the window budget in word pieces.
    `progress(done, total)` is called as sentences are embedded."""
    limit_numeric_threads()
    sentences = [split_sentences(p) for p in article.paragraphs]
    units = make_units(sentences, embedder.token_counts, embedder.split_by_tokens, params["window_tokens"])
    sentence_ids = np.array([i for i, u in enumerate(units) if u.sentence != WINDOW], dtype=np.int64)
    window_ids = np.array([i for i, u in enumerate(units) if u.sentence == WINDOW], dtype=np.int64)
    # One forward pass over the sentences gives their vectors and their contextual token vectors.
    # Windows (whole paragraphs, mostly) are pooled from their sentences' token vectors rather
    # than encoded again: no token goes through the model twice. (Encoding windows and pooling
    # sentences from them instead was 20% faster but cost a point of R@1 on the tune file.)
    # Section headings (Markdown) are not paragraphs: each is encoded once and pooled into the
    # windows of its section's paragraphs, and its words join their BM25 documents.
    headings = headings_of(article)
    # Headings go first, so that their sums are there when the first window needs them.
    texts = headings + [units[i].text for i in sentence_ids]
    first = len(headings)
    matrix = np.zeros((len(units), embedder.dim), dtype=np.float32)
    windows = _WindowPool(units, window_ids, sentence_ids, first,
                          [article.context_of(units[w].paragraph) for w in window_ids], headings, matrix)
    lengths = np.zeros(len(texts), dtype=np.int64)
    chunks, heading_chunks = [], []
    for start, encoded in _encode_streamed(texts, embedder, progress):
        end = start + len(encoded.lengths)
        lengths[start:end] = encoded.lengths
        skip = min(max(first - start, 0), len(encoded.lengths))   # heading rows: pooled, not paragraphs
        matrix[sentence_ids[start + skip - first:end - first]] = encoded.vectors[skip:]
        windows.add(start, encoded.row_sums)
        heading_rows = int(encoded.lengths[:skip].sum())
        with faiss_on_all_cores():                       # the model thread waits meanwhile
            chunks.append(codebook.encode(encoded.rows[heading_rows:]))
            if skip:
                heading_chunks.append(codebook.encode(encoded.rows[:heading_rows]))
        del encoded
    del texts
    codes = _joined(chunks, codebook.slices)
    flat = _scalar_quantised(matrix)
    del matrix, windows
    manifest = {
        "format": FORMAT,
        "model": embedder.model_id,
        "dim": embedder.dim,
        "content_hash": content_hash(article),
        "params": params,
        "paragraphs": len(article.paragraphs),
        "units": len(units),
        "codebook": codebook.fingerprint,
    }
    return ArticleIndex(
        article=article,
        sentences=sentences,
        unit_paragraph=np.array([u.paragraph for u in units], dtype=np.int32),
        unit_sentence=np.array([u.sentence for u in units], dtype=np.int32),
        vectors=flat,
        lexical=Lexical.build([f"{article.context_of(i)}\n{p}" if article.context_of(i) else p
                               for i, p in enumerate(article.paragraphs)]),
        tokens=codes,
        token_unit=np.repeat(sentence_ids.astype(np.int32), lengths[first:]),
        manifest=manifest,
        codebook=codebook,
        heading_tokens=_joined(heading_chunks, codebook.slices),
        heading_lengths=lengths[:first].astype(np.int32),
    )


def _encode_streamed(texts: list[str], embedder: Embedder,
                     progress: Callable[[int, int], None] | None) -> Iterator[tuple[int, Encoded]]:
    """The model pass over `texts`, STREAM_TEXTS at a time: (first text's position, its chunk's
    encoding). A long book never holds all its float16 word-piece vectors (768 bytes each) in
    memory: the caller keeps each chunk's codes and what it needs, and lets the rest go."""
    for start in range(0, len(texts), STREAM_TEXTS):
        report = (lambda done, total, start=start: progress(start + done, len(texts))) if progress else None
        yield start, embedder.encode_flat(texts[start:start + STREAM_TEXTS], rows_dtype=np.float16, progress=report)


class _WindowPool:
    """Window vectors pooled as the chunks come: a window's vector is the normalised sum of its
    sentences' word-piece vectors (plus its section heading's), written into `matrix` as soon as
    its last sentence is encoded. Only the sums of sentences an unfinished window still needs
    are held, never the whole book's."""

    def __init__(self, units: list, window_ids: np.ndarray, sentence_ids: np.ndarray, first: int,
                 contexts: list[str], headings: list[str], matrix: np.ndarray) -> None:
        position = np.full(len(units), -1, dtype=np.int64)
        position[sentence_ids] = first + np.arange(len(sentence_ids))      # a sentence unit's text
        self.pieces = [position[list(units[w].pieces)] for w in window_ids]
        self.last = [int(p.max()) if len(p) else -1 for p in self.pieces]     # when a window is ready
        self.window_ids, self.contexts, self.headings, self.matrix = window_ids, contexts, headings, matrix
        self.heading_sums: dict[str, np.ndarray] = {}
        self.done = 0                                    # windows written so far, in order
        self.held = np.zeros((0, matrix.shape[1]), dtype=np.float32)
        self.held_from = 0                               # text position of held[0]

    def add(self, start: int, row_sums: np.ndarray) -> None:
        for k, heading in enumerate(self.headings[start:start + len(row_sums)]):
            self.heading_sums[heading] = row_sums[k].copy()
        self.held = np.concatenate([self.held, row_sums])
        end = start + len(row_sums)
        ready = self.done
        while ready < len(self.pieces) and self.last[ready] < end:
            ready += 1
        for block in range(self.done, ready, STREAM_TEXTS):
            ids = range(block, min(block + STREAM_TEXTS, ready))
            sums = np.stack([self.held[self.pieces[k] - self.held_from].sum(axis=0)
                             + self.heading_sums.get(self.contexts[k], 0.0) for k in ids])
            self.matrix[self.window_ids[list(ids)]] = sums / np.maximum(
                np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        self.done = ready
        # pending windows start in order; a chunk of headings alone is before all of them
        keep_from = min(next((int(p.min()) for p in self.pieces[ready:] if len(p)), end), end)
        self.held = self.held[keep_from - self.held_from:].copy()
        self.held_from = keep_from


def _scalar_quantised(matrix: np.ndarray) -> faiss.Index:
    """The unit vectors at one byte per dimension, ranges from the article's own min and max per
    dimension. Trained here rather than by `train`, which copies the whole matrix to transpose
    it (a book's worth); the ranges are the same as faiss's (QT_8bit, min-max)."""
    flat = faiss.IndexScalarQuantizer(matrix.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    low, high = matrix.min(axis=0), matrix.max(axis=0)
    faiss.copy_array_to_vector(np.concatenate([low, high - low]).astype(np.float32), flat.sq.trained)
    flat.is_trained = True
    for start in range(0, len(matrix), 65536):
        flat.add(matrix[start:start + 65536])
    return flat


def _joined(chunks: list[np.ndarray], width: int) -> np.ndarray:
    """The chunks as one array, each freed as soon as it is copied (never all held twice)."""
    out = np.empty((sum(len(c) for c in chunks), width), dtype=np.uint8)
    at = 0
    for k in range(len(chunks)):
        chunk, chunks[k] = chunks[k], None
        out[at:at + len(chunk)] = chunk
        at += len(chunk)
    return out


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:             # in blocks: a book's tokens.npy is hundreds of MB
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}


class IndexStore:
    """The folder of indexes. Stale, foreign or damaged indexes are reported as missing."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, article_id: str) -> Path:
        return self.root / article_id

    def save(self, article_id: str, index: ArticleIndex) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{article_id}-", dir=self.root))
        try:
            # Streamed into the gzip file piece by piece: never the whole JSON text in memory.
            with open(staging / "article.json.gz", "wb") as raw, \
                    gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as packed, \
                    io.TextIOWrapper(packed, encoding="utf-8") as out:
                json.dump({
                    "title": index.article.title,
                    "paragraphs": list(index.article.paragraphs),
                    "context": list(index.article.context),
                    "details": index.article.details.to_dict(),
                    "sentences": index.sentences,
                    "unit_paragraph": index.unit_paragraph.tolist(),
                    "unit_sentence": index.unit_sentence.tolist(),
                }, out, ensure_ascii=False)
            faiss.write_index(index.vectors, str(staging / "vectors.faiss"))
            np.save(staging / "tokens.npy", index.tokens)
            np.save(staging / "unit_tokens.npy",
                    np.bincount(index.token_unit, minlength=len(index.unit_paragraph)).astype(np.int32))
            np.save(staging / "heading_tokens.npy", index.heading_tokens)
            np.save(staging / "heading_lengths.npy", index.heading_lengths)
            index.lexical.save(staging / "bm25")
            manifest = dict(index.manifest, files=_checksums(staging))
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            for path in staging.rglob("*"):
                if path.is_file():
                    with open(path, "rb") as fh:
                        os.fsync(fh.fileno())
            return self._swap_in(staging, self.path(article_id))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _swap_in(self, staging: Path, target: Path) -> Path:
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target

    def load(self, article_id: str, expect: dict, codebook: Codebook) -> ArticleIndex | None:
        """The stored index if it is whole and matches `expect` (model, dim, content_hash, params)
        and was coded with `codebook`."""
        folder = self.path(article_id)
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if (manifest.get("format") != FORMAT or manifest.get("codebook") != codebook.fingerprint
                    or any(manifest.get(k) != v for k, v in expect.items())):
                return None
            if not manifest.get("files") or _checksums(folder) != manifest["files"]:
                return None
            data = json.loads(gzip.decompress((folder / "article.json.gz").read_bytes()).decode("utf-8"))
            vectors = faiss.read_index(str(folder / "vectors.faiss"))
            article = Article(title=data["title"], paragraphs=tuple(data["paragraphs"]),
                              context=tuple(data.get("context") or ()), details=Details.from_dict(data.get("details")))
            unit_paragraph = np.array(data["unit_paragraph"], dtype=np.int32)
            unit_sentence = np.array(data["unit_sentence"], dtype=np.int32)
            lexical = Lexical.load(folder / "bm25", len(article.paragraphs))
            tokens = np.load(folder / "tokens.npy", allow_pickle=False)
            unit_tokens = np.load(folder / "unit_tokens.npy", allow_pickle=False)
            if unit_tokens.shape != unit_paragraph.shape or (unit_tokens < 0).any():
                return None
            token_unit = np.repeat(np.arange(len(unit_tokens), dtype=np.int32), unit_tokens)
            if (vectors.ntotal != len(unit_paragraph) or vectors.d != manifest["dim"]
                    or tokens.shape != (len(token_unit), codebook.slices) or tokens.dtype != np.uint8):
                return None
            heading_tokens = np.load(folder / "heading_tokens.npy", allow_pickle=False)
            heading_lengths = np.load(folder / "heading_lengths.npy", allow_pickle=False)
            if (len(heading_lengths) != len(headings_of(article)) or (heading_lengths < 0).any()
                    or heading_tokens.shape != (int(heading_lengths.sum()), codebook.slices)
                    or heading_tokens.dtype != np.uint8):
                return None
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, EOFError):
            return None
        return ArticleIndex(article, data["sentences"], unit_paragraph, unit_sentence, vectors, lexical,
                            tokens, token_unit, manifest, codebook, heading_tokens, heading_lengths)

    def remove(self, article_id: str) -> bool:
        """Delete an index folder: renamed aside first, so no half-deleted index is ever loaded."""
        target = self.path(article_id)
        aside = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
        try:
            os.replace(target, aside)
        except FileNotFoundError:
            return False
        shutil.rmtree(aside, ignore_errors=True)
        return True

    def index_ids(self) -> list[str]:
        """The names of the folders here that hold an index of ours (a manifest with a content
        hash, or an article file): what a sweep may consider, never a user's own folders."""
        found = []
        try:
            for folder in self.root.iterdir():
                if folder.name.startswith(".") or not folder.is_dir():
                    continue
                if (folder / "article.json.gz").is_file():       # also a damaged one
                    found.append(folder.name)
                    continue
                try:
                    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(manifest, dict) and "content_hash" in manifest:
                    found.append(folder.name)
        except OSError:
            pass
        return sorted(found)

    def sweep_stale(self, older_than_s: float = 3600.0) -> int:
        """Remove every build's leftovers (`.tmp-*`, `.old-*`) older than an hour: a build killed
        before it could sweep its own. Younger ones may belong to a build running now. Returns how
        many were removed; a folder that cannot be written is left as it is."""
        removed = 0
        try:
            leftovers = [p for kind in (".tmp-", ".old-") for p in self.root.glob(kind + "*")]
            for leftover in leftovers:
                if leftover.is_dir() and time.time() - leftover.stat().st_mtime > older_than_s:
                    shutil.rmtree(leftover, ignore_errors=True)
                    removed += not leftover.exists()
        except OSError:
            pass
        return removed

    def sweep(self, article_id: str) -> None:
        """Remove what a killed build of this article left behind (call with its build lock held)."""
        for kind in (".tmp", ".old"):
            prefix = f"{kind}-{article_id}-"
            for leftover in self.root.glob(prefix + "*"):
                if "-" not in leftover.name[len(prefix):]:       # not another id that starts like this one
                    shutil.rmtree(leftover, ignore_errors=True)


__all__ = ["ArticleIndex", "IndexStore", "build", "content_hash", "WINDOW"]
