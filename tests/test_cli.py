import json
from pathlib import Path
import subprocess
import sys

from conftest import ROOT, subprocess_env


def run_cli(index_dir, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, env=subprocess_env(index_dir),
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
    folder = result.stdout.split()[0]
    assert (Path(folder) / "manifest.json").exists()
    assert "2 paragraphs" in result.stdout and "A Note" in result.stdout


def test_user_errors_are_one_line_messages_not_tracebacks(index_dir, tmp_path):
    result = run_cli(index_dir, "ask", "--article", str(tmp_path / "missing.txt"), "anything?")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: No such file")
    assert "Traceback" not in result.stderr
