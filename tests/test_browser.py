"""One real browser session: the app served by `streamlit run`, driven in headless Chromium."""

import shutil

import pytest

from browser import CHROMIUM, ask, chromium_page, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(seed_doc, index_dir):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with streamlit_server(index_dir) as url, chromium_page() as page:
        page.goto(url)
        page.get_by_text("The Genie’s Out of the Bottle").first.wait_for(timeout=90_000)
        yield page


def test_typed_question_shows_answer_and_cited_paragraphs_with_highlights(page):
    ask(page, "Whose release did the ambassadors demand?", turn=0)
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    text = answer.inner_text()
    assert "[¶4]" in text and "¶4 · score" in text
    assert answer.locator("mark").count() >= 1
    assert "political prisoner" in answer.locator("mark").first.inner_text()


def test_off_topic_question_says_the_article_does_not_cover_it(page):
    ask(page, "How many moons does Jupiter have?", turn=1)
    answer = page.locator('[data-testid="stChatMessage"]').nth(3)
    assert "does not seem to cover" in answer.inner_text()
    assert "weak match" in answer.inner_text()
    # earlier turn is still on screen
    assert "Whose release did the ambassadors demand?" in page.locator('[data-testid="stChatMessage"]').nth(0).inner_text()
