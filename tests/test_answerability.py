"""Answerability: the shipped model, the three levels, and the fitting code's own checks."""

import gzip
import json
from pathlib import Path

import numpy as np

from qa import fit
from qa.answerability import FEATURES, MODEL_PATH, Level, Model, load_model
from test_cli import run_cli

MINI = Path(__file__).parent / "data" / "mini_squad.json"
GLASSWORKS = ("Maria Keller founded the Lindau glassworks in 1904 on the harbour front.\n\n"
              "She stepped down as director in 1931, and her son took over the works.\n\n"
              "The town hall was rebuilt after a fire in 1922 with a painted facade.")


def test_the_shipped_model_reads_the_features_the_engine_computes_and_says_how_it_was_measured():
    model = load_model()
    assert model.names == FEATURES
    assert 0 < model.decline_below <= model.answer_at < 1
    figures = model.about["out_of_fold"]          # leave-one-article-out, written by qa fit-answerability
    assert figures["own"]["declined"] <= 1.0 and figures["foreign"]["declined"] >= 97.0


def test_levels_follow_the_two_thresholds():
    model = load_model()
    assert model.level(model.decline_below - 1e-6) is Level.DECLINED
    assert model.level(model.decline_below) is Level.CLOSEST or model.decline_below == model.answer_at
    assert model.level(model.answer_at) is Level.ANSWERED


def test_an_answered_question_carries_its_probability_and_level(fresh_engine):
    doc = fresh_engine.open_text(GLASSWORKS, listed=False)
    answer = doc.ask("When did Maria Keller found the glassworks?")
    assert answer.citations[0].paragraph == 1
    assert answer.level in ("answered", "closest") and not answer.abstained
    assert 0.5 < answer.probability <= 1


def test_only_the_declined_level_is_an_abstention(fresh_engine):
    doc = fresh_engine.open_text(GLASSWORKS, listed=False)
    off = doc.ask("How many moons does Jupiter have?")
    assert off.level == "declined" and off.abstained and off.probability < load_model().decline_below
    for question in ("Who took over the works?", "When was the town hall rebuilt?"):
        answer = doc.ask(question)
        assert answer.abstained == (answer.level == "declined")


def test_a_hedged_answer_says_so_in_its_text(fresh_engine):
    doc = fresh_engine.open_text(GLASSWORKS, listed=False)
    answers = [doc.ask(q) for q in ("Who founded the glassworks?", "What colour is the town hall facade?",
                                    "Who designed the town hall?", "Why did she step down?")]
    for answer in answers:
        hedged = answer.text.startswith("The closest passage, which may not answer this exactly:")
        assert hedged == (answer.level == "closest")


# From The Rust Programming Language, "What Is Ownership?" (MIT/Apache-2.0), with its
# typographic apostrophes, as a saved web page gives them.
OWNERSHIP = ("When we assign s1 to s2, the String data is copied, meaning we copy the pointer, the length, and "
             "the capacity that are on the stack. We do not copy the data on the heap that the pointer refers to.\n\n"
             "To ensure memory safety, after the line let s2 = s1;, Rust considers s1 as no longer valid. Therefore, "
             "Rust doesn’t need to free anything when s1 goes out of scope.\n\n"
             "If a type implements the Copy trait, variables that use it do not move, but rather are trivially "
             "copied, making them still valid after assignment to another variable.")


def test_a_negated_question_matches_the_article_s_typographic_apostrophe(fresh_engine):
    question = "Why doesn't Rust need to free anything when s1 goes out of scope?"
    curly = fresh_engine.open_text(OWNERSHIP, listed=False).ask(question)
    straight = fresh_engine.open_text(OWNERSHIP.replace("’", "'"), listed=False).ask(question)
    assert curly.citations[0].paragraph == straight.citations[0].paragraph == 2
    assert not curly.abstained and curly.level == straight.level
    assert abs(curly.probability - straight.probability) < 0.1


SRE_CHAPTER = Path(__file__).parent / "data" / "extract" / "html" / "google-sre-book-1" / "source.html.gz"


def test_a_negated_why_question_asks_for_a_reason_and_is_not_declined_for_its_negation(fresh_engine):
    # Google's SRE book, "Monitoring Distributed Systems" (a saved page, CC BY-NC-ND): asked as a
    # user, the why-not question was declined at 0.13 on the paragraph that answers it, for the
    # negation cue SQuAD 2.0's unanswerable questions taught the model.
    doc = fresh_engine.open_upload("sre.html", gzip.decompress(SRE_CHAPTER.read_bytes()), listed=False)
    question = "Why shouldn't I use the mean latency?"
    answer = doc.ask(question)
    assert answer.citations[0].text.startswith("When building a monitoring system from scratch")
    assert not answer.abstained
    features = doc.examine(question).features.copy()
    negated, unmatched = FEATURES.index("negated"), FEATURES.index("negation_unmatched")
    assert features[negated] == features[unmatched] == 0
    features[[negated, unmatched]] = 1                  # read as SQuAD 2.0's negation trick, it is declined
    assert load_model().level(load_model().probability(features)) is Level.DECLINED


def test_cli_json_carries_level_and_probability(index_dir):
    result = run_cli(index_dir, "ask", "--json", "What does military diplomacy refer to?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["level"] in ("answered", "closest", "declined") and 0 <= answer["probability"] <= 1
    assert answer["abstained"] == (answer["level"] == "declined")


def test_fitting_exports_trees_that_reproduce_scikit_learn(engine, tmp_path):
    cases = fit.collect(engine, [MINI], foreign_per_article=3)
    assert set(cases.kind.tolist()) == {"own", "foreign"} and cases.x.shape[1] == len(FEATURES)
    oof = fit.out_of_fold(cases)                      # two articles: each predicted by the other's model
    model = fit.fit(cases, oof)                       # raises if the exported trees disagree with sklearn
    fit.write_model(model, tmp_path / "model.json")
    again = Model.from_json(json.loads((tmp_path / "model.json").read_text()))
    assert np.allclose(again.raw(cases.x), model.raw(cases.x), atol=1e-5)
    assert "reliability" in fit.report(cases, oof, model.answer_at, model.decline_below)


def test_the_model_file_is_part_of_the_package():
    assert MODEL_PATH.exists() and MODEL_PATH.parent.name == "data"


def test_the_report_splits_answerable_declines_by_whether_the_article_has_squad2_questions():
    kind = np.array(["own", "own", "impossible", "own", "own", "foreign"])
    group = np.array(["A", "A", "A", "B", "B", "B"])
    cases = fit.Cases(np.zeros((6, len(FEATURES))), kind != "impossible", group, kind, kind == "own")
    p = np.array([0.05, 0.9, 0.05, 0.9, 0.9, 0.05])              # one of A's two answerable declined
    figures = fit.summary(cases, p, answer_at=0.5, decline_below=0.1)
    assert figures["own_squad2_articles"] == {"questions": 2, "declined": 50.0}
    assert figures["own_other_articles"] == {"questions": 2, "declined": 0.0}
    assert "50.00% of 2 on the SQuAD 2.0 articles" in fit.report(cases, p, 0.5, 0.1)


def test_each_article_is_measured_at_thresholds_chosen_without_its_own_questions():
    group = np.repeat(["A", "B", "C"], 10)
    kind = np.array(["own"] * 30)
    cases = fit.Cases(np.zeros((30, len(FEATURES))), kind == "own", group, kind, kind == "own")
    p = np.full(30, 0.95)
    p[0] = 0.3                                   # A's one hard question sets the pooled threshold
    answer_at, decline_below = fit.choose_thresholds(p, cases.answerable, kind)
    assert fit.summary(cases, p, answer_at, decline_below)["own"]["declined"] == 0.0
    held_answer, held_decline = fit.held_out_thresholds(cases, p)
    assert held_decline[0] == 0.95 and held_decline[10] == 0.3    # A's from B and C; B's from A and C
    assert fit.summary(cases, p, held_answer, held_decline)["own"]["declined"] == 3.33
    assert "each article's thresholds chosen on the other articles only" in fit.report(cases, p, answer_at, decline_below)


def test_the_report_splits_declines_by_negation_in_the_question():
    kind = np.array(["impossible", "impossible", "impossible", "own", "own", "own"])
    x = np.zeros((6, len(FEATURES)))
    x[[0, 1, 3], FEATURES.index("negated")] = 1                    # "Who did not …?"
    cases = fit.Cases(x, kind == "own", np.array(["A"] * 6), kind, kind == "own")
    p = np.array([0.05, 0.05, 0.9, 0.05, 0.9, 0.9])
    figures = fit.summary(cases, p, answer_at=0.5, decline_below=0.1)
    assert figures["impossible_by_negation"] == {"negated": {"questions": 2, "declined": 100.0},
                                                 "not_negated": {"questions": 1, "declined": 0.0}}
    assert figures["own_by_negation"]["negated"] == {"questions": 1, "declined": 100.0}
    assert "answerable declined, by negation in the question: 100.00% of 1 negated, 0.00% of 2 others" in \
        fit.report(cases, p, 0.5, 0.1)
