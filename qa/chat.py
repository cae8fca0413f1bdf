"""A chat about one article: its turns, and which of them a new question is asked with."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Document
from .errors import QAError
from .records import Answer


@dataclass(frozen=True)
class Turn:
    """One question of the chat and what came of it: an answer, or the message of an error."""

    question: str
    history: tuple[str, ...] = ()     # the earlier questions it was asked with
    answer: Answer | None = None
    error: str = ""


def history_of(turns: list[Turn]) -> list[str]:
    """The earlier questions a new one is asked with: those the article answered, fully or
    in part. A question that failed (say an empty one) is not part of the conversation, nor
    is one the article does not cover: searched with it, the next follow-up was dragged
    toward weak matches ("How does it recover from failures?" searched with "What is the
    capital of Peru?"). Leaving declined turns out raised follow-up R@1 on both fit sets and
    declined one held-out follow-up fewer (README). Nor is a question about the article itself
    (its author, what it is about: Answer.source), which says nothing of a topic: "Who sold the
    drones?" after "What is this article about?" was searched with it."""
    return [t.question for t in turns
            if t.answer is not None and not t.answer.abstained and t.answer.source == "passages"]


def ask(doc: Document, turns: list[Turn], question: str, top_k: int | None = None) -> Turn:
    """Ask `question` after `turns`; a question the user got wrong becomes a turn with its message."""
    history = history_of(turns)
    try:
        return Turn(question, tuple(history), doc.ask(question, history=history, top_k=top_k))
    except QAError as exc:
        return Turn(question, tuple(history), error=str(exc))


def last_answer(turns: list[Turn]) -> Answer | None:
    return next((t.answer for t in reversed(turns) if t.answer is not None), None)
