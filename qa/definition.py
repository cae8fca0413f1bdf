"""Questions that ask what something is, and the sentences that say it.

"What is Nettle?" has one content word, and a manual names its subject in most of its
paragraphs: retrieval alone found "For the direct dependency on Nettle, the program is linked
with …" before "Nettle is a cryptographic library that is designed to fit easily in more or
less any context." A sentence whose subject is the thing asked about, followed by "is a …", "is
the …", "is Python's …", "refers to", is what such a question wants: the retriever gives its
paragraph a bonus (Settings.definition_bonus) and the evidence puts that sentence first. Only
the question's own words count, matched whole, at the start of the sentence, and the verb must
open a noun phrase: "Valgrind is closely tied to details of the CPU" does not define Valgrind.

Measured (README, "What is X?" questions): on 13 questions about manuals installed here the
definition came first for 5 without the bonus and 13 with it (0.12, the least of the best cells;
the SQuAD tune file's 280 such questions did not change at any bonus); on 36 other questions about
other manuals, written after the bonus was chosen, 19 → 23, none lost; on 30 more about Cargo's
and the Rust reference, written after that, 21 → 21; on 20 asked as "What does X do?" and the
like, written before those wordings were added, 7 → 18.
"""

from __future__ import annotations

import re

from .followup import POINTERS

MAX_SUBJECT_WORDS = 5
_QUESTION = re.compile(r"^\s*(?:(?:what|who)(?:\s+(?:is|are|was|were)\s+|'s\s+|’s\s+)(?:meant\s+by\s+)?"
                       r"(?P<x>[^?]+?)|what\s+(?:does|do)\s+(?P<y>[^?]+?)\s+(?:do|mean|stand\s+for)"
                       r"|define\s+(?P<z>[^?.]+?))\s*[?.]*\s*$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
# A term does not end in a preposition: "What is the museum famous for?", "What does the council
# plan to do?" ask something else.
_DANGLING = frozenset("to for with about of in on at from by into near like".split())
# What follows the subject in a defining sentence: a copula and a noun phrase's start ("is a",
# "are the", "is Python's", "was one of", "is yet another"), "is:" before a list, or a verb that
# defines ("means", a licence's "shall mean").
_DEFINES = (r"(?:is|are|was|were)\s+(?:(?:yet\s+)?another|a|an|the|one|any|\w+['’]s)\b|(?:is|are)\s*:"
            r"|(?:is|are)\s+what\s+(?:we|you|people|one)\s+call\b"
            r"|(?:refers?\s+to|(?:also\s+)?means|shall\s+mean|denotes|stands\s+for)\b")
# A sentence that names the subject after describing it: "The rules for translating a Unicode
# string into bytes are called a character encoding", "… is known as the GIL".
_NAMES = r"\b(?:is|are|was|were)\s+(?:(?:also\s+)?called|(?:also\s+)?known\s+as|termed|referred\s+to\s+as)\s+"
# ... and the name ends there: "are called the lifetime elision rules" does not name a lifetime.
_NAMED_END = r"(?=\s*(?:[^\w\s-]|$)|\s+(?:or|and)\b)"
# Between "a"/"an" and the subject: up to two lower-case words ("A cryptographic hash function
# is …" defines a hash function; "The test profile is the default profile …" is one profile).
_MODIFIERS = r"(?:an?\s+(?:(?-i:[a-z][\w-]*)\s+){0,2}|the\s+)?"
# A term in quotes, as licences and contracts define them: 'A "covered work" means …'.
_QUOTE = r"[\"'“”‘’]?"
# Between the subject and the verb: an abbreviation or gloss in brackets, or an appositive.
_GLOSS = r"(?:\s*\([^)]{0,80}\)|\s*,[^,]{0,80},)?"


def subject(question: str) -> str | None:
    """The thing a "What is X?" / "Who was X?" / "What does X do / mean / stand for?" / "What
    is meant by X?" / "Define X." question asks about (X, without its article or quotes), or
    None for any other question and for one about a pronoun ("What is it?", "What does it do?")."""
    m = _QUESTION.match(question)
    if not m:
        return None
    x = _ARTICLE.sub("", (m.group("x") or m.group("y") or m.group("z")).strip().strip("\"'“”‘’"))
    words = x.split()
    if not words or len(words) > MAX_SUBJECT_WORDS or any(w.lower() in POINTERS for w in words) \
            or words[-1].lower() in _DANGLING:
        return None
    return x


_SCOPE = re.compile(r"^(?P<head>.+?)\s+in\s+\S.*$", re.IGNORECASE)


def head(subject: str) -> str | None:
    """A subject without the scope it is asked in ("pad in curses" -> "pad", "Tasks in Cargo"
    -> "Tasks"), for when no sentence defines the whole phrase; None when there is no scope."""
    m = _SCOPE.match(subject)
    return m.group("head") if m else None


def pattern(subject: str) -> re.Pattern[str]:
    """Matches a sentence that opens by defining `subject` (its article optional, any case), or
    that names it: "… are called a `subject`", "… is known as `subject`"."""
    words = r"\s+".join(re.escape(w) for w in subject.split())
    return re.compile(rf"^\W*{_MODIFIERS}{_QUOTE}{words}{_QUOTE}{_GLOSS}\s+(?:{_DEFINES})"
                      rf"|^.*?{_NAMES}(?:(?:a|an|the)\s+)?{_QUOTE}{words}{_QUOTE}{_NAMED_END}", re.IGNORECASE)


def defining(sentences: list[str], subject_pattern: re.Pattern[str]) -> list[int]:
    """Which of a paragraph's sentences define the subject."""
    return [i for i, s in enumerate(sentences) if subject_pattern.match(s)]
