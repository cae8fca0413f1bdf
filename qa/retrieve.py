"""Rank an article's paragraphs for a question, and each cited paragraph's sentences.

The shipped method ("hybrid") has two stages:
1. Candidates (the best `rerank_depth`): dense + lexical. Dense is a paragraph's best whole-paragraph/window cosine mixed
   with its best sentence cosine (the second lets one answering sentence carry a long
   paragraph); lexical is BM25 divided by the article's best BM25 for the question.
2. Rerank: late interaction (ColBERT-style MaxSim) over the model's own contextual token
   vectors — for each question token, its best match among the paragraph's tokens, averaged —
   plus small shares of the dense and lexical scores. It sees every word of every sentence,
   so it catches a single answering phrase that pooled vectors blur.
"dense" and "bm25" are the single signals, kept for the evaluation's side-by-side table.

Confidence (for abstention): the top paragraph's late-interaction score plus the share of the
question's content words found in it; both are absolute, independent of article length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .index import WINDOW, ArticleIndex
from .records import Hit
from .settings import Settings

_MISSING = -2.0          # below any cosine
METHODS = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Query:
    text: str
    vector: np.ndarray           # pooled, unit length
    tokens: np.ndarray           # contextual token vectors, unit length rows
    terms: list[str]             # lexical terms (stemmed, stopwords dropped), tokenized once


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
        self._tokens = index.tokens        # float16: only an ask's candidate rows are converted
        self._token_sentence = index.unit_sentence[index.token_unit]

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

    def lexical_scores(self, query: Query) -> np.ndarray:
        scores = self.index.lexical.scores(query.terms)
        top = scores.max(initial=0.0)
        return scores / top if top > 0 else scores

    def late_interaction(self, query: Query, paragraphs: np.ndarray) -> np.ndarray:
        """MaxSim of the question's tokens against each given paragraph's tokens, averaged."""
        starts, ends = self._token_start[paragraphs], self._token_start[paragraphs + 1]
        lengths = ends - starts
        out = np.zeros(len(paragraphs), dtype=np.float32)
        has = lengths > 0
        if not has.any() or len(query.tokens) == 0:
            return out
        rows = np.concatenate([np.arange(s, e) for s, e in zip(starts[has], ends[has])])
        sims = query.tokens @ self._tokens[rows].astype(np.float32).T                      # (question tokens, rows)
        offsets = np.concatenate([[0], np.cumsum(lengths[has])[:-1]])
        out[has] = np.maximum.reduceat(sims, offsets, axis=1).mean(axis=0)
        return out

    # --- ranking --------------------------------------------------------------------------
    def rank(self, query: Query, method: str = "hybrid", context: Query | None = None,
             context_weight: float = 0.0) -> tuple[np.ndarray, np.ndarray, float]:
        """Paragraph indices best first (candidates only for hybrid), their scores, and the
        confidence that the first one answers the question.

        `context` (hybrid only): the conversation so far, as a query. Every score of the question
        gets `context_weight` times the same score of the context added, so among paragraphs that
        fit the question, the one the conversation is about wins (a follow-up's own words rarely
        name what it is about)."""
        if method == "dense":
            scores = self.dense_scores(query)
            order = np.argsort(-scores, kind="stable")
        elif method == "bm25":
            scores = self.index.lexical.scores(query.terms)
            order = np.argsort(-scores, kind="stable")
        elif method == "hybrid":
            s = self.settings
            dense, lexical = self.dense_scores(query), self.lexical_scores(query)
            first = dense + s.lexical_weight * lexical
            with_context = context is not None and context_weight > 0
            if with_context:
                context_dense, context_lexical = self.dense_scores(context), self.lexical_scores(context)
                first = first + context_weight * (context_dense + s.lexical_weight * context_lexical)
            depth = min(s.rerank_depth, self.n)
            candidates = np.argpartition(-first, depth - 1)[:depth] if depth < self.n else np.arange(self.n)
            late = self.late_interaction(query, candidates)
            rerank = late + s.rerank_dense_weight * dense[candidates] + s.rerank_lexical_weight * lexical[candidates]
            if with_context:
                context_late = self.late_interaction(context, candidates)
                rerank = rerank + context_weight * (
                    context_late + s.rerank_dense_weight * context_dense[candidates]
                    + s.rerank_lexical_weight * context_lexical[candidates])
            by_score = np.argsort(-rerank, kind="stable")
            order, scores, late = candidates[by_score], rerank[by_score], late[by_score]
            top = int(order[0])
            confidence = self._confidence(query, top, float(late[0]))
            if with_context:
                # A follow-up's own words match weakly by nature ("How long is it?"): the weighted
                # mean of the question's and the conversation's confidence may lift it, never lower it.
                theirs = self._confidence(context, top, float(context_late[by_score][0]))
                confidence = max(confidence, (confidence + context_weight * theirs) / (1 + context_weight))
            return order, scores, confidence
        else:
            raise ValueError(f"unknown retriever {method!r}; choose one of {', '.join(METHODS)}")
        return order, scores[order], self._confidence(query, int(order[0]))

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
            sims = query.tokens @ self._tokens[start:end].astype(np.float32).T
            late = np.maximum.reduceat(sims, bounds, axis=1).mean(axis=0)
            out[sentence_of_row[bounds]] += self.settings.evidence_late_weight * late
        return out

    def _confidence(self, query: Query, paragraph: int, late: float | None = None) -> float:
        if late is None:
            late = float(self.late_interaction(query, np.array([paragraph]))[0])
        return late + self.settings.coverage_weight * self.index.lexical.coverage(query.terms, paragraph)

    def search(self, query: Query, k: int, method: str = "hybrid", context: Query | None = None,
               context_weight: float = 0.0) -> list[Hit]:
        order, scores, confidence = self.rank(query, method, context, context_weight)
        hits = []
        for rank, (p, score) in enumerate(zip(order[:k], scores[:k])):
            s = self.sentence_scores(query, int(p))
            sentence_order = np.argsort(-s, kind="stable")
            conf = confidence if rank == 0 else float("nan")
            hits.append(Hit(int(p), float(score), conf, tuple(int(i) for i in sentence_order),
                            tuple(float(s[i]) for i in sentence_order)))
        return hits
