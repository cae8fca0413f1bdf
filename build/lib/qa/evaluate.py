"""Retrieval and abstention on SQuAD-v1.1-format files, through the same path the app uses.

Per article: its contexts, joined by blank lines, are opened with `Engine.open_text`; each of
its questions is asked; its own context is the right paragraph. "Foreign" questions — a
fixed-seed sample from the file's other articles — should be abstained.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from .engine import Engine
from .errors import QAError

METRICS = ("recall@1", "recall@3", "mrr@10")


@dataclass(frozen=True)
class EvalResult:
    retriever: str
    articles: int
    questions: int
    foreign_questions: int
    recall_at_1: float
    recall_at_3: float
    mrr_at_10: float
    own_abstained: float        # % of own questions wrongly abstained
    foreign_abstained: float    # % of foreign questions correctly abstained
    evidence_hit: float         # % of right first citations whose evidence holds the answer text
    evidence_sentences: float   # mean number of evidence sentences of those citations


def load_squad(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
        return [{"title": a.get("title", ""),
                 "contexts": [p["context"] for p in a["paragraphs"]],
                 "questions": [(qa["id"], qa["question"], i, [x["text"] for x in qa.get("answers", [])])
                               for i, p in enumerate(a["paragraphs"]) for qa in p["qas"] if not qa.get("is_impossible")]}
                for a in data]
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except (ValueError, KeyError, TypeError):
        raise QAError(f"{path} is not a SQuAD-v1.1-format JSON file.") from None


def evaluate(engine: Engine, path: Path, method: str = "hybrid", foreign_per_article: int = 100,
             seed: int = 13, progress=None) -> EvalResult:
    from ranx import Qrels, Run, evaluate as ranx_evaluate  # imported here: slow, eval-only

    articles = load_squad(path)
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    own_abstained = foreign_abstained = foreign_total = evidence_hits = right_first = evidence_count = 0
    for a, article in enumerate(articles):
        doc = engine.open_text("\n\n".join(article["contexts"]), listed=False)
        if len(doc.paragraphs) != len(article["contexts"]):
            raise QAError(f"article {a} ({article['title']}): contexts did not map one-to-one to paragraphs")
        for qid, question, gold, answers in article["questions"]:
            ans = doc.ask(question, top_k=10, ranker=method)
            qrels[qid] = {str(gold + 1): 1}
            run[qid] = {str(c.paragraph): c.score - i * 1e-9 for i, c in enumerate(ans.citations)}
            own_abstained += ans.abstained
            if ans.citations[0].paragraph == gold + 1:
                right_first += 1
                evidence = " ".join(ans.citations[0].evidence)
                evidence_count += len(ans.citations[0].evidence)
                evidence_hits += any(text in evidence for text in answers)
        others = [q for b, other in enumerate(articles) if b != a for (_, q, _, _) in other["questions"]]
        sample = random.Random(seed + a).sample(others, min(foreign_per_article, len(others)))
        for question in sample:
            foreign_abstained += doc.ask(question, ranker=method).abstained
        foreign_total += len(sample)
        if progress:
            progress(a + 1, len(articles))
    scores = ranx_evaluate(Qrels(qrels), Run(run), list(METRICS))
    n = len(qrels)
    return EvalResult(
        retriever=method, articles=len(articles), questions=n, foreign_questions=foreign_total,
        recall_at_1=round(100 * float(scores["recall@1"]), 2),
        recall_at_3=round(100 * float(scores["recall@3"]), 2),
        mrr_at_10=round(100 * float(scores["mrr@10"]), 2),
        own_abstained=round(100 * own_abstained / max(n, 1), 2),
        foreign_abstained=round(100 * foreign_abstained / max(foreign_total, 1), 2),
        evidence_hit=round(100 * evidence_hits / max(right_first, 1), 2),
        evidence_sentences=round(evidence_count / max(right_first, 1), 2),
    )


def table(results: list[EvalResult]) -> str:
    head = f"{'retriever':<9} {'R@1':>6} {'R@3':>6} {'MRR@10':>7} {'own abst.':>10} {'foreign abst.':>14} {'evidence':>9}"
    rows = [f"{r.retriever:<9} {r.recall_at_1:>6.2f} {r.recall_at_3:>6.2f} {r.mrr_at_10:>7.2f} "
            f"{r.own_abstained:>9.2f}% {r.foreign_abstained:>13.2f}% {r.evidence_hit:>8.2f}%" for r in results]
    first = results[0]
    foot = (f"{first.articles} articles, {first.questions} questions, {first.foreign_questions} foreign questions; "
            "own abst. = own questions wrongly declined, foreign abst. = foreign questions rightly declined "
            "(by the shipped answerability model: in sample for the tune files it was fitted on), "
            "evidence = right first citations whose evidence sentences hold the answer")
    return "\n".join([head, *rows, foot])


def stderr_progress(done: int, total: int) -> None:
    print(f"\r  article {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


__all__ = ["EvalResult", "evaluate", "table", "asdict"]
