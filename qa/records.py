"""Plain data that crosses module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Details:
    """What the file says about itself, apart from its text: the author, the date (ISO,
    YYYY-MM-DD) and the site or publisher, as its metadata gives them ("" where it does not)."""

    author: str = ""
    published: str = ""
    site: str = ""

    def to_dict(self) -> dict:
        return {k: v for k, v in (("author", self.author), ("published", self.published), ("site", self.site)) if v}

    @classmethod
    def from_dict(cls, data: object) -> "Details":
        data = data if isinstance(data, dict) else {}
        return cls(**{k: str(data.get(k) or "") for k in ("author", "published", "site")})


@dataclass(frozen=True)
class Byline:
    """The author named at the top of the text ("Author: A. M. Kuchling"): paragraphs
    first..last (0-based; a list of authors may run over several) and the names they give."""

    first: int
    last: int
    names: str


@dataclass(frozen=True)
class Article:
    """An article as shown to the user: a title and its body paragraphs (¶1 is paragraphs[0]).

    `context`, when given, holds one line per paragraph that is searched with it but not shown
    as part of it: the heading trail of its section in a Markdown file ("Setup › Install")."""

    title: str
    paragraphs: tuple[str, ...]
    context: tuple[str, ...] = ()
    details: Details = Details()       # author, date, site from the file's metadata (details.py)

    def context_of(self, i: int) -> str:
        return self.context[i] if i < len(self.context) else ""


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph: 0-based position, ranking score, and its sentences ranked best first."""

    index: int
    score: float
    sentence_order: tuple[int, ...] = ()
    sentence_scores: tuple[float, ...] = ()


@dataclass(frozen=True)
class Citation:
    paragraph: int                 # 1-based, as shown to the user (¶n)
    text: str                      # the whole paragraph
    score: float
    evidence: list[str] = field(default_factory=list)
    section: str = ""              # the headings the paragraph falls under ("Version 1.56.0 › Language")

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "score": round(self.score, 4), "section": self.section,
                "text": self.text, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    context: str = ""              # the earlier question(s) it was searched together with, if any
    context_weight: float = 0.0    # their share of every score (see followup.py)
    probability: float = 1.0       # calibrated chance that the article answers (answerability.py)
    level: str = "answered"        # answered | closest (may not answer exactly) | declined
    source: str = "passages"       # passages (retrieved) | metadata (author, date, site) | opening (overview)

    @property
    def from_metadata(self) -> bool:
        """Answered from the article's metadata (its author, date or site), no paragraph cited."""
        return self.source == "metadata"

    @property
    def resolved(self) -> bool:
        """True when the question was searched together with earlier turns."""
        return bool(self.context)

    @property
    def searched(self) -> str:
        """What was searched, for people: the question, plus the earlier turn and its weight."""
        if not self.context:
            return self.question
        return f"{self.question} + {self.context_weight:g} × “{self.context}”"

    def to_dict(self) -> dict:
        return {"question": self.question, "context": self.context, "context_weight": self.context_weight,
                "text": self.text, "level": self.level, "probability": round(self.probability, 4),
                "abstained": self.abstained, "source": self.source, "citations": [c.to_dict() for c in self.citations]}
