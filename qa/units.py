"""Search units: what gets a vector for each paragraph.

Each sentence is a unit (a sentence longer than the window budget is cut into pieces at word
boundaries, so none is truncated by the model). Each paragraph is also searched whole — or, when
longer than the window budget, as overlapping windows of whole sentences. Only sentences go
through the model; window vectors are pooled from their sentences' token vectors, so the model
reads every token once and no part of a paragraph is invisible to search. Units point back to
their paragraph, which is what gets cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

WINDOW = -1  # sentence index of a paragraph or window unit


@dataclass(frozen=True, slots=True)
class Unit:
    paragraph: int               # 0-based
    sentence: int                # 0-based sentence of that paragraph, or WINDOW
    text: str
    pieces: tuple[int, ...] = ()  # windows: the sentence units (indices into the unit list) they span


def make_units(
    sentences: list[list[str]],
    count_tokens: Callable[[list[str]], list[int]],
    split_long: Callable[[str, int], list[str]],
    window_tokens: int,
) -> list[Unit]:
    # One tokenizer call for the whole article (many small calls cost more than the tokenizing).
    flat_counts = iter(count_tokens([s for sents in sentences for s in sents]))
    units: list[Unit] = []
    for p, sents in enumerate(sentences):
        pieces: list[tuple[int, int]] = []          # (unit index, tokens)
        for s, (sentence, n) in enumerate(zip(sents, flat_counts)):
            parts = split_long(sentence, window_tokens) if n > window_tokens else [sentence]
            for part, m in zip(parts, count_tokens(parts) if len(parts) > 1 else [n]):
                pieces.append((len(units), m))
                units.append(Unit(p, s, part))
        for window in _windows(pieces, window_tokens):
            text = " ".join(units[i].text for i in window)
            units.append(Unit(p, WINDOW, text, pieces=tuple(window)))
    return units


def _windows(pieces: list[tuple[int, int]], budget: int) -> list[list[int]]:
    """Greedy packing of consecutive pieces, each window overlapping the last by one piece."""
    ids = [i for i, _ in pieces]
    if sum(n for _, n in pieces) <= budget:
        return [ids]
    windows, start = [], 0
    while start < len(pieces):
        end, used = start, 0
        while end < len(pieces) and (end == start or used + pieces[end][1] <= budget):
            used += pieces[end][1]
            end += 1
        windows.append(ids[start:end])
        if end >= len(pieces):
            break
        start = max(end - 1, start + 1)
    return windows
