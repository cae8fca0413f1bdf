"""Text in, Article out: find the title, split body paragraphs and sentences (files: extract.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from .columns import table_rows
from .errors import ArticleError
from .records import Article

_BLOCK_SPLIT = re.compile(r"\n[ \t\r\f\v]*\n")
_WHITESPACE = re.compile(r"\s+")
# Stray HTTP response headers that scrapers glue onto a page's first line.
_HTTP_HEADER = re.compile(
    r"\s*\b(?:X-[A-Za-z-]+|Content-[A-Za-z-]+|Cache-Control|Set-Cookie|Strict-Transport-Security|"
    r"Referrer-Policy|Permissions-Policy|Last-Modified|ETag|Vary|Server|Date|Expires|Pragma)\s*:\s.*$",
    re.IGNORECASE,
)
# "Headline | Site name", "Headline — Site": the headline comes first.
_SITE_SEPARATOR = re.compile(r"\s+[|•·]\s+|\s+[–—]\s+(?=[^–—]*$)")
_MAX_TITLE_CHARS = 250
# A plain-text heading underlined on its next line ("What's New in IDLE 3.13.0" over "======"),
# as NEWS files, READMEs and RFCs write them; a line of such characters alone is a separator.
_RULE_LINE = re.compile(r"^([=\-~*#^_])\1{2,}$")
_HEADING_LINES = 3                 # at most this many lines over the rule,
_HEADING_CHARS = 200               # and this many characters
# Plain-text headings of books and manuals (a block of one or two short lines).
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|"
                 "eighth|ninth|tenth|last")
_CHAPTER_NUMBER = (rf"(?:(?:chapter|book|part|volume|act|scene|canto|letter|stave)\s+(?:\d+|[ivxlcdm]+|{_NUMBER_WORDS})\b"
                   r"|(?-i:[IVXLCDM]+)(?=[.:]|$))")          # a Roman numeral alone: "XIV.", "IV. The Trial"
_CHAPTER = re.compile(rf"^{_CHAPTER_NUMBER}[.:]?(?:\s+[^.!?]*[^.!?\s])?$", re.IGNORECASE)
_CHAPTER_BARE = re.compile(rf"^{_CHAPTER_NUMBER}[.:]?$", re.IGNORECASE)   # no title of its own yet
_CAPITALS = re.compile(r"^(?=(?:[^a-z]*[A-Z]){3})[^a-z.!?]{3,40}$")     # "PREFACE", "SEE ALSO"
_CHAPTER_CHARS = 80
_SUBHEADING = re.compile(r"^[A-Z][\w ,'()/&-]{1,58}[\w)]$")
# A line alone in its block, set in the middle of the page (centred: indented this far), short
# and not a sentence, is a heading: the GPL's "Preamble", "How to Apply These Terms to Your New
# Programs" (licences, RFCs and books centre their headings).
_CENTRED_INDENT = 8
_CENTRED_TITLE = re.compile(r"^[A-Z][\w ,'’()/&:-]{1,78}[\w)]$")
# A numbered section title alone in its block, in title case: "12. No Surrender of Others'
# Freedom.", "2.1.  Requirements Language" (not "1. Preheat the oven.", a list item).
_NUMBERED_TITLE = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[A-Z][^.!?;:]{0,70}?)\.?$")
_SOFT_HYPHEN_BREAK = re.compile(r"(?<=\w)\u2010\n[ \t]*(?=\w)")   # groff breaks "lo‐" / "cated" with U+2010
_MAN_HEADER = re.compile(r"^([\w.:-]+)\((\w+)\) .* \1\(\2\)$")       # "TAR(1) GNU TAR Manual TAR(1)"
_GUTENBERG_START = re.compile(r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*$", re.IGNORECASE | re.MULTILINE)
_GUTENBERG_END = re.compile(r"^(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK|End of (?:the )?Project Gutenberg)",
                            re.IGNORECASE | re.MULTILINE)
_GUTENBERG_TITLE = re.compile(r"^Title:[ \t]*(.+)$", re.MULTILINE)
# One paragraph per line: at least 40% of a block's lines longer than a wrapped line, 3 in 4 of
# them ending a sentence, and at most a quarter of the lines cut mid-sentence past a heading's
# length (set by reading texts, not fitted).
_LONG_LINE = 80
_SHORT_LINE = 60
_LONG_SHARE = 0.4
_ENDED_SHARE = 0.75
_CUT_SHARE = 0.25
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")


def clean(text: str) -> str:
    """Text that can be encoded and shown: lone surrogates (a broken clipboard or decoder)
    become "?", control characters and zero-width marks are dropped (tabs and newlines stay)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text)


def normalise(block: str) -> str:
    """Clean (see `clean`) and collapse runs of whitespace (this also re-joins line-wrapped
    paragraphs)."""
    return _WHITESPACE.sub(" ", clean(block)).strip()


def split_blocks(text: str) -> list[str]:
    """Blank-line-separated blocks, whitespace normalised, empty blocks dropped."""
    return [b for b in (normalise(part) for part in _raw_blocks(text)) if b]


def _raw_blocks(text: str) -> list[str]:
    """Blank-line-separated blocks as written (Unix newlines, no byte-order mark); a block
    written one paragraph per line is a block per line."""
    blocks = _BLOCK_SPLIT.split(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    return [part for block in blocks for part in (block.split("\n") if _paragraph_per_line(block) else [block])]


def _paragraph_per_line(block: str) -> bool:
    """Text copied from a word processor or a web page, or saved by many editors, puts each
    paragraph on one line with no blank line between them: then the lines are long (a wrapped
    text's lines are not: 60 to 80 characters), and the long ones end a sentence (a wrapped
    line rarely does). Read as wrapped lines, a whole article was one paragraph, title and all."""
    raw = [line for line in block.split("\n") if line.strip()]
    lines = [line.strip() for line in raw]
    if len(lines) < 3 or any(_RULE_LINE.match(line) for line in lines):   # two lines: too little to tell
        return False
    indent = [len(line) - len(line.lstrip()) for line in raw]
    if max(indent[1:]) > indent[0]:          # a hanging indent: a list item wrapped under its bullet
        return False
    long = [line for line in lines if len(line) > _LONG_LINE]
    ended = sum(bool(_SENTENCE_END.search(line)) for line in long)     # code's long lines do not end so
    # a line cut mid-sentence past a heading's length: what a wrapped paragraph is made of
    cut = sum(len(line) > _SHORT_LINE and not _SENTENCE_END.search(line) for line in lines[:-1])
    return (len(long) >= _LONG_SHARE * len(lines) and ended >= _ENDED_SHARE * len(long)
            and cut <= _CUT_SHARE * (len(lines) - 1))


# --- shared by the readers of structured formats (Markdown/HTML, Word, PDF, plain text) -------

JOINED_LIST_CHARS = 1200      # an intro and the list it introduces are one paragraph up to this length
_ENDS_CLAUSE = re.compile(r"(?:[.!?:;,)\]\"'’”]|\b(?:and|or))$")


SHORT_ITEM_WORDS = 8          # a list item of a name, a link or a term, not a point made in words
_ENDS_SENTENCE = re.compile(r"[.!?:]$")


def short_item(text: str) -> bool:
    """A list item that is a name, a link or a term ("Marc Van Olmen", "Website: https://…"), not
    a sentence: lists of such items with no intro are read as one paragraph (Markdown, Word)."""
    return 0 < len(text.split()) <= SHORT_ITEM_WORDS and not _ENDS_SENTENCE.search(text)


def join_list_item(paragraph: str, item: str, apart: bool = False) -> str | None:
    """`paragraph`, which introduces a list, with one of its items added (items that do not end a
    clause kept apart by a semicolon: "Supported shells: Bash; Zsh"; every item so with `apart`,
    for a list of names: "Masatoshi Kimura [:emk]; Michelle Goossens"); None once the two would
    pass JOINED_LIST_CHARS, when the rest of the list stands as it is."""
    if len(paragraph) + len(item) >= JOINED_LIST_CHARS:
        return None
    return f"{paragraph} {item}" if _ENDS_CLAUSE.search(paragraph) and not apart else f"{paragraph}; {item}"


def under_heading(trail: list[tuple[int, str]], level: int, heading: str) -> list[tuple[int, str]]:
    """The heading trail (level, text) once a heading of `level` begins: deeper ones end."""
    return [(lvl, text) for lvl, text in trail if lvl < level] + [(level, heading)]


SECTION_SEPARATOR = " › "


def section_name(trail: list[tuple[int, str]]) -> str:
    """"Memory and Allocation › Stack-Only Data: Copy": what a paragraph's citation shows."""
    return SECTION_SEPARATOR.join(text for _, text in trail)


def own_heading(section: str) -> str:
    """The innermost heading of a section's trail: "Stack-Only Data: Copy" of the one above."""
    return section.rsplit(SECTION_SEPARATOR, 1)[-1]


def clean_title_line(line: str) -> str:
    """Drop header junk and a trailing site name from a scraped title line."""
    line = _HTTP_HEADER.sub("", line).strip()
    parts = [p.strip() for p in _SITE_SEPARATOR.split(line) if p.strip()]
    return parts[0] if parts else line


def _looks_like_title(block: str) -> bool:
    return len(block) <= _MAX_TITLE_CHARS + 200 and not block.endswith((".", ":", ";", ","))


def _same(a: str, b: str) -> bool:
    return normalise(a).casefold() == normalise(b).casefold()


def article_from_text(text: str, title: str | None = None) -> Article:
    """Every block is a body paragraph; the title is the one given, or empty. No guessing."""
    paragraphs = split_blocks(text)
    if not paragraphs:
        raise ArticleError("The article is empty: there is no text to ask about.")
    return Article(title=normalise(title or ""), paragraphs=tuple(paragraphs))


def article_from_document_text(text: str, fallback_title: str = "") -> Article:
    """Like article_from_text, but a short first block without final punctuation is the title.

    A scraped page often repeats its headline as the first body block; that repeat is dropped.
    Underlined headings are not paragraphs: the first one before any text is the title, and
    each later one, like a Markdown heading, is the context of the paragraphs under it
    (searched with them, shown beside their citations).
    """
    text, known_title = _without_gutenberg_boilerplate(text)
    items = _blocks_and_headings(_SOFT_HYPHEN_BREAK.sub("", text))
    if not items:
        raise ArticleError("The article is empty: there is no text to ask about.")
    title = known_title or fallback_title
    first, first_is_heading = items[0]
    if known_title:
        while len(items) > 1 and _same(items[0][0], known_title):       # the title again, as the book opens
            items = items[1:]
    elif len(items) > 1 and (first_is_heading or _looks_like_title(first)):
        title = clean_title_line(first)[:_MAX_TITLE_CHARS]
        items = items[1:]
        if len(items) > 1 and _same(items[0][0], title):
            items = items[1:]
    paragraphs, context, trail = [], [], []
    for block, level in items:               # level: 0 a paragraph, 1 a heading, 2 a heading under it
        if level:
            trail = under_heading(trail, level, block)
            continue
        paragraphs.append(block)
        context.append(section_name(trail))
    if not paragraphs:
        raise ArticleError("The article has only headings: there is no text to ask about.")
    man = _MAN_HEADER.match(title)
    if man and context[0] == "NAME":
        title = paragraphs[0]                  # a manual page: "tar - an archiving utility", not "TAR(1) … TAR(1)"
        footer = f"{man.group(1)}({man.group(2)})"
        if len(paragraphs) > 1 and paragraphs[-1].endswith(footer) and len(paragraphs[-1]) <= _CHAPTER_CHARS:
            paragraphs, context = paragraphs[:-1], context[:-1]      # its footer: "TAR July 13, 2020 TAR(1)"
    return Article(title=title, paragraphs=tuple(paragraphs), context=tuple(context) if any(context) else ())


def _blocks_and_headings(text: str) -> list[tuple[str, int]]:
    """(text, heading level: 0 for a paragraph) for each blank-line-separated block, normalised. One to three
    short lines over a line of =, -, ~ … are a heading, and what follows that line in the same
    block is a block of its own ("What's New in IDLE 3.4.0?" / "=====" / "*Release date: …*");
    a rule under a line that ends a sentence, or alone, is only a separator."""
    out: list[tuple[str, int]] = []
    previous, previous_start = None, 0         # the block before this one, and where its entries start
    raws = _raw_blocks(text)
    for k, raw in enumerate(raws):
        table = table_rows(raw, previous)      # a plain-text table: a paragraph per row (columns.py)
        if table and table[1]:
            # its header block, now the rows' labels, goes, whether it was read as a paragraph or
            # as a subheading over one
            del out[previous_start:]
        previous, previous_start = raw, len(out)
        if not table and k + 1 < len(raws) and _heads_a_list(raw, raws[k + 1]):
            out.append((normalise(raw), 1))
            continue
        out.extend([(row, 0) for row in table[0]] if table else _ruled_blocks(raw))
    return _chapter_titles_joined(out)


_LIST_HEADING_WORDS = 8
_LIST_HEADING = re.compile(r"^[A-Z][^.!?:;=+<>{}$/\\_|#@`]{0,68}(?<=[\w)])(?: etc\.)?$")


def _heads_a_list(raw: str, following: str) -> bool:
    """A short line alone, not a sentence, over a bulleted list is that list's heading: git's
    release notes' "UI, Workflows & Features" and "Performance, Internal Implementation,
    Development Support etc." over their items, GCC's README.Bugs' "What we do not want". A
    sentence that introduces the list ("Use kermit to set the modem to") ends with a small
    word, or is long, or goes on past a ":"."""
    line = raw.strip()
    if "\n" in line or not _LIST_HEADING.match(line):
        return False
    words = line.removesuffix(" etc.").split()
    first = next((text for text in following.split("\n") if text.strip()), "")
    return bool(_BULLET.match(first)) and len(words) <= _LIST_HEADING_WORDS \
        and words[-1].lower() not in _TITLE_SMALL_WORDS          # not "… initialize the modem to"


def _ruled_blocks(raw: str) -> list[tuple[str, int]]:
    """A block that is not a table: the text over each rule a heading or a separated paragraph,
    the rest as _plain_blocks reads it."""
    out: list[tuple[str, int]] = []
    lines = raw.split("\n")
    start = 0
    for k, line in enumerate(lines):
        if not _RULE_LINE.match(line.strip()):
            continue
        above = normalise(" ".join(lines[start:k]))
        if above:
            written = sum(1 for text in lines[start:k] if text.strip())   # a third blank line leaves one
            heading = written <= _HEADING_LINES and len(above) <= _HEADING_CHARS \
                and not above.endswith((".", ",", ";"))
            out.append((above, int(heading)))
        start = k + 1
    return out + _plain_blocks(lines[start:])


def _plain_blocks(lines: list[str], under_heading: bool = False) -> list[tuple[str, int]]:
    """A block without rules: a chapter heading ("CHAPTER I.", "Chapter 3: The Trial", "XIV.")
    or a short line in capitals ("PREFACE", a manual page's "DESCRIPTION"), a centred line or
    a numbered section title ("8. Termination.") alone is a heading; a
    heading line in capitals over indented text is a heading and a paragraph (manual pages); a
    block whose every line is a chapter heading is a table of contents, dropped. Text indented
    under a heading line of its block (`under_heading`) is not centred: a README's "SPELLING:"
    over "        PulseAudio"."""
    lines = [line for line in lines if line.strip()]
    text = normalise("\n".join(lines))
    if not text:
        return []
    if len(lines) >= 3 and all(_CHAPTER.match(line.strip()) for line in lines):
        return []
    first = lines[0]
    indent = [len(line) - len(line.lstrip()) for line in lines]
    if len(lines) <= 2 and len(text) <= _CHAPTER_CHARS and (_CHAPTER.match(text) or indent[0] == 0 and _CAPITALS.match(text)):
        return [(text, 1)]
    if len(lines) == 1 and not under_heading:
        numbered = _NUMBERED_TITLE.match(text)
        if numbered and _title_case(numbered.group("title")):           # "2.1. Grants" under "2. …"
            return [(text.rstrip("."), min(2, 1 + numbered.group("number").count(".")))]
        if indent[0] >= _CENTRED_INDENT and _CENTRED_TITLE.match(text):
            return [(text, 1)]
    if len(lines) > 1 and _CAPITALS.match(first) and indent[0] == 0 and min(indent[1:]) > 0:
        return [(first.strip(), 1)] + _plain_blocks(lines[1:], under_heading=True)
    if len(lines) > 1 and 0 < indent[0] <= 4 and _SUBHEADING.match(first.strip()) and min(indent[1:]) > indent[0]:
        # a manual page's subsection ("   Option styles" over its text, indented further)
        return [(first.strip(), 2), (normalise("\n".join(lines[1:])), 0)]
    return [(paragraph, 0) for paragraph in _listed(lines)]


# A list item's bullet at the start of a line: "* ", "- ", "• " (not "-v" or "--", nor "- 5").
_BULLET = re.compile(r"^\s*(?:[*+•·◦‣▪]|-(?!\s*\d))\s+(?=\S)")


def _listed(lines: list[str]) -> list[str]:
    """A block's text as one paragraph, as it is written, but a bulleted list in it (git's
    release notes, changelogs, TODO files, READMEs) without its bullets: each item, nested ones
    too, joined to the text before it as Markdown's lists are to the sentence that introduces
    them (join_list_item: "; " after an item that does not end a clause), and past
    JOINED_LIST_CHARS the next item starts a paragraph. A block that is a single item ("* "git
    push" sometimes performs poorly …") loses its bullet."""
    pieces: list[list[str]] = [[]]          # the text before the first item, then each item
    for line in lines:
        if _BULLET.match(line):
            pieces.append([_BULLET.sub("", line, count=1)])
        else:
            pieces[-1].append(line)
    out: list[str] = []
    for text in (normalise("\n".join(piece)) for piece in pieces):
        joined = join_list_item(out[-1], text) if out and text else None
        if joined is not None:
            out[-1] = joined
        elif text:
            out.append(text)
    return out


_TITLE_SMALL_WORDS = frozenset("a an the of and or nor but for to in on at by with from into onto upon under over "
                               "this that these those its as per via than not".split())


def _title_case(title: str) -> bool:
    """Every word but the small ones capitalised: "No Surrender of Others' Freedom"."""
    return all(w[0].isupper() or not w[0].isalpha() for w in title.split() if w.lower() not in _TITLE_SMALL_WORDS)


def _chapter_titles_joined(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A chapter's title, a short line on its own under "CHAPTER I.", joins that heading:
    "CHAPTER I. Down the Rabbit-Hole"."""
    out: list[tuple[str, int]] = []
    for text, level in items:
        if out and out[-1][1] and not level and _CHAPTER_BARE.match(out[-1][0]) and len(text) <= _CHAPTER_CHARS \
                and not text.endswith((".", "!", "?", ",", ";", ":")):
            out[-1] = (f"{out[-1][0]} {text}", out[-1][1])
            continue
        out.append((text, level))
    return out


def _without_gutenberg_boilerplate(text: str) -> tuple[str, str]:
    """A Project Gutenberg e-book without the project's header and licence (some 3,000 words of
    legal text after the book, which a question about the book could otherwise be answered
    from), and its title from the header's "Title:" line; other texts as they are, no title.
    The markers are the project's documented ones; no book from it was at hand to try."""
    start = _GUTENBERG_START.search(text)
    if not start:
        return text, ""
    found = _GUTENBERG_TITLE.search(text, 0, start.start())
    end = _GUTENBERG_END.search(text, start.end())
    return text[start.end():end.start() if end else len(text)], normalise(found.group(1)) if found else ""


def decode(data: bytes, name: str = "the file") -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{name} looks like binary data, not text.")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


# A piece that goes on from the one before: lower case, closing or joining punctuation, or a
# bracket not opening a sentence ("(1): no", not "(See below.)").
_GOES_ON = re.compile(r"^(?:[:;,)\]]|\((?![A-Z]))")
# A full stop standing alone and then lower case ("from the last occurrence of the . (period)
# character", an API page's `.`; "run sudo ./install.sh") names the character or a path; a
# sentence's own stop follows its last word (SQuAD has "… of Education . Students …").
_LONE_STOP = re.compile(r"\s\.$")
_NAMED_NEXT = re.compile(r"[a-z(/]")      # what follows such a stop: lower case, a bracket, a path
# A number and a closing bracket, which sentencex takes for a list marker ("1) …") wherever it
# stands: "(hash(el) % 9999999)", "datetime.date(2019, 12, 4)", "tetraoxygen (O4)".
_NUMBER_CLOSED = re.compile(r"^\d+\)")
_CLOSING_QUOTES = "'\"’”"
SENTENCES = "sentencex/goes-on/lone-stop/number-bracket/short-items"   # recorded in index manifests: a change of splitting rebuilds


def _goes_on(previous: str, piece: str) -> bool:
    """Does `piece` go on the sentence that sentencex ended at `previous`'s last character?
    Only a sentence's end (".", "?", "!") ends one before a number and a closing bracket."""
    if previous.rstrip(_CLOSING_QUOTES).endswith(("?", "!")):     # "the character '?' is dispatched"
        return piece[:1].islower() or bool(_GOES_ON.match(piece))
    if _NUMBER_CLOSED.match(piece) and not previous.endswith("."):
        return True
    return bool(_LONE_STOP.search(previous) and _NAMED_NEXT.match(piece))


def _dotted(previous: str, piece: str, paragraph: str) -> bool:
    """Did sentencex end `previous` at a full stop with no space after it, inside a dotted name
    ("Added the asyncio." / "StreamWriter.start_tls() method …", "json." / "Loads")?"""
    return previous.endswith(".") and previous[-2:-1].isalnum() and piece[:1].isalnum() \
        and previous + piece in paragraph


@lru_cache(maxsize=1)
def _segmenter():
    from sentencex import segment  # light, maintained, rule-based; handles abbreviations

    return segment


_CODE_SIGNS = re.compile(r"[={}]|//|\(\)")      # code's statements are joined by "; " too


def _item_sentences(paragraph: str) -> list[str]:
    """The items of a paragraph that is a list of three or more short items joined by "; " (a
    README's contributors, "Marc Van Olmen; Benjamen Meyer; …": extract._short_items), each a
    sentence of its own, so a question about one name finds it as its evidence; [] for any other
    paragraph. Not a table row or field list ("Release: 1.6; Year: 2000"), whose fields are read
    together, nor prose (its end would end a sentence) nor code (_CODE_SIGNS)."""
    if "; " not in paragraph or ": " in paragraph or paragraph.endswith((".", "!", "?")) or _CODE_SIGNS.search(paragraph):
        return []
    items = paragraph.split("; ")
    return items if len(items) >= 3 and all(short_item(item) for item in items) else []


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, stripped, in order. Never empty for a non-empty paragraph.
    A "?" or "!" that the text goes on from ("GPL-compatible? (1): no", "asked why? and left")
    does not end a sentence: sentencex splits there, and a quoted table row lost its value. Nor
    does a full stop standing alone ("the . (period) character"). A list of names or links read
    as one paragraph has each item as a sentence (_item_sentences)."""
    items = _item_sentences(paragraph)
    if items:
        return items
    sentences: list[str] = []
    for piece in (s.strip() for s in _segmenter()("en", paragraph)):
        if sentences and (_goes_on(sentences[-1], piece) or _dotted(sentences[-1], piece, paragraph)):
            glued = sentences[-1] + piece                     # "./configure" was cut with no space
            sentences[-1] = glued if glued in paragraph else f"{sentences[-1]} {piece}"
        elif piece:
            sentences.append(piece)
    return sentences or [paragraph]
