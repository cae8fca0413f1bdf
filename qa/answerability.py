"""Does the article answer the question? A calibrated probability, and the level shown for it.

Retrieval always finds *some* closest paragraph; whether it answers is a separate decision.
It is made by a small fitted model (five gradient-boosted tree models, their log-odds averaged;
`qa fit-answerability`, stored as plain arrays in `qa/data/answerability.json`) over evidence
the engine already has for the first paragraph:

- alignment: each content word of the question, its best match (cosine of contextual word
  pieces) in the paragraph and in the evidence sentence; the least-matched word, the mean, and
  the mean weighted by the word's rarity in the article (in-article IDF);
- kernel pooling (K-NRM): how many of the paragraph's word pieces sit at each similarity level
  from each question word, soft-counted by Gaussian kernels, log-summed and averaged;
- the ranking's own scores: late interaction, dense, lexical (BM25, raw and relative), the
  rerank score and its margin over the runner-up, the share of question words found;
- answer-type fit: a *when* question wants a date in the evidence, *how many/much* a number,
  *who* a name, *where* a place-like name that the question does not already hold;
- negation in the question that the evidence lacks (not in a *why* question), and how much the
  question says.

Three levels come from two thresholds chosen on out-of-fold predictions (cross-validation
grouped by article): *answered*; *closest* — the closest passage, which may not answer
exactly; *declined* — the article does not seem to cover this.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import QAError
from .lexical import tokenize
from .retrieve import Query, Ranking, Retriever

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answerability.json"

KERNELS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)     # K-NRM kernel centres (sigma 0.1)
_SIGMA = 0.1
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")
_MONTH = re.compile(r"\b(jan(uary)?|feb(ruary)?|march|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|"
                    r"oct(ober)?|nov(ember)?|dec(ember)?|century|centuries|decade|bc|ad|today|yesterday|"
                    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_NUMBER = re.compile(r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"dozens?|hundreds?|thousands?|millions?|billions?|half|several|few)\b", re.I)
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z\-]+")
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w\-]+|\b\d[\d,.]*\d\b|\b\d\b")
# "n't" with a straight or a typographic apostrophe: web pages write "doesn’t", people type "doesn't"
_NEGATION = re.compile(r"\b(not|no|never|none|nor|without|cannot)\b|n['’ʼ]t\b", re.I)
# A question asking why something is not so ("Why shouldn't I use the mean latency?", "Why can't
# NBC cover it live?") asks for a reason, which a how-to gives; its negation is not SQuAD 2.0's
# trick of negating what the paragraph states ("Who did not adopt the Social Charter?").
_WHY = re.compile(r"^\W*(why|how come)\b", re.I)
_TYPES = {
    "date": re.compile(r"^\s*(when|what (year|date|time|century|decade|day|month|era|period)|"
                       r"(in|by|during|since|until) (what|which) (year|date|time|century|decade|month)|"
                       r"which (year|century|decade|month)|how long ago)\b", re.I),
    "number": re.compile(r"\b(how (many|much|long|old|far|big|large|tall|high|often|fast|deep|wide|heavy)|"
                         r"what (percentage|percent|number|amount|proportion|fraction|size))\b", re.I),
    "person": re.compile(r"^\s*(who|whom|whose)\b|\b(who|whom|whose)\b", re.I),
    "place": re.compile(r"^\s*where\b|\b(in|from|to) (what|which) (city|country|town|state|place|region|continent)\b",
                        re.I),
}

FEATURES = (
    "late", "dense", "lexical", "bm25_raw", "rerank", "margin", "coverage", "idf_coverage",
    "missing_terms", "missing_idf_max",
    "align_min", "align_second_min", "align_mean", "align_idf_mean", "align_low_share", "align_below_0.7",
    "sentence_align_min", "sentence_align_mean", "sentence_align_idf_mean",
    *(f"kernel_{mu:.1f}" for mu in KERNELS), "kernel_exact",
    *(f"type_{t}" for t in _TYPES), *(f"type_{t}_fits" for t in _TYPES),
    "negated", "negation_unmatched", "content_words",
    "sentence_coverage", "sentence_idf_coverage", "names_missing", "names_missing_share", "old_confidence",
)


class Level(str, Enum):
    ANSWERED = "answered"      # the evidence answers the question
    CLOSEST = "closest"        # the closest passage; it may not answer exactly
    DECLINED = "declined"      # the article does not seem to cover this


@dataclass(frozen=True)
class Verdict:
    probability: float         # calibrated: the chance that the article answers the question
    level: Level


def features(retriever: Retriever, query: Query, ranking: Ranking, evidence_sentence: int) -> np.ndarray:
    """The feature vector (in FEATURES order) for the first paragraph of `ranking`."""
    index = retriever.index
    top = ranking.top
    lexical = index.lexical
    out = dict.fromkeys(FEATURES, 0.0)
    first = ranking.first          # the scores of the query these features are for (see Ranking)
    out.update(late=float(ranking.late[0]), dense=float(first.dense[top]),
               lexical=float(first.lexical[top]), bm25_raw=float(np.log1p(first.bm25[top])),
               rerank=float(ranking.scores[0]) if ranking.ranker.value == "hybrid" else 0.0,
               margin=float(ranking.scores[0] - ranking.scores[1]) if len(ranking.scores) > 1 else 0.0)

    # Lexical coverage, weighted by how rare each question term is in this article.
    terms = sorted(set(query.terms))
    if terms:
        n = index.size
        idf = np.log1p((n - lexical.document_frequency(terms) + 0.5) / (lexical.document_frequency(terms) + 0.5))
        present = lexical.present(terms, top)
        out.update(coverage=float(present.mean()), idf_coverage=float(idf[present].sum() / idf.sum()),
                   missing_terms=float((~present).sum()),
                   missing_idf_max=float(idf[~present].max(initial=0.0)))

    # Word-level alignment of the question's content words with the paragraph and the sentence.
    content, word_idf = _content_words(query)
    sims, column_sentence = retriever.token_similarities(query, top)
    if len(content) and sims.size:
        best = sims.max(axis=1)
        in_sentence = column_sentence == evidence_sentence
        best_sentence = sims[:, in_sentence].max(axis=1) if in_sentence.any() else np.zeros_like(best)
        word_of = query.word_of
        per_word = np.array([best[word_of == w].mean() for w in content])
        per_word_sentence = np.array([best_sentence[word_of == w].mean() for w in content])
        weights = word_idf / word_idf.sum()
        ranked = np.sort(per_word)
        out.update(align_min=float(ranked[0]), align_second_min=float(ranked[min(1, len(ranked) - 1)]),
                   align_mean=float(per_word.mean()), **{"align_below_0.7": float((per_word < 0.7).mean())},
                   align_idf_mean=float(per_word @ weights), align_low_share=float((per_word < 0.5).mean()),
                   sentence_align_min=float(per_word_sentence.min()),
                   sentence_align_mean=float(per_word_sentence.mean()),
                   sentence_align_idf_mean=float(per_word_sentence @ weights))
        rows = np.isin(word_of, content)
        pooled = np.log1p(np.exp(-(sims[rows][:, :, None] - np.array(KERNELS)) ** 2 / (2 * _SIGMA ** 2)).sum(axis=1))
        for mu, value in zip(KERNELS, pooled.mean(axis=0)):
            out[f"kernel_{mu:.1f}"] = float(value)
        out["kernel_exact"] = float((sims[rows] > 0.95).any(axis=1).mean())

    # Answer-type fit and negation, read from the evidence sentence.
    sentence = index.sentences[top][evidence_sentence] if index.sentences[top] else ""
    asked = query.text
    cues = {"date": bool(_YEAR.search(sentence) or _MONTH.search(sentence)),
            "number": bool(_NUMBER.search(sentence)),
            "person": _new_capital(sentence, asked), "place": _new_capital(sentence, asked)}
    for kind, pattern in _TYPES.items():
        if pattern.search(asked):
            out[f"type_{kind}"] = 1.0
            out[f"type_{kind}_fits"] = float(cues[kind])
    if terms:
        in_sentence = np.isin(terms, tokenize([sentence])[0]) if sentence else np.zeros(len(terms), dtype=bool)
        out.update(sentence_coverage=float(in_sentence.mean()),
                   sentence_idf_coverage=float(idf[in_sentence].sum() / idf.sum()))
    # Names and numbers the question holds that the paragraph does not (a swapped entity or year).
    text = index.article.paragraphs[top].lower()
    names = [m.group(0).lower() for m in _NAME.finditer(asked)]
    if names:
        missing = sum(name not in text for name in names)
        out.update(names_missing=float(missing), names_missing_share=float(missing / len(names)))
    out["old_confidence"] = out["late"] + 0.1 * out["coverage"]
    negated = bool(_NEGATION.search(asked)) and not _WHY.match(asked)
    out.update(negated=float(negated), negation_unmatched=float(negated and not _NEGATION.search(sentence)),
               content_words=float(np.log1p(len(content))))
    return np.array([out[name] for name in FEATURES], dtype=np.float64)


def _content_words(query: Query) -> tuple[np.ndarray, np.ndarray]:
    """Indices (into query.words) of the question's content words, and each one's IDF in the
    article (Query.idf, looked up when the question was encoded)."""
    if query.word_of is None or query.idf is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    chosen = np.flatnonzero(~np.isnan(query.idf))
    return chosen.astype(np.int64), query.idf[chosen]


def _new_capital(sentence: str, question: str) -> bool:
    """The sentence names something (a capitalised word, not opening it) the question does not."""
    asked = question.lower()
    return any(m.group(0).lower() not in asked for m in _CAPITAL.finditer(sentence))


@dataclass(frozen=True)
class Model:
    """Gradient-boosted trees (five scikit-learn HistGradientBoostingClassifiers whose log-odds
    are averaged, fitted by `qa fit-answerability`; fit.Bagged), stored as plain arrays and
    evaluated here with numpy, plus the two level thresholds. All trees' nodes are concatenated,
    their leaf values already divided by the number of models; `roots` are each tree's first."""

    names: tuple[str, ...]
    baseline: float
    feature: np.ndarray        # int, per node
    threshold: np.ndarray      # float, per node: x[feature] <= threshold goes left
    left: np.ndarray           # int, per node (absolute index)
    right: np.ndarray
    leaf: np.ndarray           # bool, per node
    value: np.ndarray          # float, per node (leaves: the tree's contribution)
    roots: np.ndarray          # int, per tree
    answer_at: float           # probability from which the answer is given plainly
    decline_below: float       # probability under which the article is said not to cover it
    about: dict

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of `x` (cases, features)."""
        x = np.atleast_2d(x)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        while True:
            inner = ~self.leaf[node]
            if not inner.any():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        return self.baseline + self.value[node].sum(axis=1)

    def probability(self, x: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-self.raw(x)[0])))

    def level(self, probability: float) -> Level:
        if probability < self.decline_below:
            return Level.DECLINED
        return Level.ANSWERED if probability >= self.answer_at else Level.CLOSEST

    def verdict(self, probability: float) -> Verdict:
        return Verdict(probability, self.level(probability))

    @classmethod
    def from_sklearn(cls, classifiers: list, answer_at: float, decline_below: float, about: dict) -> "Model":
        """The trees of fitted HistGradientBoostingClassifiers, whose log-odds are averaged (fit.Bagged)."""
        feature, threshold, left, right, leaf, value, roots = [], [], [], [], [], [], []
        at = 0
        share = 1.0 / len(classifiers)
        for classifier in classifiers:
            for (tree,) in classifier._predictors:
                nodes = tree.nodes
                if nodes["is_categorical"].any():
                    raise ValueError("categorical splits are not supported")
                roots.append(at)
                feature += nodes["feature_idx"].tolist()
                threshold += nodes["num_threshold"].tolist()
                left += (nodes["left"] + at).tolist()
                right += (nodes["right"] + at).tolist()
                leaf += nodes["is_leaf"].astype(bool).tolist()
                value += (nodes["value"] * share).tolist()
                at += len(nodes)
        baseline = float(np.mean([np.ravel(c._baseline_prediction)[0] for c in classifiers]))
        return cls(FEATURES, baseline, np.array(feature), np.array(threshold), np.array(left), np.array(right),
                   np.array(leaf, dtype=bool), np.array(value), np.array(roots), answer_at, decline_below, about)

    def to_json(self) -> dict:
        return {"features": list(self.names), "baseline": self.baseline, "answer_at": self.answer_at,
                "decline_below": self.decline_below, "about": self.about, "roots": self.roots.tolist(),
                "nodes": {"feature": self.feature.tolist(), "threshold": [round(t, 7) for t in self.threshold.tolist()],
                          "left": self.left.tolist(), "right": self.right.tolist(),
                          "leaf": self.leaf.astype(int).tolist(), "value": [round(v, 7) for v in self.value.tolist()]}}

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        names = tuple(data["features"])
        if names != FEATURES:
            raise QAError("The answerability model was fitted on other features; run `qa fit-answerability`.")
        n = data["nodes"]
        return cls(names, float(data["baseline"]), np.array(n["feature"], dtype=np.int64),
                   np.array(n["threshold"], dtype=np.float64), np.array(n["left"], dtype=np.int64),
                   np.array(n["right"], dtype=np.int64), np.array(n["leaf"], dtype=bool),
                   np.array(n["value"], dtype=np.float64), np.array(data["roots"], dtype=np.int64),
                   float(data["answer_at"]), float(data["decline_below"]), dict(data.get("about", {})))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> Model:
    try:
        return Model.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise QAError(f"Cannot read the answerability model {path}: {exc.strerror or exc}.") from None
    except (ValueError, KeyError, TypeError):
        raise QAError(f"The answerability model {path} is damaged; run `qa fit-answerability`.") from None
