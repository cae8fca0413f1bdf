"""Answer feedback (👍 / 👎 / "wrong paragraph, it is ¶n"), kept in SQLite and exported as
evaluation cases that `qa eval` reads back.

One row per (article, question, history): a later click on the same answer replaces the
earlier one. Connections are opened per call, so any thread (any app session) may record.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import QAError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    article  TEXT NOT NULL,
    question TEXT NOT NULL,
    history  TEXT NOT NULL,            -- JSON list of the earlier questions
    searched TEXT NOT NULL,
    cited    INTEGER NOT NULL,         -- the first cited paragraph (1-based)
    vote     INTEGER,                  -- +1 / -1 / NULL
    right    INTEGER,                  -- the paragraph the user says is right, if they picked one
    created  REAL NOT NULL,
    PRIMARY KEY (article, question, history)
);
CREATE INDEX IF NOT EXISTS feedback_article ON feedback(article);
"""


@dataclass(frozen=True)
class Feedback:
    article: str
    question: str
    history: tuple[str, ...]
    searched: str
    cited: int
    vote: int | None
    right: int | None

    def as_case(self) -> dict | None:
        """An evaluation case, when the feedback names the right paragraph: a 👍 (the cited one)
        or a picked one. A bare 👎 says only what is wrong, so it makes no case."""
        right = self.right or (self.cited if self.vote == 1 else None)
        if right is None:
            return None
        return {"article": self.article, "question": self.question, "history": list(self.history),
                "cited": self.cited, "right": right}


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10)
            conn.executescript(_SCHEMA)
            return conn
        except (OSError, sqlite3.Error) as exc:
            raise QAError(f"Cannot open the feedback store {self.path}: {exc}.") from None

    def record(self, article: str, question: str, history: list[str], searched: str, cited: int,
               vote: int | None = None, right: int | None = None) -> None:
        """Store (or replace) the feedback on one answer. A vote or a right paragraph given
        earlier is kept when a later click gives only the other."""
        if vote not in (None, 1, -1):
            raise ValueError("vote is +1, -1 or None")
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    """INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (article, question, history) DO UPDATE SET
                         searched = excluded.searched, cited = excluded.cited,
                         vote = COALESCE(excluded.vote, feedback.vote),
                         right = COALESCE(excluded.right, feedback.right), created = excluded.created""",
                    (article, question, json.dumps(list(history), ensure_ascii=False), searched, int(cited),
                     vote, right, time.time()))
        except sqlite3.Error as exc:
            raise QAError(f"Could not save the feedback: {exc}.") from None
        finally:
            conn.close()

    def entries(self, article: str | None = None) -> list[Feedback]:
        if not self.path.exists():
            return []
        conn = self._connect()
        try:
            sql = "SELECT article, question, history, searched, cited, vote, right FROM feedback"
            rows = conn.execute(sql + (" WHERE article = ? ORDER BY created" if article else " ORDER BY created"),
                                (article,) if article else ()).fetchall()
        except sqlite3.Error as exc:
            raise QAError(f"Could not read the feedback: {exc}.") from None
        finally:
            conn.close()
        return [Feedback(a, q, tuple(json.loads(h)), s, c, v, r) for a, q, h, s, c, v, r in rows]

    def export_cases(self) -> list[dict]:
        return [case for case in (f.as_case() for f in self.entries()) if case is not None]
