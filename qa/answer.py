"""Turn retrieved paragraphs into an answer: evidence sentences with [¶n] markers, hedged when
they may not answer exactly, or a plain statement that the article does not cover it."""

from __future__ import annotations

from .answerability import Level, Verdict
from .records import Answer, Article, Citation, Hit
from .settings import Settings

ABSTAIN_TEXT = ("The article does not seem to cover this. "
                "The closest paragraphs are shown below, but they are weak matches.")
HEDGE_TEXT = "The closest passage, which may not answer this exactly:"
_SECOND_SOURCE_MARGIN = 0.04


_FRAGMENT_WORDS = 5       # a "sentence" this short is mostly a run-in heading ("Recovering from task failures.")


def evidence(hit: Hit, sentences: list[str], max_evidence: int, margin: float) -> list[str]:
    """The best sentence of the paragraph, plus runners-up within `margin`, in reading order.
    A fragment of a few words never stands alone: a PDF's run-in heading matches a question's
    words best ("How does it recover from failures?" → "Recovering from task failures.") and
    says nothing, so the best longer sentence joins it."""
    if not hit.sentence_order:
        return []
    best = hit.sentence_scores[0]
    chosen = [i for i, s in zip(hit.sentence_order, hit.sentence_scores)
              if s >= best - margin][:max_evidence]
    if all(_fragment(sentences[i]) for i in chosen):
        longer = next((i for i in hit.sentence_order if not _fragment(sentences[i])), None)
        if longer is not None:
            chosen = chosen[:max_evidence - 1] + [longer]
    return [sentences[i] for i in sorted(chosen)]


def _fragment(sentence: str) -> bool:
    return len(sentence.split()) <= _FRAGMENT_WORDS


def compose(question: str, hits: list[Hit], article: Article, sentences: list[list[str]],
            settings: Settings, verdict: Verdict) -> Answer:
    """The answer at the verdict's level: the evidence with [¶n] (answered), the same evidence
    hedged (closest passage), or a plain "does not seem to cover this" (declined). Each
    citation carries its paragraph's section (the heading trail it falls under)."""
    citations = [Citation(paragraph=h.index + 1, text=article.paragraphs[h.index], score=h.score,
                          evidence=evidence(h, sentences[h.index], settings.max_evidence, settings.evidence_margin),
                          section=article.context_of(h.index)) for h in hits]
    level = verdict.level if hits else Level.DECLINED
    common = dict(question=question, citations=citations, probability=verdict.probability, level=level.value)
    if level is Level.DECLINED:
        return Answer(text=ABSTAIN_TEXT, abstained=True, **common)
    parts = [f"{' '.join(citations[0].evidence)} [¶{citations[0].paragraph}]"]
    if len(citations) > 1 and citations[1].score >= citations[0].score - _SECOND_SOURCE_MARGIN:
        parts.append(f"{citations[1].evidence[0]} [¶{citations[1].paragraph}]")
    text = " ".join(parts)
    if level is Level.CLOSEST:
        text = f"{HEDGE_TEXT} {text}"
    return Answer(text=text, abstained=False, **common)
