"""Lexical (BM25) scoring of paragraphs with bm25s and a Snowball stemmer.

Dense vectors miss rare names and exact phrases; BM25 catches them. bm25s keeps the index as
sparse arrays plus JSON (no pickle), and scores a query against every paragraph in one
vectorised call.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS


_local = threading.local()


def _stemmer():
    """This thread's Snowball stemmer (PyStemmer's objects are not safe to share between threads)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


# Part of every index manifest: an index tokenized another way is rebuilt.
TOKENIZER = "bm25s/en_plus-stopwords/snowball-english/single-digits"
# bm25s's (scikit-learn's) default token pattern, words of two characters or more, and single
# digits besides: without them "tier 2", "chapter 3" or "Python 3" lost the one word that told
# their paragraph from "tier 1"'s (no BM25 term, and a rarity of nil in late interaction).
TOKEN_PATTERN = r"(?u)\b\w\w+\b|\b\d\b"
_TOKEN = re.compile(TOKEN_PATTERN)
_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)
# A question's function words (BM25's stopwords and a few more) and what counts as a word at all.
FUNCTION_WORDS = _STOPWORDS | {"'s", "s", "did", "does", "do"}
WORDLIKE = re.compile(r"^[a-z0-9][a-z0-9'\-]*$")


def is_content_word(word: str) -> bool:
    return bool(WORDLIKE.match(word)) and word not in FUNCTION_WORDS


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased word tokens, common English stopwords dropped, Snowball-stemmed: what
    `bm25s.tokenize(texts, token_pattern=TOKEN_PATTERN, stopwords=STOPWORDS_EN_PLUS, stemmer=…,
    return_ids=False)` returns
    (a test holds them equal), without its per-call overhead (a progress bar object, the
    stopword set rebuilt for every text): 0.047 ms a call against 0.005 ms, three calls an ask."""
    stem = _stemmer().stemWords
    out = []
    for text in texts:
        words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
        out.append(stem(words) if words else [])
    return out


class Lexical:
    def __init__(self, bm25: bm25s.BM25, n: int) -> None:
        self.bm25 = bm25
        self.n = n

    @classmethod
    def build(cls, texts: list[str]) -> "Lexical":
        tokens = tokenize(texts)
        if not any(tokens):            # bm25s cannot index a corpus without a word
            from .errors import ArticleError

            raise ArticleError("The article has no words to search: only common words, numbers or symbols.")
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(bm25, len(texts))

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every text for the query terms (see `tokenize`); zeros where none occurs."""
        tokens = [t for t in terms if t in self.bm25.vocab_dict]
        if not tokens:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def coverage(self, terms: list[str], index: int) -> float:
        """Share of the question's content words (its `tokenize` terms) found in text `index`.

        An absolute measure, unlike max-normalised BM25: a question none of whose words occur
        in the text scores 0, however long or short the article is.
        """
        tokens = set(terms)
        if not tokens:
            return 0.0
        ids = [self.bm25.vocab_dict[t] for t in tokens if t in self.bm25.vocab_dict]
        if not ids:
            return 0.0
        column = self.bm25.scores  # CSC term-document matrix: per term, the documents holding it
        found = sum(index in column["indices"][column["indptr"][i]:column["indptr"][i + 1]] for i in ids)
        return found / len(tokens)

    def document_frequency(self, terms: list[str]) -> np.ndarray:
        """How many texts hold each term (0 for a term no text holds)."""
        indptr = self.bm25.scores["indptr"]
        ids = [self.bm25.vocab_dict.get(t) for t in terms]
        return np.array([0 if i is None or i + 1 >= len(indptr) else int(indptr[i + 1] - indptr[i]) for i in ids],
                        dtype=np.int64)

    def word_idf(self, words: "list[str] | tuple[str, ...]") -> np.ndarray:
        """Each word's rarity in the article, log(1 + (n - df + 0.5) / (df + 0.5)), df of its
        commonest stem (a word no paragraph holds is rarest of all); NaN for a function word or
        punctuation."""
        out = np.full(len(words), np.nan)
        chosen = [i for i, w in enumerate(words) if is_content_word(w)]
        if chosen:
            stems = tokenize([words[i] for i in chosen])
            df = np.array([self.document_frequency(s).max(initial=0) if s else self.n for s in stems], dtype=np.float64)
            out[chosen] = np.log1p((self.n - df + 0.5) / (df + 0.5))
        return out

    def present(self, terms: list[str], index: int) -> np.ndarray:
        """For each term, whether text `index` holds it."""
        column = self.bm25.scores
        ids = [self.bm25.vocab_dict.get(t) for t in terms]
        last = len(column["indptr"]) - 1
        return np.array([i is not None and i < last
                         and index in column["indices"][column["indptr"][i]:column["indptr"][i + 1]]
                         for i in ids], dtype=bool)

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, n: int) -> "Lexical":
        bm25 = bm25s.BM25.load(str(folder))
        return cls(bm25, n)
