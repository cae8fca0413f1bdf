"""Article text as safe HTML for the app: escaped, evidence sentences wrapped in <mark>.

Article text is data, never markup: HTML is escaped and every character that Markdown (or
Streamlit's $...$ math) would act on becomes a numeric entity, so nothing in an article can
render as a link, an image, a heading or a script.
"""

from __future__ import annotations

# HTML's specials and every character Markdown (or $...$ math) acts on, as numeric entities.
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$:=^"}


def escape(text: str) -> str:
    return text.translate(_ENTITIES)


def spans(paragraph: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Character spans of the given sentences inside the paragraph, merged and sorted."""
    found = []
    for sentence in sentences:
        start = paragraph.find(sentence)
        if start >= 0 and sentence:
            found.append((start, start + len(sentence)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


WHOLE = 0.85      # evidence covering this share of a paragraph is not marked: it would mark everything


def highlight(paragraph: str, evidence: list[str]) -> str:
    """The paragraph as escaped HTML with the evidence sentences in <mark> (none when they make
    up nearly all of it: a one-sentence paragraph is shown marked as cited, not all yellow)."""
    found = spans(paragraph, evidence)
    if sum(end - start for start, end in found) >= WHOLE * len(paragraph.strip()):
        found = []
    parts, pos = [], 0
    for start, end in found:
        parts.append(escape(paragraph[pos:start]))
        parts.append(f"<mark>{escape(paragraph[start:end])}</mark>")
        pos = end
    parts.append(escape(paragraph[pos:]))
    return "".join(parts)


def anchor(paragraph: int) -> str:
    """The HTML id of a paragraph (1-based) in the reader pane, for citation links."""
    return f"para-{paragraph}"


def reader_window(total: int, cited: list[int], size: int) -> list[int]:
    """The paragraph numbers (1-based) the reader draws: every one of a short article; of a long
    one, `size` paragraphs from a little before the first citation, plus every other cited
    paragraph wherever it is, so that each citation's link lands."""
    if total <= size:
        return list(range(1, total + 1))
    top = cited[0] if cited else 1
    start = max(1, min(top - 5, total - size + 1))
    shown = set(range(start, start + size)) | {n for n in cited if 1 <= n <= total}
    return sorted(shown)


def reader_html(paragraphs: list[str], cited: dict[int, list[str]], shown: list[int] | None = None,
                weak: frozenset[int] | set[int] = frozenset()) -> str:
    """The `shown` paragraphs (1-based numbers; all by default) as escaped HTML with their ¶
    numbers, a line where paragraphs are left out; the cited ones (number -> evidence
    sentences to highlight) are marked, and the `weak` ones (a declined answer's closest
    paragraphs) are marked apart, not as citations."""
    shown = list(range(1, len(paragraphs) + 1)) if shown is None else shown
    parts, previous = [], 0
    for n in shown:
        if n > previous + 1:
            parts.append(f"<div class='gap'>⋯ ¶{previous + 1}–¶{n - 1} not shown ⋯</div>")
        text = paragraphs[n - 1]
        body = highlight(text, cited[n]) if n in cited else escape(text)
        if n in cited:
            css, title = "para cited", ""
        elif n in weak:
            css, title = "para weak", " title='A weak match: the article does not seem to answer the question'"
        else:
            css, title = "para", ""
        parts.append(f"<div id='{anchor(n)}' class='{css}'{title}><span class='pnum'>¶{n}</span> {body}</div>")
        previous = n
    if shown and previous < len(paragraphs):
        parts.append(f"<div class='gap'>⋯ ¶{previous + 1}–¶{len(paragraphs)} not shown ⋯</div>")
    return "\n".join(parts)


def first_words(text: str, words: int = 8) -> str:
    """The opening words of a paragraph, for choosing it from a list."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
