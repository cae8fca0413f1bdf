"""Follow-up questions: does a question lean on the conversation, and how much.

No language model is at hand, so retrieval itself does the resolving. A question *leans on
the chat* when it has a word pointing back ("it", "she", "there", "the same"), opens with a
continuation ("and …", "what about …"), or has at most one content word of its own. Then every
score a paragraph gets for it (dense, BM25, late interaction) gets a share w of the score it
gets for the previous question (itself with its own context): among paragraphs that fit the
question, the one the conversation is about wins. The less the question says itself, the
more the conversation decides: w by its number of content words (Settings.followup_weight_*:
now 1 with none, "Why?"; 0.5 with one or two, "And CBS?", "How long is it?"). With three or more its own words
usually decide, and it is searched alone unless they leave its first two paragraphs tied
(within Settings.followup_long_margin; Document.context decides, as it needs the ranking). A
self-contained question is searched alone, so a change of topic is never dragged back; so is
a short one none of whose words the article holds (an off-topic question mid-chat: before,
half of them were lifted by the chat to "closest passage" instead of declined), and one that
names something the article never mentions ("What is the capital of Peru?" in a chat about
whale strandings, whose article calls New Zealand the stranding "capital" of the world).

Measured when the weights were 0.5/0.35/0, on tests/data/conversations.json (60 conversations,
73 follow-ups; the README has the figures with today's weights): follow-up
R@1 87.7% with the chat vs 79.5% without, topic changes 100% either way, first turns unchanged.
One weight for every follow-up did worse (at best 84.9%, 0.35–0.4, and lower either side);
choosing the three weights leave-one-article-out gave 89.0% on the held-out articles vs 82.2%
for one weight. Sending the two questions as one text, adding the previous answer's evidence,
or favouring paragraphs near the previous answer all dragged follow-ups back and did worse
(a narrower tie-break, for the paragraph the last answer cited and the next, ships since:
Retriever.rank's `read`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that point back to something said before.
POINTERS = frozenset("""it its it's itself they them their theirs themselves he him his himself she her hers
herself this that these those there then such former latter same one ones""".split())
# Openings that continue the previous question.
CONTINUATIONS = ("and ", "also ", "what about ", "how about ", "what else", "and?", "but ")
# Requests for more of the last answer: they continue the chat, and their words say nothing of
# what about, so they weigh as a question with no content word ("Why?"). Asked as a user on the
# Rustonomicon's page on races, "Give an example" was declined (neither word in the article);
# on asyncio's, searched at the terse weight, its word "example" cited a paragraph on gather().
REQUESTS = ("give an example", "give me an example", "an example", "example?", "for example?",
            "for instance?", "like what?", "such as?", "tell me more", "go on", "elaborate", "explain")
# What people call the document they ask about; "this article", "this book": the question is
# about the document itself, not the last answer.
DOCUMENT_NOUNS = frozenset("article book page chapter paper document text post story essay guide report manual blog "
                           "website site piece file pdf faq tutorial readme handbook spec specification "
                           "documentation transcript newsletter howto".split())
_ABOUT_DOCUMENT = re.compile(rf"\bthis (?:{'|'.join(sorted(DOCUMENT_NOUNS))})\b")
_WORD = re.compile(r"[a-z0-9']+")
# A name: a capitalised word that does not open the question ("Peru", "Mona Lisa", "Hamlet"),
# other than "I" ("I'm", "I've").
_NAME = re.compile(r"(?<=\s)(?!I\b)[A-Z][\w'’-]*")
# A question that asks only who or what a name is: "Who is Rebecca Solnit?", "What's NASA?".
_WHO_IS = re.compile(r"^(?i:who|what)(?:\s+(?i:is|was|are|were)|['’]s)((?:\s+\(?[A-Z][\w.'’()-]*)+)\s*\??$")


@dataclass(frozen=True)
class Signals:
    pointer: str | None        # the first pointing word, if any
    continuation: bool         # opens with "and", "what about", … or a request for more
    content_terms: int         # words left after stopwords (BM25's analyser)
    known_terms: int = -1      # how many of them the article holds (-1: not looked up)
    about_document: bool = False   # names the document itself ("Who wrote this article?")
    defined: bool = False          # asks what something is, and the article defines it (definition.py)
    unknown_name: bool = False     # names something the article never mentions
    who_is: bool = False           # asks only who or what a name is ("Who is Rebecca Solnit?")
    request: bool = False          # asks for more of the last answer ("Give an example", "Tell me more")
    names_section: bool = False    # names one of the article's section headings ("What's new in asyncio?")

    def dependent(self, elliptic_terms: int = 1) -> bool:
        """Points back, continues, or says too little to stand alone (elliptic). An elliptic
        question none of whose words the article holds ("What is the capital of Peru?" in a chat
        about a paper) is a new question, not a follow-up: it is searched, and declined, alone; so
        is one about the document itself ("Who is the author of this book?"), and one asking what
        a term is that the article defines ("What is a hash function?" in a chat about Nettle:
        leaning on the chat, it cited "SHA1 is a hash function specified by NIST"), and one
        that names something the article never mentions unless it points back or continues
        ("What about Lithuania?" does); so is one asking only who or what a name is ("Who is
        Rebecca Solnit?": its two words are the name, not too little to stand alone); so is one
        that names a section of the article without pointing back ("What's new in asyncio?" on
        Python's What's New, whose section "asyncio" it names: after two questions about speed,
        it leaned on the chat and cited the speed paragraph)."""
        if (self.about_document or self.defined or self.who_is) and not self.continuation:
            return False
        if self.pointer or self.continuation:
            return True
        if self.unknown_name or self.names_section:
            return False
        return self.content_terms <= elliptic_terms and not (self.content_terms > 0 and self.known_terms == 0)


def names(question: str) -> list[str]:
    """The question's capitalised words past its first: the names it asks about."""
    return _NAME.findall(question.strip())


def signals(question: str, content_terms: list[str], known_terms: int = -1, defined: bool = False,
            unknown_name: bool = False, names_section: bool = False) -> Signals:
    text = question.strip().lower()
    words = _WORD.findall(text)
    pointer = next((w for w in words if w in POINTERS), None)
    request = text.startswith(REQUESTS)
    return Signals(pointer=pointer, continuation=request or text.startswith(CONTINUATIONS), request=request,
                   content_terms=len(content_terms), known_terms=known_terms,
                   about_document=bool(_ABOUT_DOCUMENT.search(text)), defined=defined, unknown_name=unknown_name,
                   who_is=bool(_WHO_IS.match(question.strip())), names_section=names_section)


def weight(sig: Signals, bare: float, terse: float, short: float, long: float, elliptic_terms: int = 1) -> float:
    """The conversation's share of the scores: none for a self-contained question; for one that
    leans on the chat, more the less it says itself (`bare` for no content word, and for a short
    request for more, whose words do not say what about)."""
    if not sig.dependent(elliptic_terms):
        return 0.0
    if sig.content_terms == 0 or (sig.request and sig.content_terms <= 2):
        return bare            # a request that says more ("Explain how the cache works") weighs as its words say
    return terse if sig.content_terms <= 1 else short if sig.content_terms == 2 else long


def joined(context: str, question: str) -> str:
    """The conversation as one text: the earlier question(s), then this one."""
    return f"{context.strip()} {question.strip()}"
