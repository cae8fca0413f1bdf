"""One Engine shared by many sessions (threads), and one index folder shared by processes."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import ROOT, subprocess_env
from qa import Engine
from seed_questions import ON_TOPIC

LAKE = ("Lake notes\n\nThe lake freezes in January, and the ice is thickest in early February.\n\n"
        "Skaters arrive in February, when the club sweeps a long track near the boathouse.\n\n"
        "In spring the ferry starts again and runs every hour from the north pier.")
LAKE_QUESTIONS = ["When does the lake freeze?", "Where is the skating track?", "How often does the ferry run?",
                  "Which pier does the ferry leave from?", "Who sweeps the track?"]


def _questions(n: int) -> list[tuple[str, str]]:
    pairs = [("default", q) for q, _ in ON_TOPIC] + [("lake", q) for q in LAKE_QUESTIONS]
    return [pairs[i % len(pairs)] for i in range(n)]


def test_eight_threads_get_exactly_the_answers_one_thread_gets(fresh_engine):
    docs = {"default": fresh_engine.open_default(),
            "lake": fresh_engine.open_upload("lake.txt", LAKE.encode())}
    questions = _questions(200)
    expected = {(a, q): docs[a].ask(q).to_dict() for a, q in set(questions)}

    def session(offset: int) -> list[bool]:
        order = questions[offset:] + questions[:offset]       # each thread in its own order
        return [docs[a].ask(q).to_dict() == expected[(a, q)] for a, q in order]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(session, range(0, 200, 25)))
    assert len(results) == 8 and all(len(r) == 200 for r in results)
    assert all(all(r) for r in results)


def test_adding_an_article_while_others_ask_is_safe(fresh_engine):
    default = fresh_engine.open_default()
    expected = {q: default.ask(q).to_dict() for q, _ in ON_TOPIC[:4]}

    def asker(_: int) -> bool:
        return all(default.ask(q).to_dict() == expected[q] for _ in range(10) for q in expected)

    with ThreadPoolExecutor(max_workers=4) as pool:
        askers = [pool.submit(asker, i) for i in range(3)]
        added = pool.submit(fresh_engine.open_upload, "lake.txt", LAKE.encode())
        lake = added.result()
        assert all(f.result() for f in askers)
    assert lake.ask("How often does the ferry run?").citations[0].paragraph == 3
    assert [e.id for e in fresh_engine.articles()] == ["default", lake.id]


def test_two_processes_opening_the_same_new_article_end_with_one_valid_index(fresh_engine, tmp_path,
                                                                              count_encodes):
    article = tmp_path / "lake.txt"
    article.write_text(LAKE)
    index_dir = fresh_engine.settings.index_dir
    command = [sys.executable, "-m", "qa", "index", str(article)]
    procs = [subprocess.Popen(command, cwd=ROOT, env=subprocess_env(index_dir), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    ids = {out.split()[0] for out, _ in outputs}
    assert len(ids) == 1
    assert [p.name for p in index_dir.iterdir() if not p.name.startswith((".locks", "library"))] == list(ids)
    again = Engine(fresh_engine.settings, embedder=fresh_engine.embedder)
    calls = count_encodes(again)
    doc = again.open_file(article)                       # whole and valid: opened, not rebuilt
    assert calls == []
    assert doc.ask("How often does the ferry run?").citations[0].paragraph == 3


class Stopped(BaseException):
    """What Streamlit raises in a run it stops (its StopException is no Exception either)."""


def test_an_add_stopped_while_another_adds_the_same_text_leaves_that_one_its_article(fresh_engine):
    # The app adds a file again when a question stops the run that was adding it: the stopped
    # add's cleanup had removed the library record the second add had just found, so the page
    # opened an article the library no longer listed and went back to the bundled one.
    import threading
    import time

    text = LAKE.replace("Lake notes", "Lake notes, second season")
    first_building, second_started, second_done = threading.Event(), threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def stopped_on_the_way(message: str, fraction: float) -> None:
        first_building.set()
        second_started.wait(30)
        time.sleep(1.0)                           # the second add has found the record, and waits to build
        raise Stopped()

    def first() -> None:
        try:
            fresh_engine.open_upload("lake.txt", text.encode(), progress=stopped_on_the_way)
        except Stopped:
            results["first"] = "stopped"

    def second() -> None:
        second_started.set()
        results["second"] = fresh_engine.open_upload("lake.txt", text.encode())
        second_done.set()

    one = threading.Thread(target=first)
    one.start()
    assert first_building.wait(60)
    two = threading.Thread(target=second)
    two.start()
    one.join(60)
    two.join(120)
    assert results["first"] == "stopped" and second_done.is_set()
    article_id = results["second"].id
    assert article_id in [e.id for e in fresh_engine.articles()]          # still in the library
    assert fresh_engine.open_id(article_id).ask("When does the lake freeze?").citations[0].paragraph == 1
    fresh_engine.remove(article_id)
