"""Questions about the article itself: what it is about (its opening paragraph, answer.overview),
and who wrote it, when and where, answered from the file's own details.

"Who wrote this article?" and "When was it published?" are among the first things people ask,
and no paragraph holds the answer: a page keeps its author, date and site in its metadata
(trafilatura reads it; the date only from the page's markup, never guessed from its text), a
PDF in its document information, a Word file in its core properties (their authors only: a
file's creation date is when it was made, not when the text appeared; the Shared MIME-info spec,
last updated in 2018 as its first paragraph says, is a PDF created in 2022). Those details are
read when the file is added (`Details` on the `Article`), cleaned here (`author_of`,
`date_of`), shown under the title, and answer a question that asks for one of them and nothing
else (`asked_about`). A question about anything more ("Who wrote the
letter?", "When was the treaty published?") is searched in the text as any other; so is one
whose detail the file does not give, and a follow-up that points back ("Who wrote it?" after a
question about a novel).
"""

from __future__ import annotations

import datetime as dt
import re

from .followup import DOCUMENT_NOUNS
from .records import Byline, Details

# Names that metadata puts where an author should be, which name nobody.
_PLACEHOLDERS = frozenset({"username", "user", "admin", "administrator", "staff", "editor", "editors", "unknown",
                           "anonymous", "guest", "author", "owner", "root", "default", "microsoft office user",
                           "unknown author", "python-docx"})     # python-docx's template names itself
_BY = re.compile(r"^\s*(?:written\s+|posted\s+)?by\s+", re.IGNORECASE)
_EDITED = re.compile(r"(?:^|\s+)(?:edited|photos?|illustrations?)\s+by\b.*$", re.IGNORECASE)
# A date run on after the name ("Nathan Willis March"); "May" is left out, as it is a name too.
_DATE_AFTER = re.compile(r"\s+(?:jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|"
                         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|\d)\b[\w\s,.:]*$", re.IGNORECASE)
_WORD_OF_LETTERS = re.compile(r"[^\W\d_]{2,}")    # a name has a word of two letters or more
# A month alone is not a name: ninja's manual (DocBook) gives its revision line "v1.11.1, Aug 2022"
# as its author, which trafilatura reads as "V; Aug".
_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec january february march april june july august "
                    "september october november december".split())
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


# An address given with a name: "Bradley M. Kuhn (http://ebb.org/bkuhn/)" in a page's author
# metadata, which trafilatura reads as the authors "Bradley M Kuhn http; Ebb Org; Bkuhn"
_ADDRESS = re.compile(r"[(<\[]?\s*(?:(?:https?://|www\.)\S+?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*[)>\]]?(?=[\s,;|]|$)")
# ... or spelled out against spam: "Vinay Sajip <vinay_sajip at red-dove dot com>"
_SPELLED_ADDRESS = re.compile(r"\s*<[^<>]*>|\s*\([^()]*(?:@|\bat\b|https?:|www\.)[^()]*\)")
# A byline set as a paragraph at the top of the text, where a file's metadata names nobody:
# docutils' and Sphinx's field list ("Author: A. M. Kuchling", Python's HOWTOs), gtk-doc's
# "Author(s): Daniel Veillard", a pasted story's "By Jane Smith".
_BYLINE = re.compile(r"^(?:(?:authors?|author\(s\))\s*:|(?P<by>(?:written\s+)?by))\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*,?|and|&|de|van|von|der|den|la|le|du|da|di|del|al|bin)$")
# A field list's items read as one paragraph ("Author: A. M. Kuchling; Release: 0.32", "author:
# Peter Moody; author: Nick Coghlan"; extract._short_items): where the next field begins.
_NEXT_FIELD = re.compile(r";\s+(?=[A-Za-z][\w()]*(?: [A-Za-z]\w*)?\s*:\s)")
_BYLINE_REACH = 5         # paragraphs from the top where a byline may stand
_BYLINE_CHARS = 200
_MORE_AUTHORS = 12        # names listed one per paragraph after "Authors:", at most


def author_without_addresses(author: str) -> str:
    """An author's name(s) without the web or mail addresses given with them."""
    return _ADDRESS.sub("", _SPELLED_ADDRESS.sub("", author)).strip(" ,;|-")


def _name_line(text: str, limit: int = 8) -> bool:
    words = text.split()
    return 0 < len(words) <= limit and all(_NAME_WORD.match(w) for w in words) and text[0].isupper()


def byline(paragraphs: tuple[str, ...] | list[str]) -> Byline | None:
    """The author a paragraph near the top names, when one there is only that: "Author: Vinay
    Sajip <vinay_sajip at red-dove dot com>", "By Jane Smith" (after "By", only names: "By
    Monday the river had risen." is no byline; "Author" wants its colon). Names listed one per
    paragraph after "Authors:", each with its address (Sphinx's field list as Debian's Python
    policy sets it), are read with it, and so are the names of every author field of a field list
    read as one paragraph. A field's names, without their addresses, are at most _BYLINE_CHARS."""
    for i, paragraph in enumerate(paragraphs[:_BYLINE_REACH]):
        names = []
        for field in _NEXT_FIELD.split(paragraph.strip()):
            match = _BYLINE.match(field)
            bare = author_without_addresses(match.group("names")) if match else ""
            if bare and len(bare) <= _BYLINE_CHARS and not (match.group("by") and not _name_line(bare)):
                names.append(bare)
        if not names:
            continue
        last = i
        for more in paragraphs[i + 1:i + 1 + _MORE_AUTHORS]:
            name = author_without_addresses(more)
            if name == more.strip() or not _name_line(name, 5):
                break                       # a name with its address, as the first one was given
            names.append(name)
            last += 1
        found = author_of(";".join(names).replace(" and ", ";").replace(" & ", ";"))
        if found:
            return Byline(i, last, found)
    return None


def author_of(raw: str | None) -> str:
    """The author(s) as a reader would write them: "by" and an editor or photographer dropped,
    names repeated in capitals given once, placeholders ("Username", "admin") none at all."""
    names: list[str] = []
    for part in re.split(r"[;|\n]", raw or ""):
        name = _DATE_AFTER.sub("", _EDITED.sub("", _BY.sub("", " ".join(part.split())))).strip(" ,-–—")
        if _WORD_OF_LETTERS.search(name) and name.casefold() not in _PLACEHOLDERS | _MONTHS \
                and name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return ", ".join(names)


def date_of(raw: str | None) -> str:
    """The ISO date (YYYY-MM-DD) that starts `raw` when it is a real day; "" otherwise."""
    match = _ISO.match((raw or "").strip())
    if not match:
        return ""
    try:
        day = dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return ""
    return day.isoformat() if 1800 <= day.year <= 2100 else ""


def details_of(author: str | None = None, published: str | None = None, site: str | None = None) -> Details:
    place = " ".join(str(site or "").split())
    name = author_of(author)
    names = name.split(", ")
    writers = [n for n in names if n.casefold() != place.casefold()]
    if writers and len(writers) < len(names):
        name = ", ".join(writers)        # "Dana A. Ford, Tom Watkins, CNN" on CNN: the site is no writer
    return Details(author=name, published=date_of(published),
                   site="" if place.casefold() == name.casefold() else place)


def shown_date(iso: str) -> str:
    """"2015-04-16" -> "16 April 2015"."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def line(details: Details, byline: Byline | None = None) -> str:
    """One line for under the title: "By Dan Goodin · Ars Technica · 16 April 2015"; the
    author from the text's byline where the metadata names nobody."""
    author = details.author or (byline.names if byline else "")
    parts = [f"By {author}" if author else "", details.site,
             shown_date(details.published) if details.published else ""]
    return " · ".join(p for p in parts if p)


# Words a question about the document itself may hold, and nothing else.
_DOCUMENT = DOCUMENT_NOUNS
_FUNCTION = frozenset("""who whom whose what when where which how is was were are be been 's the a an this that it its
of by for in on at from to and or please name names did does do has have had one originally first exactly
tell me us you give say said year day""".split())
_AUTHOR = frozenset("wrote write writes written authored author authors writer writers journalist reporter "
                    "behind penned".split())
_DATE = frozenset("published publish posted dated date written wrote released created appeared".split())
_SITE = frozenset("published appeared posted source publication newspaper magazine outlet website site web".split())
# (DOCUMENT_NOUNS holds "site" and "website": "What site is this from?" names the document.)
_POINTERS = frozenset("it that this".split())
# "What is this article about?", "Summarize it", "What are the key points?", "tl;dr"
_TOPIC = frozenset("summary summarise summarize overview gist tldr tl dr topic subject point points idea ideas "
                   "takeaway takeaways thesis".split())
_TOPIC_FILLER = frozenset("about main key central brief briefly short quick can could you few sentence sentences "
                          "words".split())
_WORD = re.compile(r"[a-z0-9]+")        # a number is a word: "What article was published in 1937?"


def asked_about(question: str, in_chat: bool = False) -> str | None:
    """"author", "published" or "site" when the question asks the document's author, date or
    place and nothing else; "topic" when it asks what the document is about; None otherwise.
    In a chat, a question that only points back ("Who wrote it?", "What is it about?") is about
    what was just asked, not the document, unless it names the document."""
    words = _WORD.findall(question.lower().replace("’", "'").replace("'s ", " is "))
    named = any(w in _DOCUMENT for w in words)
    if words and all(w in _DOCUMENT | _FUNCTION | _TOPIC | _TOPIC_FILLER for w in words) \
            and not (in_chat and not named and any(w in _POINTERS for w in words)):
        about = words[0] == "what" and words[-1] == "about" and bool({"is", "was", "are"} & set(words))
        if about or any(w in _TOPIC for w in words):
            return "topic"
    if not words or any(w not in _DOCUMENT | _FUNCTION | _AUTHOR | _DATE | _SITE for w in words):
        return None
    authored = any(w in _AUTHOR for w in words)
    if in_chat and not named and (any(w in _POINTERS for w in words) or not authored):
        return None             # "Who wrote it?", "By whom?": about what the chat was about
    first = words[0]
    if first in ("who", "whom", "whose") or "whom" in words or authored and first not in ("when", "where"):
        return "author" if authored or "by" in words else None
    if first == "when" or {"date", "year", "day"} & set(words):
        return "published" if any(w in _DATE for w in words) or "date" in words else None
    if first in ("where", "which", "what") and any(w in _SITE for w in words):
        return "site"
    return None


# A sentence that says who wrote something: "The initial draft of this document was written by
# Andrew Kuchling.", "Written by Priya Natarajan for the Echo.", "Its author is Jane Smith."
_AUTHORSHIP = re.compile(r"\b(?i:written|authored|drafted|prepared|compiled)\s+(?:[\w-]+\s+){0,3}?by\s+[A-Z]"
                         r"|\b(?i:authors?)\s*(?::|is|are|was|were)\s+[A-Z]"
                         r"|\b[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)+\s+(?:wrote|authored)\b")


def names_a_writer(sentence: str) -> bool:
    """Does the sentence say who wrote something? Asked who wrote the document where its
    metadata and byline name nobody, such evidence is shown (hedged), not declined: the
    answerability model, fitted on questions about what a text says, declined "Who wrote this
    HOWTO?" at 0.06 on "The initial draft of this document was written by Andrew Kuchling."."""
    return bool(_AUTHORSHIP.search(sentence))


def reply(details: Details, kind: str | None) -> str | None:
    """The answer to a question `asked_about` gave `kind` for, or None where the file does not
    give that detail (the question is then searched in the text)."""
    if kind == "author" and details.author:
        return f"The article's metadata names its author: {details.author}."
    if kind == "published" and details.published:
        return f"The article's metadata dates it {shown_date(details.published)}."
    if kind == "site" and details.site:
        return f"The article's metadata gives where it appeared: {details.site}."
    return None
