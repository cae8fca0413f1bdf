"""The public entry point: one Engine (the model, loaded once) opens Documents you can ask."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np
from filelock import FileLock, Timeout

from . import answer as answering
from . import answerability
from . import details as about
from . import followup
from . import index as indexing
from . import language
from .codebook import load_codebook
from .embed import Embedder
from .errors import ArticleError, QuestionError, StorageError
from .extract import check_article, check_size, display_name, extract, read_file
from .ingest import SENTENCES, article_from_text, normalise, own_heading
from .library import Entry, Library, valid_id
from .recent import Recent
from .records import Answer, Article, Byline, Details, Hit
from .lexical import TOKENIZER, tokenize
from .retrieve import Query, Ranker, Ranking, Retriever, ranker_of, token_weights
from .settings import DEFAULT_ARTICLE, Settings
from .threads import limit_numeric_threads

log = logging.getLogger(__name__)
DEFAULT_ID = "default"
UNLISTED = "unlisted"              # index/unlisted/: indexes of texts not in the library (evaluations)
CONTENT_ID_PREFIX = "art-"          # ids of added articles: a hash of their text follows


def index_params(settings: Settings) -> dict:
    """Build parameters recorded in the manifest: an index built with others is rebuilt."""
    return {"window_tokens": settings.window_tokens, "tokenizer": TOKENIZER, "sentences": SENTENCES}


@dataclass(frozen=True)
class Examined:
    """A question searched: its cited hits and the answerability features of the first one."""

    question: str
    hits: list[Hit]
    context: Query | None          # the conversation it was searched with, if any
    context_weight: float
    features: np.ndarray           # the question's own (answerability.FEATURES)
    context_features: np.ndarray | None   # the conversation's, for the same paragraph


@dataclass(frozen=True)
class Searched:
    """A question's query, the conversation it was searched with (and its weight), and the ranking."""

    query: Query
    context: Query | None
    weight: float
    ranking: Ranking


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "article"


class Document:
    """An opened article: its title and paragraphs, and ask()."""

    def __init__(self, article_id: str, index: indexing.ArticleIndex, embedder: Embedder,
                 settings: Settings, path: Path,
                 model: Callable[[], answerability.Model] = answerability.load_model) -> None:
        self.id = article_id
        self._model = model
        self.index_path = path
        self._index = index
        self._embedder = embedder
        self._settings = settings
        self._retriever = Retriever(index, settings)
        self._queries: Recent[str, Query] = Recent(64)     # recent questions, encoded
        self._searched: Recent[tuple, Searched] = Recent(32)   # recent questions searched, with their chat

    @property
    def title(self) -> str:
        return self._index.article.title

    @property
    def paragraphs(self) -> list[str]:
        return list(self._index.article.paragraphs)

    @property
    def details(self) -> Details:
        """Author, date and site, as the file's metadata gives them (details.py)."""
        return self._index.article.details

    @cached_property
    def byline(self) -> Byline | None:
        """The author named at the top of the text ("Author: A. M. Kuchling"), if any (details.py)."""
        return about.byline(self._index.article.paragraphs)

    @cached_property
    def _sections(self) -> list[frozenset[str]]:
        """Each section heading's own words (the last of its trail: "asyncio" of "Improved
        Modules › asyncio"), as BM25 reads them; a question holding all of one names it."""
        own = tokenize([own_heading(trail) for trail in indexing.headings_of(self._index.article)])
        return [frozenset(words) for words in own if words]

    @cached_property
    def english(self) -> bool:
        """Is the article in English (language.py)? The models know English only: an answer
        from an article in another language is never shown as a plain answer."""
        return language.english_probability(self._index.article.paragraphs) >= self._settings.english_floor

    def ask(self, question: str, history: list[str] | None = None, top_k: int | None = None,
            ranker: Ranker | str = Ranker.HYBRID) -> Answer:
        """Answer from the article. `history`: earlier questions of the chat, oldest first; a
        question that leans on them is searched together with them (see followup.py). The
        answer carries the calibrated probability that the article answers, and its level.
        A question for the article's author, date or site that the file's details give is
        answered from them, with no paragraph cited (for its author, failing those, by a byline at
        the top of the text, cited); one asking what the article is about, by its opening
        paragraph (details.py)."""
        question = self._check(question)
        kind = about.asked_about(question, in_chat=bool(history))
        if kind == "topic":                       # "What is this article about?": its opening
            return answering.overview(question, self._index.article, self._index.sentences)
        told = about.reply(self.details, kind)
        if told is not None:
            return answering.from_metadata(question, told)
        if kind == "author" and self.byline is not None:   # the metadata names nobody; the text does
            return answering.from_byline(question, self._index.article, self.byline, self._cited(top_k))
        found = self._examine(question, history, top_k, ranker)
        model = self._model()
        own = model.probability(found.features)
        verdict = model.verdict(own)
        if found.context_features is not None:
            # A follow-up's own words match weakly by nature ("How long is it?"): the mix of its
            # own and the conversation's probability may lift it, never lower it; a follow-up
            # kept from being declined only by the chat is shown hedged, not as a plain answer.
            w = found.context_weight * self._settings.followup_lift
            lifted = max(own, (own + w * model.probability(found.context_features)) / (1 + w))
            verdict = model.verdict(lifted)
            if verdict.level is answerability.Level.ANSWERED and model.level(own) is answerability.Level.DECLINED:
                verdict = answerability.Verdict(lifted, answerability.Level.CLOSEST)
        if verdict.level is answerability.Level.ANSWERED and not self.english:
            verdict = answerability.Verdict(verdict.probability, answerability.Level.CLOSEST)
        if kind == "author":            # who wrote the document, which its metadata and byline do not say:
            writer = self._names_a_writer(found.hits)     # the evidence says who wrote something, or not
            if (verdict.level is answerability.Level.DECLINED and writer) or \
                    (verdict.level is answerability.Level.ANSWERED and not writer):
                verdict = answerability.Verdict(verdict.probability, answerability.Level.CLOSEST)
        answer = answering.compose(found.question, found.hits, self._index.article, self._index.sentences,
                                   self._settings, verdict, found.context_weight)
        return replace(answer, context=found.context.text if found.context is not None else "",
                       context_weight=found.context_weight)

    def _cited(self, top_k: int | None) -> int:
        """How many paragraphs an answer cites: the caller's top_k, else the setting's."""
        return max(1, top_k or self._settings.top_k)

    def _names_a_writer(self, hits: list[Hit]) -> bool:
        """Does the first hit's best sentence say who wrote something (details.names_a_writer)?"""
        if not hits or not hits[0].sentence_order:
            return False
        return about.names_a_writer(self._index.sentences[hits[0].index][hits[0].sentence_order[0]])

    def examine(self, question: str, history: list[str] | None = None, top_k: int | None = None,
                ranker: Ranker | str = Ranker.HYBRID) -> Examined:
        """Everything `ask` decides from: the ranked paragraphs and the answerability features
        of the first one (for the question, and for the conversation it was searched with)."""
        return self._examine(self._check(question), history, top_k, ranker)

    def _examine(self, question: str, history: list[str] | None, top_k: int | None,
                 ranker: Ranker | str) -> Examined:
        """examine, for a question already checked (ask checks it first, to see what it asks)."""
        limit_numeric_threads()                           # this thread's (a session's) own OpenMP limit
        k = self._cited(top_k)
        history = [h for h in (normalise(h or "") for h in history or []) if h]
        searched = self._rank(question, history, ranker_of(ranker))
        query, context, ranking = searched.query, searched.context, searched.ranking
        hits = self._retriever.hits(query, ranking, k)
        evidence = hits[0].sentence_order[0] if hits[0].sentence_order else 0
        own = answerability.features(self._retriever, query, ranking, evidence)
        theirs = None
        if context is not None:
            context_late = self._retriever.late_interaction(context, ranking.paragraphs[:1])
            theirs = answerability.features(self._retriever, context,
                                            replace(ranking, late=context_late, first=ranking.context_first), evidence)
        return Examined(question, hits, context, searched.weight, own, theirs)

    def _rank(self, question: str, history: list[str], ranker: Ranker) -> Searched:
        """The question searched, with the chat when it leans on it (context). Kept by question
        and history, so the next turn finds which paragraph this one cited first (_read)."""
        key = (question, tuple(history), ranker)
        searched = self._searched.get(key)
        if searched is None:
            query = self.encode(question)
            context, weight = self.context(question, query, history)
            if context is None and history:          # searched alone: as without a chat (_decided keeps it)
                return self._rank(question, [], ranker)
            read = self._read(history) if context is not None and self._settings.followup_read_bonus else None
            searched = Searched(query, context, weight, self._retriever.rank(query, ranker, context, weight, read))
            self._searched.put(key, searched)
        return searched

    def _read(self, history: list[str]) -> int | None:
        """The paragraph the chat's last answer cited first: its question searched again as it was
        asked (with the questions before it), which the app has just done, so it is kept."""
        if not history:
            return None
        return self._rank(history[-1], history[:-1], Ranker.HYBRID).ranking.top

    def context(self, question: str, query: Query, history: list[str]) -> tuple[Query | None, float]:
        """The conversation `question` is searched with, and its weight (followup.weight): the
        previous question, itself with its own context, looking back at most three turns."""
        if not history:
            return None, 0.0
        s = self._settings
        held = dict(zip(query.terms, self._index.lexical.document_frequency(query.terms) > 0))
        named = [t for terms in tokenize(followup.names(question)) for t in terms]   # among query.terms
        terms = set(query.terms)
        sig = followup.signals(question, query.terms, sum(held[t] for t in query.terms),
                               defined=bool(self._retriever.defining(query)),
                               unknown_name=not all(held.get(t, False) for t in named),
                               names_section=any(section <= terms for section in self._sections))
        weight = followup.weight(sig, s.followup_weight_bare, s.followup_weight_terse, s.followup_weight_short,
                                 s.followup_weight_long, s.followup_elliptic_terms)
        if weight <= 0 or (sig.content_terms > 2 and self._decided(query)):
            return None, 0.0
        previous = history[-1]
        earlier, _ = self.context(previous, self.encode(previous), history[-3:-1])
        text = followup.joined(earlier.text, previous) if earlier is not None else previous
        return self.encode(text), weight

    def _decided(self, query: Query) -> bool:
        """Do the question's own words pick one paragraph: its first two, searched alone, more
        than Settings.followup_long_margin apart? A follow-up that says much itself leans on the
        chat only when they do not."""
        scores = self._rank(query.text, [], Ranker.HYBRID).ranking.scores   # kept: examine searches it alone
        return len(scores) < 2 or float(scores[0] - scores[1]) >= self._settings.followup_long_margin

    def encode(self, question: str) -> Query:
        cached = self._queries.get(question)
        if cached is not None:
            return cached
        encoded, words, word_of = self._embedder.encode_question(question)
        word_of = word_of[:len(encoded.rows)]
        idf = self._index.lexical.word_idf(words)
        weights = token_weights(idf, word_of, self._settings.late_function_word_share)
        query = Query(question, encoded.vectors[0], encoded.rows, tokenize([question])[0], words, word_of, weights, idf)
        self._queries.put(question, query)
        return query

    def _check(self, question: str) -> str:
        question = normalise(question or "")
        if not question:
            raise QuestionError("Please type a question.")
        if len(question) > self._settings.max_question_chars:
            raise QuestionError(f"The question is too long (over {self._settings.max_question_chars} characters).")
        return question


Progress = Callable[[str, float], None]      # (what is happening, fraction done 0..1)


def article_id_for(article: Article) -> str:
    """Added articles are named by their body text: the same content is the same article,
    whatever the file was called or however it came."""
    body = json.dumps([list(article.paragraphs), list(article.context)], ensure_ascii=False)
    return CONTENT_ID_PREFIX + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


class Engine:
    """Holds the embedding model, the library and the opened documents; safe to share between
    threads, and processes may share its index folder (builds take a file lock per article)."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self.store = indexing.IndexStore(self.settings.index_dir)
        # Evaluations index texts they do not add to the library: their indexes are a cache
        # kept apart, so that an index folder at the top with no library record is an orphan.
        self.unlisted = indexing.IndexStore(self.settings.index_dir / UNLISTED)
        self.library = Library(self.settings.index_dir)
        self.store.sweep_stale()            # what builds killed long ago left behind
        self.unlisted.sweep_stale()
        self._sweep_orphans()
        self._open: dict[str, Document] = {}
        self._lock = threading.Lock()
        self._build_locks: dict[str, threading.Lock] = {}
        self._adding: dict[str, int] = {}   # adds of each article under way, in this process
        self._default_entry: Entry | None = None

    @property
    def embedder(self) -> Embedder:
        """The model, loaded on first use (listing or removing articles does not need it)."""
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder(batch_tokens=self.settings.batch_tokens,
                                          precision=self.settings.precision,
                                          pack_tokens=self.settings.pack_tokens,
                                          runtime=self.settings.runtime)
            return self._embedder

    # --- adding and opening -----------------------------------------------------------------
    def open_text(self, text: str, title: str | None = None, progress: Progress | None = None,
                  listed: bool = True) -> Document:
        """Pasted text: every blank-line-separated block is a paragraph; the title is only the one
        given. `listed=False` indexes it without adding it to the library (evaluations do)."""
        check_size(len((text or "").encode("utf-8", "replace")), "The text")
        article = check_article(article_from_text(text, title), "The text")
        if not listed:
            return self._open_article(article_id_for(article), article, progress, store=self.unlisted)
        return self._add(article, "pasted", progress)

    def open_upload(self, name: str, data: bytes, progress: Progress | None = None,
                    listed: bool = True) -> Document:
        """An uploaded file (.txt, .md, .html/.htm, .pdf, .docx, by its name); stored under a safe
        id. `listed=False` as for open_text."""
        article = extract(name, data)
        if not listed:
            return self._open_article(article_id_for(article), article, progress, store=self.unlisted)
        return self._add(article, f"uploaded {display_name(name) or 'file'}", progress)

    def open_file(self, path: str | Path, progress: Progress | None = None) -> Document:
        """A file on disk, any supported format. Its id follows its path, so an edited file
        updates its article."""
        path = Path(path)
        article = read_file(path)
        resolved = str(path.resolve())
        if resolved == str(DEFAULT_ARTICLE):
            return self._open_article(DEFAULT_ID, article, progress)
        digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:10]
        article_id = f"{_slug(path.stem)}-{digest}"
        self.library.put(article_id, article, f"file {resolved}")
        return self._open_article(article_id, article, progress)

    def open_default(self, progress: Progress | None = None) -> Document:
        return self.open_file(DEFAULT_ARTICLE, progress)

    def open_id(self, article_id: str, progress: Progress | None = None) -> Document:
        """An article of the library (or "default"); its index is rebuilt from the stored text if damaged."""
        if article_id == DEFAULT_ID:
            return self.open_default()
        if article_id.startswith(CONTENT_ID_PREFIX):
            with self._lock:                 # named by its text: if it is open, it is current
                doc = self._open.get(article_id)
            if doc is not None and self.library.has(article_id):
                return doc
        article = self.library.get(article_id) if valid_id(article_id) else None
        if article is None:
            raise ArticleError(f"There is no article {article_id!r} in the library (see `qa list`).")
        return self._open_article(article_id, article, progress)

    # --- the library ------------------------------------------------------------------------
    def articles(self) -> list[Entry]:
        """The bundled article first, then the library, oldest first."""
        if self._default_entry is None:
            default = read_file(DEFAULT_ARTICLE)
            self._default_entry = Entry(DEFAULT_ID, default.title, len(default.paragraphs), "bundled", 0.0)
        return [self._default_entry] + self.library.entries()

    def remove(self, article_id: str) -> None:
        """Remove an added article and its index."""
        if article_id == DEFAULT_ID:
            raise ArticleError("The bundled article cannot be removed.")
        if not valid_id(article_id):
            raise ArticleError(f"There is no article {article_id!r} in the library.")
        with self._build_lock(article_id), self._file_lock(article_id):
            had_text = self.library.remove(article_id)
            try:
                had_index = self.store.remove(article_id)
            except OSError as exc:
                raise StorageError(f"The index cannot be removed ({exc.strerror or exc}).") from None
            with self._lock:
                self._open.pop(article_id, None)
        if not (had_text or had_index):
            raise ArticleError(f"There is no article {article_id!r} in the library.")

    # --- internals --------------------------------------------------------------------------
    def _add(self, article: Article, source: str, progress: Progress | None) -> Document:
        article_id = article_id_for(article)
        with self._lock:
            self._adding[article_id] = self._adding.get(article_id, 0) + 1
        try:
            return self._add_once(article_id, article, source, progress)
        finally:
            with self._lock:
                self._adding[article_id] -= 1
                if not self._adding[article_id]:
                    del self._adding[article_id]

    def _add_once(self, article_id: str, article: Article, source: str, progress: Progress | None) -> Document:
        try:
            stored = self.library.get(article_id)
        except ArticleError:                 # a damaged copy of this very text: replace it
            stored = None
        if stored is not None and (stored.details == article.details or not article.details.to_dict()):
            return self._open_article(article_id, stored, progress)
        # new, or the same text now with details its stored copy lacks (added before they were read)
        self.library.put(article_id, article, source)
        try:
            return self._open_article(article_id, article, progress)
        except BaseException:
            # A failed add (a full disk, a stopped build) leaves no record, unless another add of
            # the same text is under way: it found this record and returns the article (the app
            # adds a file again when a question stops the run that was adding it)
            with self._lock:             # held while removing: no other add starts in between
                if stored is None and self._adding[article_id] == 1:
                    self.library.remove(article_id)
            raise

    def _expected(self, article: Article) -> dict:
        return {"model": self.embedder.model_id, "dim": self.embedder.dim,
                "content_hash": indexing.content_hash(article),
                "params": index_params(self.settings)}

    def _build_lock(self, article_id: str) -> threading.Lock:
        with self._lock:
            return self._build_locks.setdefault(article_id, threading.Lock())

    def _file_lock(self, article_id: str) -> FileLock:
        """Serialises builds of one article across processes sharing the index folder. Where the
        index folder cannot hold the locks (read-only, or `.locks` is a file), they are kept in
        the system's temporary folder, under a name drawn from the index folder's path."""
        folder = self.store.root / ".locks"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise NotADirectoryError(str(folder))
        except OSError:
            where = hashlib.sha256(str(self.store.root.resolve()).encode("utf-8", "replace")).hexdigest()[:16]
            folder = Path(tempfile.gettempdir()) / "qa-locks" / where
            folder.mkdir(parents=True, exist_ok=True)
        return FileLock(str(folder / f"{article_id}.lock"))

    def _sweep_orphans(self) -> None:
        """Remove index folders whose library record is gone (deleted by hand, or a crash between
        removing the record and the index). Only folders holding one of our indexes are
        touched, never other files under a user's index folder, and never one whose build lock
        is held by someone else."""
        keep = {DEFAULT_ID} | self.library.ids()
        for article_id in set(self.store.index_ids()) - keep:
            try:
                with self._file_lock(article_id).acquire(timeout=0):
                    if not self.library.has(article_id):
                        self.store.remove(article_id)
                        log.info("removed orphaned index %s", article_id)
            except (Timeout, OSError):
                continue

    def _open_article(self, article_id: str, article: Article, progress: Progress | None = None,
                      store: indexing.IndexStore | None = None) -> Document:
        if not article.paragraphs:
            raise ArticleError("The article is empty: there is no text to ask about.")
        expect = self._expected(article)
        with self._lock:
            doc = self._open.get(article_id)
            if doc is not None and doc._index.manifest["content_hash"] == expect["content_hash"]:
                return doc
        store = store or self.store
        with self._build_lock(article_id), self._file_lock(article_id):
            store.sweep(article_id)
            codebook = load_codebook()
            index = store.load(article_id, expect, codebook)
            if index is None:
                log.info("building index %s (%d paragraphs)", article_id, len(article.paragraphs))
                report = (lambda done, total: progress(f"Embedding {total:,} sentences", done / max(total, 1))) \
                    if progress else None
                index = indexing.build(article, self.embedder, expect["params"], codebook, progress=report)
                if progress:
                    progress("Saving the index", 1.0)
                try:
                    store.save(article_id, index)
                except OSError as exc:      # a read-only or full disk: served from memory, built again next time
                    log.warning("index %s kept in memory only: %s", article_id, exc.strerror or exc)
            doc = Document(article_id, index, self.embedder, self.settings, store.path(article_id))
        with self._lock:
            self._open[article_id] = doc
        return doc
