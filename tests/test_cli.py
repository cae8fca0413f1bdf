import json
from pathlib import Path
import subprocess
import sys

from conftest import ROOT, subprocess_env
from qa.feedback import FeedbackStore


def run_cli(index_dir, *args, stdin=None, data_dir=None):
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, env=subprocess_env(index_dir, data_dir),
                          capture_output=True, text=True, timeout=300)


def test_ask_prints_an_answer_with_citations_as_json(seed_doc, index_dir):
    result = run_cli(index_dir, "ask", "--json", "Whose release did the ambassadors demand?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["abstained"] is False
    assert answer["citations"][0]["paragraph"] == 4
    assert {"paragraph", "score", "text", "evidence"} <= set(answer["citations"][0])


def test_batch_questions_give_one_json_line_each(seed_doc, index_dir, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"q": "What does military diplomacy refer to?", "history": []}) + "\n"
                         + json.dumps({"q": "How many moons does Jupiter have?"}) + "\n"
                         + json.dumps({"q": "  "}) + "\n")
    result = run_cli(index_dir, "ask", "--questions", str(questions), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("abstained") for line in lines] == [False, True, None]
    assert lines[0]["citations"][0]["paragraph"] == 3
    assert "type a question" in lines[2]["error"]


def test_index_builds_an_article_and_prints_where_it_is(index_dir, tmp_path):
    article = tmp_path / "note.txt"
    article.write_text("A Note\n\nThe garden has tomatoes.\n\nThe shed holds tools.")
    result = run_cli(index_dir, "index", str(article))
    assert result.returncode == 0, result.stderr
    article_id, folder = result.stdout.split()[:2]
    assert (Path(folder) / "manifest.json").exists()
    assert "2 paragraphs" in result.stdout and "A Note" in result.stdout
    assert result.stderr == ""                  # no progress bar when stderr is not a terminal


def test_index_shows_a_progress_bar_on_a_terminal(index_dir, tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import termios

    article = tmp_path / "logs.txt"
    article.write_text("Keeper's Logs\n\n" + "\n\n".join(
        f"Entry {n}. The supply boat reached the rock in the year {1811 + n} with oil and bread." for n in range(300)))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "qa", "index", str(article)], cwd=ROOT, stdin=slave,
                            stdout=slave, stderr=slave, env=subprocess_env(index_dir))
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:                         # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=300) == 0
    text = shown.decode(errors="replace")
    assert "Embedding 600 sentences" in text and "100%" in text, text[-500:]
    assert "300 paragraphs" in text


def test_list_ask_by_id_and_remove(index_dir, tmp_path):
    page = tmp_path / "tomatoes.html"
    page.write_text("<html><head><title>Garden</title></head><body><nav>Home | Shop</nav><article>"
                    "<p>The garden grows tomatoes along the south wall, where the sun is strongest.</p>"
                    "<p>The shed by the gate holds the tools and the watering cans.</p></article></body></html>")
    article_id = run_cli(index_dir, "index", str(page)).stdout.split()[0]
    listed = run_cli(index_dir, "list").stdout
    assert article_id in listed and "Garden" in listed and listed.splitlines()[0].startswith("default")
    answer = run_cli(index_dir, "ask", "--article", article_id, "--json", "Where are the tools kept?")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["citations"][0]["paragraph"] == 2
    assert run_cli(index_dir, "remove", article_id).returncode == 0
    assert article_id not in run_cli(index_dir, "list").stdout
    gone = run_cli(index_dir, "remove", article_id)
    assert gone.returncode == 2 and "no article" in gone.stderr
    unknown = run_cli(index_dir, "ask", "--article", "no-such-article", "Where?")
    assert unknown.returncode == 2 and "no article" in unknown.stderr.lower()


def test_user_errors_are_one_line_messages_not_tracebacks(index_dir, tmp_path):
    result = run_cli(index_dir, "ask", "--article", str(tmp_path / "missing.txt"), "anything?")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: No such file")
    assert "Traceback" not in result.stderr


def test_odd_files_and_settings_are_one_line_errors_never_a_hang(index_dir, tmp_path):
    import os

    binary = tmp_path / "questions.jsonl"
    binary.write_bytes(bytes(range(128, 256)) * 20)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = {
        ("ask", "--questions", str(binary)): "not UTF-8",
        ("ask", "--article", str(fifo), "x?"): "not a regular file",          # used to block for ever
        ("ask", "--article", "/dev/zero", "x?"): "not a regular file",        # used to read until memory ran out
        ("ask", "--questions", str(fifo)): "not a regular file",
        ("feedback", "export", "--out", str(tmp_path / "missing" / "cases.jsonl")): "Cannot write",
        ("feedback", "export", "--out", str(tmp_path)): "Cannot write",
    }
    for args, says in cases.items():
        result = run_cli(index_dir, *args)
        assert result.returncode == 2 and says in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    env_bad = subprocess.run([sys.executable, "-m", "qa", "list"], cwd=ROOT, capture_output=True, text=True,
                             env={**subprocess_env(index_dir), "QA_TOP_K": "many"}, timeout=120)
    assert env_bad.returncode == 2 and "QA_TOP_K" in env_bad.stderr and "Traceback" not in env_bad.stderr


def test_feedback_export_writes_cases_that_qa_eval_reads(index_dir, tmp_path):
    notes = tmp_path / "lake.md"
    notes.write_text("# Lake\n\nThe lake freezes in January.\n\n## Ferry\n\nThe ferry runs every hour from the north pier.\n")
    article_id = run_cli(index_dir, "index", str(notes)).stdout.split()[0]
    data = tmp_path / "data"
    store = FeedbackStore(data / "feedback.sqlite3")
    store.record(article_id, "How often does it run?", ["Where does the ferry leave from?"], "…", cited=2, vote=1)
    store.record(article_id, "When does the lake freeze?", [], "…", cited=2, vote=-1)
    store.record(article_id, "When does the lake freeze?", [], "…", cited=2, right=1)
    store.record(article_id, "Is it cold?", [], "…", cited=1, vote=-1)            # no right ¶: no case
    exported = run_cli(index_dir, "feedback", "export", data_dir=data)
    assert exported.returncode == 0, exported.stderr
    cases = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(cases) == 2 and {c["right"] for c in cases} == {1, 2}
    (tmp_path / "cases.jsonl").write_text(exported.stdout)
    result = run_cli(index_dir, "eval", str(tmp_path / "cases.jsonl"), "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"cases": 2, "recall_at_1": 100.0, "unchanged": 50.0}
    assert run_cli(index_dir, "remove", article_id).returncode == 0
