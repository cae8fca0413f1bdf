"""The Streamlit page through AppTest: a real script run, the real engine behind it."""

import html

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT


@pytest.fixture
def app(seed_doc, index_dir, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(index_dir))
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
    assert "[¶4]" in first[0]
    assert any(v.startswith("**¶4**") for v in first)
    assert any("<mark>" in v for v in first)
    assert "[¶3]" in html.unescape(bots[1].markdown[0].value)


def test_off_topic_question_shows_the_abstention_warning(app):
    app.chat_input[0].set_value("How do I bake sourdough bread?").run()
    bot = [m for m in app.chat_message if m.name == "assistant"][0]
    assert "does not seem to cover" in bot.warning[0].value
    assert any("weak match" in md.value for md in bot.markdown)
    assert not any("<mark>" in md.value for md in bot.markdown)


def test_empty_question_shows_an_error_not_a_traceback(app):
    app.chat_input[0].set_value("   ").run()
    assert not app.exception
    assert "type a question" in app.error[0].value
