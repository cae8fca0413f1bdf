"""Rank an article's paragraphs for a question, and each cited paragraph's sentences.

The shipped method ("hybrid") has two stages:
1. Candidates (the best `rerank_depth`): dense + lexical. Dense is a paragraph's best whole-paragraph/window cosine mixed
   with its best sentence cosine (the second lets one answering sentence carry a long
   paragraph); lexical is BM25 divided by the article's best BM25 for the question.
2. Rerank: late interaction (ColBERT-style MaxSim) over the model's own contextual token
   vectors — for each question token, its best match among the paragraph's tokens, averaged
   with a weight per question word by its rarity in the article (token_weights), and mixed
   with the same score of the paragraph's best sentence — plus small shares of the dense and
   lexical scores. It sees every word of every sentence,
   so it catches a single answering phrase that pooled vectors blur.
"dense" and "bm25" are the single signals (a `Ranker`), kept for the evaluation's side-by-side table.
Both stages are written once and applied alike to the question and to the conversation a
follow-up is searched with. Whether the first paragraph answers is decided by answerability.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from . import definition
from .index import WINDOW, ArticleIndex
from .recent import Recent
from .records import Hit
from .settings import Settings

_MISSING = -2.0          # below any cosine
DECODED_KEPT = 32        # paragraphs whose decoded token vectors are kept for the ask's next steps
DECODED_KEPT_ROWS = 20_000   # ...when an ask decoded at most this many rows (30 MB) in one go


class Ranker(str, Enum):
    """How paragraphs are ranked: the shipped two-stage method, or one signal alone (for the
    evaluation's side-by-side table)."""

    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


METHODS = tuple(r.value for r in Ranker)


def ranker_of(value: "Ranker | str") -> Ranker:
    try:
        return Ranker(value)
    except ValueError:
        raise ValueError(f"unknown retriever {value!r}; choose one of {', '.join(METHODS)}") from None


@dataclass(frozen=True)
class Query:
    text: str
    vector: np.ndarray           # pooled, unit length
    tokens: np.ndarray           # contextual token vectors, unit length rows
    terms: list[str]             # lexical terms (stemmed, stopwords dropped), tokenized once
    words: tuple[str, ...] = ()  # the word each row of `tokens` belongs to (lower-cased)
    word_of: np.ndarray | None = None   # int per row of `tokens`: index into `words`
    weights: np.ndarray | None = None   # per row of `tokens`, summing to 1: its share of late
                                        # interaction (token_weights); None: an equal share each
    idf: np.ndarray | None = None       # per word of `words`: its rarity in the article (NaN: a
                                        # function word), Lexical.word_idf, looked up once an ask


def token_weights(idf: np.ndarray, word_of: np.ndarray, function_share: float) -> np.ndarray:
    """Each word piece's share of late interaction: every word gets a share by its rarity in the
    article (`idf`, NaN for a function word, which gets `function_share` x the content words'
    mean), split evenly among its pieces. Averaged over pieces, a name the tokenizer cuts in three
    ("Kel", "##der", "##by") counted three times, and the article's own subject, found in most
    paragraphs, outweighed the date or number that tells them apart."""
    content = ~np.isnan(idf)
    base = float(idf[content].mean()) if content.any() else 1.0
    per_word = np.maximum(np.where(content, idf, function_share * base), 1e-6)
    pieces = np.bincount(word_of, minlength=len(idf))
    per_piece = per_word[word_of] / pieces[word_of]
    return per_piece / per_piece.sum()


@dataclass(frozen=True)
class FirstStage:
    """One query's first-stage scores of every paragraph."""

    dense: np.ndarray
    lexical: np.ndarray          # BM25 / the article's best BM25 for the query
    bm25: np.ndarray             # raw BM25


@dataclass(frozen=True)
class Ranking:
    """Paragraphs best first, their scores, and the question's own late-interaction score of
    each (for hybrid: every listed paragraph; for the single signals: the first one only)."""

    paragraphs: np.ndarray
    scores: np.ndarray
    late: np.ndarray
    ranker: Ranker
    first: FirstStage                    # the question's first-stage scores of every paragraph
    context_first: FirstStage | None = None   # the conversation's, when it was searched with one
    defined: Mapping[int, list[int]] = field(default_factory=dict)   # paragraph -> its sentences that
                                                                    # define what the question asks about

    @property
    def top(self) -> int:
        return int(self.paragraphs[0])


class Retriever:
    def __init__(self, index: ArticleIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.n = index.size
        self.is_sentence = index.unit_sentence != WINDOW
        self.matrix = index.vectors.reconstruct_n(0, index.vectors.ntotal)
        # Units are stored paragraph by paragraph, and every paragraph has at least one sentence
        # unit and one window unit: segment starts let one reduceat pool them per paragraph.
        self._sentence_units_flat = np.flatnonzero(self.is_sentence)
        self._window_units = np.flatnonzero(~self.is_sentence)
        self._sentence_starts = np.searchsorted(index.unit_paragraph[self._sentence_units_flat], np.arange(self.n + 1))
        self._window_starts = np.searchsorted(index.unit_paragraph[self._window_units], np.arange(self.n))
        # Token rows are grouped by paragraph (units are stored paragraph by paragraph).
        token_paragraph = index.unit_paragraph[index.token_unit]
        self._token_start = np.searchsorted(token_paragraph, np.arange(self.n + 1)).astype(np.int64)
        self._tokens = index.tokens        # PQ codes: only an ask's candidate rows are decoded
        self._decode = index.codebook.decode
        self._token_sentence = index.unit_sentence[index.token_unit]
        self._decoded_kept: Recent[int, np.ndarray] = Recent(DECODED_KEPT)
        # Each paragraph's section heading trail (-1: none), and where each heading's rows start.
        use = settings.late_headings > 0 and index.heading_tokens is not None
        heading_id = {h: k for k, h in enumerate(index.headings)} if use else {}
        self._heading_of = np.array([heading_id.get(c, -1) for c in index.article.context] if heading_id
                                    else [-1] * self.n, dtype=np.int64)
        self._heading_start = np.concatenate([[0], np.cumsum(index.heading_lengths)]).astype(np.int64) \
            if heading_id else None
        self._decoded_headings: Recent[int, np.ndarray] = Recent(DECODED_KEPT)
        # A "What is X?" question's defining sentences: a follow-up's context check and its rank
        # both ask, and on a 16,000-paragraph page finding them takes some 2 ms.
        self._defined: Recent[str, dict[int, list[int]]] = Recent(DECODED_KEPT)

    def _paragraph_rows(self, paragraph: int) -> np.ndarray:
        """A paragraph's token vectors, decoded. An ask's evidence and answerability steps read
        paragraphs its rerank has just decoded: the last DECODED_KEPT are kept, not decoded again."""
        rows = self._decoded_kept.get(paragraph)
        if rows is not None:
            return rows
        rows = self._decode(self._tokens[self._token_start[paragraph]:self._token_start[paragraph + 1]])
        self._keep({paragraph: rows})
        return rows

    def _heading_rows(self, heading: int) -> np.ndarray:
        rows = self._decoded_headings.get(heading)
        if rows is None:
            rows = self._decode(self.index.heading_tokens[self._heading_start[heading]:self._heading_start[heading + 1]])
            self._decoded_headings.put(heading, rows)
        return rows

    def _heading_similarities(self, query: Query, heading: int) -> np.ndarray:
        """Cosine of every question word piece with every word piece of a heading trail, x
        late_headings: the one scale late interaction and answerability both read."""
        return self.settings.late_headings * (query.tokens @ self._heading_rows(heading).T)

    def _with_headings(self, query: Query, paragraphs: list[int], best: np.ndarray) -> np.ndarray:
        """`best` (question tokens x columns: each token's MaxSim in a paragraph, or in one of its
        sentences; `paragraphs`: each column's paragraph), raised
        where the paragraph's section heading matches a question token better: the heading
        names what the paragraphs under it are about ("emitter.removeAllListeners([eventName])"
        above "Removes all listeners, or those of the specified eventName.")."""
        headings = self._heading_of[paragraphs]
        for heading in np.unique(headings[headings >= 0]):
            sims = self._heading_similarities(query, int(heading))
            if sims.size:
                columns = np.flatnonzero(headings == heading)
                best[:, columns] = np.maximum(best[:, columns], sims.max(axis=1)[:, None])
        return best

    def _keep(self, decoded: dict[int, np.ndarray]) -> None:
        if sum(len(rows) for rows in decoded.values()) > DECODED_KEPT_ROWS:
            return                                   # a huge paragraph's rows are not held on to
        for paragraph, rows in decoded.items():
            self._decoded_kept.put(paragraph, rows)

    # --- single signals -------------------------------------------------------------------
    def dense_scores(self, query: Query) -> np.ndarray:
        """Per paragraph: (1 - w) * best window cosine + w * best sentence cosine.

        The article's flat index is scored in full (one matrix-vector product over the FAISS
        index's own vectors: what IndexFlatIP.search does, minus its top-k heap, which cost more
        than the product here), then pooled per paragraph with segment maxima.
        """
        cos = self.matrix @ query.vector
        whole = np.maximum.reduceat(cos[self._window_units], self._window_starts)
        best_sentence = np.maximum.reduceat(cos[self._sentence_units_flat], self._sentence_starts[:-1])
        w = self.settings.sentence_weight
        return (1 - w) * whole + w * best_sentence

    @staticmethod
    def _relative(scores: np.ndarray) -> np.ndarray:
        top = scores.max(initial=0.0)
        return scores / top if top > 0 else scores

    def late_interaction(self, query: Query, paragraphs: np.ndarray) -> np.ndarray:
        """MaxSim of the question's tokens against each given paragraph's tokens, averaged with
        the query's weights (token_weights), mixed with the same score of its best sentence
        (Settings.late_sentence_share): the question's words all matched in one sentence count
        for more than the same words spread over a paragraph, as in a news story's lead, which
        names everything the story goes on to tell."""
        starts, ends = self._token_start[paragraphs], self._token_start[paragraphs + 1]
        lengths = ends - starts
        out = np.zeros(len(paragraphs), dtype=np.float32)
        has = lengths > 0
        if not has.any() or len(query.tokens) == 0:
            return out
        chosen = [int(p) for p in paragraphs[has]]
        kept = {p: self._decoded_kept.get(p) for p in chosen}       # a follow-up's second rerank, the
        missing = [p for p in chosen if kept[p] is None]           # conversation's: decoded already
        if missing:
            rows = np.concatenate([np.arange(self._token_start[p], self._token_start[p + 1]) for p in missing])
            decoded = self._decode(self._tokens[rows])
            bounds = np.cumsum([0] + [self._token_start[p + 1] - self._token_start[p] for p in missing])
            fresh = {p: decoded[a:b] for p, a, b in zip(missing, bounds[:-1], bounds[1:])}
            self._keep(fresh)
            kept.update(fresh)
        if len(missing) == len(chosen):
            sims = query.tokens @ decoded.T                                           # (question tokens, rows)
        else:
            sims = np.concatenate([query.tokens @ kept[p].T for p in chosen], axis=1)
        # Each sentence's columns, paragraph by paragraph (a sentence id restarts in each paragraph).
        sentence = np.concatenate([self._token_sentence[self._token_start[p]:self._token_start[p + 1]] for p in chosen])
        paragraph_start = np.zeros(len(sentence), dtype=bool)
        paragraph_start[np.concatenate([[0], np.cumsum(lengths[has])[:-1]])] = True
        sentence_start = np.flatnonzero(paragraph_start | np.r_[True, sentence[1:] != sentence[:-1]])
        per_sentence = np.maximum.reduceat(sims, sentence_start, axis=1)     # (question tokens, sentences)
        first_sentence = np.flatnonzero(paragraph_start[sentence_start])   # each paragraph's first sentence column
        of_sentence = np.repeat(np.arange(len(chosen)), np.diff(np.r_[first_sentence, len(sentence_start)]))
        per_sentence = self._with_headings(query, [chosen[i] for i in of_sentence], per_sentence)
        best = np.maximum.reduceat(per_sentence, first_sentence, axis=1)  # (question tokens, paragraphs)

        def pooled(matrix: np.ndarray) -> np.ndarray:
            return matrix.mean(axis=0) if query.weights is None else query.weights @ matrix

        share = self.settings.late_sentence_share
        out[has] = (1 - share) * pooled(best) + share * np.maximum.reduceat(pooled(per_sentence), first_sentence)
        return out

    # --- ranking --------------------------------------------------------------------------
    def first_stage(self, query: Query) -> FirstStage:
        """Every paragraph's dense and (max-normalised) lexical score for one query."""
        bm25 = self.index.lexical.scores(query.terms)
        return FirstStage(self.dense_scores(query), self._relative(bm25), bm25)

    def candidate_scores(self, first: FirstStage) -> np.ndarray:
        return first.dense + self.settings.lexical_weight * first.lexical

    def rerank_scores(self, query: Query, first: FirstStage, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Late interaction of the candidates plus small shares of their first-stage scores;
        returns (rerank score, late interaction) per candidate."""
        s = self.settings
        late = self.late_interaction(query, candidates)
        return late + s.rerank_dense_weight * first.dense[candidates] + s.rerank_lexical_weight * first.lexical[candidates], late

    def rank(self, query: Query, ranker: Ranker = Ranker.HYBRID, context: Query | None = None,
             context_weight: float = 0.0, read: int | None = None) -> Ranking:
        """Paragraphs best first (the reranked candidates for hybrid, every paragraph otherwise).

        `context` (hybrid only): the conversation so far, as a query. The same two stages score
        it, and each of its stage scores is added with `context_weight` to the question's: among
        paragraphs that fit the question, the one the conversation is about wins (a follow-up's
        own words rarely name what it is about). `read`: the paragraph the chat's last answer
        cited first; with a context, it and the one after it are ordered as if their scores were
        Settings.followup_read_bonus higher (a follow-up is most often about what was just read,
        or what comes next), their scores unchanged: a follow-up's scores stay the mean of its
        own and the chat's, and answerability reads how well the paragraph matches, not where
        the reader is."""
        ranker = ranker_of(ranker)
        first = self.first_stage(query)
        if ranker is not Ranker.HYBRID:
            scores = first.dense if ranker is Ranker.DENSE else first.bm25
            order = np.argsort(-scores, kind="stable")
            return Ranking(order, scores[order].astype(np.float32), self.late_interaction(query, order[:1]), ranker,
                           first)
        mixed = context is not None and context_weight > 0
        context_first = None
        candidate = self.candidate_scores(first)
        if mixed:
            context_first = self.first_stage(context)
            candidate = candidate + context_weight * self.candidate_scores(context_first)
        depth = min(self.settings.rerank_depth, self.n)
        candidates = np.argpartition(-candidate, depth - 1)[:depth] if depth < self.n else np.arange(self.n)
        # The best paragraph by its words goes on too: a short one ("The MIT License") has a weak
        # dense vector, and the combined score can leave it out though the rerank would pick it
        extra = min(self.settings.rerank_lexical_depth, self.n)
        if extra and depth < self.n:
            by_words = np.argpartition(-first.bm25, extra - 1)[:extra]
            candidates = np.union1d(candidates, by_words[first.bm25[by_words] > 0])
        defined = self.defining(query, first)
        if defined:
            candidates = np.union1d(candidates, list(defined))
        score, late = self.rerank_scores(query, first, candidates)
        if defined:
            score = score + self.settings.definition_bonus * np.isin(candidates, list(defined))
        if mixed:
            context_score, _ = self.rerank_scores(context, context_first, candidates)
            score = score + context_weight * context_score
        order_by = score
        if mixed and read is not None:      # orders only: the scores (shown, and read by answerability) stay
            order_by = score + self.settings.followup_read_bonus * np.isin(candidates, (read, read + 1))
        by_score = np.argsort(-order_by, kind="stable")
        return Ranking(candidates[by_score], score[by_score].astype(np.float32), late[by_score], ranker, first,
                       context_first, defined)

    def defining(self, query: Query, first: FirstStage | None = None) -> dict[int, list[int]]:
        """For a "What is X?" question: the paragraphs (among those that hold X's words) with a
        sentence defining X, and those sentences (definition.py). Empty for any other question."""
        x = definition.subject(query.text) if self.settings.definition_bonus > 0 else None
        if x is None:
            return {}
        known = self._defined.get(query.text)
        if known is not None:
            return known
        bm25 = first.bm25 if first is not None else self.index.lexical.scores(query.terms)
        defined: dict[int, list[int]] = {}
        for term in filter(None, (x, definition.head(x))):     # "What is a pad in curses?": "A pad is …"
            pattern = definition.pattern(term)
            found = {int(p): definition.defining(self.index.sentences[p], pattern) for p in np.flatnonzero(bm25 > 0)}
            defined = {p: sentences for p, sentences in found.items() if sentences}
            if defined:
                break
        self._defined.put(query.text, defined)
        return defined

    def sentence_scores(self, query: Query, paragraph: int) -> np.ndarray:
        """Evidence score of each sentence of a paragraph: its cosine to the question (a sentence
        cut in pieces: its best piece) plus its own late-interaction score."""
        units = self._sentence_units_flat[self._sentence_starts[paragraph]:self._sentence_starts[paragraph + 1]]
        cos = self.matrix[units] @ query.vector
        out = np.full(len(self.index.sentences[paragraph]), _MISSING, dtype=np.float32)
        np.maximum.at(out, self.index.unit_sentence[units], cos)
        start, end = self._token_start[paragraph], self._token_start[paragraph + 1]
        if end > start and len(query.tokens):
            sentence_of_row = self._token_sentence[start:end]
            bounds = np.flatnonzero(np.r_[True, sentence_of_row[1:] != sentence_of_row[:-1]])
            sims = query.tokens @ self._paragraph_rows(paragraph).T
            late = np.maximum.reduceat(sims, bounds, axis=1).mean(axis=0)
            out[sentence_of_row[bounds]] += self.settings.evidence_late_weight * late
        return out

    def hits(self, query: Query, ranking: Ranking, k: int) -> list[Hit]:
        """The ranking's first `k` paragraphs with their sentences ranked for evidence."""
        hits = []
        for p, score in zip(ranking.paragraphs[:k], ranking.scores[:k]):
            s = self.sentence_scores(query, int(p))
            defining = ranking.defined.get(int(p), [])
            s[defining] = s.max(initial=_MISSING)         # a sentence defining what is asked about leads
            sentence_order = np.lexsort((~np.isin(np.arange(len(s)), defining), -s))
            hits.append(Hit(int(p), float(score), tuple(int(i) for i in sentence_order),
                            tuple(float(s[i]) for i in sentence_order)))
        return hits

    # --- what the answerability model reads ----------------------------------------------------
    def token_similarities(self, query: Query, paragraph: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosine of every question word piece (rows) with every word piece of a paragraph
        (columns), then of its section heading (x late_headings, as late interaction sees it),
        and the sentence each column belongs to (-1: the heading)."""
        start, end = self._token_start[paragraph], self._token_start[paragraph + 1]
        sims = query.tokens @ self._paragraph_rows(paragraph).T
        sentence = self._token_sentence[start:end]
        heading = int(self._heading_of[paragraph])
        if heading >= 0:
            in_heading = self._heading_similarities(query, heading)
            sims = np.concatenate([sims, in_heading], axis=1)
            sentence = np.concatenate([sentence, np.full(in_heading.shape[1], -1, dtype=sentence.dtype)])
        return sims, sentence
