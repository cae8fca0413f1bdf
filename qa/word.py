"""Word documents (.docx) → Article, read with python-docx.

The document's own structure is used, not guessed: paragraphs and tables in the order they
stand in the body; a "Title" paragraph (or the document's title property) is the title;
"Heading n" paragraphs are not paragraphs but the section of those under them (searched with
them, shown beside their citations), as in Markdown; a list right after a paragraph ending
with ":" is one paragraph with it (the same rule and limit as for Markdown), and so is a list
of short items with no intro (names, links: ingest.short_item) on its own; a table's rows
read "label: value; …" under its first row's labels.
"""

from __future__ import annotations

import io
import re
import zipfile

from .columns import labelled_row
from .errors import ArticleError
from .ingest import join_list_item, normalise, section_name, short_item, under_heading
from .details import details_of
from .records import Article

_HEADING = re.compile(r"^heading\s*(\d)?$", re.IGNORECASE)


MAX_UNPACKED_BYTES = 200 * 1024 * 1024     # a .docx's parts, unpacked (a ZIP bomb stops here)


def read(data: bytes, shown: str, stem: str) -> Article:
    """Raises ArticleError for anything that is not a readable Word document: python-docx and the
    ZIP and XML layers under it raise a dozen kinds of error on damaged bytes (zlib's, lxml's,
    NotImplementedError for an odd ZIP version), none of them the user's to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:           # not a ZIP archive, or one the zipfile module cannot read
        raise ArticleError(f"{shown} is not a Word document that can be read (.docx).") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ArticleError(f"{shown} unpacks to {unpacked / 2**20:.0f} MB, more than this app reads "
                           f"({MAX_UNPACKED_BYTES // 2**20} MB).")
    try:
        return _read(data, shown, stem)
    except ArticleError:
        raise
    except Exception:           # damaged inside: see above
        raise ArticleError(f"{shown} is not a Word document that can be read (.docx): it is damaged.") from None


def _read(data: bytes, shown: str, stem: str) -> Article:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    title = normalise(document.core_properties.title or "")
    paragraphs: list[str] = []
    context: list[str] = []
    trail: list[tuple[int, str]] = []          # (level, heading text)
    introduces = joining = False
    own = after_item = False                   # in a list of short items with no intro; right after an item
    blocks = list(document.iter_inner_content())
    texts = [None if isinstance(block, Table) else normalise(block.text) for block in blocks]   # None: a table
    for n, block in enumerate(blocks):
        section = section_name(trail)
        if isinstance(block, Table):
            for row in _rows(block):
                paragraphs.append(row)
                context.append(section)
            introduces = joining = own = after_item = False
            continue
        text = texts[n]
        if not text:
            continue
        style = (block.style.name if block.style is not None else "") or ""
        heading = _HEADING.match(style)
        if style.lower() == "title" or heading:
            if style.lower() == "title" or (not title and not paragraphs and heading.group(1) in (None, "1")):
                title = title or text
            else:
                level = int(heading.group(1) or 1)
                trail = under_heading(trail, level, text)
            introduces = joining = own = after_item = False
            continue
        listed = _listed(block)
        after, after_item = after_item, listed
        joined = join_list_item(paragraphs[-1], text) if listed and (introduces or joining) else None
        if joined:
            paragraphs[-1], joining = joined, True
            continue
        starts = listed and not own and not after and _short_items(blocks, texts, n)
        own = listed and (own or starts)
        joined = join_list_item(paragraphs[-1], text, apart=True) if own and not starts else None
        if joined:
            paragraphs[-1] = joined
            continue
        paragraphs.append(text)
        context.append(section)
        introduces, joining = text.endswith(":"), False
    if not paragraphs:
        raise ArticleError(f"{shown} has no text to ask about (a Word document of images or empty pages).")
    return Article(title=title or stem, paragraphs=tuple(paragraphs), context=tuple(context) if any(context) else (),
                   details=details_of(document.core_properties.author))


def _listed(paragraph) -> bool:
    """A list item: a list style, or Word's own bullet or number in front of it."""
    return (paragraph.style is not None and (paragraph.style.name or "").lower().startswith("list")) \
        or _numbered(paragraph)


def _short_items(blocks: list, texts: list[str | None], start: int) -> bool:
    """The list items from blocks[start] on, up to the first paragraph that is not one, are two
    or more short ones (ingest.short_item): a list of names or links, read as one paragraph.
    `texts`: each block's normalised text, None for a table."""
    items = []
    for block, text in zip(blocks[start:], texts[start:]):
        if text is None or (text and not _listed(block)):
            break
        if text:
            items.append(text)
    return len(items) >= 2 and all(short_item(text) for text in items)


def _numbered(paragraph) -> bool:
    """A bullet or number Word puts in front of the paragraph (its numbering properties)."""
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _rows(table) -> list[str]:
    """Each row after the first as "label: value; …" under the first row's cells (a cell merged
    across columns counted once)."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(normalise(cell.text))
        rows.append(cells)
    if not rows:
        return []
    header, out = rows[0], []
    if len(rows) == 1:
        return ["; ".join(c for c in header if c)] if any(header) else []
    for cells in rows[1:]:
        row = labelled_row(header, cells)
        if row:
            out.append(row)
    return out
