"""One real browser session: the app served by `streamlit run`, driven in headless Chromium."""

import shutil
from pathlib import Path

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


def test_a_question_sent_while_a_long_upload_is_indexed_is_asked_of_it_and_the_reader_follows(page, tmp_path):
    log = [f"Day {n} of the keeper's log: the wind was moderate, the lamp was trimmed at dusk and the "
           f"tide came in as the tables said." for n in range(1, 401)]
    log[19] = "On day 20 the supply boat brought forty gallons of colza oil and a new clockwork for the lens."
    log[389] = "On day 390 a seal pup was found asleep on the landing stage and the keepers named it Bramble."
    path = tmp_path / "keepers-log.txt"
    path.write_text("Keeper's log\n\n" + "\n\n".join(log), encoding="utf-8")
    page.get_by_text("Add an article").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    # asked while the file is indexed: the run that indexes it is stopped by the question's, and
    # before, the file was never added, or the page went back to the article before
    page.get_by_text("Reading the article").first.wait_for(timeout=30_000)
    ask(page, "What did the supply boat bring?", turn=0)
    page.locator("h1", has_text="Keeper's log").wait_for(timeout=90_000)
    assert "[¶20]" in page.locator('[data-testid="stChatMessage"]').nth(1).inner_text()
    ask(page, "What did the keepers name the seal pup?", turn=1)
    assert "[¶390]" in page.locator('[data-testid="stChatMessage"]').nth(3).inner_text()
    page.wait_for_function(IN_BOX, arg=390, timeout=10_000)       # the reader scrolled to the newest answer
    assert not page.evaluate(IN_BOX, 20)
    page.locator("a.cite", has_text="¶20").first.click()          # the first answer's citation, far away
    page.wait_for_function(IN_BOX, arg=20, timeout=10_000)

    page.get_by_role("button", name="Remove this article").click()
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("h1", has_text="The Genie’s Out of the Bottle").wait_for(timeout=60_000)


HOSTILE_TITLE = "<img src=\"x\" onerror=\"alert('title')\"> **Bold** [t](javascript:alert('t'))"
HOSTILE_PAYLOADS = ["<script>alert('a')</script>", "<img src=\"x\" onerror=\"alert('b')\">",
                    "[click](javascript:alert('c'))", "<iframe src=\"javascript:alert('e')\"></iframe>",
                    "<svg onload=\"alert('d')\">"]
HOSTILE_TEXT = "\n\n".join([
    "The lighthouse keeper had a ginger cat named Marmalade. <script>alert('a')</script> It slept on the lamp "
    "room stairs. <img src=\"x\" onerror=\"alert('b')\"> In winter it caught mice in the oil store. "
    "[click](javascript:alert('c')) <iframe src=\"javascript:alert('e')\"></iframe> <svg onload=\"alert('d')\">",
    "<svg onload=\"alert('d')\"> The ferry to the island leaves the harbour at seven o'clock every morning.",
    "The old mill by the river grinds barley and oats for the village bakery. "
    "<iframe src=\"javascript:alert('e')\"></iframe>",
    "<script>alert('a')</script> The town council meets on the first Tuesday of each month in the school hall. "
    "[minutes](javascript:alert('c'))",
])
# What a browser made of a page: elements and attributes that can run script, and its text.
RENDERED = """() => { const all = [...document.querySelectorAll('*')];
  const attrs = e => [...e.attributes].map(a => [e.tagName + ' ' + a.name, a.name, a.value]);
  return {elements: [...document.querySelectorAll('script,img,svg,iframe,object,embed,frame')].map(e => e.outerHTML),
          handlers: all.flatMap(attrs).filter(([, name]) => /^on/i.test(name)).map(([where]) => where),
          scripted: all.flatMap(attrs).filter(([, , value]) =>
              /^javascript:/i.test(value.replace(/[\\s\\x00-\\x1f]/g, ''))).map(([where]) => where),
          text: document.body.textContent}; }"""


def test_an_article_with_script_in_its_text_and_title_exports_as_markdown_that_renders_inert(page):
    from markdown_it import MarkdownIt
    from playwright.sync_api import expect

    app_dialogs: list[str] = []

    def on_app_dialog(dialog):
        app_dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_app_dialog)
    try:
        paste = page.get_by_role("tab", name="Paste text")
        if not paste.is_visible():
            page.get_by_text("Add an article").click()
        paste.click()
        page.locator(".st-key-paste_title input").fill(HOSTILE_TITLE)
        page.locator(".st-key-paste_text textarea").fill(HOSTILE_TEXT)
        page.get_by_role("button", name="Add the text").click()
        page.locator("h1", has_text="onerror=\"alert('title')\"").wait_for(timeout=90_000)
        assert page.locator("h1").first.inner_text().strip() == HOSTILE_TITLE       # shown as text
        # the paste form is empty again: a second paste is not appended to the first
        expect(page.locator(".st-key-paste_title input")).to_have_value("", timeout=10_000)
        expect(page.locator(".st-key-paste_text textarea")).to_have_value("", timeout=10_000)

        ask(page, "What was the name of the lighthouse keeper's cat?", turn=0)
        assert "[¶1]" in page.locator('[data-testid="stChatMessage"]').nth(1).inner_text()
        export = page.get_by_role("button", name="Export chat")
        expect(export).to_be_enabled(timeout=10_000)        # the turn just answered is in the export
        with page.expect_download(timeout=30_000) as download:
            export.click()
        markdown = Path(download.value.path()).read_text(encoding="utf-8")
        assert "lighthouse keeper's cat" in markdown and "**¶1**" in markdown, markdown
    finally:
        page.remove_listener("dialog", on_app_dialog)
    assert not app_dialogs, f"the app itself ran the article's script: {app_dialogs}"

    page.get_by_role("button", name="Remove this article").click()               # leave the library as found
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("h1", has_text="The Genie’s Out of the Bottle").wait_for(timeout=60_000)

    # An ordinary, permissive viewer: raw HTML passed through and links not vetted, so only the
    # export's escaping stands between the article and the reader's browser.
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True
    viewer_context = page.context.browser.new_context()
    try:
        viewer = viewer_context.new_page()
        dialogs: list[str] = []
        viewer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        viewer.set_content(f"<!doctype html><html><body>{md.render(markdown)}</body></html>")
        viewer.wait_for_timeout(1000)                       # onerror / onload handlers would have run by now
        for link in viewer.locator("a").all():
            link.click(timeout=5_000)
        viewer.wait_for_timeout(500)
        rendered = viewer.evaluate(RENDERED)
    finally:
        viewer_context.close()
    assert not dialogs, f"the exported chat ran script when viewed: {dialogs}"
    assert not rendered["elements"], rendered["elements"]
    assert not rendered["handlers"], rendered["handlers"]
    assert not rendered["scripted"], rendered["scripted"]
    # ... and it is not inert by being empty: the payloads are there, shown as the text they are
    assert f"Chat about “{HOSTILE_TITLE}”" in rendered["text"]
    for payload in HOSTILE_PAYLOADS:
        assert payload in rendered["text"], (payload, rendered["text"])
