"""The Streamlit page through AppTest: a real script run, the real engine behind it."""

import html

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from qa.feedback import FeedbackStore
from qa.highlight import escape


@pytest.fixture
def app(seed_doc, index_dir, data_dir, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("QA_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_page_shows_the_article_title(app):
    assert app.title[0].value.startswith("The Genie’s Out of the Bottle")


def test_question_gets_an_answer_with_cited_paragraphs_and_turns_stay(app):
    app.chat_input[0].set_value("Whose release did the ambassadors demand?").run()
    app.chat_input[0].set_value("What does military diplomacy refer to?").run()
    assert not app.exception
    users = [m for m in app.chat_message if m.name == "user"]
    bots = [m for m in app.chat_message if m.name == "assistant"]
    assert [u.text[0].value for u in users] == ["Whose release did the ambassadors demand?",
                                                 "What does military diplomacy refer to?"]
    first = [html.unescape(md.value) for md in bots[0].markdown]
    # The answer is plain when the model is sure, and in a hedged info box when it is only the closest passage.
    answer_text = bots[0].info[0].value if bots[0].info else first[0]
    assert "[¶4]" in answer_text
    levels = [c.value for c in bots[0].caption if "likely that the article answers this" in c.value]
    assert len(levels) == 1 and levels[0].startswith(("Answered ·", "Closest passage, may not answer exactly ·"))
    assert levels[0].startswith("Closest") == bool(bots[0].info)
    assert any("<a href='#para-4' class='cite'><b>¶4</b></a>" in v for v in first)     # links to the reader
    assert any("<mark>" in v for v in first)
    assert "[¶3]" in html.unescape(bots[1].markdown[0].value)


def test_off_topic_question_shows_the_abstention_warning(app):
    app.chat_input[0].set_value("How do I bake sourdough bread?").run()
    bot = [m for m in app.chat_message if m.name == "assistant"][0]
    assert "does not seem to cover" in bot.warning[0].value
    assert any(c.value.startswith("Not answered ·") for c in bot.caption)
    assert any("weak match" in md.value for md in bot.markdown)
    assert not any("<mark>" in md.value for md in bot.markdown)
    reader = next(md.value for md in app.markdown if "<span class='pnum'>" in md.value)
    assert "class='para weak'" in reader                   # its weak paragraphs, marked apart,
    assert "cited" not in reader and "<mark>" not in reader  # not as citations


def test_empty_question_shows_an_error_not_a_traceback(app):
    app.chat_input[0].set_value("   ").run()
    assert not app.exception
    assert "type a question" in app.error[0].value


MARKUP = ("Harbour notes\n\nThe pier has <script>alert('pwned')</script> a crane and "
          "[a link](http://example.com) and ![a picture](pic.png) painted on it.\n\n"
          "The ferry leaves the pier every hour in summer.")


def _sidebar_button(at, label):
    return next(b for b in at.sidebar.button if b.label == label)


def _articles(at):
    """The article selectbox (its key changes each time the app switches article itself)."""
    return next(s for s in at.sidebar.selectbox if s.label == "Article")


def test_pasted_article_is_added_asked_switched_and_removed(app):
    app.sidebar.text_input(key="paste_title").set_value("Harbour")
    app.sidebar.text_area(key="paste_text").set_value(MARKUP)
    _sidebar_button(app, "Add the text").click().run()
    assert not app.exception and not app.error
    assert app.title[0].value == "Harbour"
    # the form is empty for the next article: nothing of this one is added to it
    assert app.sidebar.text_input(key="paste_title").value == "" and app.sidebar.text_area(key="paste_text").value == ""
    added = _articles(app).value
    assert added.startswith("art-") and "Harbour" in _articles(app).options

    app.chat_input[0].set_value("What is on the pier?").run()
    bot = [m for m in app.chat_message if m.name == "assistant"][0]
    shown = " ".join(md.value for md in bot.markdown)
    assert "<script" not in shown and "&#60;script&#62;" in shown     # article markup is shown as text
    assert escape("[a link](http://example.com)") in shown and escape("![a picture](pic.png)") in shown
    assert "](" not in shown

    _articles(app).set_value("default").run()     # switching: a fresh chat
    assert app.title[0].value.startswith("The Genie’s Out of the Bottle") and not app.chat_message
    _articles(app).set_value(added).run()
    app.button(key="confirm-remove").click().run()          # inside the "Remove this article" popover
    assert not app.exception
    assert _articles(app).value == "default"
    assert "Harbour" not in _articles(app).options
    assert app.title[0].value.startswith("The Genie’s Out of the Bottle")


def test_bad_paste_shows_an_error_and_keeps_the_article(app):
    app.sidebar.text_area(key="paste_text").set_value("   \n\n  ")
    _sidebar_button(app, "Add the text").click().run()
    assert not app.exception
    assert any("empty" in e.value for e in app.error)
    assert app.title[0].value.startswith("The Genie’s Out of the Bottle")


def _reader(at) -> str:
    return next(md.value for md in at.markdown if "<span class='pnum'>" in md.value)


def test_reader_pane_shows_the_article_and_marks_the_citations(app):
    before = _reader(app)
    assert all(f"id='para-{n}'" in before and f"¶{n}</span>" in before for n in range(1, 5))
    assert "cited" not in before and "<mark>" not in before
    app.chat_input[0].set_value("Whose release did the ambassadors demand?").run()
    after = _reader(app)
    assert "<div id='para-4' class='para cited'>" in after and "<mark>" in after
    assert after.count("class='para cited'") == 3                                  # the three cited ¶


def test_follow_up_shows_what_was_searched_and_cites_from_the_conversation(app):
    app.chat_input[0].set_value("Which countries bought Turkish drones?").run()
    app.chat_input[0].set_value("What about Lithuania?").run()
    bots = [m for m in app.chat_message if m.name == "assistant"]
    assert not any("Searched for" in c.value for c in bots[0].caption)
    searched = [c.value for c in bots[1].caption if c.value.startswith("Searched for:")]
    assert searched and "Turkish drones" in searched[0]
    assert "[¶2]" in html.unescape(bots[1].markdown[0].value)


def test_feedback_is_saved_and_the_chat_exports(app, data_dir):
    question = "What does military diplomacy refer to?"
    app.chat_input[0].set_value(question).run()
    assert not app.get("download_button")[0].proto.disabled   # the turn just asked is exportable at once
    app.get("feedback")[0].set_value(1).run()
    choices = app.selectbox(key="right-0")
    assert choices.options[0].startswith("¶3 — ") and choices.options[1].startswith("¶4 — ")  # from the cited one on
    assert choices.options[-1].startswith("¶2 — ")
    choices.set_value(2)
    app.button(key="save-right-0").click().run()
    assert not app.exception
    saved = [f for f in FeedbackStore(data_dir / "feedback.sqlite3").entries("default") if f.question == question]
    assert len(saved) == 1 and saved[0].vote == 1 and saved[0].right == 2 and saved[0].cited == 3
    export = app.get("download_button")[0]
    assert export.label == "Export chat" and not export.proto.disabled


def test_a_title_with_markdown_is_shown_as_text(app):
    from qa.export import escape_markdown

    title = "**Harbour** $x^2$ [notes](javascript:alert(1))"
    app.sidebar.text_input(key="paste_title").set_value(title)
    app.sidebar.text_area(key="paste_text").set_value("The ferry leaves the pier every hour in summer.")
    _sidebar_button(app, "Add the text").click().run()
    assert not app.exception
    assert app.title[0].value == escape_markdown(title) == r"\*\*Harbour\*\* \$x^2\$ \[notes\]\(javascript:alert\(1\)\)"


def test_an_article_not_in_english_is_said_to_be_so(app):
    french = ("Le pont de Valmont a été construit en 1872 par la compagnie des chemins de fer de l'Est.\n\n"
              "Pendant la guerre, le pont fut détruit par les troupes qui se retiraient, puis reconstruit en 1921.")
    assert not any("not seem to be in English" in w.value for w in app.warning)      # the bundled article is
    app.sidebar.text_input(key="paste_title").set_value("Le pont")
    app.sidebar.text_area(key="paste_text").set_value(french)
    _sidebar_button(app, "Add the text").click().run()
    assert not app.exception
    assert any("not seem to be in English" in w.value for w in app.warning)
