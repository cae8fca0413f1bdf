"""Fusion, sentence-level signal, long-paragraph windows, evidence and abstention."""

import json
from pathlib import Path

import numpy as np
import pytest

from qa.retrieve import Ranker

LONG_FILLER = " ".join(
    f"The committee discussed item {i} of the agenda at length and agreed to revisit it later." for i in range(40))


def test_hybrid_finds_a_rare_name_that_only_lexical_search_pins_down(fresh_engine):
    doc = fresh_engine.open_text(
        "The harbour is busy with fishing boats every morning.\n\n"
        "The ship Quillfeather carried spices from the east.\n\n"
        "Merchant vessels of the period carried spices, silk and tea.")
    assert doc.ask("What did the Quillfeather carry?").citations[0].paragraph == 2
    assert doc.ask("What did the Quillfeather carry?", ranker=Ranker.BM25).citations[0].paragraph == 2


QUEUE_API = b"""# Task queue

## queue.add(task)

Puts a task at the end of the queue and returns its id.

## queue.clear()

Empties the queue. Tasks already running are not stopped.

## queue.pause()

Stops taking new tasks until resume is called.

## Events

The 'drain' event is emitted after queue.clear() is called or when the last task finishes.
"""


def test_a_paragraph_is_found_by_its_section_heading_when_its_own_text_does_not_name_it(fresh_engine):
    # an API page: "Stops taking new tasks" never says "pause"; its heading does. Late interaction
    # matched the paragraph's own words only, and "Empties the queue." came first
    from dataclasses import replace

    from qa import Engine

    doc = fresh_engine.open_upload("queue.md", QUEUE_API)
    assert doc.ask("What does queue.pause do?").citations[0].paragraph == 3
    assert doc.ask("What does queue.add return?").citations[0].paragraph == 1
    plain = Engine(replace(fresh_engine.settings, late_headings=0.0), embedder=fresh_engine.embedder)
    assert plain.open_upload("queue.md", QUEUE_API).ask("What does queue.pause do?").citations[0].paragraph != 3


def test_one_answering_sentence_lifts_a_long_paragraph_to_first(fresh_engine):
    long = LONG_FILLER + " The treasurer announced that the bridge will cost 4 million euros."
    doc = fresh_engine.open_text(
        f"{long}\n\nBridges over the river were discussed by engineers in general terms.")
    answer = doc.ask("How much will the bridge cost?")
    assert answer.citations[0].paragraph == 1
    assert "The treasurer announced that the bridge will cost 4 million euros." in answer.citations[0].evidence


def test_the_end_of_a_paragraph_beyond_the_model_limit_is_still_searchable(fresh_engine):
    tail = "Penguins at the far end of the report are said to nest on Marion Island."
    long = LONG_FILLER + " " + tail
    assert len(fresh_engine.embedder.model.tokenizer(long)["input_ids"]) > 256
    doc = fresh_engine.open_text(f"{long}\n\nThe cafeteria serves soup on Mondays.")
    answer = doc.ask("Where do the penguins nest?")
    assert not answer.abstained
    assert answer.citations[0].paragraph == 1
    assert tail in answer.citations[0].evidence


def test_evidence_is_the_answering_sentence_and_answer_text_quotes_it(fresh_engine):
    doc = fresh_engine.open_text(
        "The museum opened in 1902. Its first director was Clara Hoffmann. "
        "The building was designed in a neoclassical style.\n\nThe park next door has a pond.")
    answer = doc.ask("Who was the museum's first director?")
    evidence = answer.citations[0].evidence
    assert "Its first director was Clara Hoffmann." in evidence
    assert "The building was designed in a neoclassical style." not in evidence
    assert "Its first director was Clara Hoffmann. [¶1]" in answer.text


@pytest.mark.parametrize("question", ["What is the tallest mountain in Africa?",
                                      "Who wrote the opera Carmen?",
                                      "How do vaccines train the immune system?"])
def test_questions_another_article_would_answer_are_abstained(fresh_engine, question):
    doc = fresh_engine.open_text(
        "Domestic cats sleep for twelve to sixteen hours a day.\n\n"
        "Cats groom themselves with their rough tongues.\n\n"
        "A group of kittens is called a kindle.")
    answer = doc.ask(question)
    assert answer.abstained and answer.citations, question


def test_the_same_rule_answers_a_question_the_small_article_does_cover(fresh_engine):
    doc = fresh_engine.open_text(
        "Domestic cats sleep for twelve to sixteen hours a day.\n\n"
        "Cats groom themselves with their rough tongues.\n\n"
        "A group of kittens is called a kindle.")
    answer = doc.ask("What is a group of kittens called?")
    assert not answer.abstained and answer.citations[0].paragraph == 3


def test_single_signal_retrievers_rank_every_paragraph_and_unknown_ones_are_refused(seed_doc):
    for method in ("dense", "bm25"):
        answer = seed_doc.ask("What does military diplomacy refer to?", top_k=4, ranker=method)
        assert sorted(c.paragraph for c in answer.citations) == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="unknown retriever"):
        seed_doc.ask("anything", ranker="magic")


def test_token_vectors_kept_from_the_rerank_equal_a_fresh_decode_and_stay_bounded(seed_doc, monkeypatch):
    import numpy as np

    r = seed_doc._retriever
    answer = seed_doc.ask("Which countries bought Turkish drones?")
    kept = dict(r._decoded_kept)
    assert answer.citations[0].paragraph - 1 in kept              # the evidence step read the rerank's rows
    for p, rows in kept.items():
        start, end = r._token_start[p], r._token_start[p + 1]
        assert np.array_equal(rows, seed_doc._index.codebook.decode(r._tokens[start:end]))
    monkeypatch.setattr(r._decoded_kept, "size", 2)
    r._decoded_kept.clear()
    for p in range(seed_doc._index.size):
        r._paragraph_rows(p)
    assert list(r._decoded_kept) == [seed_doc._index.size - 2, seed_doc._index.size - 1]


def test_our_tokenizer_gives_exactly_what_bm25s_tokenize_gives():
    import json

    import bm25s
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    from qa.lexical import TOKEN_PATTERN, _stemmer, tokenize

    squad = json.loads((Path(__file__).parent / "data" / "mini_squad.json").read_text())["data"]
    texts = [p["context"] for a in squad for p in a["paragraphs"]]
    texts += [q["question"] for a in squad for p in a["paragraphs"] for q in p["qas"]]
    texts += ["", "   ", "a I", "Ünïcödé naïve café — 1,000 km² x²", "it's O'Neill's 3rd-place", "日本語のテキスト", "ΑΒΓ δέλτα",
              "Tier 2 and Python 3.8.6, not 1 or x2"]
    expected = bm25s.tokenize(texts, token_pattern=TOKEN_PATTERN, stopwords=STOPWORDS_EN_PLUS, stemmer=_stemmer(), return_ids=False, show_progress=False)
    assert tokenize(texts) == expected


def test_token_weights_share_a_word_among_its_pieces_and_weigh_rare_words_more():
    import numpy as np

    from qa.retrieve import token_weights

    # "what happened in kelderby ?": "kelderby" is cut in three pieces; "happened" is rarer
    idf = np.array([np.nan, 2.0, np.nan, 0.5, np.nan])
    word_of = np.array([0, 1, 2, 3, 3, 3, 4])
    w = token_weights(idf, word_of, function_share=0.5)
    assert w.sum() == pytest.approx(1.0)
    assert w[3] + w[4] + w[5] == pytest.approx(w[1] * 0.5 / 2.0)        # the name weighs as one word
    assert w[0] == w[2] == w[6] == pytest.approx(w[1] * 0.5 * 1.25 / 2.0)   # half the mean content word


def test_a_date_tells_paragraphs_apart_that_all_name_the_town(fresh_engine):
    # every paragraph names the town, cut by the tokenizer into several pieces; only the date
    # tells them apart (written here; no evaluation set holds it)
    doc = fresh_engine.open_text(
        "Wexcombe has flooded often. The worst flood in Wexcombe came in March 1947, when the square was cut off.\n\n"
        "In October 2019 the river rose again, and sandbags were handed out to two hundred homes.\n\n"
        "Wexcombe council met in Wexcombe town hall to discuss a barrier for Wexcombe.\n\n"
        "The Wexcombe flood barrier will cost six million pounds and take two years to build.")
    assert doc.ask("What happened in Wexcombe in October 2019?").citations[0].paragraph == 2


HELDOUT = Path(__file__).parent / "data" / "conversations-heldout.json"


def test_a_sentence_holding_the_question_outranks_a_paragraph_that_spreads_its_words(fresh_engine):
    # held out (the share was chosen on other texts): "Her first Arctic expedition left Copenhagen in
    # May 1931" (¶4) against ¶5, "The second expedition, in 1936, was Lindqvist's own …", which has
    # every word of the question somewhere, and came first on the paragraph's MaxSim alone
    from dataclasses import replace

    from qa import Engine

    article = next(a for a in json.loads(HELDOUT.read_text())["articles"] if a["id"] == "lindqvist")
    text = "\n\n".join(article["paragraphs"])
    question = "When did Lindqvist's first Arctic expedition set off?"
    assert fresh_engine.open_text(text, listed=False).ask(question).citations[0].paragraph == 4
    plain = Engine(replace(fresh_engine.settings, late_sentence_share=0.0), embedder=fresh_engine.embedder)
    assert plain.open_text(text, listed=False).ask(question).citations[0].paragraph == 5


def test_late_interaction_mixes_each_paragraphs_maxsim_with_its_best_sentences(fresh_engine):
    # the vectorised bookkeeping (sentence columns across several paragraphs, some decoded already)
    # against the definition, one paragraph and one sentence at a time
    doc = fresh_engine.open_text(
        "The mill opened in 1820. It spun cotton. Its owner was Ada Crane.\n\n"
        "Crane sold the mill in 1850.\n\nThe river froze in 1847. Boats stopped.", listed=False)   # ¶2: one sentence
    retriever, query = doc._retriever, doc.encode("Who owned the cotton mill?")
    retriever.late_interaction(query, np.array([1]))                  # ¶2 decoded and kept, the others not
    got = retriever.late_interaction(query, np.array([0, 1, 2]))
    share = retriever.settings.late_sentence_share
    for column, p in enumerate((0, 1, 2)):
        sims = query.tokens @ retriever._paragraph_rows(p).T
        sentence = retriever._token_sentence[retriever._token_start[p]:retriever._token_start[p + 1]]
        by_sentence = [query.weights @ sims[:, sentence == s].max(axis=1) for s in np.unique(sentence)]
        expected = (1 - share) * (query.weights @ sims.max(axis=1)) + share * max(by_sentence)
        assert got[column] == pytest.approx(expected, abs=1e-5)


def test_a_single_digit_tells_apart_paragraphs_that_differ_only_by_it(fresh_engine):
    # "tier 3" lost its "3" (no BM25 term, no weight in late interaction): "Whose machines build
    # tier 3 platforms?" cited tier 1's paragraph
    doc = fresh_engine.open_text(
        "Tier 1 platforms are built and tested on every change by the project's own machines.\n\n"
        "Tier 2 platforms are built and tested on every change by machines that volunteers lend.\n\n"
        "Tier 3 platforms are built and tested on every change by the vendors that sell them.")
    for n in (1, 2, 3):
        for question in (f"Who tests tier {n} platforms?", f"Whose machines build tier {n} platforms?"):
            assert doc.ask(question).citations[0].paragraph == n, question


BRINDLE_MANUAL = """Brindle manual

This manual is for version 2.1 of Brindle. Copyright 2024 the Brindle developers.

Brindle is a profiler for the memory that a program's threads share with each other. It was started in 2019 as a student project at a university in Leeds, and it now has about forty contributors. Most of them work on the report viewer, which is written in JavaScript, and on ports to new processors. Releases come out twice a year, in spring and in autumn.

For a program linked against Brindle's runtime, Brindle's runtime must be the same version as the Brindle tool itself.

Brindle's report: Brindle writes brindle.out. Brindle's viewer reads it.

Brindle options can also be set in the BRINDLE_OPTS variable, which Brindle reads first."""


@pytest.mark.parametrize("question", ["What is Brindle?", "what's brindle", "What is the Brindle?"])
def test_what_is_x_cites_the_sentence_that_defines_x_over_paragraphs_that_repeat_its_name(fresh_engine, question):
    # a manual names its subject everywhere (written here, like nettle's and valgrind's, where
    # "What is Nettle?" cited "For the direct dependency on Nettle, the program is linked with …")
    from dataclasses import replace

    from qa import Engine

    answer = fresh_engine.open_text(BRINDLE_MANUAL, listed=False).ask(question)
    assert answer.citations[0].evidence[0].startswith("Brindle is a profiler")
    plain = Engine(replace(fresh_engine.settings, definition_bonus=0.0), embedder=fresh_engine.embedder)
    assert not plain.open_text(BRINDLE_MANUAL, listed=False).ask(question).citations[0].evidence[0].startswith(
        "Brindle is a profiler")


def test_what_is_x_in_a_scope_cites_the_sentence_that_defines_x(fresh_engine):
    # "What is a pad in curses?" cited the pad's code example: no sentence defines "pad in
    # curses", so the definition of "pad" got no bonus
    from dataclasses import replace

    from qa import Engine, definition

    text = ("Brindle manual\n\nBrindle profiles in Brindle runs are kept for a week, and a "
            "Brindle profile in a Brindle run can be compared with the profile of another run.\n\n"
            "A profile is a record of every allocation that a thread made, with its size and place.\n\n"
            "Brindle's viewer draws the profiles of two runs side by side.")
    question = "What is a profile in Brindle?"
    answer = fresh_engine.open_text(text, listed=False).ask(question)
    assert answer.citations[0].paragraph == 3
    assert answer.citations[0].evidence[0].startswith("A profile is a record")
    no_head = Engine(replace(fresh_engine.settings, definition_bonus=0.0), embedder=fresh_engine.embedder)
    assert no_head.open_text(text, listed=False).ask(question).citations[0].paragraph != 3
    assert definition.subject(question) == "profile in Brindle"


QUILLET_README = """# Quillet

Quillet keeps a notebook of shell commands you ran, per project, and lets you search it.

## Installation

Install it with pip: `pip install quillet`. Python 3.9 or newer is needed.

On macOS you can also use Homebrew: `brew install quillet`.

Then add `eval "$(quillet init)"` to your shell's startup file and open a new shell.

Quillet works in bash, zsh and fish. PowerShell is not supported yet.

## Usage

Run `quillet search <words>` to find a command you ran before in this project.

Run `quillet pin` to keep the last command at the top of the project's notebook.

Run `quillet forget <n>` to remove an entry; forgotten entries cannot be restored.

Run `quillet export` to write the notebook as Markdown, one command per line.

Run `quillet stats` to see which commands you run most often.

A project is the nearest directory above the current one that holds a `.git` folder.

Commands run outside any project go to a shared notebook called `global`.

## Configuration

The `QUILLET_HOME` variable sets where notebooks are kept; it defaults to `~/.quillet`.

The `QUILLET_SIZE` variable sets how many commands each notebook keeps (10,000 by default).

Set `QUILLET_OFF=1` to stop recording for the current shell session.

The `QUILLET_IGNORE` variable lists commands that are never recorded, such as `ls` and `cd`.

Colours follow the `NO_COLOR` convention.

## Environment variables

name | default | description
-----|---------|------------
`QUILLET_VERSION` | | Specifies the Quillet version to be used.<br>Also see `quillet shell`
`QUILLET_ROOT` | `~/.quillet` | Defines the directory under which notebooks and hooks reside.
`QUILLET_DEBUG` | | Outputs debug information.
`QUILLET_HOOK_PATH` | | Colon-separated list of paths searched for hooks.
`QUILLET_DIR` | `$PWD` | Directory to start searching for `.quillet-project` files.

## How it works

The shell hook sends each command to a small background process after it finishes.

Notebooks are SQLite files, one per project, with a full-text index.

Secrets that look like tokens or passwords are masked before they are written.

## Development

Tests run with pytest. Pull requests and bug reports are welcome on the issue tracker.

See CHANGELOG.md for the version history.

## License

[The MIT License](LICENSE)
"""


def test_the_paragraph_best_by_its_words_is_reranked_even_when_the_first_stage_ranks_it_low(fresh_engine):
    # pyenv's README (140 paragraphs): "What license is pyenv under?" cited an environment
    # variable's row; "The MIT License" (under "License") has the best BM25 score, but a short
    # paragraph's dense vector is weak and it came 11th by the combined score, past the rerank's
    # 10. Here with a rerank of one: the environment table comes first by the combined score
    from dataclasses import replace

    from qa import Engine

    def cited(lexical_depth: int) -> str:
        settings = replace(fresh_engine.settings, rerank_depth=1, rerank_lexical_depth=lexical_depth)
        doc = Engine(settings, embedder=fresh_engine.embedder).open_upload("README.md", QUILLET_README.encode())
        return doc.ask("Which license does Quillet use?").citations[0].evidence[0]

    assert cited(1) == "The MIT License"
    assert cited(0) != "The MIT License"
