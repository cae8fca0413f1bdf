"""Follow-up questions: the rule that decides, topic changes, and the conversation set."""

import gzip
import json
from dataclasses import replace

import pytest

from conftest import ROOT
from qa import chat, conversations, followup
from qa.engine import Engine
from qa.errors import QAError
from qa.export import chat_markdown
from qa.feedback import FeedbackStore
from qa.followup import signals
from qa.lexical import tokenize
from qa.settings import Settings

# The follow-up weights were chosen on conversations.json + conversations-extra.json; the
# held-out file was written apart from them and is only reported on.
HELD_OUT = ROOT / "tests" / "data" / "conversations-heldout.json"
REAL = ROOT / "tests" / "data" / "conversations-real.json"      # real web pages, questions written blind
DOCS = ROOT / "tests" / "data" / "conversations-docs.json"      # Python HOWTO pages, read with their headings
DOCS_FIT = ROOT / "tests" / "data" / "conversations-docs-fit.json"   # six other HOWTOs, for choosing
CITY = ("The river Aach runs through the old town of Lindau and into the lake.\n\n"
        "The Aach is 23 kilometres long and rises in the hills near Wangen.\n\n"
        "Maria Keller founded the Lindau glassworks in 1904 on the harbour front.\n\n"
        "She stepped down as director in 1931, and her son took over the works.\n\n"
        "The town hall was rebuilt after a fire in 1922 with a painted facade.")


WHATS_NEW = """# What's New In Python 3.11

## Summary

Python 3.11 is between 10-60% faster than Python 3.10. On average, we measured a 1.25x speedup on \
the standard benchmark suite. See Faster CPython for details.

## Faster CPython

CPython 3.11 is an average of 25% faster than CPython 3.10 as measured with the pyperformance \
benchmark suite, when compiled with GCC on Ubuntu Linux. Depending on your workload, the overall \
speedup could be 10-60%.

Python caches bytecode in the __pycache__ directory to speed up module loading.

## Improved Modules

### asyncio

Added the TaskGroup class, an asynchronous context manager holding a group of tasks that will \
wait for all of them upon exit.

Added timeout(), an asynchronous context manager for setting a timeout on asynchronous operations.

### math

Add math.exp2(): return 2 raised to the power of x.

Add math.cbrt(): return the cube root of x.
"""


S = Settings()
BARE, TERSE, SHORT, LONG = (S.followup_weight_bare, S.followup_weight_terse, S.followup_weight_short,
                             S.followup_weight_long)


def _weight(question):
    return followup.weight(signals(question, tokenize([question])[0]), BARE, TERSE, SHORT, LONG,
                           S.followup_elliptic_terms)


@pytest.mark.parametrize("question,weight", [("Why?", BARE), ("And where?", BARE), ("Give an example", BARE),
                                             ("Explain how the glassworks cooled its furnaces", LONG),
                                             ("And CBS?", TERSE), ("How long is it?", TERSE),
                                             ("When did she step down?", TERSE), ("What was his passer rating?", SHORT),
                                             ("How did the government respond?", SHORT),      # elliptic: no pointer
                                             ("What did he name the part of air that fire needs?", LONG),
                                             ("Who designed the Lindau town hall?", 0.0)])
def test_the_less_a_follow_up_says_the_more_the_chat_weighs(question, weight):
    assert BARE >= TERSE >= SHORT > 0
    assert _weight(question) == weight


@pytest.mark.parametrize("question,leans", [
    ("When did she step down?", True), ("And how long is it?", True), ("What about the harbour?", True),
    ("Length?", True), ("How many ships did they lose there?", True), ("Who paid for the repairs?", True),
    ("Who founded the Lindau glassworks?", False), ("When was the town hall rebuilt after the fire?", False),
    ("Who is the author of this book?", False), ("Who wrote this article?", False),
    ("And who wrote this article?", True)])
def test_the_rule_sees_questions_that_lean_on_the_chat(question, leans):
    assert signals(question, tokenize([question])[0]).dependent(S.followup_elliptic_terms) is leans


@pytest.mark.parametrize("question", ["Give an example", "Tell me more", "For instance?", "Like what?"])
def test_a_request_for_more_leans_on_the_chat_though_the_article_lacks_its_words(question):
    # Asked as a user on the Rustonomicon's page on races, "Give an example" was declined: neither
    # word is in the article, so it was taken as a new question, like an off-topic one.
    terms = tokenize([question])[0]
    assert signals(question, terms, known_terms=0).dependent(S.followup_elliptic_terms)
    assert _weight(question) == BARE                          # its words do not say what about
    assert not signals("Name a volcano", tokenize(["Name a volcano"])[0], known_terms=0).dependent(
        S.followup_elliptic_terms)                                          # an off-topic one still does not


SRE_CHAPTER = ROOT / "tests" / "data" / "extract" / "html" / "google-sre-book-1" / "source.html.gz"


def test_a_request_for_an_example_stays_with_the_paragraph_just_read(engine):
    # Google's SRE book (a saved page): searched at the terse weight, the word "example" cited
    # "For example, suppose that a database's performance is slow", a paragraph on another topic.
    doc = engine.open_upload("sre.html", gzip.decompress(SRE_CHAPTER.read_bytes()), listed=False)
    history = ["Why shouldn't I use the mean latency?"]
    assert doc.ask(history[0]).citations[0].paragraph == 38
    answer = doc.ask("Give an example", history=history)
    assert answer.context_weight == BARE and answer.citations[0].paragraph == 38
    assert answer.level == "closest"                          # hedged: it may not hold the example


@pytest.fixture(scope="module")
def city(engine):
    return engine.open_text(CITY, title="Lindau", listed=False)


def test_follow_ups_are_answered_from_the_conversation(city):
    first = city.ask("Who founded the glassworks?")
    assert first.citations[0].paragraph == 3 and not first.context
    second = city.ask("When did she step down?", history=["Who founded the glassworks?"])
    assert second.citations[0].paragraph == 4
    assert second.context == "Who founded the glassworks?" and second.context_weight == TERSE    # 1 content word
    took_over = city.ask("Who took over from her?", history=["Who founded the glassworks?"])
    assert took_over.citations[0].paragraph == 4 and not took_over.abstained
    river = city.ask("And how long is it?", history=["Which river runs through the town?"])
    assert river.citations[0].paragraph == 2


def test_a_follow_up_s_citation_scores_are_the_weighted_mean_of_its_own_and_the_chat_s(city):
    # They were the sum (own + 0.5 x the chat's): the app showed a follow-up's paragraphs as
    # "score 1.04", off the scale of a question searched alone.
    chat = "Who founded the glassworks?"
    answer = city.ask("When did she step down?", history=[chat], top_k=3)
    assert answer.context_weight > 0
    alone = {c.paragraph: c.score for c in city.ask("When did she step down?", top_k=20).citations}
    theirs = {c.paragraph: c.score for c in city.ask(chat, top_k=20).citations}
    for c in answer.citations:
        mean = (alone[c.paragraph] + answer.context_weight * theirs[c.paragraph]) / (1 + answer.context_weight)
        assert c.score == pytest.approx(mean, abs=1e-4)
        assert min(alone[c.paragraph], theirs[c.paragraph]) <= c.score <= max(alone[c.paragraph], theirs[c.paragraph])


def test_a_change_of_topic_is_not_dragged_back(city):
    history = ["Which river runs through the town?", "And how long is it?"]
    answer = city.ask("When was the town hall rebuilt after the fire?", history=history)
    assert answer.citations[0].paragraph == 5
    assert answer.context_weight == 0 and not answer.context           # self-contained: searched alone


def test_a_short_question_in_no_word_of_the_article_is_not_a_follow_up():
    question = "What is the capital of Peru?"                 # elliptic by length: two content words
    terms = tokenize([question])[0]
    assert signals(question, terms).dependent(S.followup_elliptic_terms)          # not looked up
    assert signals(question, terms, known_terms=1).dependent(S.followup_elliptic_terms)
    assert not signals(question, terms, known_terms=0).dependent(S.followup_elliptic_terms)
    pointing = "How tall is it?"                                # points back: leans whatever its words
    assert signals(pointing, tokenize([pointing])[0], known_terms=0).dependent(S.followup_elliptic_terms)


def test_a_short_question_naming_what_the_article_never_mentions_is_not_a_follow_up():
    question = "What is the capital of Peru?"               # "capital" may be in the article
    terms = tokenize([question])[0]
    assert followup.names(question) == ["Peru"]
    assert followup.names("So what should I do once I'm home?") == []
    assert not signals(question, terms, known_terms=1, unknown_name=True).dependent(S.followup_elliptic_terms)
    for leaning in ("What about Peru?", "Is Peru its capital?"):      # continues, or points back
        assert signals(leaning, tokenize([leaning])[0], known_terms=1, unknown_name=True).dependent(
            S.followup_elliptic_terms)


def test_mid_chat_a_question_naming_a_river_the_article_lacks_is_searched_alone(city):
    history = ["Which river runs through Lindau?"]
    named = city.ask("How long is the Danube?", history=history)      # "long" is the article's word
    assert named.context_weight == 0 and not named.context
    own = city.ask("How long is the Aach?", history=history)           # the article's own river
    assert own.context_weight > 0 and own.context


@pytest.mark.parametrize("question,alone", [("Who is Rebecca Solnit?", True), ("What's NASA?", True),
                                            ("Who was Richard (R.J.) Eskow?", True), ("Who is he?", False),
                                            ("Who is the mayor?", False), ("And who is Bev?", False),
                                            ("Who scored for Rovers?", False)])
def test_asking_only_who_or_what_a_name_is_does_not_lean_on_the_chat(question, alone):
    # two content words made "Who is Rebecca Solnit?" elliptic: mid-chat in a saved Salon column
    # it was searched with the three questions before it
    assert signals(question, tokenize([question])[0], known_terms=2).dependent(S.followup_elliptic_terms) is not alone


def test_mid_chat_asking_who_someone_in_the_article_is_is_searched_alone(city):
    answer = city.ask("Who is Maria Keller?", history=["Which river runs through Lindau?"])
    assert answer.context_weight == 0 and not answer.context
    assert answer.citations[0].paragraph == 3


def test_an_off_topic_question_mid_chat_is_declined_not_lifted_by_the_chat(city):
    history = ["Who founded the glassworks?", "When did she step down?"]
    answer = city.ask("What is the capital of Peru?", history=history)
    assert answer.abstained and answer.context_weight == 0 and not answer.context


def test_a_question_about_the_document_itself_mid_chat_is_searched_alone(city):
    history = ["Who founded the glassworks?", "When did she step down?"]
    answer = city.ask("Who is the author of this article?", history=history)
    assert answer.context_weight == 0 and not answer.context
    assert answer.abstained


def test_asking_what_a_term_is_that_the_article_defines_is_searched_alone_mid_chat(engine):
    # "What is a hash function?" in a chat about Nettle's manual leaned on the chat (two content
    # words: elliptic) and cited "SHA1 is a hash function specified by NIST"
    doc = engine.open_text(
        "Lindau glassworks\n\n"
        "The glassworks was founded in 1904. Its furnaces burn day and night.\n\n"
        "A glory hole is a small furnace used to reheat a piece of glass while it is being shaped.\n\n"
        "The glassworks' blowers work in pairs at each furnace.", listed=False)
    history = ["When was the glassworks founded?"]
    defined = doc.ask("What is a glory hole?", history=history)
    assert defined.context_weight == 0 and not defined.context
    assert defined.citations[0].evidence[0].startswith("A glory hole is")
    undefined = doc.ask("What is a blower?", history=history)           # no sentence defines it
    assert undefined.context_weight > 0 and undefined.context
    follow = doc.ask("And what is a glory hole?", history=history)     # a continuation still leans
    assert follow.context_weight > 0


def test_a_short_question_naming_a_section_of_the_article_is_searched_alone_mid_chat(engine):
    # seen as a user on Python 3.11's What's New (saved page): "What's new in asyncio?" after two
    # questions about speed leaned on the chat (two content words: elliptic) and cited the speed
    # paragraph; these paragraphs are that page's, under its headings
    doc = engine.open_upload("whatsnew.md", WHATS_NEW.encode(), listed=False)
    history = ["How much faster is Python 3.11 than 3.10?", "How was that measured?"]
    for question, section in [("What's new in asyncio?", "Improved Modules › asyncio"),
                              ("What changed in math?", "Improved Modules › math")]:
        answer = doc.ask(question, history=history)
        assert answer.context_weight == 0 and not answer.context, question
        assert answer.citations[0].section == section, question
    assert doc.ask("What about asyncio?", history=history).context_weight > 0     # a continuation leans
    assert doc.ask("How fast is it there?", history=history).context_weight > 0   # so does a pointer


@pytest.mark.parametrize("path", [HELD_OUT, REAL], ids=["written", "real-pages"])
def test_held_out_follow_ups_are_found_better_with_the_chat_than_without(engine, path):
    # the real pages' set came after every weight and bound here was chosen
    run = conversations.evaluate(engine, path)
    result = {k.kind: k for k in run.kinds}
    follow, first, change = result["follow-up"], result["first"], result["topic-change"]
    assert follow.turns >= 85 and first.turns >= 30 and change.turns >= 8
    assert follow.recall_with_history >= 70.0 and follow.recall_with_history >= follow.recall_without_history + 5
    assert follow.abstained_with_history < follow.abstained_without_history
    assert first.recall_with_history == first.recall_without_history    # no history, nothing changes
    assert change.recall_with_history >= change.recall_without_history
    assert result["unanswerable"].turns >= 8
    assert run.off_topic_turns >= 40 and run.off_topic_declined >= 85.0      # 52% before the no-known-word rule


def test_on_documentation_pages_the_chat_still_helps_follow_ups(engine):
    # six Python HOWTOs read from their saved pages, questions written blind after every weight
    # here was chosen; documentation is harder (first turns 55%, README), so no bound of the
    # news sets is asserted, only what the chat must add
    run = conversations.evaluate(engine, DOCS)
    result = {k.kind: k for k in run.kinds}
    follow, first = result["follow-up"], result["first"]
    assert follow.turns >= 100 and first.turns >= 40 and result["unanswerable"].turns >= 6
    assert follow.recall_with_history >= follow.recall_without_history + 5
    assert follow.abstained_with_history < follow.abstained_without_history
    assert first.recall_with_history == first.recall_without_history
    assert run.off_topic_declined >= 85.0


@pytest.mark.parametrize("path", [DOCS, DOCS_FIT], ids=["held-out", "fit"])
def test_the_documentation_sets_pages_still_read_as_the_paragraphs_their_questions_count(path):
    # a change to the HTML reader that re-splits these pages must renumber the sets, not pass
    # silently into their figures (qa eval stops on it too); extraction only, no model
    import gzip

    from qa.extract import extract

    data = json.loads(path.read_text(encoding="utf-8"))
    for article in data["articles"]:
        page = path.parent / article["page"]
        got = extract(page.name.removesuffix(".gz"), gzip.decompress(page.read_bytes()))
        assert list(got.paragraphs) == article["paragraphs"], article["id"]
    for conversation in data["conversations"]:
        paragraphs = next(a for a in data["articles"] if a["id"] == conversation["article"])["paragraphs"]
        for turn in conversation["turns"]:
            assert turn["kind"] == "unanswerable" or turn["answer"] in paragraphs[turn["paragraph"] - 1], turn["q"]


def test_a_set_s_saved_page_must_still_read_as_the_paragraphs_its_questions_count(engine, tmp_path):
    page = "<html><head><title>Kilns</title></head><body><h1>Kilns</h1><h2>Firing</h2>" \
           "<p>The kiln is fired for nine hours at 1200 degrees.</p><h2>Cooling</h2>" \
           "<p>It cools for two days before the pots come out.</p></body></html>"
    (tmp_path / "kilns.html").write_text(page, encoding="utf-8")
    turns = [{"q": "How long does the kiln cool?", "kind": "first", "paragraph": 2, "answer": "two days"}]
    right = ["The kiln is fired for nine hours at 1200 degrees.", "It cools for two days before the pots come out."]
    for paragraphs, ok in ((right, True), (right[:1], False)):
        path = tmp_path / "set.json"
        path.write_text(json.dumps({"articles": [{"id": "kilns", "page": "kilns.html", "paragraphs": paragraphs}],
                                    "conversations": [{"article": "kilns", "turns": turns}]}), encoding="utf-8")
        if ok:
            run = conversations.evaluate(engine, path)
            assert {k.kind: k for k in run.kinds}["first"].turns == 1        # read, headings and all
        else:
            with pytest.raises(QAError, match="no longer reads as the paragraphs"):
                conversations.evaluate(engine, path)
    (tmp_path / "kilns.html.gz").write_bytes(b"not gzipped")
    path.write_text(json.dumps({"articles": [{"id": "kilns", "page": "kilns.html.gz", "paragraphs": right}],
                                "conversations": [{"article": "kilns", "turns": turns}]}), encoding="utf-8")
    with pytest.raises(QAError, match="Cannot read .*kilns.html.gz: Not a gzipped file"):
        conversations.evaluate(engine, path)


def _held_out_article(engine, name, **settings):
    article = next(a for a in json.loads(HELD_OUT.read_text())["articles"] if a["id"] == name)
    if settings:
        engine = Engine(settings=replace(engine.settings, **settings), embedder=engine.embedder)
    return engine.open_text("\n\n".join(article["paragraphs"]), title=article["title"], listed=False)


def test_a_long_follow_up_leans_on_the_chat_only_when_its_own_words_leave_a_tie(engine):
    history = ["How did Stanmoor handle its branch libraries?"]          # a held-out conversation
    question = "By how much did visits drop there?"                      # three words of its own, "there"
    answer = _held_out_article(engine, "libraries").ask(question, history=history)
    assert answer.citations[0].paragraph == 4 and answer.context_weight == LONG > 0
    alone = _held_out_article(engine, "libraries", followup_long_margin=0.0).ask(question, history=history)
    assert alone.citations[0].paragraph == 3 and alone.context_weight == 0      # searched alone: ¶3, wrong
    decided = _held_out_article(engine, "libraries").ask("How many branches did Harwick close in 2016 then?",
                                                         history=history)
    assert decided.context_weight == 0 and decided.citations[0].paragraph == 2   # "closed five of its eight"


def test_a_follow_up_stays_with_the_paragraph_its_chat_just_read(engine):
    # A held-out conversation (not one the bonus was chosen on): the debut is in ¶3 with that
    # match's score; searched with the chat alone, the cup semi-final's score (¶6) came first.
    history = ["Which teenager made his league debut for Dunmore Rovers?"]
    question = "What was the final score?"
    rovers = _held_out_article(engine, "rovers")
    assert rovers.ask(history[0]).citations[0].paragraph == 3               # what the reader was shown
    answer = rovers.ask(question, history=history)
    assert answer.citations[0].paragraph == 3 and answer.context_weight > 0
    without = _held_out_article(engine, "rovers", followup_read_bonus=0.0).ask(question, history=history)
    assert without.citations[0].paragraph == 6


def test_a_bare_why_is_searched_mostly_with_the_chat_and_not_declined(engine):
    # A held-out conversation: "Why?" says nothing of its own; at the terse weight (0.5) the
    # word "why" still steered the search and the answer was declined.
    history = ["Who is the Dunmore Rovers manager?", "When did she send the young winger on in the semi-final?"]
    answer = _held_out_article(engine, "rovers").ask("Why?", history=history)
    assert answer.context_weight == BARE > TERSE
    assert answer.citations[0].paragraph == 5 and answer.level == "closest"       # hedged, not declined
    terse = _held_out_article(engine, "rovers", followup_weight_bare=TERSE).ask("Why?", history=history)
    assert terse.abstained


def test_the_chat_lifts_a_terse_follow_up_to_a_hedged_answer_not_a_decline(engine):
    history = ["Which part of the old church did that storm bring down?", "Who is paying for the repairs?"]
    question = "And how much will they cost?"                          # held out: ¶7 has the figure
    answer = _held_out_article(engine, "kelmouth").ask(question, history=history)
    assert answer.citations[0].paragraph == 7 and answer.level == "closest" and not answer.abstained
    # without the lift: declined (its own probability is 0.05; lift 0.5 declined it too until the
    # model was refitted on single-digit words, and now reaches "closest" at 0.21)
    alone = _held_out_article(engine, "kelmouth", followup_lift=0.0).ask(question, history=history)
    assert alone.citations[0].paragraph == 7 and alone.abstained


def test_a_pointing_follow_up_about_the_default_article_finds_its_paragraph(seed_doc):
    history = ["What has become the primary pillar of Turkey's military diplomacy?"]
    answer = seed_doc.ask("Which countries have been buying those drones?", history=history)
    assert answer.citations[0].paragraph == 2 and not answer.abstained


def test_a_chat_asks_with_the_answered_questions_and_keeps_failed_ones_as_messages(city):
    turns = []
    for question in ["Who founded the glassworks?", "   ", "When did she step down?"]:
        turns.append(chat.ask(city, turns, question))
    assert turns[1].answer is None and "type a question" in turns[1].error
    assert turns[2].history == ("Who founded the glassworks?",)          # the failed turn is not history
    assert turns[2].answer.citations[0].paragraph == 4
    assert chat.last_answer(turns) is turns[2].answer


def test_a_question_the_article_does_not_cover_is_left_out_of_the_next_ones_history(city):
    turns = []
    for question in ["Who founded the glassworks?", "What is the capital of Peru?", "When did she step down?"]:
        turns.append(chat.ask(city, turns, question))
    assert turns[1].answer.abstained
    assert turns[2].history == ("Who founded the glassworks?",)
    assert turns[2].answer.context == "Who founded the glassworks?" and turns[2].answer.citations[0].paragraph == 4


def test_a_question_about_the_article_itself_is_left_out_of_the_next_ones_history(city):
    turns = []
    for question in ["What is this article about?", "Who founded the glassworks?", "When did she step down?"]:
        turns.append(chat.ask(city, turns, question))
    assert turns[0].answer.source == "opening"
    assert turns[1].history == () and not turns[1].answer.context        # searched alone, as a first question
    assert turns[2].history == ("Who founded the glassworks?",)


def test_export_has_questions_answers_markers_and_quoted_paragraphs(city):
    turns = []
    for question in ["Who founded the glassworks?", "When did she step down?", "How do I bake sourdough bread?", "   "]:
        turns.append(chat.ask(city, turns, question))
    md = chat_markdown("Lindau", turns)
    assert md.startswith("# Chat about “Lindau”")
    assert "## 1. Who founded the glassworks?" in md and "## 2. When did she step down?" in md
    assert "[¶3]" in md and "[¶4]" in md
    assert "> **¶4** She stepped down as director in 1931, and her son took over the works." in md
    assert f"*Searched for: When did she step down? + {TERSE:g} × “Who founded the glassworks?”*" in md
    assert "does not seem to cover" in md and "weak matches" in md
    assert "*Not answered: Please type a question.*" in md


def test_feedback_is_stored_per_answer_and_exported_as_cases(tmp_path, fresh_engine):
    city = fresh_engine.open_text(CITY, title="Lindau")
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    store.record(city.id, "When did she step down?", ["Who founded the glassworks?"], "…", cited=4, vote=1)
    store.record(city.id, "Where is the glassworks?", [], "…", cited=5, vote=-1)
    store.record(city.id, "Where is the glassworks?", [], "…", cited=5, right=3)      # then: "it is ¶3"
    store.record(city.id, "What colour is the facade?", [], "…", cited=5, vote=-1)  # a bare 👎: no case
    store.record("other-article", "Anything?", [], "…", cited=1, vote=1)
    assert [f.question for f in store.entries(city.id)] == [
        "When did she step down?", "Where is the glassworks?", "What colour is the facade?"]
    wrong = store.entries(city.id)[1]
    assert (wrong.vote, wrong.right) == (-1, 3)                          # one row per answer, both kept
    cases = store.export_cases()
    assert {"article": city.id, "question": "Where is the glassworks?", "history": [], "cited": 5, "right": 3} in cases
    assert {"article": city.id, "question": "When did she step down?", "history": ["Who founded the glassworks?"],
            "cited": 4, "right": 4} in cases
    assert len(cases) == 3

    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases if c["article"] == city.id))
    result = conversations.evaluate_cases(fresh_engine, path)
    assert result.cases == 2 and result.recall_at_1 == 100.0


def test_export_escapes_article_text_so_no_viewer_runs_or_links_it(fresh_engine):
    from markdown_it import MarkdownIt

    hostile = ("The keepers met <img src=x onerror=alert(1)> at the harbour <script>alert(2)</script> in May.\n\n"
               "Their log is at [the archive](javascript:alert(3)) and costs $5 or $6 to read.\n\n"
               "1. The supply boat came in June, **always** on a Tuesday.")
    doc = fresh_engine.open_text(hostile, title="Log <b>[x](javascript:alert(4))</b>", listed=False)
    turns = [chat.ask(doc, [], q) for q in ["When did the keepers meet at the harbour?", "Where is their log?",
                                               "When did the supply boat come?"]]
    md = chat_markdown(doc.title, turns)
    html = MarkdownIt("commonmark").render(md)
    for tag in ("<img", "<script", "<a ", "<b>", "<strong>always"):
        assert tag not in html, tag
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "[the archive](javascript:alert(3))" in html
    assert "[¶1]" in md                                    # the answer's own markers stay readable
