import re

import pytest

from qa import QAError
from qa.highlight import escape, highlight, reader_html, reader_window, spans
from seed_questions import OFF_TOPIC, ON_TOPIC


@pytest.mark.parametrize("question,paragraph", ON_TOPIC)
def test_seed_question_cites_the_obvious_paragraph_first(seed_doc, question, paragraph):
    answer = seed_doc.ask(question)
    assert not answer.abstained
    assert answer.citations[0].paragraph == paragraph


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_question_is_abstained_but_still_shows_closest_paragraphs(seed_doc, question):
    answer = seed_doc.ask(question)
    assert answer.abstained
    assert "does not seem to cover" in answer.text
    assert answer.citations


def test_answer_text_is_evidence_sentences_with_paragraph_markers(seed_doc):
    answer = seed_doc.ask("What does military diplomacy refer to?")
    first = answer.citations[0]
    assert f"[¶{first.paragraph}]" in answer.text
    assert first.evidence and all(sentence in first.text for sentence in first.evidence)
    assert all(sentence in answer.text for sentence in first.evidence)
    markers = [int(n) for n in re.findall(r"\[¶(\d+)\]", answer.text)]
    assert set(markers) <= {c.paragraph for c in answer.citations}


def test_citations_are_one_based_best_first_and_carry_the_whole_paragraph(seed_doc):
    answer = seed_doc.ask("Who is practicing a careful balancing act?", top_k=4)
    assert len(answer.citations) == 4
    assert sorted(c.paragraph for c in answer.citations) == [1, 2, 3, 4]
    scores = [c.score for c in answer.citations]
    assert scores == sorted(scores, reverse=True)
    for c in answer.citations:
        assert c.text == seed_doc.paragraphs[c.paragraph - 1]


@pytest.mark.parametrize("question", ["", "   \n "])
def test_empty_question_is_a_clear_error(seed_doc, question):
    with pytest.raises(QAError, match="type a question"):
        seed_doc.ask(question)


def test_article_markup_is_escaped_never_rendered():
    html = highlight("Click <script>alert(1)</script> [here](http://x) or ![img](y). Then $x$.", ["Then $x$."])
    assert "<script>" not in html and "](" not in html and "$" not in html
    assert html.count("<mark>") == 1
    assert escape("a & b") == "a &#38; b"


def test_evidence_spans_are_found_in_reading_order_and_overlaps_merged():
    paragraph = "First one. Second one. Third one."
    assert spans(paragraph, ["Third one.", "First one."]) == [(0, 10), (23, 33)]
    assert spans(paragraph, ["First one. Second", "Second one."]) == [(0, 22)]
    assert spans(paragraph, ["Not there."]) == []


def test_a_paragraph_that_is_all_evidence_is_not_marked_all_over():
    assert "<mark>" not in highlight("The ferry leaves every hour.", ["The ferry leaves every hour."])
    assert highlight("The ferry leaves every hour. It is red. It was built in 1901 at the yard.",
                     ["The ferry leaves every hour."]).startswith("<mark>")


def test_the_reader_window_holds_every_citation_of_a_long_article():
    assert reader_window(40, [30, 2], 300) == list(range(1, 41))                  # short: all of it
    shown = reader_window(5000, [2400, 12, 4990], 300)
    assert 2395 in shown and 2394 not in shown and 2694 in shown and 2695 not in shown and 2400 in shown and 12 in shown and 4990 in shown
    assert len(shown) == 302 and shown == sorted(shown)
    html = reader_html([f"Paragraph {n}." for n in range(1, 5001)], {2400: ["Paragraph 2400."], 12: []}, shown)
    assert "id='para-12' class='para cited'" in html and "id='para-4990' class='para'" in html
    assert "⋯ ¶1–¶11 not shown ⋯" in html and "⋯ ¶13–¶2394 not shown ⋯" in html and "¶4991–¶5000 not shown" in html


def test_the_reader_marks_a_declined_answer_s_weak_paragraphs_apart_from_citations():
    paragraphs = ["The ferry leaves every hour.", "It is red.", "It was built in 1901."]
    html = reader_html(paragraphs, {}, weak={2})
    assert "id='para-2' class='para weak' title='A weak match" in html
    assert "cited" not in html and "id='para-1' class='para'>" in html
    both = reader_html(paragraphs, {1: ["The ferry leaves every hour."]}, weak={3})
    assert "id='para-1' class='para cited'>" in both and "id='para-3' class='para weak'" in both


def test_a_run_in_heading_never_stands_alone_as_evidence():
    from qa.answer import evidence
    from qa.records import Hit

    sentences = ["Recovering from task failures.", "The scheduler rebuilds lost results from the stored lineage.",
                 "Throughput stays stable as nodes are removed."]
    heading_first = Hit(0, 1.0, (0, 2, 1), (0.9, 0.5, 0.45))
    assert evidence(heading_first, sentences, 2, 0.2) == [sentences[0], sentences[2]]
    sentence_first = Hit(0, 1.0, (1, 0, 2), (0.9, 0.5, 0.45))
    assert evidence(sentence_first, sentences, 2, 0.2) == [sentences[1]]


def test_a_question_in_the_text_never_stands_alone_as_evidence():
    # an FAQ's own question, or the article's rhetorical one, matches best and answers nothing
    from qa.answer import evidence
    from qa.records import Hit

    sentences = ["So, what's the difference here?", "Why can String be mutated but literals cannot?",
                 "The difference is in how these two types deal with memory."]
    question_first = Hit(0, 1.0, (1, 2, 0), (0.9, 0.6, 0.5))
    assert evidence(question_first, sentences, 2, 0.2) == [sentences[1], sentences[2]]
    quoted = ["Is it possible to attach Valgrind to a running program?”", "No.",
              "The environment Valgrind provides is different from that of a normal program."]
    assert evidence(Hit(0, 1.0, (0, 1, 2), (0.9, 0.5, 0.4)), quoted, 2, 0.2) == [quoted[0], quoted[2]]


def test_a_pdf_style_paragraph_answers_with_more_than_its_heading(fresh_engine):
    text = ("Ray scales\n\n"
            "Recovering from task failures. When a worker node dies, the local schedulers rebuild the lost results "
            "from the lineage kept in the control store, and throughput recovers within seconds.\n\n"
            "Object store performance. Large objects are written to shared memory at over 15 GB per second.")
    answer = fresh_engine.open_text(text).ask("How does it recover from task failures?")
    assert answer.citations[0].evidence[-1].startswith("When a worker node dies")


def test_a_citation_names_the_section_its_paragraph_is_in(fresh_engine):
    notes = ("# Release notes\n\n## Version 1.56.0 (2021-10-21)\n\n### Language\n\n"
             "- The 2021 Edition is now stable.\n- Disjoint capture in closures is enabled.\n\n"
             "## Version 1.65.0 (2022-11-03)\n\n### Language\n\n- Generic associated types are stable.\n")
    answer = fresh_engine.open_upload("releases.md", notes.encode()).ask("When did the 2021 edition become stable?")
    first = answer.citations[0]
    assert first.text == "The 2021 Edition is now stable."
    assert first.section == "Version 1.56.0 (2021-10-21) › Language"
    assert answer.to_dict()["citations"][0]["section"] == first.section
    from qa.chat import Turn
    from qa.export import chat_markdown
    exported = chat_markdown("Release notes", [Turn("When?", (), answer)])
    assert "> **¶1** *Version 1.56.0 \\(2021-10-21\\) › Language* — The 2021 Edition" in exported
