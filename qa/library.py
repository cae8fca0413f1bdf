"""The library: every article a user has added, kept as text under index/library/<id>.json.

The stored text is separate from the article's index folder (index/<id>/), so a damaged or
half-written index is rebuilt from it, and removing an article removes both. Records are
written atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import ArticleError, StorageError
from .records import Article, Details

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def valid_id(article_id: str) -> bool:
    """Ids are lowercase letters, digits and dashes: never a path."""
    return bool(_ID.match(article_id or ""))


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    paragraphs: int
    source: str          # how it came: "bundled", "pasted", "uploaded <name>", "file <path>"
    added: float         # seconds since the epoch


class Library:
    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "library"
        self._summaries: dict[Path, tuple[tuple[int, int], Entry]] = {}   # path -> ((mtime, size), entry)
        self._lock = threading.Lock()

    def has(self, article_id: str) -> bool:
        return self._path(article_id).exists()

    def ids(self) -> set[str]:
        """The ids that have a record, readable or not."""
        return {p.stem for p in self.folder.glob("*.json")} if self.folder.is_dir() else set()

    def _path(self, article_id: str) -> Path:
        if not valid_id(article_id):
            raise ArticleError(f"{article_id!r} is not an article id.")
        return self.folder / f"{article_id}.json"

    def put(self, article_id: str, article: Article, source: str) -> Entry:
        """Store the article's text (keeps the first `added` time when it is already there)."""
        path = self._path(article_id)
        old = self._read(path)
        record = {"id": article_id, "title": article.title, "paragraphs": list(article.paragraphs),
                  "context": list(article.context), "details": article.details.to_dict(), "source": source,
                  "added": old["added"] if old else time.time()}
        if old == record:
            return _entry(record)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{article_id}-", suffix=".tmp", dir=self.folder)
        except OSError as exc:
            raise _unwritable(exc) from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _unwritable(exc) from None
            raise
        return _entry(record)

    def get(self, article_id: str) -> Article | None:
        """The stored article; None if there is none. A damaged record is an ArticleError."""
        path = self._path(article_id)
        if not path.exists():
            return None
        record = self._read(path)
        if record is None:
            raise ArticleError(f"The stored text of article {article_id} is damaged; remove it and add it again.")
        return Article(title=record["title"], paragraphs=tuple(record["paragraphs"]),
                       context=tuple(record.get("context") or ()), details=Details.from_dict(record.get("details")))

    def entries(self) -> list[Entry]:
        """Readable records, oldest first (a damaged one is skipped, not fatal). A record is
        read again only when its file changed: the app lists the library on every rerun."""
        out = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.exists() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp = (stat.st_mtime_ns, stat.st_size)
            with self._lock:
                known = self._summaries.get(path)
            if known is not None and known[0] == stamp:
                out.append(known[1])
                continue
            record = self._read(path)
            if record is not None:
                entry = _entry(record)
                with self._lock:
                    self._summaries[path] = (stamp, entry)
                out.append(entry)
        return sorted(out, key=lambda e: (e.added, e.id))

    def remove(self, article_id: str) -> bool:
        path = self._path(article_id)
        try:
            path.unlink()
            return True
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _unwritable(exc) from None

    @staticmethod
    def _read(path: Path) -> dict | None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not (isinstance(record, dict) and isinstance(record.get("paragraphs"), list)
                    and all(isinstance(p, str) for p in record["paragraphs"]) and record["paragraphs"]):
                return None
            record["title"] = str(record.get("title") or "")
            return record
        except (OSError, ValueError):
            return None


def _unwritable(exc: OSError) -> StorageError:
    return StorageError(f"The library cannot be changed: its folder is not writable ({exc.strerror or exc}). "
                        "Articles already in it can still be opened and asked.")


def _entry(record: dict) -> Entry:
    return Entry(id=record["id"], title=record["title"], paragraphs=len(record["paragraphs"]),
                 source=str(record.get("source", "")), added=float(record.get("added", 0)))
