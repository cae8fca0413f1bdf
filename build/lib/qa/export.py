"""A chat as a Markdown document: each question, the answer with its [¶n] markers, and the
cited paragraphs quoted with their numbers."""

from __future__ import annotations

from .chat import Turn


LEVELS = {"answered": "Answered", "closest": "Closest passage, may not answer exactly", "declined": "Not answered"}


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def chat_markdown(title: str, turns: list[Turn]) -> str:
    out = [f"# Chat about “{title or 'Untitled article'}”", ""]
    for n, turn in enumerate(turns, 1):
        answer = turn.answer
        out += [f"## {n}. {turn.question}", ""]
        if answer is None:
            out += [f"*Not answered: {turn.error or 'error'}*", ""]
            continue
        if answer.context:
            out += [f"*Searched for: {answer.searched}*", ""]
        out += [answer.text, "", f"*{LEVELS.get(answer.level, answer.level)} · "
                f"{answer.probability:.0%} likely that the article answers this*", ""]
        if answer.citations:
            out += ["**Closest paragraphs (weak matches):**" if answer.abstained else "**Cited paragraphs:**", ""]
            for c in answer.citations:
                out += [_quote(f"**¶{c.paragraph}** {c.text}"), ""]
    return "\n".join(out).rstrip() + "\n"
