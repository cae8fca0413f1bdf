"""File bytes in, Article out, for every format the app accepts: .txt, .md, .rst, .html/.htm, .pdf, .docx.

Each format's text comes from a well-kept library (trafilatura for HTML main text, pdfminer.six
for PDF layout, markdown-it-py for Markdown structure, docutils for reStructuredText, read as the
HTML it writes); this module only turns their output into
paragraphs. Everything a user can get wrong (empty file, binary data, a ZIP or a non-PDF under
a document's name, an oversized article) raises ArticleError with a message to show as it is.
"""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path, PurePosixPath

from .columns import labelled_row
from .details import author_without_addresses, details_of
from .errors import ArticleError
from .ingest import (JOINED_LIST_CHARS, article_from_document_text, decode, join_list_item, normalise, section_name,
                     short_item, under_heading)
from .records import Article
from .rst import to_html as rst_html

MAX_BYTES = 20 * 10**6     # per file or pasted text: 20 MB as the uploader counts them (.streamlit/config.toml)
MAX_PARAGRAPHS = 50_000
MAX_PARAGRAPH_CHARS = 5_000   # (SQuAD contexts reach 4,063) a longer paragraph is cut into pieces of whole sentences (split_long)
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
WORD_SUFFIXES = (".docx",)
RST_SUFFIXES = (".rst", ".rest")             # and Sphinx's sources, "*.rst.txt"
SUFFIXES = (".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".pdf", ".docx")   # what the app offers to upload

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
    suffix = suffix_of(name)
    stem = PurePosixPath(shown).stem if shown != "the file" else ""
    if suffix in WORD_SUFFIXES:                  # a .docx file is a ZIP archive of XML parts
        return check_article(_word(data, shown, stem), shown)
    if data.startswith(_ZIP_MAGIC):
        raise ArticleError(f"{shown} is a ZIP archive, not an article. Unpack it and add the file inside.")
    if suffix in PDF_SUFFIXES:
        article = _pdf(data, shown, stem)
    elif suffix in HTML_SUFFIXES:
        article = _html(_text(data, shown), shown, stem)
    elif suffix in MARKDOWN_SUFFIXES:
        article = _markdown(_text(data, shown), stem)
    elif suffix in RST_SUFFIXES or shown.lower().endswith(".rst.txt"):
        stem = stem.removesuffix(".rst")
        article = _html(rst_html(_text(data, shown), shown, stem), shown, stem)
    else:
        article = article_from_document_text(_text(data, shown), fallback_title=stem)
    return check_article(article, shown)


def read_file(path: str | Path) -> Article:
    """Read an article file of any supported format. Raises ArticleError."""
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):         # a FIFO would block, a device never end
            raise ArticleError(f"{path} is not a regular file (a pipe, a device or a socket); save it as a file first.")
        check_size(info.st_size, path.name)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)            # the size on disk may have changed since
        check_size(len(data), path.name)
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
    """The article within bounds: not empty, searchable, paragraphs over MAX_PARAGRAPH_CHARS
    split at sentence ends, at most MAX_PARAGRAPHS paragraphs. Raises ArticleError."""
    if not article.paragraphs:
        raise ArticleError(f"{shown} has no text to ask about.")
    if len(article.paragraphs) > MAX_PARAGRAPHS:               # before any splitting work
        raise ArticleError(f"{shown} has {len(article.paragraphs):,} paragraphs; the limit is {MAX_PARAGRAPHS:,}.")
    article = split_long(article)
    if not searchable(article.paragraphs):
        raise ArticleError(f"{shown} has no words to search: only common words (like \"to be or not to be\"), "
                           "numbers or symbols. Add a text with some content words.")
    if len(article.paragraphs) > MAX_PARAGRAPHS:
        raise ArticleError(f"{shown} has {len(article.paragraphs):,} paragraphs; the limit is {MAX_PARAGRAPHS:,}.")
    return article


def split_long(article: Article, limit: int | None = None) -> Article:
    """Paragraphs longer than `limit` characters cut into pieces of whole sentences (a sentence
    longer than the limit at spaces), each piece a paragraph with the same context: a 2 MB
    "paragraph" (a text without blank lines) would otherwise be one citation, shown whole, and
    cost seconds on every question."""
    from .ingest import split_sentences

    limit = limit or MAX_PARAGRAPH_CHARS
    if all(len(p) <= limit for p in article.paragraphs):
        return article
    paragraphs, context = [], []
    for i, text in enumerate(article.paragraphs):
        pieces = [text] if len(text) <= limit else _pieces(split_sentences(text), limit)
        paragraphs += pieces
        context += [article.context_of(i)] * len(pieces)
    return Article(article.title, tuple(paragraphs), tuple(context) if any(context) else (), article.details)


def _pieces(sentences: list[str], limit: int) -> list[str]:
    words: list[str] = []
    for sentence in sentences:                     # over-long sentences cut at spaces
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            words.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            words.append(sentence)
    pieces, current = [], ""
    for sentence in words:
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    return pieces + ([current] if current else [])


def searchable(paragraphs: tuple[str, ...]) -> bool:
    """Whether any paragraph has a word BM25 keeps that is not a number (nor a stopword or a
    symbol, which BM25 drops)."""
    from .lexical import tokenize

    return any(not token.isdigit() for i in range(0, len(paragraphs), 1000)
               for tokens in tokenize(list(paragraphs[i:i + 1000])) for token in tokens)


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
    """Main text only: the page's apparatus removed first (clean_html), trafilatura then drops
    navigation, footers, scripts, cookie banners and gives the main text as Markdown, read like a
    Markdown file (headings become context), and the text is cleaned of what trafilatura keeps
    (clean_paragraph). Title from the page's metadata, without a site name or byline after it."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    cleaned = clean_html(html)                      # for the metadata: the byline may name the author
    without_byline = clean_html(html, bylines=True)
    markdown = trafilatura.extract(without_byline, output_format="markdown", include_formatting=True, include_tables=True,
                                   include_comments=False, include_images=False, favor_recall=True)
    if not markdown or not markdown.strip():
        raise ArticleError(f"{shown} has no readable main text.")
    meta = trafilatura.extract_metadata(cleaned)
    # trafilatura indents a code fence that opens inside a list item but not the one that closes
    # it, which leaves the fence open to the end of the page: all the rest read as one code block
    article = _markdown(_fences_after_text(_FENCE_INDENT.sub(r"\1", markdown)), stem)
    paragraphs, context = [], []
    for n, text in enumerate(article.paragraphs):
        text = clean_paragraph(text)
        if text and _ALNUM.search(text):           # not a lone "." left after a code block
            paragraphs.append(text)
            context.append(_MARKERS.sub("", article.context[n]).strip() if article.context else "")
    if not paragraphs:
        raise ArticleError(f"{shown} has no readable main text.")
    title, sitename = getattr(meta, "title", None) or article.title, getattr(meta, "sitename", None)
    tag = _title_tag(cleaned)
    before = tag[:len(tag) - len(title)].rstrip() if title and tag.casefold().endswith(title.casefold()) else ""
    if before.endswith(_SEPARATORS):
        # the <title> is "Chapter - Book" and the metadata's title is the book's (a menu's <h1>)
        title, sitename = tag, title
    elif tag and title and title.casefold() not in markdown.casefold() \
            and page_title(tag, sitename, None).casefold() in markdown.casefold():
        # the metadata took a heading from outside the main text (a help dialog's "Keyboard
        # shortcuts" on a book printed as one page); the <title> names what the text holds
        title = tag
    elif tag and (title or "").casefold() in _SECTION_NAMES:
        # the page's first heading names a section ("Abstract" on a Sphinx manual printed as one page)
        title = tag
    title = page_title(title, sitename, getattr(meta, "author", None)) or stem
    if len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
        paragraphs, context = paragraphs[1:], context[1:]
    return Article(title=title, paragraphs=tuple(paragraphs), context=tuple(context) if any(context) else (),
                   details=details_of(getattr(meta, "author", None), _published(cleaned), sitename))


# Code samples, which htmldate's quick search reads for timestamps too: Python's Logging HOWTO
# was dated 12 December 2010 by its example output "2010-12-12 11:41:42,612 is when this event
# was logged.", four Node.js API pages by dates in their examples.
_CODE_ELEMENTS = re.compile(r"<(pre|code|samp|kbd|textarea)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


# A version number of three short parts, which htmldate reads as a day, a month and a two-digit
# year: Python 3.11's What's New was dated 8 May 2012 by "Tcl/Tk version 8.5.12", its 3.8 page
# 3 August 2012 by "Notable changes in Python 3.8.12". A date written so is rare in a page's markup.
_VERSION = re.compile(r"(?<![\w.])\d{1,2}\.\d{1,2}\.\d{1,2}(?!\w|\.\w)")


def _published(html: str) -> str | None:
    """The page's date from its markup only (htmldate without its extensive search, which
    guesses from dates in the text: the Google SRE book got "2017-01-01", its copyright year),
    and never from its code samples or version numbers."""
    from htmldate import find_date

    try:
        return find_date(_VERSION.sub("", _CODE_ELEMENTS.sub("", html)), extensive_search=False, original_date=True)
    except Exception:           # htmldate is best effort: a page it cannot read has no date
        return None


# What pages wrap around their text, by class or tag (MediaWiki, WordPress and common CMS names):
# edit links, footnote markers, reference lists, infoboxes and navigation boxes, tables of
# contents, hatnotes, captions (Blogger's "tr-caption" too) and photo credits, share bars; mdBook's hidden code lines ("boring":
# the `#![allow(unused)] fn main() {` that the Rust book's pages wrap around a snippet and never show);
# Texinfo's menus, the list of a node's subsections as links ("• Nettle soup: For the serious
# nettle hacker." was cited for "What is Nettle?").
_APPARATUS = ("mw-editsection", "reference", "references", "reflist", "refbegin", "mw-references-wrap",
              "infobox", "navbox", "vertical-navbox", "sidebar", "metadata", "hatnote", "toc", "mw-jump-link",
              "catlinks", "noprint", "mw-cite-backlink", "thumbcaption", "wp-caption-text", "caption", "tr-caption",
              "image-caption", "media-caption", "credit", "image-credit", "photo-credit", "byline-photo",
              "share", "social-share", "sharing", "boring", "menu", "section-toc", "mini-toc")
_APPARATUS_TAGS = ("figcaption", "sup")
# A news story's byline and its list of topic tags, which trafilatura kept as the story's first
# paragraph (Salon: "Richard (R.J.) Eskow Topics: uber, libertarians, Sydney, Editor's Picks, …").
# Dropped from the text only: the page's author metadata may come from the byline.
_BYLINES = ("byline", "topics", "tags", "tags-links")
# Sphinx marks every link "reference internal" or "reference external": a link is text, whatever
# its class (Wikipedia's footnote markers are <sup class="reference">, dropped as <sup>).
_LINK_CLASSES = frozenset({"reference"})
_MARKERS = re.compile(r"\[(?:\d{1,3}|[a-z]|edit|citation needed|note \d+|nb \d+)\]", re.IGNORECASE)
_REFERENCE_LINE = re.compile(r"^(?:[-*•]\s*)?(?:\^|↑)")
_FENCE_INDENT = re.compile(r"^[ \t]+(`{3,}|~{3,})", re.MULTILINE)
_FENCE_AFTER_TEXT = re.compile(r"^([^\n]*?[^\s`])[ \t]*(`{3,})[ \t]*\n(.*?)\n[ \t]*\2[ \t]*(?:\n|$)",
                               re.MULTILINE | re.DOTALL)
_SENTENCE_GOES_ON = re.compile(r"[ \t]*[a-z.,;:)]")
_ALNUM = re.compile(r"\w")
_TABLE_RULE = re.compile(r"^\|?[\s|:-]*-{3,}[\s|:-]*\|?$")
# Texinfo's bar of links atop each node: two or three of "Next: …", "Previous: …", "Up: …", or
# one and [Contents]/[Index] ("Next: Memory Resources, Up: The Format String [Contents][Index]").
_NODE_LINK = r"(?:next|previous|up): [^,\[\]]{1,80}?"
_NODE_BAR = (rf"{_NODE_LINK}(?:, {_NODE_LINK}){{1,2}}\s*(?:\[contents\]|\[index\]){{0,2}}"
             rf"|{_NODE_LINK}\s*(?:\[contents\]|\[index\]){{1,2}}")
# Page furniture that trafilatura lets through as a paragraph of its own: share buttons, gallery
# controls, comment counters, "continue reading" links, a copyright line, a tag list's label, a
# link to an article's next page, a Texinfo node bar; a news site's "© 2014 Cable News Network. … All
# Rights Reserved."; a link to another story set in the text ("Read more: Inside a Controversial
# Startup's Risky Attempt to Control Our Climate", TIME; "Related: …", CNN): a headline, no sentence.
_FURNITURE = re.compile(r"^(?:share (?:on|via|to) [\w .+]{1,20}|close|fullscreen|thumbnails|previous|next|\d+ of \d+|[\d,.]+k? comments?"
                        r"|loading comments(?:\.\.\.|…)?|continue reading(?: the main story)?|read more:?"
                        r"|(?:skip )?advertisement|(?:read more|read next|also read|read also|related|see also)\s*:\s*[^.!]{1,150}\??"
                        r"|copyright ©.{0,80}|(?:™\s*&\s*)?©.{0,150}\ball rights reserved\.?"
                        rf"|(?:// ?)?tags:?|next page: .{{1,60}}|{_NODE_BAR})$",
                        re.IGNORECASE)
# An XHTML page's opening declaration, "<?xml version="1.0" encoding="iso-8859-1"?>"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# What a documentation page puts in a heading as a link to it or to its source (Node.js "#" and
# "[src]", Sphinx "¶" and "[source]", "§", "🔗").
_PERMALINK = re.compile(r"^\s*(?:[^\w\s]{1,2}|link|permalink|\[src\]|\[source\])\s*$", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PERMALINKED = _HEADINGS | {"dt"}         # and a definition's term: Sphinx's API signatures
_SUBHEADINGS = _HEADINGS - {"h1"}         # a page's <h1> is its title
_SECTION_NAMES = frozenset({"abstract", "contents", "table of contents", "introduction", "overview", "preface",
                            "foreword", "summary"})
_END_SECTIONS = frozenset("references notes see also external links further reading bibliography sources citations "
                          "footnotes".split(" "))


def _fences_after_text(markdown: str) -> str:
    """trafilatura writes code that a line of text runs into as a fence opened at the end of
    that line ("available via any of ```"). That is no fence in Markdown; its closing fence,
    at the start of a line, opened one instead, and from there on code read as text and text
    as code, Markdown signs and all (Node.js's one-page manual, bzip2's and valgrind's). Code
    inside a sentence that goes on after it ("The call ```bzalloc (opaque, n, m)``` is expected
    to …", a DocBook <code> with line breaks) becomes inline code; code a sentence introduces
    becomes a block on its own lines."""
    def mend(m: re.Match) -> str:
        text, fence, code = m.group(1), m.group(2), m.group(3)
        if _SENTENCE_GOES_ON.match(m.string, m.end()):
            return f"{text} `{' '.join(code.split())}` "
        return f"{text}\n{fence}\n{code}\n{fence}\n"
    return _FENCE_AFTER_TEXT.sub(mend, markdown)


def _skip_link(el, classes: set[str]) -> bool:
    """A link that jumps past something on the same page, for screen readers ("Skip to content";
    the New York Times' "Continue reading the main story" after each block, class
    "skip-to-text-link", which ran into the next paragraph's first sentence)."""
    return el.tag == "a" and (el.get("href") or "").startswith("#") and any(c.startswith("skip") for c in classes)


def clean_html(html: str, bylines: bool = False) -> str:
    """The page without its apparatus (_APPARATUS classes and ids, figure captions, superscripts),
    its author metadata without addresses; with `bylines`, without its byline and topic tags
    too (_BYLINES: for its text, not its metadata). On HTML that lxml cannot parse, the page as
    it was."""
    import lxml.html

    try:
        # lxml refuses text that declares its encoding (XHTML's "<?xml … encoding=…?>"): the text
        # is decoded already, and such a page had kept all its apparatus
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, TypeError, lxml.etree.ParserError):
        return html
    for section in root.iter("section", "div"):
        section_anchor(section)
    standfirst_as_paragraph(root)
    for heading in list(root.iter(*_SUBHEADINGS)):
        related_links(heading)
    names = set(_APPARATUS) | (set(_BYLINES) if bylines else set())
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        classes = set((el.get("class") or "").split()) | {el.get("id") or ""}
        if el.tag == "a":
            classes -= _LINK_CLASSES
        if el.tag in _APPARATUS_TAGS or classes & names or _skip_link(el, classes):
            el.drop_tree()
    publisher = " ".join(meta.get("content") or "" for meta in root.iter("meta")
                         if (meta.get("name") or "").casefold() == "copyright").casefold()
    for meta in list(root.iter("meta")):
        if (meta.get("name") or "").casefold() == "author" and meta.get("content"):
            author = author_without_addresses(meta.get("content"))
            if author.casefold() in publisher:
                # the publisher, not a writer (Wired: "Condé Nast", the page's copyright holder):
                # without it, trafilatura reads the byline or the article:author tag instead
                meta.drop_tree()
            else:
                meta.set("content", author)
    for link in list(root.iter("a")):
        inline_reference(link)
        if _PERMALINK.match(link.text_content()) and any(h.tag in _PERMALINKED for h in link.iterancestors()):
            link.drop_tree()            # the heading read "Events#", "Installation¶"; an API entry
                                        # "Path.read_text(encoding=None, errors=None)¶: Return …"
    for container in list(root.iter(*_CONTAINERS)):
        wrap_loose_text(container)
    for code in list(root.iter("pre", "code", "tt", "kbd", "samp")):
        plain_code(code)
    for pre in root.iter("pre"):
        code_block(pre)
        one_line_code(pre)
    for note in list(root.find_class("api_metadata")):
        version_note(note)
    questions = root.find_class("question")
    if questions:         # an FAQ (DocBook's): its list of contents repeats each question, answerless
        for listing in list(root.iter("dl", "ul", "ol")):
            if is_contents(listing):
                listing.drop_tree()
        for question in questions:
            join_question(question)
    for title in list(root.find_class("admonition-title")):
        admonition_title(title)
    for dl in list(root.iter("dl")):
        join_definitions(dl)
    for table in reversed(list(root.iter("table"))):     # inner tables first: layout nests
        unwrap_layout_table(table)
    for caption in list(root.iter("caption")):
        caption_before_table(caption)
    return lxml.html.tostring(root, encoding="unicode")


_LAYOUT_TAGS = frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"})     # a nested table stays


def unwrap_layout_table(table) -> None:
    """A table that lays out a page rather than holding data (LWN.net and other old sites put the
    whole page in one) becomes plain blocks: one with no caption or header cells, one of whose
    cells holds a heading or two paragraphs (counting what an unwrapped inner table held).
    trafilatura reads a table's cells as rows, which ran a whole article into one 800-word
    paragraph. A data table, even one with a paragraph in each cell, stays a table."""
    def own(el) -> bool:
        return next(el.iterancestors("table"), None) is table

    if any(own(el) for el in table.iterdescendants("caption", "th", "thead")):
        return
    for cell in (el for el in table.iterdescendants("td") if own(el)):
        blocks = [el for el in cell.iter("p", *_HEADINGS) if own(el)]
        if any(el.tag in _HEADINGS for el in blocks) or len(blocks) >= 2:
            break
    else:
        return
    cells = [el for el in table.iterdescendants(*_LAYOUT_TAGS) if own(el)]
    for el in [table, *cells]:
        el.tag = "div"
        el.attrib.pop("colspan", None)
        el.attrib.pop("rowspan", None)


# The heading of a list of other stories: "More Must-Reads From TIME", "Related", "You may also like".
_RELATED = re.compile(r"^(?:more\b.*\b(?:from|stories|must-reads?|news|articles|coverage|to read)\b|related(?: (?:stories|articles|"
                      r"posts|content|coverage|reading|links))?$|recommended(?: for you| reading| stories)?$|"
                      r"you (?:may|might) (?:also )?(?:like|enjoy)|most (?:popular|read|viewed|shared)\b|read (?:more|next|also)\b|"
                      r"what to read next|top stories$|trending(?: now| stories)?$|don['’]?t miss\b|editors?['’]? picks$)",
                      re.IGNORECASE)
_LINK_ITEM_WORDS = 20     # an item of such a list is a headline, not a paragraph


def related_links(heading) -> None:
    """A list of other stories after a news story is not the story: TIME's "More Must-Reads From
    TIME" gave eight headlines as its last paragraphs. A subheading named like that
    (_RELATED), followed by a list of short items, goes with its list."""
    if not _RELATED.match(" ".join(heading.text_content().split())):
        return
    listing = heading.getnext()
    items = listing.findall(".//li") if listing is not None and listing.tag in ("ul", "ol") else []
    if items and all(len(item.text_content().split()) <= _LINK_ITEM_WORDS for item in items):
        listing.drop_tree()
        heading.drop_tree()


_DESCRIPTIONS = frozenset({"description", "og:description", "twitter:description"})


def standfirst_as_paragraph(root) -> None:
    """A news page's standfirst, the summary under its title, is often an <h2> (Salon,
    CityLab): read as a heading, it became the section every paragraph of the story was cited
    under. A subheading that the page's own description meta tag repeats (whole, or cut short
    by it) is that summary: it becomes a paragraph. The page's <h1> is its title, left be."""
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip(".…: ")

    descriptions = {norm(meta.get("content") or "") for meta in root.iter("meta")
                    if (meta.get("name") or meta.get("property") or "").casefold() in _DESCRIPTIONS}
    descriptions.discard("")
    if not descriptions:
        return
    for heading in root.iter(*_SUBHEADINGS):
        text = norm(heading.text_content())
        if text and any(d == text or (len(d) >= 40 and text.startswith(d)) or (len(text) >= 40 and d.startswith(text))
                        for d in descriptions):
            heading.tag = "p"


def section_anchor(section) -> None:
    """A section that opens with its heading loses its id, the heading's words made an anchor
    ("editing-and-navigation", "menus"). trafilatura drops what has "nav", "menu", "share",
    "related", "author" … in its id as page furniture: Python's IDLE manual (Sphinx) lost its
    sections "Menus" and "Editing and Navigation", 60% of its text."""
    if not section.get("id") or (section.tag != "section" and "section" not in (section.get("class") or "").split()):
        return
    first = next((el for el in section if isinstance(el.tag, str) and not _empty_anchor(el)), None)
    if first is not None and first.tag in _HEADINGS:
        del section.attrib["id"]


def _empty_anchor(el) -> bool:
    """<span id="…"></span>, <a name="…"></a>: a place to link to, with nothing in it."""
    return el.tag in ("span", "a") and not len(el) and not (el.text or "").strip()


# Elements that hold blocks, and the blocks text written straight into them runs between.
_CONTAINERS = ("body", "div", "center", "section", "article", "main", "blockquote")
_BLOCKS = frozenset({"p", "pre", "div", "ul", "ol", "dl", "table", "blockquote", "hr", "section", "article",
                     "aside", "nav", "header", "footer", "main", "form", "center", "address", "figure",
                     "details", "fieldset", "noscript", "script", "style", *_HEADINGS})


def inline_reference(link) -> None:
    """A Sphinx cross-reference (class "reference") inside a sentence is text: its tag goes, its
    words stay. trafilatura takes a short block whose links are most of its words, or all short,
    for navigation: Python 3.11's *What's New* had lost its whole *New Modules* section
    ("tomllib: For parsing TOML. See PEP 680 for more details. (Contributed by … in bpo-40059.)":
    four short links) and every "PEP 654: Exception Groups and except*" of its summary. A link
    alone in its block (a table of contents, a sidebar's "Previous topic") stays a link."""
    if "reference" not in (link.get("class") or "").split():
        return
    block = next((el for el in link.iterancestors() if el.tag in _TEXT_BLOCKS), None)
    if block is None:
        return
    own = block.text_content()
    for other in block.iter("a"):
        own = own.replace(other.text_content(), " ", 1)
    if len(_WORDS.findall(own)) >= 2:
        link.drop_tag()


_TEXT_BLOCKS = frozenset({"p", "li", "dd", "td", "th", "blockquote"})
_WORDS = re.compile(r"[^\W\d_]{2,}")


def wrap_loose_text(container) -> None:
    """Text written straight into a page's body (or a <div>) between its blocks, as
    paragraphs: each run of it, with the links and code words inside it, becomes a <p>.
    Hand-written pages put their prose there and mark only code (zlib's usage example: its
    prose, then a <pre>, then prose again); trafilatura reads text inside blocks, and kept the
    code and three sentences of that page's annotations. (Not a table's cells: a cell with a
    second block would make a data table look like layout to unwrap_layout_table.)"""
    if not any(isinstance(el.tag, str) and el.tag in _BLOCKS for el in container):
        return
    if not (container.text or "").strip() and not any((el.tail or "").strip() for el in container):
        return
    run = _paragraph(container.text or "")
    container.text = None
    for el in list(container):
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            if len(run) or (run.text or "").strip():
                el.addprevious(run)
            run = _paragraph(el.tail or "")
            el.tail = None
        else:
            run.append(el)          # an inline element and the text after it (its tail) go with it
    if len(run) or (run.text or "").strip():
        container.append(run)


def plain_code(code) -> None:
    """No bold, italics or code inside code. trafilatura moves an emphasis inside inline code to
    the end of the paragraph (Sphinx writes a placeholder so: Debian's Python policy read "must
    be called `python`. … *X*.*Y*" for "pythonX.Y"), writes one inside a <pre> as "**" signs, and
    code inside code with its backticks (Sphinx's keys: IDLE's "`C`-`Backspace` delete word")."""
    inner = ("code", "kbd", "tt", "samp") if code.tag != "pre" else ()      # a <pre>'s <code> makes it code
    for el in list(code.iter("b", "strong", "i", "em", "font", "u", "var", *inner)):
        if el is not code:
            el.drop_tag()


def code_block(pre) -> None:
    """A <pre> of several lines read as code: its text inside a <code>. trafilatura reads a
    <pre> as code only when it holds a <code> or looks like some language it knows; else as a
    quote, written as Markdown text, so zlib's C came out as "#include \\<stdio.h>" and its
    #-lines read as headings. (A one-line <pre> stays a paragraph of its own: one_line_code.)"""
    if pre.find(".//code") is not None or "\n" not in pre.text_content().strip():
        return
    code = pre.makeelement("code", {})
    code.text, pre.text = pre.text, None
    for child in list(pre):
        code.append(child)
    pre.append(code)


def one_line_code(pre) -> None:
    """A one-line <pre> ends with a line break. trafilatura writes a one-line code block as
    inline code and runs the next paragraph or heading on after it: Node.js's docs read
    "`node-gyp configure build` #### Function arguments" as one paragraph."""
    if "\n" in pre.text_content().strip():
        return
    if len(pre):
        pre[-1].tail = (pre[-1].tail or "") + "\n"
    else:
        pre.text = (pre.text or "") + "\n"


def caption_before_table(caption) -> None:
    """A table's caption as a paragraph before it. trafilatura reads a <caption> as the table's
    first row, which pushes the real header row (<thead>) into the body: its rows then read
    "Table 6-1. Example symptoms and causes: Symptom; Cause" and "---; ---", and no row is
    labelled with its column's name."""
    table = caption.getparent()
    if table is None or table.tag != "table" or table.getparent() is None:
        return
    text = normalise(caption.text_content())
    if text:
        paragraph = caption.makeelement("p", {})
        paragraph.text = text
        table.addprevious(paragraph)
    caption.drop_tree()


def admonition_title(title) -> None:
    """A Sphinx admonition's title ("Note", "See also", "Warning") leads the block it titles
    ("Note: Plain Enum classes always evaluate as True."): alone, it was a paragraph of one word
    (91 "Note" and 253 "See also" on 249 documentation pages read here)."""
    words = normalise(title.text_content()).rstrip(":")
    body = next((el for el in title.itersiblings() if isinstance(el.tag, str) and el.text_content().strip()), None)
    if not words or body is None:
        return
    _lead(body, f"{words}: ")
    title.drop_tree()


def version_note(note) -> None:
    """Node.js's API pages say under each heading when it was added and what changed since
    ("Added in: v13.4.0", or a History table in a <details>), as spans and a table trafilatura
    drops: "Which version added captureRejections?" had no answer on the page. The note leads
    the section's first paragraph ("Added in: v6.0.0. Adds the listener function to the
    beginning of the listeners array …"), or is a paragraph of its own where none follows."""
    notes, changes = [], []      # "Added in: …", "Deprecated since: …"; the History's rows
    for row in note.iter("tr"):
        cells = [normalise(td.text_content()) for td in row if td.tag == "td"]
        if len(cells) == 2 and cells[1].startswith("Added in"):
            notes.append(cells[1])
        elif len(cells) == 2 and all(cells):
            changes.append(f"{cells[0]}: {cells[1]}")
    if note.find(".//table") is None:
        notes = [t for t in (normalise(span.text_content()) for span in note.iter("span")) if t]
    text = " ".join(f"{t.rstrip('.')}." for t in notes + changes)
    if not text:
        return
    for sibling in note.itersiblings():          # the section's first paragraph, which says what it is
        if sibling.tag in _HEADINGS:
            break
        if sibling.tag == "p" and sibling.text_content().strip():
            _lead(sibling, f"{text} ")
            note.drop_tree()
            return
    note.getparent().replace(note, _paragraph(text))


def is_contents(listing) -> bool:
    """A list of two or more items each of which is (nearly all) a link to a place in a page: a
    table of contents. DocBook's FAQ opens with one, and every question was then found there,
    with no answer beside it, before the answer further down. (Only an FAQ's are dropped: Node.js
    lists a callback's arguments as links to their types, "request <http.ClientRequest>".)"""
    items = [el for el in listing if el.tag in ("li", "dt", "dd")]
    if len(items) < 2:
        return False
    for item in items:
        text = len("".join(item.text_content().split()))
        linked = sum(len("".join(a.text_content().split())) for a in item.iter("a") if "#" in (a.get("href") or ""))
        if not text or linked < 0.7 * text:
            return False
    return True


_QUESTION_LABEL = re.compile(r"^(?:\d+(?:\.\d+)*\.?|Q[.:])\s+")


def join_question(question) -> None:
    """DocBook's Q&A (a qandaset: class "question", then "answer"): the question put in front of
    its answer's first paragraph, as a definition's term is. trafilatura dropped the question
    (bold text in a table cell), so valgrind's FAQ read as answers that never said what they
    answer."""
    answer = question.getnext()
    while answer is not None and "answer" not in (answer.get("class") or "").split():
        if answer.text_content().strip():
            return
        answer = answer.getnext()
    if answer is None:
        return
    for pre in question.iter("pre"):                  # "… like this:" and the message it shows
        pre.text, pre.tail = f" {pre.text or ''}", f" {pre.tail or ''}"
    parts = [question.text or ""] + [f"{child.text_content()} {child.tail or ''}" for child in question]
    text = _QUESTION_LABEL.sub("", normalise(" ".join(parts)))      # its cells: "1.1." and the question
    if not text:
        return
    first = next(answer.iter("p", "pre"), None)          # the answer opens with text, or with code
    if first is not None and first.tag == "p":
        _lead(first, f"{text} ")
    else:
        answer.insert(0, _paragraph(text))
    question.drop_tree()


def _paragraph(text: str):
    """A new <p> holding `text`."""
    import lxml.html

    paragraph = lxml.html.Element("p")
    paragraph.text = text
    return paragraph


def join_definitions(dl) -> None:
    """A definition list's terms (<dt>) put in front of their definitions (<dd>): "White-box
    monitoring: Monitoring based on metrics …" is one paragraph. Apart, the term was a paragraph
    of two words and the definition one that never names what it defines, so "What is white-box
    monitoring?" found neither. A term without a definition stays as it was."""
    terms: list = []
    for el in list(dl):
        if el.tag == "dt":
            terms.append(el)
        elif el.tag == "dd" and terms:
            label = " / ".join(t for t in (normalise(dt.text_content()) for dt in terms) if t)
            if label:
                _lead(el, label + (" " if label[-1] in ".:?!" else ": "))
            for dt in terms:
                dt.drop_tree()
            terms = []


def _lead(el, words: str) -> None:
    """Put `words` before the first words inside `el` (see _first_text)."""
    node, attr = _first_text(el) or (el, "text")
    setattr(node, attr, f"{words}{(getattr(node, attr) or '').lstrip()}")


def _first_text(el):
    """(element, "text" or "tail"): where the first words inside `el` are, in reading order (an
    empty anchor may come before them, a link after). None when it holds no text."""
    if (el.text or "").strip():
        return el, "text"
    for child in el:
        if not isinstance(child.tag, str):
            continue
        found = _first_text(child)
        if found:
            return found
        if (child.tail or "").strip():
            return child, "tail"
    return None


def clean_paragraph(text: str) -> str:
    """A paragraph without leftover apparatus: reference-list entries, table rules and page
    furniture (share buttons, gallery controls, comment counts) are dropped; table rows read as
    "label: value"; footnote markers and [edit] links removed."""
    text = normalise(_MARKERS.sub("", text))
    if not text or _REFERENCE_LINE.match(text) or _TABLE_RULE.match(text) or _FURNITURE.match(text):
        return ""
    if text.casefold().rstrip(":") in _END_SECTIONS:
        return ""
    if text.startswith("|") and text.endswith("|"):     # a table Markdown could not parse
        text = "; ".join(cell.strip() for cell in text.strip("|").split("|") if cell.strip())
    return text


_TITLE_TAG = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SEPARATORS = (" |", " -", " --", " –", " —", " ::", " ·", " »")
# What may follow a site's name before the headline: a separator's first sign, or a colon.
_SITE_FIRST_MARKS = frozenset(s.strip()[0] for s in _SEPARATORS) | {":"}


def _title_tag(html: str) -> str:
    """The text of the page's <title> ("" when it has none); a pattern, not a second parse of a
    page that may be megabytes long."""
    import html as entities

    found = _TITLE_TAG.search(html)
    return normalise(entities.unescape(re.sub(r"<[^>]*>", "", found.group(1)))) if found else ""


def page_title(title: str, sitename: str | None, author: str | None) -> str:
    """The page's title without what follows the headline: " | Site", " - Site", " — Author";
    nor the site's name before it ("LinkNaija | Nigeria's popular news platform: Nollywood …")."""
    title = normalise(title or "")
    site = normalise(sitename or "")
    rest = title[len(site):].lstrip()
    if site and title.casefold().startswith(site.casefold()) and rest[:1] in _SITE_FIRST_MARKS \
            and len(rest[1:].split()) >= 3:
        title = rest[1:].strip()
    extras = {normalise(x).casefold() for x in (sitename, author) if x}
    while True:
        head, sep, tail = max((title.rpartition(s + " ") for s in _SEPARATORS),
                              key=lambda parts: len(parts[0]))
        if not sep or not head.strip():
            return title
        tail_cf = tail.strip().casefold()
        if tail_cf in extras or any(tail_cf and (tail_cf in x or x in tail_cf) for x in extras) or len(tail.split()) <= 3 \
                and len(head.split()) >= 3:
            title = head.strip()
        else:
            return title


# --- Markdown -----------------------------------------------------------------------------

# Tokens that close or open a container between an intro paragraph and the code it introduces.
_BETWEEN_BLOCKS = frozenset(f"{kind}_{edge}" for kind in ("paragraph", "list_item", "bullet_list", "ordered_list",
                                                          "blockquote") for edge in ("open", "close"))
# A paragraph that carries on the sentence before the code: it opens with a lower-case joining
# word, not a name from the code ("enumerate() is often used …", "value: What the …").
_GOES_ON = re.compile(r"(?:and|or|but|nor|which|who|where|when|while|whereas|with|without|so|then|to|that|as"
                      r"|printed|will|would)\s")
# A paragraph that opens with a short label and a colon: a glossary's or a field list's entry.
_LABELLED = re.compile(r"[^\s:]+(?: [^\s:]+){0,3}: ")
_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")


def _short_items(tokens: list, start: int, anchors: frozenset[str]) -> bool:
    """The list opening at tokens[start] is two or more short items, each a single line that is
    not a sentence: a README's contributors ("* Marc Van Olmen", "* Manuel Ebert"), the projects
    that use it ("- [altair](…)"), its links ("- **Website**: https://…"). Each would be a
    paragraph of one or two words, cited without what it is a list of (tzlocal's README read as
    30 one-name paragraphs). Not a list with lists, code or a table inside, nor a table of
    contents (its entries are dropped: _in_page_link)."""
    depth, items = 0, 0
    for i in range(start, len(tokens)):
        kind = tokens[i].type
        if kind in _LIST_OPEN:
            depth += 1
            if depth > 1:
                return False
        elif kind in _LIST_CLOSE:
            return items >= 2
        elif kind == "list_item_open":
            items += 1
        elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
            text = _inline_text(tokens[i])
            if not short_item(text) or _in_page_link(tokens[i], anchors) or tokens[i - 2].type != "list_item_open":
                return False
        elif kind not in _BETWEEN_BLOCKS and kind != "list_item_close":
            return False                             # code, a table, a heading, a rule
    return False


def _markdown(source: str, stem: str) -> Article:
    """Paragraphs (and list items, quotes, code blocks, table rows) as plain text; headings are
    not paragraphs but each paragraph keeps its section's heading trail as search context. The
    first top-level heading before any text is the title. A table row reads "label: value; …"
    with the header row's labels."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    headings = {i: _heading_text(tok) for i, (opening, tok) in enumerate(zip(tokens, tokens[1:]), 1)
                if opening.type == "heading_open"}          # each heading's text, by its inline token
    anchors = frozenset(_heading_anchor(text) for text in headings.values())
    title, trail = "", []            # trail: (level, heading text)
    paragraphs: list[str] = []
    context: list[str] = []
    heading_level = 0
    header: list[str] = []
    row: list[str] = []
    in_head = False
    introduces = False               # the last paragraph ends with ":" and nothing came after it yet
    carried_code = False             # the last paragraph ends with the code its intro introduced
    joined_list = 0                  # depth inside a list joined to its intro (0: none)
    own_list = False                 # inside a list of short items, read as one paragraph (_short_items)
    own_items = 0                    # how many of its items were read
    prose = False                    # the last block is a paragraph of text, not in a list
    for i, tok in enumerate(tokens):
        follows_intro = introduces
        introduces = introduces and tok.type in _BETWEEN_BLOCKS
        follows_prose = prose
        prose = prose and tok.type in ("paragraph_close", "blockquote_close")
        after_code = carried_code
        carried_code = carried_code and tok.type in _BETWEEN_BLOCKS
        if joined_list:
            joined_list += (tok.type in _LIST_OPEN) - (tok.type in _LIST_CLOSE)
        elif follows_intro and tok.type in _LIST_OPEN:
            # "Keep these rules in mind:" and its bullet points are one paragraph: apart, the
            # intro was cited without the rules, and each rule without what it is a rule of
            joined_list = 1
        elif tok.type in _LIST_OPEN and _short_items(tokens, i, anchors):
            own_list, own_items = True, 0
        elif tok.type in _LIST_CLOSE:
            own_list = False                         # it holds no list, so this closes it
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
        elif tok.type == "inline" and heading_level:
            text = headings[i]
            if heading_level == 1 and not title and not paragraphs:
                title = text
            else:
                trail = under_heading(trail, heading_level, text)
            heading_level = 0
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_inline_text(tok))
        elif tok.type == "tr_close":
            if in_head:
                header = row
            elif any(row):
                # a table row reads "label: value; …" under the header's labels
                paragraphs.append(normalise(labelled_row(header, row)))
                context.append(section_name(trail))
            row = []
        elif tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "table_open":
            header = []
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open" and own_list:
            # a list of names or links with no intro: its items are one paragraph, not one each
            # (past JOINED_LIST_CHARS the next item starts another, which the rest join)
            text = _inline_text(tok)
            joined = join_list_item(paragraphs[-1], text, apart=True) if own_items else None
            if joined:
                paragraphs[-1] = joined
            else:
                paragraphs.append(text)
                context.append(section_name(trail))
            own_items += 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            text = "" if (_in_page_link(tok, anchors) and not joined_list) or _only_images(tok) else _inline_text(tok)
            joined = join_list_item(paragraphs[-1], text) if text and joined_list else None
            if joined:
                paragraphs[-1] = joined
            elif text and after_code and _GOES_ON.match(text) and len(paragraphs[-1]) + len(text) < JOINED_LIST_CHARS:
                # the sentence goes on after the code ("… from a command-line option such as:
                # --log=INFO" / "and you have the value … you can use: getattr(…)" / "to get the
                # value …", Python's logging HOWTO): one paragraph, as it is one sentence
                paragraphs[-1] = f"{paragraphs[-1]} {text}"
                introduces = text.endswith(":")
            elif text and follows_intro and not joined_list and len(paragraphs[-1]) + len(text) < JOINED_LIST_CHARS \
                    and clean_paragraph(paragraphs[-1]) and not _LABELLED.match(text):
                # "The most important tip is:" and the quoted tip are one paragraph (Python's
                # Unicode HOWTO): apart, the intro was cited, and it says nothing. Not a label of
                # page furniture ("Read more:", "Tags:"), which is dropped, not joined, nor an
                # entry of a glossary ("Push: Any change to …" after "The services may either
                # be:", whose list the page's reader lost: Google's SRE book)
                paragraphs[-1] = f"{paragraphs[-1]} {text}"
                introduces = text.endswith(":")
                prose = tokens[i - 2].type != "list_item_open"
            elif text:
                joined_list = 0                      # past the length limit: the rest as they are
                paragraphs.append(text)
                context.append(section_name(trail))
                introduces = text.endswith(":")
                prose = tokens[i - 2].type != "list_item_open"
        elif tok.type in ("fence", "code_block") and tok.content.strip():
            code = normalise(tok.content)
            if joined_list and len(paragraphs[-1]) + len(code) < JOINED_LIST_CHARS:
                paragraphs[-1] = f"{paragraphs[-1]} {code}"
            elif (follows_intro or follows_prose) and len(paragraphs[-1]) + len(code) < JOINED_LIST_CHARS:
                # Code and the text right before it are one paragraph: "Update Homebrew and install
                # pyenv:" and its commands (an intro ending with ":", also in a list item), "For
                # example, the following RE detects doubled words in a string." and the doctest.
                # Apart, the intro was cited without what it introduces, and the code without what
                # it does. Not a long listing (a profiler's 60-line report): the intro is lost in it
                paragraphs[-1] = f"{paragraphs[-1]} {code}"
                carried_code = True
            else:
                joined_list = 0                      # past the length limit: the rest as they are
                paragraphs.append(code)
                context.append(section_name(trail))
    return Article(title=title or stem, paragraphs=tuple(paragraphs),
                   context=tuple(context) if any(context) else ())


_BREAK_TAG = re.compile(r"<(br|/?p|/?div)\b", re.I)
_NOT_ANCHOR = re.compile(r"[^\w\- ]")
_BREAKS = ("softbreak", "hardbreak")


def _children(token, skip: tuple[str, ...]) -> list:
    """An inline token's children without blank text and the kinds in `skip`."""
    return [c for c in token.children or [] if not (c.type == "text" and not c.content.strip()) and c.type not in skip]


def _only_images(token) -> bool:
    """The whole text is images (linked or not): a README's badges ("[![Build Status](…)](…)",
    "Join the chat at https://gitter.im/…") or a screenshot ("Terminal output example"), whose
    alt texts would be a paragraph of their own."""
    children = _children(token, _BREAKS)
    return any(c.type == "image" for c in children) and all(c.type in ("image", "link_open", "link_close")
                                                             for c in children)


def _in_page_link(token, anchors: frozenset[str] = frozenset()) -> bool:
    """The whole text is one link to a place on the same page: a table of contents' entry
    ("[Uninstalling pyenv](#uninstalling-pyenv)"), which would be cited instead of the section.
    GitHub READMEs also spell the page out ("[Types](https://github.com/ijl/orjson?tab=readme-ov-file#types)"):
    a web link whose anchor is its own text's and one of this page's headings' (`anchors`) is
    such an entry too; not a link to another page's section ("[impl Copy for IntErrorKind](https://doc.rust-lang.org/…)")."""
    children = _children(token, _BREAKS + ("strong_open", "strong_close", "em_open", "em_close"))
    if not (len(children) >= 3 and children[0].type == "link_open" and children[-1].type == "link_close"
            and not any(c.type in ("link_open", "link_close") for c in children[1:-1])):
        return False
    href = str(children[0].attrs.get("href", ""))
    anchor = href.partition("#")[2].casefold()
    return href.startswith("#") or (href.startswith(("http://", "https://")) and anchor in anchors
                                    and anchor == _heading_anchor(_inline_text(token)))


def _heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return _NOT_ANCHOR.sub("", heading.strip().casefold()).replace(" ", "-")


def _heading_text(token) -> str:
    """A heading's text without its images' alt texts, unless it has no other: a README's title
    line often carries its badges ("Thread-pool Controls [![Build Status](…)](…) [![codecov](…)](…)"
    was the title "Thread-pool Controls Build Status codecov")."""
    return _inline_text(token, images=False) or _inline_text(token)


def _inline_text(token, images: bool = True) -> str:
    """Plain text of an inline token: link text kept, URLs, images' markup and emphasis dropped."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and images:
            parts.append(child.content)          # its alt text
        elif child.type == "html_inline" and _BREAK_TAG.match(child.content):
            parts.append(" ")                    # a table cell's "used.<br>Also see …"
    return normalise("".join(parts))


# --- PDF ---------------------------------------------------------------------------------

def _word(data: bytes, shown: str, stem: str) -> Article:
    """Paragraphs, headings, lists and tables in body order (qa/word.py)."""
    from .word import read

    return read(data, shown, stem)


def _pdf(data: bytes, shown: str, stem: str) -> Article:
    """Layout-aware: columns in reading order, paragraphs rebuilt (qa/pdf.py)."""
    from .pdf import read

    return read(data, shown, stem)
