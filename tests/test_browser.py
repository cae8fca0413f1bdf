"""One real browser session: the app served by `streamlit run`, driven in headless Chromium."""

import shutil

import pytest

from browser import CHROMIUM, ask, chromium_page, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(seed_doc, index_dir, data_dir):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with streamlit_server(index_dir, data_dir) as url, chromium_page() as page:
        page.goto(url)
        page.get_by_text("The Genie’s Out of the Bottle").first.wait_for(timeout=90_000)
        yield page


IN_VIEW = """() => { const title = document.querySelector('h1').getBoundingClientRect();
  const box = document.querySelector('[data-testid=stChatInput]').getBoundingClientRect();
  return {title: Math.round(title.top), box: Math.round(box.bottom), height: innerHeight,
          scrolled: document.querySelector('[data-testid=stMain]').scrollTop}; }"""


def test_the_page_opens_at_the_top_with_the_question_box_in_view(page):
    page.get_by_test_id("stChatInput").wait_for(timeout=60_000)      # drawn after the title
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)                                        # let the layout settle
    where = page.evaluate(IN_VIEW)
    assert where["scrolled"] == 0 and where["title"] > 0, where
    assert where["box"] <= where["height"], where


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
    # the conversation scrolls in its pane: the page stays at the top, title and box in view
    where = page.evaluate(IN_VIEW)
    assert where["scrolled"] < 20 and where["title"] > 0 and where["box"] <= where["height"], where


def test_a_follow_up_is_answered_from_the_conversation_and_citations_link_to_the_reader(page):
    ask(page, "Which countries bought Turkish drones?", turn=2)
    ask(page, "What about Lithuania?", turn=3)
    answer = page.locator('[data-testid="stChatMessage"]').nth(7)
    text = answer.inner_text()
    assert "Searched for:" in text and "Turkish drones" in text
    answer_line = next(line for line in text.splitlines() if "[¶" in line)
    assert "[¶2]" in answer_line
    scroller = """const p = document.getElementById('para-4'); let box = p.parentElement;
        while (box && !(box.scrollHeight > box.clientHeight + 1
                        && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;"""
    page.evaluate("() => { " + scroller + " box.scrollTop = 0; }")                 # the reader pane, scrolled up
    assert not page.evaluate("() => { " + scroller + " const r = p.getBoundingClientRect();"
                             " return r.top < box.getBoundingClientRect().bottom; }"), "¶4 is in view already"
    page.locator("a.cite", has_text="¶4").first.click()            # a citation of the first answer
    page.wait_for_function("() => { " + scroller + """ const b = box.getBoundingClientRect();
        const r = p.getBoundingClientRect(); return r.top >= b.top - 1 && r.top < b.bottom; }""", timeout=10_000)


def test_uploaded_pdf_is_added_and_answers_about_it(page, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.set_title("Bell Rock")
    pdf.add_page()
    for text in ["The Bell Rock Lighthouse stands eleven miles off the coast of Angus in Scotland.",
                 "It was built between 1807 and 1810 by the engineer Robert Stevenson.",
                 "The light was automated in 1988, and the last keepers left the rock.",
                 "A signal tower on the shore at Arbroath now houses a museum about the lighthouse."]:
        pdf.multi_cell(0, 6, text)
        pdf.ln(4)
    path = tmp_path / "bell-rock.pdf"
    pdf.output(str(path))

    page.get_by_text("Add an article").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.locator("h1", has_text="Bell Rock").wait_for(timeout=90_000)
    page.get_by_text("Added “Bell Rock” (4 paragraphs).").wait_for(timeout=10_000)
    assert page.locator('[data-testid="stChatMessage"]').count() == 0          # a fresh chat for it

    ask(page, "When was the light automated?", turn=0)
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    assert "[¶3]" in answer.inner_text() and "automated in 1988" in answer.inner_text()
    # a one-sentence paragraph is all evidence: it is shown cited, not marked yellow all over
    assert answer.locator("mark").count() == 0
    page.locator("#para-3.cited").wait_for(timeout=10_000)

    page.get_by_role("button", name="Remove this article").click()               # leave the library as found
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("h1", has_text="The Genie’s Out of the Bottle").wait_for(timeout=60_000)


IN_BOX = """n => { const p = document.getElementById('para-' + n); if (!p) return false; let box = p.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(box).overflowY)))
        box = box.parentElement;
    const b = box.getBoundingClientRect(), r = p.getBoundingClientRect();
    return r.top >= b.top - 1 && r.top < b.bottom - 20 && r.top > 60; }"""      # in the pane, below the page header


def test_in_a_long_article_the_reader_follows_the_answer_and_every_link_lands(page, tmp_path):
    log = [f"Day {n} of the keeper's log: the wind was moderate, the lamp was trimmed at dusk and the "
           f"tide came in as the tables said." for n in range(1, 401)]
    log[19] = "On day 20 the supply boat brought forty gallons of colza oil and a new clockwork for the lens."
    log[389] = "On day 390 a seal pup was found asleep on the landing stage and the keepers named it Bramble."
    path = tmp_path / "keepers-log.txt"
    path.write_text("Keeper's log\n\n" + "\n\n".join(log), encoding="utf-8")
    page.get_by_text("Add an article").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.locator("h1", has_text="Keeper's log").wait_for(timeout=90_000)

    ask(page, "What did the supply boat bring?", turn=0)
    ask(page, "What did the keepers name the seal pup?", turn=1)
    assert "[¶390]" in page.locator('[data-testid="stChatMessage"]').nth(3).inner_text()
    page.wait_for_function(IN_BOX, arg=390, timeout=10_000)       # the reader scrolled to the newest answer
    assert not page.evaluate(IN_BOX, 20)
    page.locator("a.cite", has_text="¶20").first.click()          # the first answer's citation, far away
    page.wait_for_function(IN_BOX, arg=20, timeout=10_000)

    page.get_by_role("button", name="Remove this article").click()
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("h1", has_text="The Genie’s Out of the Bottle").wait_for(timeout=60_000)
