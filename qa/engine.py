"""The public entry point: one Engine (the model, loaded once) opens Documents you can ask."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

from . import answer as answering
from . import index as indexing
from .embed import Embedder
from .errors import ArticleError, CorruptIndexError, QuestionError
from .ingest import article_from_text, read_article
from .records import Answer, Article
from .lexical import TOKENIZER, tokenize
from .retrieve import Query, Retriever
from .settings import DEFAULT_ARTICLE, Settings

log = logging.getLogger(__name__)
DEFAULT_ID = "default"


def index_params(settings: Settings) -> dict:
    """Build parameters recorded in the manifest: an index built with others is rebuilt."""
    return {"window_tokens": settings.window_tokens, "tokenizer": TOKENIZER}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "article"


class Document:
    """An opened article: its title and paragraphs, and ask()."""

    def __init__(self, article_id: str, index: indexing.ArticleIndex, embedder: Embedder,
                 settings: Settings, path: Path) -> None:
        self.id = article_id
        self.index_path = path
        self._index = index
        self._embedder = embedder
        self._settings = settings
        self._retriever = Retriever(index, settings)

    @property
    def title(self) -> str:
        return self._index.article.title

    @property
    def paragraphs(self) -> list[str]:
        return list(self._index.article.paragraphs)

    def ask(self, question: str, history: list[str] | None = None, top_k: int | None = None,
            method: str = "hybrid") -> Answer:
        """Answer from the article. `history`: earlier questions of the chat, oldest first."""
        question = (question or "").strip()
        if not question:
            raise QuestionError("Please type a question.")
        if len(question) > self._settings.max_question_chars:
            raise QuestionError(f"The question is too long (over {self._settings.max_question_chars} characters).")
        k = max(1, top_k or self._settings.top_k)
        hits = self._retriever.search(self.encode(question), k, method)
        return answering.compose(question, hits, self._index.article.paragraphs, self._index.sentences,
                                 self._settings)

    def encode(self, question: str) -> Query:
        encoded = self._embedder.encode_flat([question])
        return Query(question, encoded.vectors[0], encoded.rows, tokenize([question])[0])


class Engine:
    """Holds the embedding model and the opened documents; safe to share between threads."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or Embedder(batch_tokens=self.settings.batch_tokens,
                                            precision=self.settings.precision,
                                            pack_tokens=self.settings.pack_tokens)
        self.store = indexing.IndexStore(self.settings.index_dir)
        self._open: dict[str, Document] = {}
        self._lock = threading.Lock()
        self._build_locks: dict[str, threading.Lock] = {}

    def open_text(self, text: str, title: str | None = None) -> Document:
        """Every blank-line-separated block is a body paragraph; the title is only the one given."""
        article = article_from_text(text, title)
        return self._open_article("text-" + indexing.content_hash(article)[:16], article)

    def open_file(self, path: str | Path) -> Document:
        """A text file; a first line that looks like a headline becomes the title."""
        path = Path(path)
        article = read_article(path)
        resolved = str(path.resolve())
        if resolved == str(DEFAULT_ARTICLE):
            return self._open_article(DEFAULT_ID, article)
        digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:10]
        return self._open_article(f"{_slug(path.stem)}-{digest}", article)

    def open_default(self) -> Document:
        return self.open_file(DEFAULT_ARTICLE)

    def _expected(self, article: Article) -> dict:
        return {"model": self.embedder.model_id, "dim": self.embedder.dim,
                "content_hash": indexing.content_hash(article),
                "params": index_params(self.settings)}

    def _open_article(self, article_id: str, article: Article) -> Document:
        if not article.paragraphs:
            raise ArticleError("The article is empty: there is no text to ask about.")
        expect = self._expected(article)
        with self._lock:
            doc = self._open.get(article_id)
            if doc is not None and doc._index.manifest["content_hash"] == expect["content_hash"]:
                return doc
            build_lock = self._build_locks.setdefault(article_id, threading.Lock())
        with build_lock:
            index = self.store.load(article_id, expect)
            if index is None:
                log.info("building index %s (%d paragraphs)", article_id, len(article.paragraphs))
                index = indexing.build(article, self.embedder, expect["params"])
                try:
                    self.store.save(article_id, index)
                except OSError as exc:
                    raise CorruptIndexError(
                        f"Could not write the index to {self.store.path(article_id)}: {exc.strerror or exc}."
                    ) from None
            doc = Document(article_id, index, self.embedder, self.settings, self.store.path(article_id))
        with self._lock:
            self._open[article_id] = doc
        return doc
