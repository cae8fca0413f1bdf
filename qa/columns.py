"""Plain-text tables: a block of lines aligned in columns, read as rows.

READMEs, licences and RFCs set tables in plain text, columns kept apart by runs of spaces:

    Release         Derived     Year        Owner       GPL-
                    from                                compatible? (1)

    0.9.0 thru 1.2              1991-1995   CWI         yes
    1.6             1.5.2       2000        CNRI        no

Read as prose, the whole body ran into one paragraph ("0.9.0 thru 1.2 1991-1995 CWI yes 1.6
1.5.2 2000 CNRI no …"), and no row could be found on its own. Here each row is a paragraph,
"label: value; …" under the header's labels, as HTML and Word tables read (`labelled_row`).
The header is the block's lines above a dashed rule ("----  ---"), or else the block just
before it when that block's words stand in the same columns, or else a first line of words
over rows of figures. A cell's text wrapped onto the next line stays in its cell; aligned C-like
code, and a column mostly empty (a list item's hanging indent, double spaces after full stops
that happen to line up), are not tables.
"""

from __future__ import annotations

import re

_GAP = 2                 # columns are kept apart by at least this many spaces
_MIN_ROWS = 3            # a body of at least this many lines,
_MIN_COLUMNS = 3         # in at least this many columns
_HEADER_LINES = 3        # a header block of at most this many lines
_DASHES = re.compile(r"^[\s\-=+|:]+$")      # a rule under a header: "-------  ----", "===+==="
_RULE = re.compile(r"[-=]{3}")
_CODE = re.compile(r"(?:[{};]|\*/)\s*$|^\s*(?:[{}]|//|/\*|#include)")   # C-like code, not a table
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"\S+(?: \S+)*")        # a run of words, single spaces between them
_INK = bytes(48 if b == 32 else 49 for b in range(256))   # bytes.translate: " " -> "0", else "1"
_INNER_GAP = re.compile(r"\S(?: {%d,}|\t)" % _GAP)   # without one, no line has two cells: not a table
_GAPS = re.compile("0{%d,}" % _GAP)


def labelled_row(header: list[str], cells: list[str]) -> str:
    """"label: value; …": each non-empty cell with its column's label, where it has one."""
    pairs = [f"{h}: {c}" if h and c else c for h, c in zip(header + [""] * len(cells), cells) if c]
    return "; ".join(pairs)


def _spans(lines: list[str]) -> list[tuple[int, int]] | None:
    """The columns (start, end) of lines aligned in a table: runs of at least _GAP character
    positions blank in every line, past the common indent and before the longest line's end, cut
    the lines into at least _MIN_COLUMNS columns; None when the lines are not so aligned."""
    width = max(len(line) for line in lines)
    left = min(len(line) - len(line.lstrip(" ")) for line in lines)
    ink = 0                                    # bit i set: some line has a character at i
    for line in lines:
        ink |= int(line.encode("latin-1", "replace").translate(_INK)[::-1], 2)   # a byte per character
    used = format(ink, "b")[::-1]              # "0" where every line is blank, up to width
    spans, start = [], left
    for gap in _GAPS.finditer(used, left):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, width))
    return spans if len(spans) >= _MIN_COLUMNS else None


def _lines(block: str) -> list[str]:
    """The block's non-blank lines, tabs expanded, so that columns are character positions."""
    return [line.expandtabs(8).rstrip() for line in block.split("\n") if line.strip()]


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    return [" ".join(line[a:b].split()) for a, b in spans]


def _labels(lines: list[str], spans: list[tuple[int, int]]) -> list[str] | None:
    """The header's label for each column, its lines' words joined top to bottom ("GPL-" over
    "compatible? (1)": "GPL-compatible? (1)"); None when a run of the header's words covers
    another column whole (a sentence above the table), or a label has no letter (the block above
    was data, not a header). A run belongs to the column whose start is nearest its own: a table
    aligned by hand sets "Awaited" one place left of its column, and "Satisfies" over "No" runs
    on past the next column's start (dpkg's triggers spec, whose rows had read unlabelled)."""
    parts: list[list[str]] = [[] for _ in spans]
    for line in lines:
        for m in _WORDS.finditer(line):
            column = min(range(len(spans)), key=lambda k: abs(spans[k][0] - m.start()))
            if any(k != column and m.start() <= a and b <= m.end() for k, (a, b) in enumerate(spans)):
                return None
            parts[column].append(m.group(0))
    labels = ["".join(p if p.endswith("-") else p + " " for p in words).strip() for words in parts]
    return labels if all(_LETTER.search(label) for label in labels) else None


def _merged(rows: list[list[str]]) -> list[list[str]]:
    """A line with only one cell, the first column empty, goes on the row above (a cell's text
    wrapped onto the next line)."""
    out: list[list[str]] = []
    for cells in rows:
        filled = [k for k, c in enumerate(cells) if c]
        if out and len(filled) == 1 and filled[0] > 0:
            k = filled[0]
            out[-1][k] = f"{out[-1][k]} {cells[k]}".strip()
        else:
            out.append(list(cells))
    return out


def _is_header(cells: list[str], rows: list[list[str]]) -> bool:
    """A first line that names the columns: every cell words without digits, over rows one of
    whose columns is mostly figures ("Bit(s)  Mask  Description" over "0-1  0x03  Number of …")."""
    if not all(c and _LETTER.search(c) and not _DIGIT.search(c) for c in cells):
        return False
    return any(sum(bool(_DIGIT.search(r[k])) for r in rows) * 2 >= len(rows) for k in range(len(cells)))


def table_rows(block: str, previous: str | None = None) -> tuple[list[str], bool] | None:
    """The rows of `block` if it is a plain-text table, and whether `previous` (the block before
    it) was its header; None if it is not a table (nor code, nor a list item's hanging indent)."""
    if not _INNER_GAP.search(block):           # most prose: one cheap look instead of the columns'
        return None
    lines = _lines(block)
    header: list[str] = []
    rule = next((k for k, line in enumerate(lines) if _DASHES.match(line) and _RULE.search(line)), None)
    if rule is not None and 0 < rule <= _HEADER_LINES:
        header, lines = lines[:rule], lines[rule + 1:]
    if len(lines) < _MIN_ROWS or any(_DASHES.match(line) or _CODE.search(line) for line in lines):
        return None
    spans = _spans(lines)
    if spans is None:
        return None
    rows = _merged([_cells(line, spans) for line in lines])
    if len(rows) < _MIN_ROWS or any(sum(bool(r[k]) for r in rows) * 2 < len(rows) for k in range(len(spans))):
        return None                            # a column mostly empty: aligned by chance, not a table
    labels = _labels(header, spans) if header else None
    used_previous = False
    if not header and previous:
        above = _lines(previous)
        if len(above) <= _HEADER_LINES:
            labels = _labels(above, spans)
            used_previous = labels is not None
    if labels is None and len(rows) > _MIN_ROWS - 1 and _is_header(rows[0], rows[1:]):
        labels, rows = rows[0], rows[1:]
    return [row for row in (labelled_row(labels or [], cells) for cells in rows) if row], used_previous
