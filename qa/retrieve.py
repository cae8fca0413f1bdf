"""Rank an article's paragraphs for a question vector, and its sentences for evidence."""

from __future__ import annotations

import numpy as np

from .index import WINDOW, ArticleIndex
from .records import Hit

_MISSING = -2.0          # below any cosine
_SEARCH_DEPTH = 2048     # units fetched from FAISS; paragraphs with no unit among them rank last


class Retriever:
    """Hybrid retrieval: dense units pooled per paragraph, plus BM25.

    Dense: a paragraph's best whole-paragraph (or window) cosine mixed with its best sentence
    cosine; the first rewards topical match, the second a single sentence that answers.
    Lexical: BM25 divided by the article's best BM25 for the question, added with a small weight
    (exact names and rare words that the dense model blurs).
    Confidence, for abstention: the dense score plus the share of the question's content words
    found in the paragraph. Both are absolute (comparable across articles of any length or
    topic), unlike max-normalised BM25, which always gives some paragraph 1.0.
    """

    def __init__(self, index: ArticleIndex, sentence_weight: float, lexical_weight: float,
                 coverage_weight: float) -> None:
        self.index = index
        self.n = index.size
        self.sentence_weight = sentence_weight
        self.lexical_weight = lexical_weight
        self.coverage_weight = coverage_weight
        self.is_sentence = index.unit_sentence != WINDOW
        self.matrix = index.vectors.reconstruct_n(0, index.vectors.ntotal)
        # Sentence units of each paragraph (units are stored paragraph by paragraph).
        self._sentence_units = [np.flatnonzero((index.unit_paragraph == p) & self.is_sentence)
                                for p in range(self.n)]

    def dense_components(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per paragraph: best whole-paragraph/window cosine, best sentence cosine."""
        k = min(self.index.vectors.ntotal, _SEARCH_DEPTH)
        scores, ids = self.index.vectors.search(query.reshape(1, -1).astype(np.float32), k)
        scores, ids = scores[0], ids[0]
        keep = ids >= 0
        scores, ids = scores[keep], ids[keep]
        para = self.index.unit_paragraph[ids]
        sent = self.is_sentence[ids]
        whole = np.full(self.n, _MISSING, dtype=np.float32)
        best_sentence = np.full(self.n, _MISSING, dtype=np.float32)
        np.maximum.at(whole, para[~sent], scores[~sent])
        np.maximum.at(best_sentence, para[sent], scores[sent])
        whole = np.where(whole == _MISSING, best_sentence, whole)
        best_sentence = np.where(best_sentence == _MISSING, whole, best_sentence)
        return whole, best_sentence

    def paragraph_scores(self, query: np.ndarray, question: str) -> tuple[np.ndarray, np.ndarray]:
        """(fused score, dense score) of every paragraph."""
        whole, best_sentence = self.dense_components(query)
        w = self.sentence_weight
        dense = (1 - w) * whole + w * best_sentence
        lexical = self.index.lexical.scores(question)
        top = lexical.max()
        if top > 0:
            lexical = lexical / top
        return dense + self.lexical_weight * lexical, dense

    def sentence_scores(self, query: np.ndarray, paragraph: int) -> np.ndarray:
        """Cosine of each sentence of a paragraph (a sentence cut in pieces: its best piece)."""
        units = self._sentence_units[paragraph]
        cos = self.matrix[units] @ query
        out = np.full(len(self.index.sentences[paragraph]), _MISSING, dtype=np.float32)
        np.maximum.at(out, self.index.unit_sentence[units], cos)
        return out

    def search(self, query: np.ndarray, question: str, k: int) -> list[Hit]:
        scores, dense = self.paragraph_scores(query, question)
        top = np.argsort(-scores, kind="stable")[:k]
        confidence = dense[top] + self.coverage_weight * self.index.lexical.coverage(question)[top]
        hits = []
        for p, conf in zip(top, confidence):
            s = self.sentence_scores(query, int(p))
            order = np.argsort(-s, kind="stable")
            hits.append(Hit(int(p), float(scores[p]), float(conf), tuple(int(i) for i in order),
                            tuple(float(s[i]) for i in order)))
        return hits
