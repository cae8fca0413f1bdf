"""Word documents (.docx) → Article, read with python-docx.

The document's own structure is used, not guessed: paragraphs and tables in the order they
stand in the body; a "Title" paragraph (or the document's title property) is the title;
"Heading n" paragraphs are not paragraphs but the section of those under them (searched with
them, shown beside their citations), as in Markdown; a list right after a paragraph ending
with ":" is one paragraph with it (the same rule and limit as for Markdown); a table's rows
read "label: value; …" under its first row's labels.
"""

from __future__ import annotations

import io
import re
import zipfile

from .columns import labelled_row
from .errors import ArticleError
from .ingest import join_list_item, normalise, section_name, under_heading
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
    for block in document.iter_inner_content():
        section = section_name(trail)
        if isinstance(block, Table):
            for row in _rows(block):
                paragraphs.append(row)
                context.append(section)
            introduces = joining = False
            continue
        text = normalise(block.text)
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
            introduces = joining = False
            continue
        listed = style.lower().startswith("list") or _numbered(block)
        joined = join_list_item(paragraphs[-1], text) if listed and (introduces or joining) else None
        if joined:
            paragraphs[-1], joining = joined, True
            continue
        paragraphs.append(text)
        context.append(section)
        introduces, joining = text.endswith(":"), False
    if not paragraphs:
        raise ArticleError(f"{shown} has no text to ask about (a Word document of images or empty pages).")
    return Article(title=title or stem, paragraphs=tuple(paragraphs), context=tuple(context) if any(context) else (),
                   details=details_of(document.core_properties.author))


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
