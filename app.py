"""Streamlit chat over an article. A thin view: state and rendering only; the work is in `qa`."""

from __future__ import annotations

import streamlit as st

from qa import Answer, Engine, QAError, Settings
from qa.engine import DEFAULT_ID
from qa.export import chat_markdown
from qa.extract import SUFFIXES
from qa.feedback import FeedbackStore
from qa.highlight import anchor, escape, highlight, reader_html

st.set_page_config(page_title="Ask the article", page_icon="📄", layout="wide")
st.markdown("""<style>
mark{background:#ffe58f;padding:0 .1em;border-radius:2px}
.para{margin:0 0 .8em 0;padding:.3em .5em;border-left:3px solid transparent}
.para.cited{border-left-color:#f0b429;background:#fffbea}
.pnum{font-weight:600;color:#888;margin-right:.3em}
</style>""", unsafe_allow_html=True)
READER_MAX = 300            # paragraphs drawn at once in the reader pane


@st.cache_resource(show_spinner="Loading the language model…")
def get_engine() -> Engine:
    return Engine(Settings.from_env())


@st.cache_resource
def get_feedback() -> FeedbackStore:
    return FeedbackStore(get_engine().settings.feedback_path)


def render_answer(answer: Answer) -> None:
    if answer.context:
        st.caption(f"Searched for: {escape(answer.searched)}", unsafe_allow_html=True)
    chance = f"{answer.probability:.0%} likely that the article answers this"
    if answer.level == "declined":
        st.warning(answer.text)
        st.caption(f"Not answered · {chance}")
    elif answer.level == "closest":
        st.info(answer.text, icon="🤔")
        st.caption(f"Closest passage, may not answer exactly · {chance}")
    else:
        st.markdown(f"<div class='answer'>{escape(answer.text)}</div>", unsafe_allow_html=True)
        st.caption(f"Answered · {chance}")
    label = "Closest paragraphs (weak matches)" if answer.abstained else "Cited paragraphs"
    st.caption(label)
    for c in answer.citations:
        weak = " · weak match" if answer.abstained else ""
        with st.container(border=True):
            st.markdown(f"<a href='#{anchor(c.paragraph)}' class='cite'><b>¶{c.paragraph}</b></a> · "
                        f"score {c.score:.2f}{weak}", unsafe_allow_html=True)
            # A weak match has no evidence worth pointing at: shown plain, not highlighted.
            evidence = [] if answer.abstained else c.evidence
            st.markdown(f"<div class='paragraph'>{highlight(c.text, evidence)}</div>", unsafe_allow_html=True)


def save_feedback(i: int, kind: str) -> None:
    """Store 👍/👎 ("vote") or the paragraph the user picked as the right one ("right"), read
    from the widgets' state when they are used."""
    turn = st.session_state["turns"][i]
    answer: Answer = turn["answer"]
    vote = right = None
    if kind == "vote":
        value = st.session_state.get(f"vote-{i}")
        vote = None if value is None else (1 if value == 1 else -1)
    else:
        right = st.session_state.get(f"right-{i}")
    try:
        get_feedback().record(st.session_state["article_id"], answer.question, turn["history"], answer.searched,
                              answer.citations[0].paragraph, vote=vote, right=right)
    except QAError as exc:
        st.toast(str(exc), icon="⚠️")
    else:
        st.toast("Thanks — feedback saved.")


def render_feedback(i: int, paragraphs: int) -> None:
    left, right = st.columns([1, 3])
    with left:
        st.feedback("thumbs", key=f"vote-{i}", on_change=save_feedback, args=(i, "vote"))
    with right:
        with st.popover("Wrong paragraph?"):
            st.selectbox("The right paragraph is", list(range(1, paragraphs + 1)),
                         format_func=lambda n: f"¶{n}", key=f"right-{i}")
            st.button("Save", key=f"save-right-{i}", on_click=save_feedback, args=(i, "right"))


def render_reader(paragraphs: list[str], answer: Answer | None) -> None:
    cited = {c.paragraph: ([] if answer.abstained else c.evidence) for c in answer.citations} if answer else {}
    first = 1
    if len(paragraphs) > READER_MAX:
        top = min(cited) if cited else 1
        first = max(1, min(top - 5, len(paragraphs) - READER_MAX + 1))
        st.caption(f"¶{first}–¶{first + READER_MAX - 1} of {len(paragraphs)}, around the citations.")
    with st.container(height=640, border=True):
        st.markdown(reader_html(paragraphs[first - 1:first - 1 + READER_MAX], cited, first),
                    unsafe_allow_html=True)


def new_chat() -> None:
    st.session_state["turns"] = []
    for key in [k for k in st.session_state if str(k).startswith(("vote-", "right-"))]:
        del st.session_state[key]                   # per-answer widgets start blank in the new chat


def queue_upload(key: str) -> None:
    st.session_state["pending_upload"] = key


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
    if failed:
        st.error(failed)                      # outside the status box, so it shows when that is folded
        return
    st.session_state["select_next"] = doc.id
    if kind == "upload":
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1   # a fresh, empty uploader
    st.session_state["notice"] = f"Added “{doc.title or 'Untitled'}” ({len(doc.paragraphs)} paragraphs)."
    st.rerun()


engine = get_engine()
if "notice" in st.session_state:
    st.toast(st.session_state.pop("notice"), icon="✅")
if "select_next" in st.session_state:           # set before the selectbox exists in this run
    st.session_state["article_id"] = st.session_state.pop("select_next")
    new_chat()

with st.sidebar:
    st.header("Articles")
    try:
        entries = {e.id: e for e in engine.articles()}
    except QAError as exc:
        st.error(str(exc))
        st.stop()
    if st.session_state.get("article_id") not in entries:
        st.session_state["article_id"] = DEFAULT_ID
    article_id = st.selectbox("Article", list(entries), key="article_id", on_change=new_chat,
                              format_func=lambda i: entries[i].title or "Untitled")
    st.caption(f"{entries[article_id].paragraphs} paragraphs · {entries[article_id].source}")
    if article_id != DEFAULT_ID and st.button("Remove this article"):
        try:
            engine.remove(article_id)
        except QAError as exc:
            st.error(str(exc))
        else:
            st.session_state["select_next"] = DEFAULT_ID
            st.rerun()
    with st.expander("Add an article", expanded=False):
        upload_tab, paste_tab = st.tabs(["Upload a file", "Paste text"])
        with upload_tab:
            # Indexing starts as soon as a file has arrived: its on_change fires once the upload
            # is complete (a separate button could be clicked while it was still on its way).
            key = f"upload-{st.session_state.get('upload_round', 0)}"
            st.file_uploader("A .txt, .md, .html or .pdf file (up to 20 MB): it is added when dropped",
                             type=[s.lstrip(".") for s in SUFFIXES], key=key, on_change=queue_upload, args=(key,))
            if st.session_state.pop("pending_upload", None) == key and st.session_state.get(key) is not None:
                add_article("upload", key)
        with paste_tab:
            st.text_input("Title (optional)", key="paste_title")
            st.text_area("Text (blank lines separate paragraphs)", key="paste_text", height=180)
            if st.button("Add the text"):
                add_article("paste")

try:
    with st.spinner("Opening the article…"):
        doc = engine.open_id(article_id)
except QAError as exc:
    st.error(str(exc))
    st.stop()

turns: list[dict] = st.session_state.setdefault("turns", [])
if question := st.chat_input("Ask a question about the article"):
    history = [t["question"] for t in turns if "answer" in t]
    try:
        with st.spinner("Searching the article…"):
            turns.append({"question": question, "history": history,
                          "answer": doc.ask(question, history=history, top_k=st.session_state.get("top_k"))})
    except QAError as exc:
        turns.append({"question": question, "history": history, "error": str(exc)})

with st.sidebar:
    st.header("Settings")
    st.slider("Cited paragraphs", min_value=1, max_value=max(2, min(8, len(doc.paragraphs))),
              value=min(engine.settings.top_k, len(doc.paragraphs)), key="top_k")
    st.button("New chat", on_click=new_chat)
    st.download_button("Export chat", disabled=not turns, file_name="chat.md", mime="text/markdown",
                       data=chat_markdown(doc.title, [(t["question"], t.get("answer"), t.get("error")) for t in turns]))

st.title(doc.title or "Untitled article")
chat, reader = st.columns([3, 2], gap="large")
with chat:
    for i, turn in enumerate(turns):
        with st.chat_message("user"):
            st.text(turn["question"])
        with st.chat_message("assistant"):
            if turn.get("error"):
                st.error(turn["error"])
            else:
                render_answer(turn["answer"])
                render_feedback(i, len(doc.paragraphs))
with reader:
    st.subheader("The article")
    answered = [t["answer"] for t in turns if "answer" in t]
    render_reader(doc.paragraphs, answered[-1] if answered else None)
