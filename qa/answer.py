"""Turn retrieved paragraphs into an answer: evidence sentences, [¶n] markers, or an abstention."""

from __future__ import annotations

from .records import Answer, Citation, Hit
from .settings import Settings

ABSTAIN_TEXT = ("The article does not seem to cover this. "
                "The closest paragraphs are shown below, but they are weak matches.")
_SECOND_SOURCE_MARGIN = 0.04


def evidence(hit: Hit, sentences: list[str], max_evidence: int, margin: float) -> list[str]:
    """The best sentence of the paragraph, plus runners-up within `margin`, in reading order."""
    if not hit.sentence_order:
        return []
    best = hit.sentence_scores[0]
    chosen = [i for i, s in zip(hit.sentence_order, hit.sentence_scores)
              if s >= best - margin][:max_evidence]
    return [sentences[i] for i in sorted(chosen)]


def compose(question: str, hits: list[Hit], paragraphs: tuple[str, ...], sentences: list[list[str]],
            settings: Settings) -> Answer:
    citations = [Citation(paragraph=h.index + 1, text=paragraphs[h.index], score=h.score,
                          evidence=evidence(h, sentences[h.index], settings.max_evidence,
                                            settings.evidence_margin)) for h in hits]
    if not hits or hits[0].confidence < settings.abstain_below:
        return Answer(question=question, text=ABSTAIN_TEXT, abstained=True, citations=citations)
    parts = [f"{' '.join(citations[0].evidence)} [¶{citations[0].paragraph}]"]
    if len(citations) > 1 and citations[1].score >= citations[0].score - _SECOND_SOURCE_MARGIN:
        parts.append(f"{citations[1].evidence[0]} [¶{citations[1].paragraph}]")
    return Answer(question=question, text=" ".join(parts), abstained=False, citations=citations)
