"""Article text as safe HTML for the app: escaped, evidence sentences wrapped in <mark>.

Article text is data, never markup: HTML is escaped and every character that Markdown (or
Streamlit's $...$ math) would act on becomes a numeric entity, so nothing in an article can
render as a link, an image, a heading or a script.
"""

from __future__ import annotations

import re

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


def highlight(paragraph: str, evidence: list[str]) -> str:
    """The paragraph as escaped HTML with the evidence sentences in <mark>."""
    parts, pos = [], 0
    for start, end in spans(paragraph, evidence):
        parts.append(escape(paragraph[pos:start]))
        parts.append(f"<mark>{escape(paragraph[start:end])}</mark>")
        pos = end
    parts.append(escape(paragraph[pos:]))
    return "".join(parts)


def anchor(paragraph: int) -> str:
    """The HTML id of a paragraph (1-based) in the reader pane, for citation links."""
    return f"para-{paragraph}"


def reader_html(paragraphs: list[str], cited: dict[int, list[str]], first: int = 1) -> str:
    """Paragraphs (numbered from `first`) as escaped HTML with their ¶ numbers; the cited ones
    (1-based number -> evidence sentences) are marked and their evidence highlighted."""
    parts = []
    for n, text in enumerate(paragraphs, first):
        body = highlight(text, cited[n]) if n in cited else escape(text)
        css = "para cited" if n in cited else "para"
        parts.append(f"<div id='{anchor(n)}' class='{css}'><span class='pnum'>¶{n}</span> {body}</div>")
    return "\n".join(parts)
