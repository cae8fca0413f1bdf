"""A chat as a Markdown document: each question, the answer with its [¶n] markers, and the
cited paragraphs quoted with their numbers."""

from __future__ import annotations

import re

from .chat import Turn
from .answer import note

_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|~$&])")
_MARKER = re.compile(r"\\\[¶(\d+)\\\]")         # the answer's own [¶n] markers stay as written
_LINE_START = re.compile(r"^(\s*)(?:(\d+)([.)])|([-+=>]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that any Markdown viewer shows as written: emphasis, links, images, raw HTML
    (`<img onerror=…>`, `<script>`), math (`$…$`), headings, lists and quotes are escaped."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + (f"{m.group(2)}\\{m.group(3)}" if m.group(2) else f"\\{m.group(4)}"),
                           text)


LEVELS = {"answered": "Answered", "closest": "Closest passage, may not answer exactly", "declined": "Not answered"}


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def escape_answer(text: str) -> str:
    """An answer's text escaped, its own [¶n] markers kept as written (no "(" can follow them
    to make a link: parentheses are escaped)."""
    return _MARKER.sub(r"[¶\1]", escape_markdown(text))


def chat_markdown(title: str, turns: list[Turn]) -> str:
    """The chat as Markdown; every text that comes from the article or the user is escaped."""
    e = escape_markdown
    out = [f"# Chat about “{e(title or 'Untitled article')}”", ""]
    for n, turn in enumerate(turns, 1):
        answer = turn.answer
        out += [f"## {n}. {e(turn.question)}", ""]
        if answer is None:
            out += [f"*Not answered: {e(turn.error or 'error')}*", ""]
            continue
        if answer.context:
            out += [f"*Searched for: {e(answer.searched)}*", ""]
        basis = note(answer) or \
            f"{LEVELS.get(answer.level, answer.level)} · {answer.probability:.0%} likely that the article answers this"
        out += [escape_answer(answer.text), "", f"*{basis}*", ""]
        if answer.citations:
            out += ["**Closest paragraphs (weak matches):**" if answer.abstained else "**Cited paragraphs:**", ""]
            for c in answer.citations:
                section = f"*{e(c.section)}* — " if c.section else ""
                out += [_quote(f"**¶{c.paragraph}** {section}{e(c.text)}"), ""]
    return "\n".join(out).rstrip() + "\n"
