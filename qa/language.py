"""Is the article in English?

The embedding model (all-MiniLM-L6-v2) and the answerability model know English. On a Spanish
news page (newspaper4k's test pages) "¿Cuál es la capital de Perú?" was *answered* at 0.86 from
a paragraph about a prosecutor; on a Chinese one, a question whose answer is the last paragraph
got another at 0.97. Their probabilities mean nothing there, so an article that is not English
has its answers hedged, and the app says why.

py3langid (the maintained fork of langid.py, by trafilatura's author) gives normalised
probabilities over 97 languages. An article is English unless that probability is under
Settings.english_floor (0.01), set by eye between what these gave, all seen when it was set:
- English: 422 texts (310 HTML pages read here, 67 READMEs, SQuAD's 16 and the conversation
  sets' 29 articles) at 0.039 and above, but for a lorem-ipsum test page (0.000); the lowest
  are API indexes, lists of identifiers; prose is near 1.
- Not English: the 14 non-English texts of newspaper4k's tests at 0.000; 168 languages' message
  catalogues of this machine (/usr/share/locale) at 0.007 and below.
Not seen then: 37 more English documents (/usr/share/doc's plain texts and PDFs, the tests'
PDFs, five saved news pages): 0.638 and above, but for one file holding a hex number; and the
tests' own texts.
"""

from __future__ import annotations

from functools import cache

# What the app and the CLI say about such an article.
NOT_ENGLISH = ("This article does not seem to be in English. The search and the confidence model know English "
               "only: answers are shown as closest passages, never as sure answers.")
SAMPLE_CHARS = 20_000      # the first 20,000 characters decide: a few milliseconds


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def english_probability(paragraphs: list[str] | tuple[str, ...]) -> float:
    """The probability that the text is English, from its first SAMPLE_CHARS characters."""
    sample, size = [], 0
    for paragraph in paragraphs:
        sample.append(paragraph)
        size += len(paragraph)
        if size >= SAMPLE_CHARS:
            break
    text = "\n".join(sample)[:SAMPLE_CHARS]
    if not text.strip():
        return 1.0
    return float(dict(_identifier().rank(text)).get("en", 0.0))
