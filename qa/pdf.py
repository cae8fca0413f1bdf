"""PDF pages to paragraphs, reading the layout (pdfminer.six's layout analysis, MIT).

pdfminer groups a page's characters into lines and lines into text boxes. This module puts the
boxes in reading order (top to bottom in bands divided by full-width boxes, the left column
before the right one within a band: pdfminer's own ordering mixes sections of two-column
pages) and turns them into an article:

- **paragraphs**: a box holds one or more paragraphs; a new one starts at an indented line or
  after a line that ends a sentence with room left for the next line's first word (so ragged-
  right text is read right too), or after a wider gap than the box's usual line pitch. Boxes
  that carry on one column at the usual pitch are joined first (pdfminer cuts 1.5- or double-
  spaced text into a box a line). A paragraph that a box
  leaves unfinished (no closing punctuation) runs on into the next box — the next column or
  page — when its last line runs to the column's edge, or (ragged-right text) stops where the
  next word would not have fitted, skipping figure and table captions set in between. A
  bullet's hanging indent does not start a paragraph. Words hyphenated at a line end are
  re-joined.
- **headings** ("1 INTRODUCTION", "B. Citations", a short bold line) are not paragraphs: they
  become the context of the paragraphs under them, as in Markdown files.
- **dropped**: the bibliography (a "References" section of entry-like paragraphs, "[n] …" entries),
  running headers and footers (a line repeated on many pages, digits aside), page
  numbers, rotated text such as the arXiv stamp down the first page's margin, and fragments
  with fewer than three words (equation pieces, equation numbers, stray labels), and tables of
  contents (dot leaders).
- **title**: the document's metadata title when it reads like one; otherwise (missing, a file
  name such as "paper.dvi", "Microsoft Word - …") the first page's largest text.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .errors import ArticleError
from .ingest import join_list_item, normalise
from .details import details_of
from .records import Article, Details

MAX_PAGES = 2_000          # a longer PDF is refused (a book is a few hundred pages)
MAX_SECONDS = 180          # reading time budget (pdfminer: about 0.05 s a page here)
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)\]]$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.|Appendix\s+[A-Z0-9]+\.?)\s+\S")
_ABSTRACT = re.compile(r"^abstract\s*[.:—–-]\s", re.IGNORECASE)     # a run-in "Abstract." starts a paragraph
_SUBCAPTION = re.compile(r"^\([a-z]\)\s")               # "(a) Task reconstruction" under a sub-figure
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Algorithm|Listing)\s*\d+[.:]", re.IGNORECASE)
_BULLET = re.compile(r"^[•◦▪‣∙·\-–*]\s+")
_JUNK_TITLE = re.compile(r"(?:\.(?:dvi|tex|pdf|docx?|rtf|odt|indd|ps)\s*$)|^microsoft\s+(?:word|powerpoint)\b|^untitled\b"
                         r"|^(?:draft|preprint)\b", re.IGNORECASE)
# Bold or small-caps font names: "Times-Bold", "NimbusRomNo9L-Medi", TeX's CMBX/CMCSC, Libertine's TB.
_EMPHASIS = re.compile(r"bold|black|heavy|demi|semibold|-medi|cmbx|cmcsc|smallcaps|[a-z]TB$|-bd$", re.IGNORECASE)
_MARKS = re.compile(r"[\s∗*†‡§¶]+$")                  # footnote marks after a title
_LEADERS = re.compile(r"(?:\.\s?){5,}")                # dot leaders of a table of contents
_CID = re.compile(r"\(cid:\d+\)")                  # glyphs without a Unicode mapping (math fonts)
_WORDS = re.compile(r"[^\W\d_]{2,}")                # words of two letters or more
_REFERENCES = re.compile(r"^(?:\d+\.?\s+|[IVX]+\.\s+)?(?:references?|bibliography|literature cited|works cited"
                         r"|cited literature|references and notes)$", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:appendi(?:x|ces)\b|supplementa|[A-Z](?:\.\d+)*\.?\s+[A-Z][a-z])")
_REFERENCE_ENTRY = re.compile(r"^\[\d{1,3}\]\s")
_ENTRY_LIKE = re.compile(r"\b(?:1[6-9]|20)\d\d[a-z]?\b|\b[A-Z]\.(?:\s?[A-Z]\.)*,?\s+[A-Z]|https?://|\bdoi\b|arXiv|\bet al\b"
                         r"|\bpp\.\s*\d|\bProc(?:eedings|\.)|(?:[A-Z][\w'’-]+ ){1,3}[A-Z][\w'’-]+, (?:and )?[A-Z][\w'’-]+ [A-Z]|\w-$")
_ARXIV_STAMP = re.compile(r"^arXiv:\d{4}\.\d{4,5}(?:v\d+)?\s+\[[^\]]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}$")


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float          # distance from the page's top
    size: float         # median character size
    bold: bool


@dataclass(frozen=True)
class Box:
    page: int
    lines: tuple[Line, ...]
    x0: float
    x1: float
    height: float = 0.0      # the page's height
    width: float = 0.0       # the page's width


def read(data: bytes, shown: str, stem: str) -> Article:
    """The article in a PDF's bytes. Raises ArticleError for damaged, encrypted or image-only files."""
    if not data.lstrip()[:1024].startswith(b"%PDF-"):
        raise ArticleError(f"{shown} is not a PDF (it does not start with a PDF header).")
    boxes, meta_title, details, pages = _boxes(data, shown)
    first_page = reading_order([b for b in boxes if b.page == 1])     # before running headers go: a
    boxes = merge_flow(reading_order(drop_running(boxes, pages)))     # DocBook PDF repeats its title atop every page
    if not any(b.lines for b in boxes):
        raise ArticleError(f"{shown} has no extractable text (it may be scanned images); "
                           "try a PDF with a text layer, or paste the text.")
    body = body_size(boxes)
    title_lines = title_of(boxes, body)
    before = title_of(first_page, body)
    if before and (not title_lines or before[0].size > title_lines[0].size):
        title_lines = before                  # the first page's largest text had gone as a running header
    title = normalise(meta_title)
    if not title or _JUNK_TITLE.search(title) or len(re.findall(r"[^\W\d_]{2,}", title)) < 2:
        title = _MARKS.sub("", normalise(" ".join(line.text for line in title_lines)))
    paragraphs, context = join_bullets(*drop_references(*paragraphs_of(boxes, body, set(title_lines))))
    # the title again in a running header the margin test missed (alternating left/right pages)
    keep = [k for k, p in enumerate(paragraphs) if p.casefold() != (title or "").casefold()]
    paragraphs, context = [paragraphs[k] for k in keep], [context[k] for k in keep]
    if not paragraphs:
        raise ArticleError(f"{shown} has no extractable text (it may be scanned images); "
                           "try a PDF with a text layer, or paste the text.")
    return Article(title=title or stem, paragraphs=tuple(paragraphs),
                   context=tuple(context) if any(context) else (), details=details)


def join_bullets(paragraphs: list[str], context: list[str]) -> tuple[list[str], list[str]]:
    """Bullet points right after a paragraph ending with ":" are one paragraph with it, as in
    Markdown and Word documents (up to JOINED_LIST_CHARS): freedesktop's spec listed "This
    specification proposes:" and then each proposal as a paragraph of its own. A bullet point
    that stands alone loses its bullet, as a Markdown or Word list item does (the same spec's
    "• A glob-deleteall element, which …" was cited and highlighted so)."""
    out_p: list[str] = []
    out_c: list[str] = []
    joining = False
    for text, section in zip(paragraphs, context):
        bullet = _BULLET.match(text)
        joined = join_list_item(out_p[-1], text[bullet.end():]) if bullet and out_p and out_c[-1] == section \
            and (joining or out_p[-1].endswith(":")) else None
        if joined:
            out_p[-1], joining = joined, True
            continue
        out_p.append(text[bullet.end():] if bullet else text)
        out_c.append(section)
        joining = False
    return out_p, out_c


def drop_references(paragraphs: list[str], context: list[str]) -> tuple[list[str], list[str]]:
    """Without the bibliography. pdfminer cuts each entry into fragments, and in a two-column
    arXiv paper the reference list was 39% of the paragraphs, answering questions in place of the
    body. Dropped: a section under a "References" heading, up to the next numbered or appendix
    heading, when most of its paragraphs read like entries (a year, initials, names, a link) — a manual's
    chapter *about* bibliographies stays — and "[12] A. Author, …" entries set without a heading."""
    n = len(paragraphs)
    drop = [False] * n
    entries = [bool(_REFERENCE_ENTRY.match(p)) for p in paragraphs]
    i = 0
    while i < n:
        if _REFERENCES.match(context[i]) and (i == 0 or context[i - 1] != context[i]):
            end = i + 1
            while end < n and (context[end] == context[i] or not (_NUMBERED_HEADING.match(context[end])
                                                                   or _APPENDIX.match(context[end]))):
                end += 1
            if sum(bool(_ENTRY_LIKE.search(p)) or entries[k] for k, p in enumerate(paragraphs[i:end], i)) >= 0.6 * (end - i):
                drop[i:end] = [True] * (end - i)
            i = end
        else:
            i += 1
    if sum(entries) >= 3:
        drop = [d or e for d, e in zip(drop, entries)]
    return ([p for p, d in zip(paragraphs, drop) if not d], [c for c, d in zip(context, drop) if not d])


def _boxes(data: bytes, shown: str) -> tuple[list[Box], str, Details, int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psparser import PSException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    boxes: list[Box] = []
    pages = 0
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        meta_title = _info(doc, "Title")
        details = details_of(_info(doc, "Author"))      # not CreationDate: when the file was made (details.py)
        if sum(1 for _ in itertools.islice(PDFPage.create_pages(doc), MAX_PAGES + 1)) > MAX_PAGES:
            raise ArticleError(f"{shown} has more than {MAX_PAGES:,} pages; the limit is {MAX_PAGES:,}.")
        started = time.monotonic()
        for pages, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PAGES + 1), 1):
            if time.monotonic() - started > MAX_SECONDS:
                raise ArticleError(f"{shown} took over {MAX_SECONDS} s to read ({pages - 1} pages so far); "
                                   "it may be damaged or built to be slow. Try a smaller PDF or paste its text.")
            for element in page:
                if not isinstance(element, LTTextBox):
                    continue
                lines = []
                for line in element:
                    chars = [c for c in line if isinstance(c, LTChar)]
                    if not chars:
                        continue
                    size = statistics.median(c.size for c in chars)
                    raw = _without_marks(line, size)
                    text = normalise(unicodedata.normalize("NFKC", _CID.sub("", raw)))
                    if not text:
                        continue
                    if any(abs(c.matrix[1]) > 1e-3 or abs(c.matrix[2]) > 1e-3 for c in chars[:3]):
                        continue                          # rotated: margin stamps, axis labels
                    lines.append(Line(text, line.x0, line.x1, page.height - line.y1, size,
                                      sum(bool(_EMPHASIS.search(c.fontname)) for c in chars) > 0.6 * len(chars)))
                if lines:
                    boxes.append(Box(pages, tuple(lines), element.x0, element.x1, page.height, page.width))
    except PDFPasswordIncorrect:
        raise ArticleError(f"{shown} is password-protected.") from None
    except ArticleError:
        raise
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise ArticleError(f"{shown} is a damaged PDF and cannot be read ({type(exc).__name__}).") from None
    except Exception as exc:       # pdfminer raises its own classes for many kinds of damage
        if type(exc).__module__.startswith("pdfminer"):
            raise ArticleError(f"{shown} is a damaged PDF and cannot be read ({type(exc).__name__}).") from None
        raise
    return boxes, meta_title, details, pages


def _without_marks(line, size: float) -> str:
    """A line's text without footnote marks and citation numbers set high ("Title∗", "Author1,a)"):
    small raised characters after a letter. Subscripts ("CO2") and exponents ("fb−1", "10−3",
    "m2" after a digit or a sign) stay."""
    from pdfminer.layout import LTChar

    normal = [c.y0 for c in line if isinstance(c, LTChar) and c.size >= 0.75 * size]
    baseline = statistics.median(normal) if normal else 0.0
    out: list[str] = []
    before = ""                                  # the last visible character kept at full size
    keep_run, in_run = True, False
    for c in line:
        text = c.get_text()
        if not (isinstance(c, LTChar) and c.size < 0.75 * size):
            in_run = False
            out.append(text)
            before = text.strip()[-1:] or before
            continue
        if not in_run:                           # a run of small characters starts
            in_run = True
            raised = c.y0 > baseline + 0.15 * size
            keep_run = not raised or text in "−-+" or before.isdigit()
        if keep_run:
            out.append(text)
    return "".join(out)


def _info(doc, key: str) -> str:
    """A field of the document information dictionary ("Title", "Author", "CreationDate")."""
    from pdfminer.pdftypes import resolve1

    for info in doc.info or []:
        value = resolve1(info.get(key)) if isinstance(info, dict) else None
        if isinstance(value, bytes):
            if value.startswith((b"\xfe\xff", b"\xff\xfe")):
                return value.decode("utf-16", errors="replace")
            return value.decode("latin-1", errors="replace")
        if isinstance(value, str):
            return value
    return ""


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold()).strip()


# A book's running header names the chapter the page is in ("Chapter 2: ASN.1 structure
# handling", "Appendix A: Copying Information"): on a short chapter's few pages only.
_CHAPTER_HEADER = re.compile(r"^(?:chapter|appendix|part|section|lecture)\s+[\w#]{1,4}(?![\w#])")


def drop_running(boxes: list[Box], pages: int) -> list[Box]:
    """Without running headers/footers (a line in the top or bottom tenth of at least 3 pages and
    a third of them, digits aside; or of 2 pages when it names a chapter), page numbers and arXiv
    stamps."""
    def margin(box: Box, line: Line) -> bool:          # in the top or bottom tenth of its page
        return line.top < 0.1 * box.height or line.top > 0.9 * box.height

    seen: dict[str, set[int]] = {}
    for box in boxes:
        for line in box.lines:
            if margin(box, line):
                seen.setdefault(_key(line.text), set()).add(box.page)
    running = {k for k, on in seen.items() if len(k) < 200 and (len(on) >= max(3, pages / 3)
                                                                 or len(on) >= 2 and _CHAPTER_HEADER.match(k))}
    out = []
    for box in boxes:
        lines = tuple(line for line in box.lines
                      if not (margin(box, line) and _key(line.text) in running) and not _PAGE_NUMBER.match(line.text)
                      and not _ARXIV_STAMP.match(line.text))
        if lines:
            out.append(Box(box.page, lines, box.x0, box.x1, box.height, box.width))
    return out


def reading_order(boxes: list[Box]) -> list[Box]:
    """Each page's boxes in reading order: top to bottom in bands divided by full-width boxes
    (a title, a two-column figure), within a band the left column before the right one."""
    out: list[Box] = []
    for page in sorted({b.page for b in boxes}):
        on_page = sorted((b for b in boxes if b.page == page), key=lambda b: (b.lines[0].top, b.x0))
        mid = on_page[0].width / 2
        band: list[Box] = []

        def flush() -> None:
            out.extend(sorted(band, key=lambda b: (b.x0 >= mid - 5, b.lines[0].top, b.x0)))
            band.clear()

        for box in on_page:
            if box.x0 < mid - 10 and box.x1 > mid + 10:          # spans the gutter
                flush()
                out.append(box)
            else:
                band.append(box)
        flush()
    return out


def merge_flow(boxes: list[Box]) -> list[Box]:
    """Join a box to the one before it when it carries on the same column at the usual line
    pitch (pdfminer cuts loosely spaced text, 1.5 or double spacing, into one box a line), or
    finishes its last line."""
    out: list[Box] = []
    for box in boxes:
        prev = out[-1] if out else None
        if prev is not None and prev.page == box.page and _same_line(prev.lines[-1], box.lines[0]):
            # the rest of a line pdfminer cut off into a box of its own: a run-in bold heading
            # ("Recovering from task failures.") and the text after it ("In Figure 11a, we …")
            last, first = prev.lines[-1], box.lines[0]
            joined = Line(f"{last.text} {first.text}", last.x0, first.x1, last.top, max(last.size, first.size),
                          last.bold and first.bold)
            out[-1] = Box(box.page, prev.lines[:-1] + (joined,) + box.lines[1:], min(prev.x0, box.x0),
                          max(prev.x1, box.x1), box.height, box.width)
            continue
        if prev is not None and prev.page == box.page and abs(prev.x0 - box.x0) < box.lines[0].size:
            last, first = prev.lines[-1], box.lines[0]
            if 0 < first.top - last.top <= 1.9 * max(first.size, last.size) and abs(first.size - last.size) < 0.5:
                out[-1] = Box(box.page, prev.lines + box.lines, min(prev.x0, box.x0), max(prev.x1, box.x1), box.height, box.width)
                continue
        out.append(box)
    return out


def _same_line(a: Line, b: Line) -> bool:
    """`b` goes on from where `a` ends, on the same baseline, less than an em to its right (columns
    stand further apart: 18 pt in Ray at 10 pt type)."""
    return abs(a.top - b.top) < 0.3 * a.size and abs(a.size - b.size) < 0.5 and 0 <= b.x0 - a.x1 < a.size


def body_size(boxes: list[Box]) -> float:
    """The body text's font size: the size most characters are set in."""
    sizes = Counter()
    for box in boxes:
        for line in box.lines:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def title_of(boxes: list[Box], body: float) -> list[Line]:
    """The first page's largest text (consecutive lines of that size), if larger than the body."""
    first = [line for box in boxes if box.page == 1 for line in box.lines
             if len(re.findall(r"[^\W\d_]", line.text)) >= 3]
    if not first:
        return []
    biggest = max(line.size for line in first)
    if biggest < 1.15 * body:
        return next(([line] for line in first if line.bold and not _JUNK_TITLE.search(line.text)), [])
    lines = sorted((l for l in first if l.size >= biggest - 0.5), key=lambda l: l.top)
    title = [lines[0]]
    for line in lines[1:]:
        if line.top - title[-1].top > 2.5 * biggest:
            break
        title.append(line)
    return title


def is_heading(box: Box, line: Line, body: float) -> bool:
    """A line that names a section: short, not ending a sentence, and set apart (numbered, in
    capitals, bold or larger than the body text)."""
    text = line.text
    if len(text.split()) > 12 or len(text) > 90 or text.endswith((".", ",", ";")) and not _NUMBERED_HEADING.match(text):
        return False
    if _CAPTION.match(text) or text.endswith("-"):
        return False
    if len(box.lines) > 1 and line.x1 - line.x0 > 0.85 * (box.x1 - box.x0) and len(text.split()) > 5:
        return False                 # a full-width line that wraps on: running text
    numbered = bool(_NUMBERED_HEADING.match(text)) and not text[-1:] in ".,;"
    return styled(line, body) or numbered and len(box.lines) == 1


def styled(line: Line, body: float) -> bool:
    """Set apart from running text: in capitals, bold or small caps, or larger than the body."""
    letters = re.sub(r"[^\w]|\d", "", line.text)
    return len(letters) >= 3 and letters.isupper() or line.bold or line.size >= 1.1 * body


def same_style(a: Line, b: Line) -> bool:
    caps = [re.sub(r"[^\w]|\d", "", l.text).isupper() for l in (a, b)]
    return a.bold == b.bold and abs(a.size - b.size) < 0.5 and caps[0] == caps[1]


def _would_fit(above: Line | None, edge: float, line: Line) -> bool:
    """`line`'s first word would have fitted after `above` before `edge` (the right edge of
    `above`'s column or box): the line above ended early, by choice, not for want of room."""
    if above is None or not line.text.split():
        return True
    char = (above.x1 - above.x0) / max(len(above.text), 1)
    return edge - above.x1 > (len(line.text.split()[0]) + 1.5) * char


def paragraphs_of(boxes: list[Box], body: float, skip: set[Line]) -> tuple[list[str], list[str]]:
    """Paragraphs and, for each, the heading it falls under."""
    paragraphs: list[str] = []
    context: list[str] = []
    heading = ""
    open_text: list[str] = []        # a paragraph still running (no closing punctuation yet)
    open_heading = ""
    last_size = body
    last_full = True
    last_line: Line | None = None
    last_edge = 0.0

    def close() -> None:
        nonlocal open_text
        if open_text:
            paragraphs.append(normalise(" ".join(open_text)))
            context.append(open_heading)
            open_text = []

    def add(text: str) -> None:
        if open_text and open_text[-1].endswith("-") and text[:1].islower():
            first, _, rest = text.partition(" ")
            open_text[-1] = open_text[-1][:-1] + first
            if rest:
                open_text.append(rest)
        else:
            open_text.append(text)

    for box in boxes:
        lines = [line for line in box.lines if line not in skip]
        if not lines:
            continue
        if _CAPTION.match(lines[0].text) or _SUBCAPTION.match(lines[0].text) and lines[0].size < body - 0.3:
            # a caption (or a sub-figure's label, set smaller than the text): its own paragraph,
            # while a paragraph interrupted by it stays open
            paragraphs.append(normalise(" ".join(line.text for line in lines)))
            context.append(heading)
            continue
        width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
        steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if b.top > a.top)
        pitch = steps[len(steps) // 2] if steps else 0.0
        left = min(line.x0 for line in lines)
        lead = 0                     # the box's leading heading lines
        if is_heading(box, lines[0], body) and (len(lines) > 1 or not open_text or styled(lines[0], body)
                                                 or _SENTENCE_END.search(open_text[-1])):
            lead = 1
            while lead < len(lines) and same_style(lines[0], lines[lead]) and is_heading(box, lines[lead], body):
                lead += 1
            if lead > 3:             # a whole bold paragraph (an abstract), not a heading
                lead = 0
        if lead:
            close()
            heading = _MARKS.sub("", normalise(" ".join(line.text for line in lines[:lead]))).rstrip(":")
        lines = lines[lead:]
        for k, line in enumerate(lines):
            if (k > 0 and line.bold and not lines[k - 1].bold and k + 1 < len(lines) and not lines[k + 1].bold
                    and is_heading(box, line, body)):
                close()
                heading = _MARKS.sub("", line.text).rstrip(":")
                continue
            if open_text and k > 0:
                above = lines[k - 1]
                indented = line.x0 > left + 0.6 * line.size and above.x0 <= left + 0.6 * line.size \
                    and not _BULLET.match(above.text)      # a bullet's hanging indent goes on
                # the line above ended a sentence early: the next line's first word would have fit
                short = _would_fit(above, left + width, line) and _SENTENCE_END.search(above.text)
                gap = pitch and line.top - above.top > 1.3 * pitch
                if indented or short or gap:
                    close()
            elif open_text and k == 0 and (_SENTENCE_END.search(open_text[-1]) or abs(line.size - last_size) > 0.5
                                           or _ABSTRACT.match(line.text)
                                           or not last_full and _would_fit(last_line, last_edge, line)
                                           or len(lines) > 1 and line.x0 > left + 0.6 * line.size):
                close()                  # the box starts a paragraph: the last one ended or stopped
                                         # short of its column's edge, the type changed, or the
                                         # first line is indented
            last_size = line.size
            last_full = line.x1 >= box.x1 - 1.5 * line.size
            last_line, last_edge = line, box.x1
            if not open_text:
                open_heading = heading
            add(line.text)
    close()
    paragraphs = [normalise(_CID.sub("", p)) for p in paragraphs]
    keep = [(p, c) for p, c in zip(paragraphs, context) if len(_WORDS.findall(p)) >= 3 and not _LEADERS.search(p)]
    return [p for p, _ in keep], [c for _, c in keep]
