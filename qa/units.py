"""Search units: what gets embedded for each paragraph.

Every paragraph is searched whole when it fits the model (256 word pieces), else as overlapping
windows of whole sentences, so no part of it is cut off by truncation; each sentence is also a
unit of its own, for sentence-level matching and evidence. Units point back to their paragraph,
which is what gets cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

WINDOW = -1  # sentence index of a paragraph or window unit


@dataclass(frozen=True)
class Unit:
    paragraph: int   # 0-based
    sentence: int    # 0-based sentence of that paragraph, or WINDOW
    text: str


def make_units(
    sentences: list[list[str]],
    count_tokens: Callable[[list[str]], list[int]],
    split_long: Callable[[str, int], list[str]],
    window_tokens: int,
) -> list[Unit]:
    units: list[Unit] = []
    for p, sents in enumerate(sentences):
        counts = count_tokens(sents)
        pieces: list[tuple[str, int]] = []          # (text, tokens), long sentences cut up
        for s, (sentence, n) in enumerate(zip(sents, counts)):
            parts = split_long(sentence, window_tokens) if n > window_tokens else [sentence]
            for part in parts:
                units.append(Unit(p, s, part))
                pieces.append((part, min(n, window_tokens)))
        units.extend(Unit(p, WINDOW, text) for text in _windows(pieces, window_tokens))
    return units


def _windows(pieces: list[tuple[str, int]], budget: int) -> list[str]:
    """Greedy packing of consecutive pieces, each window overlapping the last by one piece."""
    if sum(n for _, n in pieces) <= budget:
        return [" ".join(text for text, _ in pieces)]
    windows, start = [], 0
    while start < len(pieces):
        end, used = start, 0
        while end < len(pieces) and (end == start or used + pieces[end][1] <= budget):
            used += pieces[end][1]
            end += 1
        windows.append(" ".join(text for text, _ in pieces[start:end]))
        if end >= len(pieces):
            break
        start = max(end - 1, start + 1)
    return windows
