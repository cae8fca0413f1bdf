"""File bytes in, Article out, for every format the app accepts: .txt, .md, .html/.htm, .pdf.

Each format's text comes from a well-kept library (trafilatura for HTML main text, pdfminer.six
for PDF layout, markdown-it-py for Markdown structure); this module only turns their output into
paragraphs. Everything a user can get wrong (empty file, binary data, a ZIP or a non-PDF under
a document's name, an oversized article) raises ArticleError with a message to show as it is.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath

from .errors import ArticleError
from .ingest import article_from_document_text, decode, normalise
from .records import Article

MAX_BYTES = 20 * 10**6     # per file or pasted text: 20 MB as the uploader counts them (.streamlit/config.toml)
MAX_PARAGRAPHS = 50_000
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")   # what the app offers to upload

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def display_name(name: str) -> str:
    """The file name alone: whatever path (either separator, `..`) an upload claims is dropped."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    return "" if base in ("", ".", "..") else base


def suffix_of(name: str) -> str:
    return PurePosixPath(display_name(name)).suffix.lower()


def extract(name: str, data: bytes) -> Article:
    """The article in `data`, read according to the suffix of `name`."""
    shown = display_name(name) or "the file"
    check_size(len(data), shown)
    if not data.strip():
        raise ArticleError(f"{shown} is empty: there is no text to ask about.")
    if data.startswith(_ZIP_MAGIC):
        raise ArticleError(f"{shown} is a ZIP archive, not an article. Unpack it and add the file inside.")
    suffix = suffix_of(name)
    stem = PurePosixPath(shown).stem if shown != "the file" else ""
    if suffix in PDF_SUFFIXES:
        article = _pdf(data, shown, stem)
    elif suffix in HTML_SUFFIXES:
        article = _html(_text(data, shown), shown, stem)
    elif suffix in MARKDOWN_SUFFIXES:
        article = _markdown(_text(data, shown), stem)
    else:
        article = article_from_document_text(_text(data, shown), fallback_title=stem)
    return check_article(article, shown)


def read_file(path: str | Path) -> Article:
    """Read an article file of any supported format. Raises ArticleError."""
    path = Path(path)
    try:
        check_size(path.stat().st_size, path.name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise ArticleError(f"{path} is a folder, not an article file.") from None
    except PermissionError:
        raise ArticleError(f"{path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise ArticleError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    return extract(path.name, data)


def check_size(size: int, shown: str) -> None:
    if size > MAX_BYTES:
        raise ArticleError(f"{shown} is {size / 10**6:.1f} MB; the limit is {MAX_BYTES // 10**6} MB.")


def check_article(article: Article, shown: str) -> Article:
    if not article.paragraphs:
        raise ArticleError(f"{shown} has no text to ask about.")
    if len(article.paragraphs) > MAX_PARAGRAPHS:
        raise ArticleError(f"{shown} has {len(article.paragraphs):,} paragraphs; the limit is {MAX_PARAGRAPHS:,}.")
    return article


def _text(data: bytes, shown: str) -> str:
    text = decode(data, shown)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 4096):
        raise ArticleError(f"{shown} looks like binary data, not text.")
    if not text.strip():
        raise ArticleError(f"{shown} is empty: there is no text to ask about.")
    return text


# --- HTML ---------------------------------------------------------------------------------

def _html(html: str, shown: str, stem: str) -> Article:
    """Main text only (trafilatura drops navigation, footers, scripts, styles, cookie banners);
    title from the page's metadata."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=True,
                                      favor_recall=True, with_metadata=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ArticleError(f"{shown} has no readable main text.")
    paragraphs = tuple(p for p in (normalise(line) for line in text.splitlines()) if p)
    title = normalise(getattr(doc, "title", None) or "") or stem
    if len(paragraphs) > 1 and normalise(paragraphs[0]).casefold() == title.casefold():
        paragraphs = paragraphs[1:]
    return Article(title=title, paragraphs=paragraphs)


# --- Markdown -----------------------------------------------------------------------------

def _markdown(source: str, stem: str) -> Article:
    """Paragraphs (and list items, quotes, code blocks) as plain text; headings are not
    paragraphs but each paragraph keeps its section's heading trail as search context. The
    first top-level heading before any text is the title."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    title, trail = "", []            # trail: (level, heading text)
    paragraphs: list[str] = []
    context: list[str] = []
    heading_level = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
        elif tok.type == "inline" and heading_level:
            text = _inline_text(tok)
            if heading_level == 1 and not title and not paragraphs:
                title = text
            else:
                trail = [(lvl, t) for lvl, t in trail if lvl < heading_level] + [(heading_level, text)]
            heading_level = 0
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            text = _inline_text(tok)
            if text:
                paragraphs.append(text)
                context.append(" › ".join(t for _, t in trail))
        elif tok.type in ("fence", "code_block") and tok.content.strip():
            paragraphs.append(normalise(tok.content))
            context.append(" › ".join(t for _, t in trail))
    return Article(title=title or stem, paragraphs=tuple(paragraphs),
                   context=tuple(context) if any(context) else ())


def _inline_text(token) -> str:
    """Plain text of an inline token: link text kept, URLs, images' markup and emphasis dropped."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)          # its alt text
        elif child.type == "html_inline":
            continue
    return normalise("".join(parts))


# --- PDF ---------------------------------------------------------------------------------

def _pdf(data: bytes, shown: str, stem: str) -> Article:
    """Layout-aware: columns in reading order, paragraphs rebuilt (qa/pdf.py)."""
    from .pdf import read

    return read(data, shown, stem)
