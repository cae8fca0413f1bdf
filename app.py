"""Streamlit chat over an article. A thin view: state and rendering only; the work is in `qa`."""

from __future__ import annotations

import json

import streamlit as st

from qa import Answer, Document, Engine, QAError, Settings
from qa import chat
from qa.chat import Turn
from qa.answer import note as source_note
from qa.details import line as details_line
from qa.engine import DEFAULT_ID
from qa.export import chat_markdown, escape_answer, escape_markdown
from qa.extract import MAX_BYTES, SUFFIXES
from qa.feedback import FeedbackStore
from qa.highlight import anchor, escape, first_words, highlight, reader_html, reader_window
from qa.language import NOT_ENGLISH

READER_MAX = 300            # paragraphs drawn at once in the reader pane
CHAT_HEIGHT = 560           # px: the conversation pane before its CSS fits it to the window (STYLE)
STYLE = """<style>
mark{background:#ffe58f;padding:0 .1em;border-radius:2px}
.para{margin:0 0 .8em 0;padding:.3em .5em;border-left:3px solid transparent;scroll-margin-top:4.5rem}
.para.cited{border-left-color:#f0b429;background:#fffbea}
.para.weak{border-left:3px dashed #bbb}
.para:target,.para.landed{animation:landed 2.5s ease-out}
@keyframes landed{0%{background:#ffd666;box-shadow:0 0 0 3px #f0b429}100%{box-shadow:none}}
.pnum{font-weight:600;color:#888;margin-right:.3em}
.section{color:#666;font-style:italic}
.gap{color:#999;font-size:.85em;text-align:center;margin:.4em 0 1em}
/* The conversation and the reader scroll in panes that fit the window, so the page itself does
   not scroll and the question box stays in view. */
.st-key-chat-pane,div:has(> .st-key-chat-pane){max-height:max(240px, calc(100vh - 350px)) !important}
.st-key-reader-box,div:has(> .st-key-reader-box){max-height:max(240px, calc(100vh - 340px)) !important}
/* A narrow screen stacks the columns: the reader comes first, in a shorter pane, so it is not
   under the whole chat. */
@media (max-width: 640px){
  div[data-testid="stHorizontalBlock"]:has(.reader-pane){flex-direction:column-reverse;row-gap:.75rem}
  .st-key-reader-box,div:has(> .st-key-reader-box){max-height:40vh !important}
  .st-key-chat-pane,div:has(> .st-key-chat-pane){max-height:max(240px, calc(60vh - 200px)) !important}
}
</style>"""


@st.cache_resource(show_spinner="Loading the language model…")
def get_engine() -> Engine:
    return Engine(Settings.from_env())


@st.cache_resource
def get_feedback() -> FeedbackStore:
    return FeedbackStore(get_engine().settings.feedback_path)


def turns() -> list[Turn]:
    return st.session_state.setdefault("turns", [])


# --- the answer --------------------------------------------------------------------------------
def render_citation(c, evidence: list[str], note: str = "", scored: bool = True) -> None:
    with st.container(border=True):
        section = f" · <span class='section'>{escape(c.section)}</span>" if c.section else ""
        score = f" · score {c.score:.2f}" if scored else ""
        st.markdown(f"<a href='#{anchor(c.paragraph)}' class='cite'><b>¶{c.paragraph}</b></a>{section}"
                    f"{score}{note}", unsafe_allow_html=True)
        st.markdown(f"<div class='paragraph'>{highlight(c.text, evidence)}</div>", unsafe_allow_html=True)


def render_answer(answer: Answer) -> None:
    if answer.context:
        st.caption(f"Searched for: {escape(answer.searched)}", unsafe_allow_html=True)
    chance = f"{answer.probability:.0%} likely that the article answers this"
    source = source_note(answer)    # not found by retrieval: the metadata, or the opening paragraph
    if source:
        st.markdown(f"<div class='answer'>{escape(answer.text)}</div>", unsafe_allow_html=True)
        st.caption(source)
        for c in answer.citations:
            render_citation(c, c.evidence, scored=False)
        return
    if answer.level == "declined":
        st.warning(escape_answer(answer.text))
        st.caption(f"Not answered · {chance}")
    elif answer.level == "closest":
        st.info(escape_answer(answer.text), icon="🤔")
        st.caption(f"Closest passage, may not answer exactly · {chance}")
    else:
        st.markdown(f"<div class='answer'>{escape(answer.text)}</div>", unsafe_allow_html=True)
        st.caption(f"Answered · {chance}")
    if not answer.citations:
        return
    if answer.abstained:
        # Weak matches: nothing in them is evidence worth pointing at, so none is highlighted.
        st.caption("Closest paragraphs (weak matches)")
        for c in answer.citations:
            render_citation(c, [], " · weak match")
        return
    st.caption("Cited paragraph")
    first, *others = answer.citations
    render_citation(first, first.evidence)          # only the answering evidence is highlighted
    if others:
        with st.expander("Other paragraphs: " + ", ".join(f"¶{c.paragraph} (score {c.score:.2f})" for c in others)):
            for c in others:
                render_citation(c, [])


def save_feedback(i: int, kind: str) -> None:
    """Store 👍/👎 ("vote") or the paragraph the user picked as the right one ("right"), read
    from the widgets' state when they are used."""
    turn = turns()[i]
    answer = turn.answer
    vote = right = None
    if kind == "vote":
        value = st.session_state.get(f"vote-{i}")
        vote = None if value is None else (1 if value == 1 else -1)
    else:
        right = st.session_state.get(f"right-{i}")
    try:
        get_feedback().record(st.session_state["article_id"], answer.question, list(turn.history),
                              answer.searched, answer.citations[0].paragraph, vote=vote, right=right)
    except QAError as exc:
        st.toast(escape_markdown(str(exc)), icon="⚠️")
    else:
        st.toast("Thanks — feedback saved.")


def render_feedback(i: int, answer: Answer, paragraphs: list[str]) -> None:
    left, right = st.columns([1, 3])
    with left:
        st.feedback("thumbs", key=f"vote-{i}", on_change=save_feedback, args=(i, "vote"))
    with right:
        with st.popover("Wrong paragraph?"):
            cited = answer.citations[0].paragraph if answer.citations else 1
            order = list(range(cited, len(paragraphs) + 1)) + list(range(1, cited))   # from the cited one on
            st.selectbox("The right paragraph is", order, key=f"right-{i}",
                         format_func=lambda n: f"¶{n} — {first_words(paragraphs[n - 1])}")
            st.button("Save", key=f"save-right-{i}", on_click=save_feedback, args=(i, "right"))


def render_chat(doc: Document) -> None:
    for i, turn in enumerate(turns()):
        with st.chat_message("user"):
            st.text(turn.question)
        with st.chat_message("assistant"):
            if turn.answer is None:
                st.error(escape_markdown(turn.error))
            else:
                render_answer(turn.answer)
                if turn.answer.citations:        # a metadata answer cites no paragraph to correct
                    render_feedback(i, turn.answer, doc.paragraphs)


# --- the reader --------------------------------------------------------------------------------
def render_reader(paragraphs: list[str], chat_turns: list[Turn]) -> None:
    """The article, its latest answer's citations marked (the answering evidence highlighted);
    a long article is drawn around them, with every paragraph any answer cites, so that each
    ¶ link of the chat lands."""
    st.markdown("<span class='reader-pane'></span>", unsafe_allow_html=True)
    answer = chat.last_answer(chat_turns)
    cited: dict[int, list[str]] = {}
    weak: set[int] = set()               # a declined answer's closest paragraphs: not citations
    if answer is not None and answer.abstained:
        weak = {c.paragraph for c in answer.citations}
    elif answer is not None:
        for n, c in enumerate(answer.citations):
            cited[c.paragraph] = c.evidence if n == 0 else []
    latest = [c.paragraph for c in answer.citations] if answer is not None else []
    linked = latest + [c.paragraph for t in chat_turns if t.answer for c in t.answer.citations]
    shown = reader_window(len(paragraphs), linked, READER_MAX)
    if len(shown) < len(paragraphs):
        st.caption(f"{len(shown)} of {len(paragraphs)} paragraphs shown, around the citations.")
    with st.container(height=640, border=True, key="reader-box"):
        st.markdown(reader_html(paragraphs, cited, shown, weak), unsafe_allow_html=True)
    if answer is not None and answer.citations:
        scroll_reader_to(answer.citations[0].paragraph, len(chat_turns))


def scroll_reader_to(paragraph: int, turn: int) -> None:
    """Scroll the reader pane (only it, not the page) to a paragraph and mark it briefly. `turn`
    makes each answer's script new, so it runs once per answer, not on every rerun."""
    st.iframe(f"""<script>/* turn {turn} */
    const target = {json.dumps(anchor(paragraph))};
    function go(tries) {{
      const doc = window.parent.document, el = doc.getElementById(target);
      if (!el) {{ if (tries > 0) setTimeout(() => go(tries - 1), 100); return; }}
      let box = el.parentElement;
      while (box && !(box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(box).overflowY)))
        box = box.parentElement;
      if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      el.classList.remove('landed'); void el.offsetWidth; el.classList.add('landed');
    }}
    go(30); setTimeout(() => go(0), 600);     // again once the page has settled
    </script>""", height="content")


# --- the sidebar -------------------------------------------------------------------------------
def new_chat() -> None:
    st.session_state["turns"] = []
    for key in [k for k in st.session_state if str(k).startswith(("vote-", "right-"))]:
        del st.session_state[key]                   # per-answer widgets start blank in the new chat


def article_key() -> str:
    """The article selectbox's key: a new one each time the app switches article itself (one
    added or removed). With one key, a question sent before the browser had the new page brought
    the browser's copy of the old choice back with it, and the page went back to the old article."""
    return f"article-{st.session_state.get('article_round', 0)}"


def pick_article(key: str) -> None:
    if key == article_key():     # not an earlier selectbox's stale value, which the browser may still send
        st.session_state["article_id"] = st.session_state[key]
        new_chat()


def queue_upload(key: str) -> None:
    st.session_state["pending_upload"] = key


def queue_paste() -> None:
    st.session_state["pending_paste"] = True


def add_article(kind: str, upload_key: str = "") -> None:
    """Index an upload or pasted text with progress shown; on success, switch to it."""
    engine = get_engine()
    with st.status("Reading the article…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(message: str, fraction: float) -> None:
            status.update(label=message + "…")
            bar.progress(min(max(fraction, 0.0), 1.0))

        try:
            if kind == "upload":
                upload = st.session_state[upload_key]
                doc = engine.open_upload(upload.name, upload.getvalue(), progress=progress)
            else:
                doc = engine.open_text(st.session_state.get("paste_text", ""),
                                       title=st.session_state.get("paste_title") or None, progress=progress)
        except QAError as exc:
            status.update(label="The article was not added", state="error", expanded=False)
            failed = str(exc)
        else:
            failed = ""
            status.update(label="Indexed", state="complete")
    # Done, or failed: not before. A run stopped on the way (a question sent while the file was
    # indexed starts a new run) leaves it pending, and the next run adds it; before, the file sat
    # in the uploader and was never added, and nothing said so.
    st.session_state.pop("pending_upload" if kind == "upload" else "pending_paste", None)
    if failed:
        st.error(escape_markdown(failed))                      # outside the status box, so it shows when that is folded
        return
    st.session_state["select_next"] = doc.id
    if kind == "upload":
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1   # a fresh, empty uploader
    else:
        st.session_state["clear_paste"] = True        # the paste form starts empty for the next article
    st.session_state["notice"] = f"Added “{doc.title or 'Untitled'}” ({len(doc.paragraphs)} paragraphs)."
    if st.session_state.get("question"):
        # sent while the article was indexed: asked of it once it is open, not lost in the rerun
        st.session_state["ask_next"] = st.session_state["question"]
    st.rerun()


def remove_article(article_id: str) -> None:
    try:
        get_engine().remove(article_id)
    except QAError as exc:
        st.session_state["notice_error"] = str(exc)
    else:
        st.session_state["select_next"] = DEFAULT_ID


def render_articles(engine: Engine) -> str:
    st.header("Articles")
    try:
        entries = {e.id: e for e in engine.articles()}
    except QAError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    if st.session_state.get("article_id") not in entries:
        st.session_state["article_id"] = DEFAULT_ID
    article_id = st.session_state["article_id"]
    key = article_key()
    st.selectbox("Article", list(entries), index=list(entries).index(article_id), key=key,
                 on_change=pick_article, args=(key,), format_func=lambda i: entries[i].title or "Untitled")
    st.caption(f"{entries[article_id].paragraphs} paragraphs · {escape(entries[article_id].source)}",
               unsafe_allow_html=True)
    # Always a container here, so that the panels below keep their place in the page when the
    # remove button comes and goes (else, while a run redraws, the old "Add an article" panel
    # lingers above the new one)
    remove_slot = st.container()
    if article_id != DEFAULT_ID:
        with remove_slot, st.popover("Remove this article"):
            st.write("This deletes the article's text and index from the library.")
            st.button("Yes, remove it", key="confirm-remove", type="primary", on_click=remove_article,
                      args=(article_id,))
    with st.expander("Add an article", expanded=False):
        upload_tab, paste_tab = st.tabs(["Upload a file", "Paste text"])
        with upload_tab:
            # Indexing starts as soon as a file has arrived: its on_change fires once the upload
            # is complete (a separate button could be clicked while it was still on its way).
            key = f"upload-{st.session_state.get('upload_round', 0)}"
            st.file_uploader("A .txt, .md, .rst, .html, .pdf or .docx file: it is added when dropped",
                             type=[s.lstrip(".") for s in SUFFIXES], key=key, on_change=queue_upload, args=(key,))
            if st.session_state.get("pending_upload") == key and st.session_state.get(key) is not None:
                add_article("upload", key)
        with paste_tab:
            # A form sends the title and the text with the click that submits them: as two
            # widgets and a button, a click right after typing could be handled before the text
            # area had sent its text (its value is sent when it loses focus).
            with st.form("paste_form", border=False):
                st.text_input("Title (optional)", key="paste_title")
                st.text_area(f"Text (blank lines separate paragraphs; up to {MAX_BYTES // 10**6} MB)",
                             key="paste_text", height=180)
                st.form_submit_button("Add the text", on_click=queue_paste)
            if st.session_state.get("pending_paste"):
                add_article("paste")
    return article_id


def render_settings(engine: Engine, doc: Document):
    """The settings; returns the slot the export button is drawn into once this run's question
    is answered (drawn here, it would always export the chat without its newest turn)."""
    st.header("Settings")
    st.slider("Cited paragraphs", min_value=1, max_value=max(2, min(8, len(doc.paragraphs))),
              value=min(engine.settings.top_k, len(doc.paragraphs)), key="top_k")
    st.button("New chat", on_click=new_chat)
    return st.empty()


def render_export(slot, doc: Document) -> None:
    slot.download_button("Export chat", disabled=not turns(), file_name="chat.md", mime="text/markdown",
                         data=chat_markdown(doc.title, turns()))


def start_of_run() -> None:
    """What the previous run asked for before any widget exists: notices, the article to switch
    to, an emptied paste form."""
    if "notice" in st.session_state:
        st.toast(escape_markdown(st.session_state.pop("notice")), icon="✅")
    if "notice_error" in st.session_state:
        st.toast(escape_markdown(st.session_state.pop("notice_error")), icon="⚠️")
    if "select_next" in st.session_state:
        st.session_state["article_id"] = st.session_state.pop("select_next")
        st.session_state["article_round"] = st.session_state.get("article_round", 0) + 1   # a new selectbox
        new_chat()
    if st.session_state.pop("clear_paste", False):
        st.session_state["paste_title"] = ""
        st.session_state["paste_text"] = ""


def main() -> None:
    st.set_page_config(page_title="Ask the article", page_icon="📄", layout="wide")
    st.markdown(STYLE, unsafe_allow_html=True)
    engine = get_engine()
    start_of_run()
    with st.sidebar:
        article_id = render_articles(engine)
    try:
        with st.spinner("Opening the article…"):
            doc = engine.open_id(article_id)
    except QAError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    with st.sidebar:
        export_slot = render_settings(engine, doc)
    st.title(escape_markdown(doc.title or "Untitled article"), anchor=False)   # a title is text, not Markdown
    shown_details = details_line(doc.details, doc.byline)   # "By … · site · date": the file's metadata, its byline
    if shown_details:
        st.caption(escape_markdown(shown_details))
    if not doc.english:
        st.warning(NOT_ENGLISH, icon="🌐")
    left, right = st.columns([3, 2], gap="large")
    with left:
        # The conversation scrolls in its own pane with the question box under it, so the page
        # itself never scrolls: it opens at the top, title in view (a chat box pinned to the
        # page's bottom makes Streamlit keep the page scrolled to its end).
        with st.container(height=CHAT_HEIGHT, border=False, key="chat-pane"):
            # the box's text, on the run it was sent, or one sent while an article was being added
            sent_before = st.session_state.pop("ask_next", None)
            question = st.session_state.get("question") or sent_before
            if question:
                with st.spinner("Searching the article…"):
                    turns().append(chat.ask(doc, turns(), question, st.session_state.get("top_k")))
            render_chat(doc)
        st.chat_input("Ask a question about the article", key="question")
    with right:
        st.subheader("The article", anchor=False)
        render_reader(doc.paragraphs, turns())
    render_export(export_slot, doc)


main()
