"""Shared fixtures: the real model is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa import Engine, Settings
from qa.settings import DEFAULT_ARTICLE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """Where the app under test keeps its feedback (never the project's own data/)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def engine(index_dir) -> Engine:
    return Engine(Settings(index_dir=index_dir))


@pytest.fixture(scope="session")
def seed_doc(engine):
    return engine.open_default()


@pytest.fixture
def fresh_engine(engine, tmp_path) -> Engine:
    """A new Engine over an empty index folder, sharing the already-loaded model."""
    return Engine(Settings(index_dir=tmp_path / "index"), embedder=engine.embedder)


@pytest.fixture
def count_encodes(monkeypatch):
    """Count the texts sent to an engine's model (the real model still does the work)."""

    def install(engine: Engine) -> list[int]:
        calls: list[int] = []
        for name in ("encode_flat",):           # every encode goes through it
            real = getattr(engine.embedder, name)

            def counting(texts, *args, real=real, **kwargs):
                calls.append(len(texts))
                return real(texts, *args, **kwargs)

            monkeypatch.setattr(engine.embedder, name, counting)
        return calls

    return install


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return DEFAULT_ARTICLE


def subprocess_env(index_dir: Path, data_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, QA_INDEX_DIR=str(index_dir), HF_HUB_OFFLINE="1")
    env["QA_DATA_DIR"] = str(data_dir or index_dir.parent / "data")
    return env


def pdf_of(objs: list[bytes]) -> bytes:
    """A PDF of the given object bodies (object 1 the catalog) with a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
