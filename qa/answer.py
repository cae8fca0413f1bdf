"""Turn retrieved paragraphs into an answer: evidence sentences with [¶n] markers, hedged when
they may not answer exactly, or a plain statement that the article does not cover it."""

from __future__ import annotations

from .answerability import Level, Verdict
from .records import Answer, Article, Byline, Citation, Hit
from .settings import Settings

ABSTAIN_TEXT = ("The article does not seem to cover this. "
                "The closest paragraphs are shown below, but they are weak matches.")
HEDGE_TEXT = "The closest passage, which may not answer this exactly:"
_SECOND_SOURCE_MARGIN = 0.04
# What an answer that did not come from retrieval says it came from (Answer.source).
SOURCE_NOTES = {"metadata": "From the article's metadata, not from a paragraph",
                "opening": "The article's opening paragraph, as its overview",
                "byline": "The byline at the top of the article, where its metadata names nobody"}
_OVERVIEW_WORDS = 40      # the opening's first sentences, up to about this many words
_LEAD_WORDS = 12          # a first paragraph shorter than this (a dateline, a kicker) is not the lead


_FRAGMENT_WORDS = 5       # a "sentence" this short is mostly a run-in heading ("Recovering from task failures.")


def evidence(hit: Hit, sentences: list[str], max_evidence: int, margin: float) -> list[str]:
    """The best sentence of the paragraph, plus runners-up within `margin`, in reading order.
    A fragment of a few words never stands alone: a PDF's run-in heading matches a question's
    words best ("How does it recover from failures?" → "Recovering from task failures.") and
    says nothing, so the best longer sentence joins it. Nor does a question: an FAQ's own
    question, or the article's rhetorical one ("Why can String be mutated but literals
    cannot?"), matches the user's best and answers nothing."""
    if not hit.sentence_order:
        return []
    best = hit.sentence_scores[0]
    chosen = [i for i, s in zip(hit.sentence_order, hit.sentence_scores)
              if s >= best - margin][:max_evidence]
    if all(_says_nothing(sentences[i]) for i in chosen):
        longer = next((i for i in hit.sentence_order if not _says_nothing(sentences[i])), None)
        if longer is not None:
            chosen = chosen[:max_evidence - 1] + [longer]
    return [sentences[i] for i in sorted(chosen)]


def _says_nothing(sentence: str) -> bool:
    """A fragment of a few words, or a question."""
    return len(sentence.split()) <= _FRAGMENT_WORDS or sentence.rstrip(" \"'”’)»").endswith("?")


def compose(question: str, hits: list[Hit], article: Article, sentences: list[list[str]],
            settings: Settings, verdict: Verdict, context_weight: float = 0.0) -> Answer:
    """The answer at the verdict's level: the evidence with [¶n] (answered), the same evidence
    hedged (closest passage), or a plain "does not seem to cover this" (declined). Each
    citation carries its paragraph's section (the heading trail it falls under).
    A follow-up searched with the chat ranks by its own score + `context_weight` × the chat's;
    its citations show their weighted mean, on the scale of a question searched alone (the sum
    read "score 1.04" in the app)."""
    citations = [Citation(paragraph=h.index + 1, text=article.paragraphs[h.index],
                          score=h.score / (1.0 + context_weight),
                          evidence=evidence(h, sentences[h.index], settings.max_evidence, settings.evidence_margin),
                          section=article.context_of(h.index)) for h in hits]
    level = verdict.level if hits else Level.DECLINED
    common = dict(question=question, citations=citations, probability=verdict.probability, level=level.value)
    if level is Level.DECLINED:
        return Answer(text=ABSTAIN_TEXT, abstained=True, **common)
    parts = [f"{' '.join(citations[0].evidence)} [¶{citations[0].paragraph}]"]
    if len(hits) > 1 and hits[1].score >= hits[0].score - _SECOND_SOURCE_MARGIN:
        parts.append(f"{citations[1].evidence[0]} [¶{citations[1].paragraph}]")
    text = " ".join(parts)
    if level is Level.CLOSEST:
        text = f"{HEDGE_TEXT} {text}"
    return Answer(text=text, abstained=False, **common)


def note(answer: Answer) -> str | None:
    """What an answer not found by retrieval came from, for people; None for retrieved ones."""
    return SOURCE_NOTES.get(answer.source)


def from_metadata(question: str, text: str) -> Answer:
    """An answer the article's metadata gives (details.reply): no paragraph cited."""
    return Answer(question=question, text=text, abstained=False, probability=1.0, level=Level.ANSWERED.value,
                  source="metadata")


def from_byline(question: str, article: Article, byline: Byline, top_k: int) -> Answer:
    """"Who wrote this?" where the file's metadata names nobody but its text does at the top
    ("Author: A. M. Kuchling", details.byline): those paragraphs, the first top_k cited.
    Searched, such a question had been declined on its right paragraph, or answered from
    another."""
    last = min(byline.last, byline.first + top_k - 1)
    cited = [Citation(paragraph=k + 1, text=article.paragraphs[k], score=1.0, evidence=[article.paragraphs[k]],
                      section=article.context_of(k)) for k in range(byline.first, last + 1)]
    return Answer(question=question, text=f"{byline.names} [¶{byline.first + 1}]", abstained=False,
                  citations=cited, probability=1.0, level=Level.ANSWERED.value, source="byline")


def overview(question: str, article: Article, sentences: list[list[str]]) -> Answer:
    """"What is this article about?": the article's opening paragraph, as articles sum
    themselves up in their lead (a news lede, a Wikipedia lead, a paper's abstract), its first
    sentences as the evidence. The lead is the first of the first ten paragraphs with at least
    _LEAD_WORDS words, so a dateline, a kicker or a page's leftover menu ("LWN Weekly Edition",
    "Front page Security", …) is passed over."""
    k = next((i for i in range(min(10, len(article.paragraphs))) if len(article.paragraphs[i].split()) >= _LEAD_WORDS), 0)
    chosen: list[str] = []
    for sentence in sentences[k] or [article.paragraphs[k]]:
        chosen.append(sentence)
        if sum(len(c.split()) for c in chosen) >= _OVERVIEW_WORDS:
            break
    cited = Citation(paragraph=k + 1, text=article.paragraphs[k], score=1.0, evidence=chosen,
                     section=article.context_of(k))
    return Answer(question=question, text=f"{' '.join(chosen)} [¶{k + 1}]", abstained=False, citations=[cited],
                  probability=1.0, level=Level.ANSWERED.value, source="opening")
