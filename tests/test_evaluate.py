import json
from pathlib import Path

import pytest

from qa import QAError
from qa.evaluate import evaluate, table
from test_cli import run_cli

MINI = Path(__file__).parent / "data" / "mini_squad.json"


def test_eval_reports_recall_mrr_abstention_and_evidence_on_a_small_squad_file(engine):
    result = evaluate(engine, MINI, "hybrid", foreign_per_article=3)
    assert (result.articles, result.questions, result.foreign_questions) == (2, 5, 5)  # 3 + 2 own; foreign capped by the other article's count
    assert result.recall_at_1 == 100.0 and result.mrr_at_10 == 100.0
    assert result.recall_at_3 >= result.recall_at_1
    assert 0 <= result.own_abstained <= 100 and 0 <= result.foreign_abstained <= 100
    assert 0 < result.evidence_hit <= 100 and 1 <= result.evidence_sentences <= 2
    assert "R@1" in table([result])


def test_eval_of_a_file_that_is_not_squad_is_a_clear_error(engine, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rows": []}))
    with pytest.raises(QAError, match="not a SQuAD"):
        evaluate(engine, bad)


def test_eval_cli_prints_json_for_each_retriever(index_dir):
    result = run_cli(index_dir, "eval", str(MINI), "--retriever", "all", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["retriever"] for r in rows] == ["bm25", "dense", "hybrid"]
    assert all(0 <= r["recall_at_1"] <= 100 for r in rows)
