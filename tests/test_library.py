"""The library: added articles persist, dedupe, can be removed; bad input and damaged or
half-written indexes never cost what is already there."""

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ROOT, pdf_of, subprocess_env
from qa import Engine, QAError, Settings
from qa.extract import MAX_BYTES, MAX_PARAGRAPHS

NOTES = b"Garden notes\n\nThe tomatoes grow along the south wall.\n\nThe shed by the gate holds the tools."


@pytest.fixture
def library(fresh_engine):
    """An engine whose library holds one article."""
    doc = fresh_engine.open_upload("garden.txt", NOTES)
    return fresh_engine, doc


def _snapshot(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".locks" not in p.parts}


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("page.html", "<html><body><p>Hello</p></body></html>")
    return buf.getvalue()


def _deep_page_tree(depth: int = 5000) -> bytes:
    """A PDF whose page tree nests `depth` levels deep (a known way to crash PDF readers)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objs += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 3) for i in range(depth)]
    objs.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    return pdf_of(objs)


BAD_UPLOADS = {
    "empty file": ("empty.txt", b"", "empty"),
    "whitespace-only file": ("blank.md", b"  \n\n\t \r\n", "empty"),
    "binary data named .txt": ("data.txt", bytes(range(256)) * 40, "binary"),
    "binary data named .html": ("page.html", b"\x00\x01\x02\x03" * 500, "binary"),
    "binary data named .pdf": ("report.pdf", b"\x00\x01\x02\x03" * 500, "not a PDF"),
    "a ZIP named .html": ("page.html", _zip(), "ZIP"),
    "a PDF that is not a PDF": ("report.pdf", b"Just some text pretending to be a PDF.", "not a PDF"),
    "a damaged PDF": ("report.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "damaged PDF"),
    "too many paragraphs": ("huge.txt", b"Word.\n\n" * (MAX_PARAGRAPHS + 1), "limit"),
    "a PDF page tree nested 5,000 deep": ("deep.pdf", _deep_page_tree(), "damaged PDF"),
    "only stopwords": ("hamlet.txt", b"To be, or not to be.", "no words to search"),
    "only numbers": ("n.txt", b"1 2 3\n\n4 5 6", "no words to search"),
    "a zero-width space": ("zw.txt", "\u200b".encode(), "empty"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_bad_upload_is_a_clear_error_and_loses_nothing(library, case):
    engine, doc = library
    name, data, message = BAD_UPLOADS[case]
    before = _snapshot(engine.settings.index_dir)
    with pytest.raises(QAError, match=message):
        engine.open_upload(name, data)
    assert _snapshot(engine.settings.index_dir) == before
    assert [e.id for e in engine.articles()] == ["default", doc.id]
    assert engine.open_id(doc.id).ask("Where are the tools?").citations[0].paragraph == 2


@pytest.mark.parametrize("text", ["To be, or not to be.", "It is what it is.", "\u200b\n\n\u200b"])
def test_pasted_text_without_searchable_words_is_refused_and_leaves_nothing(library, text):
    engine, doc = library
    before = _snapshot(engine.settings.index_dir)
    with pytest.raises(QAError):
        engine.open_text(text)
    assert _snapshot(engine.settings.index_dir) == before
    assert [e.id for e in engine.articles()] == ["default", doc.id]


def test_lone_surrogates_in_article_question_and_history_are_replaced_not_a_crash(library):
    engine, _ = library
    doc = engine.open_text("The keepers \udcff kept the light.\n\nThe supply boat came in May.", listed=False)
    assert doc.paragraphs[0] == "The keepers ? kept the light."
    assert doc.ask("Who kept the light\ud800?").citations[0].paragraph == 1
    assert doc.ask("When did it come?", history=["Which \udfff boat?"]).citations


def test_a_pdf_over_the_page_limit_is_refused_before_it_is_read(library, monkeypatch):
    from fpdf import FPDF

    import qa.pdf

    engine, _ = library
    monkeypatch.setattr(qa.pdf, "MAX_PAGES", 5)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(6):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Page {n}: the keepers kept the light burning all night.")
    before = _snapshot(engine.settings.index_dir)
    with pytest.raises(QAError, match="more than 5 pages"):
        engine.open_upload("long.pdf", bytes(pdf.output()))
    assert _snapshot(engine.settings.index_dir) == before


def test_file_over_the_size_limit_is_refused_before_reading(library, tmp_path):
    engine, _ = library
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)                      # sparse: no 20 MB written
    with pytest.raises(QAError, match="limit is 20 MB"):
        engine.open_file(big)
    with pytest.raises(QAError, match="limit is 20 MB"):
        engine.open_text("a" * (MAX_BYTES + 1))


def test_missing_file_is_a_clear_error(library, tmp_path):
    engine, _ = library
    with pytest.raises(QAError, match="No such file"):
        engine.open_file(tmp_path / "nope.pdf")


def test_upload_name_with_path_parts_is_stored_under_a_safe_id(fresh_engine, tmp_path):
    outside = set(tmp_path.parent.iterdir())
    doc = fresh_engine.open_upload("../../evil/../notes.txt", NOTES)
    assert doc.id.startswith("art-") and doc.index_path.parent == fresh_engine.settings.index_dir
    assert set(tmp_path.parent.iterdir()) == outside
    assert not list(tmp_path.rglob("notes.txt")) and not list(tmp_path.rglob("evil*"))
    assert fresh_engine.articles()[1].source == "uploaded notes.txt"


def test_indexing_reports_progress_up_to_done(fresh_engine):
    seen = []
    text = "\n\n".join(f"Harbour {i} has {i * 3} boats and a crane." for i in range(40))
    fresh_engine.open_text(text, progress=lambda message, fraction: seen.append((message, fraction)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) >= 2
    assert "Embedding" in seen[0][0] and seen[-1][0] == "Saving the index"


def test_same_content_twice_is_one_article(fresh_engine):
    first = fresh_engine.open_upload("garden.txt", NOTES)
    second = fresh_engine.open_upload("copy of garden.txt", NOTES)
    assert first.id == second.id
    assert [e.id for e in fresh_engine.articles()] == ["default", first.id]


def test_library_persists_across_engines_without_reembedding(library, count_encodes):
    engine, doc = library
    pasted = engine.open_text("The lake freezes in January.\n\nSkaters arrive in February.", title="Lake")
    again = Engine(engine.settings, embedder=engine.embedder)
    calls = count_encodes(again)
    entries = again.articles()
    assert [(e.id, e.title) for e in entries] == [("default", entries[0].title), (doc.id, "Garden notes"),
                                                 (pasted.id, "Lake")]
    lake, garden = again.open_id(pasted.id), again.open_id(doc.id)
    assert calls == []                                   # opened from disk, nothing embedded
    assert garden.paragraphs == doc.paragraphs
    assert lake.ask("When do skaters come?").citations[0].paragraph == 2


def test_remove_deletes_the_article_and_its_index(library):
    engine, doc = library
    engine.remove(doc.id)
    assert [e.id for e in engine.articles()] == ["default"]
    assert not doc.index_path.exists()
    with pytest.raises(QAError, match="no article"):
        engine.open_id(doc.id)
    with pytest.raises(QAError, match="cannot be removed"):
        engine.remove("default")


@pytest.mark.parametrize("damage", ["truncate vectors.faiss", "garble article.json.gz", "truncate manifest.json",
                                    "delete tokens.npy", "other dimension"])
def test_a_damaged_index_is_rebuilt_from_the_stored_text(library, count_encodes, damage):
    engine, doc = library
    action, name = damage.split(" ", 1)
    path = doc.index_path / ("manifest.json" if name == "dimension" else name)
    if action == "truncate":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif action == "garble":
        path.write_text('{"title": "Garden notes", "paragraphs": ["tampered')
    elif action == "delete":
        path.unlink()
    else:
        manifest = json.loads(path.read_text())
        manifest["dim"] = 768
        path.write_text(json.dumps(manifest))
    again = Engine(engine.settings, embedder=engine.embedder)
    calls = count_encodes(again)
    reopened = again.open_id(doc.id)
    assert calls, "the damaged index was used instead of rebuilt"
    assert reopened.paragraphs == doc.paragraphs
    assert reopened.ask("Where are the tools?").citations[0].paragraph == 2


def test_a_damaged_library_record_is_a_clear_error_and_others_still_open(library):
    engine, doc = library
    other = engine.open_text("Bees make honey in summer.")
    (engine.settings.index_dir / "library" / f"{doc.id}.json").write_text("{not json")
    with pytest.raises(QAError, match="damaged"):
        Engine(engine.settings, embedder=engine.embedder).open_id(doc.id)
    assert other.id in [e.id for e in engine.articles()]
    assert engine.open_id(other.id).ask("What do bees make?").citations[0].paragraph == 1


def test_a_build_killed_midway_leaves_nothing_that_is_used(fresh_engine, count_encodes, tmp_path):
    """Kill a process while it writes an index; the next open rebuilds a whole one."""
    text = "\n\n".join(f"Paragraph {i} tells of harbour number {i} and its {i * 7} boats." for i in range(400))
    article = tmp_path / "harbours.txt"
    article.write_text("Harbours\n\n" + text)
    index_dir = fresh_engine.settings.index_dir
    proc = subprocess.Popen([sys.executable, "-m", "qa", "index", str(article)], cwd=ROOT,
                            env=subprocess_env(index_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if list(index_dir.glob(".tmp-*")):               # it is writing the index now
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    calls = count_encodes(fresh_engine)
    doc = fresh_engine.open_file(article)
    assert calls, "a half-written index was used"
    assert doc.ask("How many boats does harbour 12 have?").citations[0].paragraph == 13
    assert not list(index_dir.glob(".tmp-*"))


def test_a_locks_entry_that_is_a_file_does_not_stop_articles_opening(library):
    engine, doc = library
    locks = engine.settings.index_dir / ".locks"
    import shutil

    shutil.rmtree(locks, ignore_errors=True)
    locks.write_text("not a folder")                   # used to raise FileExistsError on every open
    fresh = Engine(engine.settings, embedder=engine.embedder)
    assert fresh.open_id(doc.id).ask("Where are the tools?").citations[0].paragraph == 2
    added = fresh.open_text("The lighthouse keepers rowed out to the reef every spring.", listed=False)
    assert added.ask("Where did the keepers row?").citations[0].paragraph == 1


def test_a_paragraph_of_megabytes_is_cut_into_pieces_of_whole_sentences(library):
    from qa.extract import MAX_PARAGRAPH_CHARS

    engine, _ = library
    sentences = [f"In {1700 + n} the keepers of light number {n} logged a storm that broke window {n % 7}."
                 for n in range(3000)]
    doc = engine.open_text(" ".join(sentences), listed=False)           # no blank line anywhere
    assert len(doc.paragraphs) > 40 and all(len(p) <= MAX_PARAGRAPH_CHARS for p in doc.paragraphs)
    assert " ".join(doc.paragraphs) == " ".join(sentences)             # nothing lost, nothing cut mid-sentence
    answer = doc.ask("Which window did the storm logged by light number 2803 break?")
    assert "light number 2803 logged" in answer.citations[0].text          # the piece that holds it


def test_leftovers_of_builds_killed_long_ago_are_swept_when_an_engine_starts(library):
    import os
    import time

    engine, doc = library
    root = engine.settings.index_dir
    old, recent = root / ".old-art-0123456789abcdef-1a2b", root / ".tmp-art-0123456789abcdef-3c4d"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "tokens.npy").write_bytes(b"x" * 1000)
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    fresh = Engine(engine.settings, embedder=engine.embedder)
    assert not old.exists()                     # killed long ago: swept
    assert recent.exists()                      # may belong to a build running now: kept
    assert fresh.open_id(doc.id).ask("Where are the tools?").citations[0].paragraph == 2


def test_an_index_whose_library_record_is_gone_is_swept_when_an_engine_starts(library):
    import shutil

    engine, doc = library
    root = engine.settings.index_dir
    orphan = engine.open_upload("notes.txt", b"The ferry to the island leaves at nine.\n\nIt returns at six.")
    (root / "library" / f"{orphan.id}.json").unlink()              # the record deleted by hand
    damaged = root / "art-00000000000000aa"                         # an orphan whose manifest is gone too
    shutil.copytree(root / orphan.id, damaged)
    (damaged / "manifest.json").unlink()
    mine = root / "photos"                                          # not ours: never touched
    mine.mkdir()
    (mine / "manifest.json").write_text('{"album": 1}')
    unlisted = engine.open_text("The lighthouse keepers rowed out to the reef every spring.", listed=False)
    Engine(engine.settings, embedder=engine.embedder)
    assert not (root / orphan.id).exists() and not damaged.exists()
    assert mine.exists() and (root / doc.id).exists()               # a listed article keeps its index
    assert unlisted.ask("Where did the keepers row?").citations[0].paragraph == 1
    assert (root / "unlisted" / unlisted.id / "manifest.json").exists()   # an evaluation's cache stays
    assert [e.id for e in engine.articles()] == ["default", doc.id]


@pytest.fixture
def read_only_copy(library, tmp_path):
    """The library's index folder mounted read-only elsewhere (a bind mount: root ignores modes)."""
    import subprocess

    engine, doc = library
    view = tmp_path / "read-only"
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(engine.settings.index_dir), str(view)], capture_output=True).returncode:
        pytest.skip("this machine does not allow a bind mount, so no read-only folder can be made")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True, capture_output=True)
        yield Engine(Settings(index_dir=view), embedder=engine.embedder), doc
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_a_read_only_index_folder_serves_its_articles_and_refuses_changes_with_a_message(read_only_copy):
    engine, doc = read_only_copy
    before = _snapshot(engine.settings.index_dir)
    assert engine.open_id(doc.id).ask("Where are the tools?").citations[0].paragraph == 2
    default = engine.open_default()                        # never indexed there: built and kept in memory
    assert default.ask("What did Peskov warn about?").citations
    for change in (lambda: engine.open_text("The ferry to the island leaves at nine."), lambda: engine.remove(doc.id)):
        with pytest.raises(QAError, match="not writable"):
            change()
    assert _snapshot(engine.settings.index_dir) == before


def test_folders_given_as_strings_work_like_paths(engine, tmp_path):
    settings = Settings(index_dir=str(tmp_path / "index"), data_dir=str(tmp_path / "data"))
    assert settings.index_dir == tmp_path / "index" and settings.feedback_path == tmp_path / "data" / "feedback.sqlite3"
    doc = Engine(settings, embedder=engine.embedder).open_upload("notes.txt", NOTES)
    assert doc.ask("Where are the tools kept?").citations[0].paragraph == 2
