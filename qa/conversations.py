"""Follow-up retrieval on multi-turn conversations: R@1 of each kind of turn, asked with the
chat's history and without it.

File format (tests/data/conversations.json):
  {"articles": [{"id", "title", "paragraphs": [...]}
                or {"id", "page": a saved page beside the file (gzipped or not), "paragraphs": [...]}],
   "conversations": [{"article": id or "default", "history": [earlier questions, not scored] (optional),
                      "turns": [{"q", "kind": first|follow-up|topic-change|unanswerable,
                                 "paragraph": n (1-based; 0 for unanswerable), "answer"}]}]}
An unanswerable turn is right when the answer abstains.

Each conversation is also interrupted once, after its first turn, by a short question from
another domain (OFF_TOPIC, in turn): it should be declined, though it asks in a chat.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import chat
from .engine import DEFAULT_ID, Document, Engine
from .errors import QAError

KINDS = ("first", "follow-up", "topic-change", "unanswerable")
# Short, general-knowledge questions no article of the sets answers (two content words or so,
# no word pointing back): asked mid-chat, each should be declined.
OFF_TOPIC = ("What is the capital of Peru?", "Who painted the Mona Lisa?", "How tall is Mount Everest?",
             "When did the Titanic sink?", "Who wrote Hamlet?", "What is photosynthesis?",
             "How many moons does Jupiter have?", "Who discovered penicillin?", "What is the boiling point of water?",
             "Who won the 2018 World Cup?", "How do bees make honey?", "What is the speed of light?",
             "Who invented the telephone?", "What causes earthquakes?", "Where is Timbuktu?", "What is a black hole?")


@dataclass(frozen=True)
class Turn:
    question: str
    kind: str
    paragraph: int


@dataclass(frozen=True)
class Conversation:
    article: str
    turns: tuple[Turn, ...]
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindResult:
    kind: str
    turns: int
    recall_with_history: float       # % of turns whose first citation is the right paragraph
                                     # (unanswerable turns: % that abstain)
    recall_without_history: float
    searched_with_chat: float        # % of turns searched together with earlier turns
    abstained_with_history: float    # % wrongly abstained (every turn of the set is answerable)
    abstained_without_history: float


@dataclass(frozen=True)
class ConversationResult:
    conversations: int
    kinds: list[KindResult] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)   # turns answered wrongly with history
    off_topic_turns: int = 0
    off_topic_declined: float = 0.0  # % of OFF_TOPIC questions asked mid-chat that were declined


def load(path: Path) -> tuple[dict[str, dict], list[Conversation]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        articles = {a["id"]: a for a in data["articles"]}
        conversations = [Conversation(c["article"], tuple(Turn(t["q"], t["kind"], int(t["paragraph"]))
                                                          for t in c["turns"]), tuple(c.get("history", ())))
                         for c in data["conversations"]]
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except (ValueError, KeyError, TypeError):
        raise QAError(f"{path} is not a conversations file (see qa/conversations.py).") from None
    return articles, conversations


def _open(engine: Engine, article: dict, folder: Path) -> Document:
    """A set's article: its paragraphs as text, or its saved page read as an upload is (headings
    and all), which must still give the paragraphs the questions were numbered on."""
    if "page" not in article:
        return engine.open_text("\n\n".join(article["paragraphs"]), title=article.get("title"), listed=False)
    source = folder / article["page"]
    name = source.name
    try:
        data = source.read_bytes()
        if name.endswith(".gz"):
            data, name = gzip.decompress(data), name[:-len(".gz")]
    except (OSError, EOFError) as exc:                   # gzip's BadGzipFile is an OSError
        raise QAError(f"Cannot read {source}: {getattr(exc, 'strerror', None) or exc}.") from None
    doc = engine.open_upload(name, data, listed=False)
    if doc.paragraphs != article["paragraphs"]:
        raise QAError(f"{source} no longer reads as the paragraphs its questions were numbered on "
                      f"(article {article['id']!r}): the extraction has changed.")
    return doc


def evaluate(engine: Engine, path: Path) -> ConversationResult:
    articles, conversations = load(path)
    docs: dict[str, Document] = {}
    hits = {kind: [0] * 6 for kind in KINDS}   # turns, right with/without history, resolved, abstained with/without
    misses = []
    off_topic = declined = 0
    for conversation in conversations:
        name = conversation.article
        if name not in docs:
            if name == DEFAULT_ID:
                docs[name] = engine.open_default()
            else:
                docs[name] = _open(engine, articles[name], Path(path).parent)
        doc = docs[name]
        asked: list[chat.Turn] = []
        for turn in conversation.turns:
            history = list(conversation.history) + chat.history_of(asked)   # as the app asks
            with_history = doc.ask(turn.question, history=history)
            without = doc.ask(turn.question)
            row = hits[turn.kind]
            row[0] += 1
            row[1] += _right(with_history, turn)
            row[2] += _right(without, turn)
            row[3] += with_history.resolved
            row[4] += with_history.abstained
            row[5] += without.abstained
            if not _right(with_history, turn):
                misses.append({"article": name, "history": list(history), "question": turn.question,
                               "kind": turn.kind, "searched": with_history.searched,
                               "cited": with_history.citations[0].paragraph, "right": turn.paragraph})
            asked.append(chat.Turn(turn.question, tuple(history), with_history))
            if len(asked) == 1:                                    # after the first turn
                declined += doc.ask(OFF_TOPIC[off_topic % len(OFF_TOPIC)],
                                    history=list(conversation.history) + chat.history_of(asked)).abstained
                off_topic += 1
    kinds = [KindResult(kind, n, _pct(right, n), _pct(right0, n), _pct(leaned, n), _pct(abst, n), _pct(abst0, n))
             for kind, (n, right, right0, leaned, abst, abst0) in hits.items() if n]
    return ConversationResult(len(conversations), kinds, misses, off_topic, _pct(declined, off_topic))


@dataclass(frozen=True)
class CasesResult:
    cases: int
    recall_at_1: float            # % whose first citation is the right paragraph, asked with their history
    unchanged: float              # % still citing what was cited when the feedback was given


def load_cases(path: Path) -> list[dict]:
    """JSONL evaluation cases, one {"article", "question", "history", "cited", "right"} a line
    (what `qa feedback export` writes)."""
    cases = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            cases.append({"article": str(case["article"]), "question": str(case["question"]),
                          "history": [str(h) for h in case.get("history", [])],
                          "cited": int(case.get("cited") or 0), "right": int(case["right"])})
        except (ValueError, KeyError, TypeError):
            raise QAError(f'{path}:{n}: expected {{"article", "question", "history", "right"}} as JSON.') from None
    return cases


def evaluate_cases(engine: Engine, path: Path) -> CasesResult:
    cases = load_cases(path)
    right = unchanged = 0
    for case in cases:
        answer = engine.open_id(case["article"]).ask(case["question"], history=case["history"])
        first = answer.citations[0].paragraph
        right += first == case["right"]
        unchanged += first == case["cited"]
    return CasesResult(len(cases), _pct(right, len(cases)), _pct(unchanged, len(cases)))


def _right(answer, turn: Turn) -> bool:
    if turn.kind == "unanswerable":
        return answer.abstained
    return answer.citations[0].paragraph == turn.paragraph


def _pct(part: int, whole: int) -> float:
    return round(100 * part / max(whole, 1), 2)


def table(result: ConversationResult) -> str:
    head = (f"{'turn kind':<13} {'turns':>5} {'R@1 with history':>17} {'without':>8} {'leaned on chat':>15}"
            f" {'abstained with':>15} {'without':>8}")
    rows = [f"{k.kind:<13} {k.turns:>5} {k.recall_with_history:>16.2f}% {k.recall_without_history:>7.2f}% "
            f"{k.searched_with_chat:>14.2f}% {k.abstained_with_history:>14.2f}% {k.abstained_without_history:>7.2f}%"
            for k in result.kinds]
    off = f"off-topic question mid-chat: {result.off_topic_declined:.2f}% of {result.off_topic_turns} declined"
    foot = (f"{result.conversations} conversations; leaned on chat = searched together with the previous turn; "
            "abstained: for answerable turns, wrongly; for unanswerable ones R@1 is the share rightly abstained")
    return "\n".join([head, *rows, off, foot])
