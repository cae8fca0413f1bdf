"""Fit the token codebook (`qa fit-codebook`): product quantisation centroids for the
contextual word-piece vectors that late interaction reads (codebook.py).

The vectors come from texts kept apart from the SQuAD files that retrieval is measured on, so
every SQuAD figure stays out of sample for the codebook: by default the web pages of the
extraction evaluation (tests/data/extract/html, news, blogs, docs; the Wikipedia page left
out) and the articles of the conversation sets written for the project. Each text's
sentences go through the same model pass as an index build.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from .codebook import Codebook
from .embed import Embedder
from .errors import QAError
from .extract import extract
from .extract_eval import is_page, read_stored
from .ingest import split_sentences
from .records import Article

_TESTS = Path(__file__).resolve().parent.parent / "tests" / "data"      # in a checkout
SOURCES = (_TESTS / "extract" / "html", _TESTS / "conversations-extra.json", _TESTS / "conversations-heldout.json")
LEFT_OUT = ("wikipedia",)       # the one Wikipedia page: SQuAD's articles are Wikipedia's


def articles(path: Path) -> list[Article]:
    """A folder of reference page folders (their source.html), or a conversations JSON file."""
    path = Path(path)
    if path.is_dir():
        pages = sorted(p for p in path.iterdir() if is_page(p) and p.name not in LEFT_OUT)
        if not pages:
            raise QAError(f"No page folders (source.html) under {path}.")
        return [extract("source.html", read_stored(p / "source.html")) for p in pages]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Article(title=a.get("title", ""), paragraphs=tuple(a["paragraphs"])) for a in data["articles"]]
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except (ValueError, KeyError, TypeError):
        raise QAError(f"{path} is neither a folder of pages nor a conversations file.") from None


def token_vectors(embedder: Embedder, texts: list[Article]) -> np.ndarray:
    """Every sentence's contextual word-piece vectors (float16 rows), as an index build makes them."""
    sentences = [s for article in texts for p in article.paragraphs for s in split_sentences(p)]
    return embedder.encode_flat(sentences, rows_dtype=np.float16).rows


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(_TESTS.parent.parent).as_posix()
    except ValueError:
        return str(path)


def fit(embedder: Embedder, paths: list[Path], slices: int = 96) -> Codebook:
    texts = [a for path in paths for a in articles(path)]
    vectors = token_vectors(embedder, texts)
    about = {"fitted": date.today().isoformat(), "model": embedder.model_id, "sources": [_shown(p) for p in paths],
             "left_out": list(LEFT_OUT), "texts": len(texts)}
    return Codebook.train(vectors, slices=slices, about=about)


__all__ = ["SOURCES", "articles", "fit", "token_vectors"]
