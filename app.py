"""Streamlit chat over an article. A thin view: state and rendering only; the work is in `qa`."""

from __future__ import annotations

import streamlit as st

from qa import Answer, Engine, QAError, Settings
from qa.engine import DEFAULT_ID
from qa.extract import SUFFIXES
from qa.highlight import escape, highlight

st.set_page_config(page_title="Ask the article", page_icon="📄", layout="wide")
st.markdown("<style>mark{background:#ffe58f;padding:0 .1em;border-radius:2px}</style>", unsafe_allow_html=True)


@st.cache_resource(show_spinner="Loading the language model…")
def get_engine() -> Engine:
    return Engine(Settings.from_env())


def render_answer(answer: Answer) -> None:
    if answer.abstained:
        st.warning(answer.text)
    else:
        st.markdown(f"<div class='answer'>{escape(answer.text)}</div>", unsafe_allow_html=True)
    label = "Closest paragraphs (weak matches)" if answer.abstained else "Cited paragraphs"
    st.caption(label)
    for c in answer.citations:
        weak = " · weak match" if answer.abstained else ""
        with st.container(border=True):
            st.markdown(f"**¶{c.paragraph}** · score {c.score:.2f}{weak}")
            # A weak match has no evidence worth pointing at: shown plain, not highlighted.
            evidence = [] if answer.abstained else c.evidence
            st.markdown(f"<div class='paragraph'>{highlight(c.text, evidence)}</div>", unsafe_allow_html=True)


def new_chat() -> None:
    st.session_state["turns"] = []


def add_article(kind: str) -> None:
    """Index an upload or pasted text with progress shown; on success, switch to it."""
    engine = get_engine()
    with st.status("Reading the article…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(message: str, fraction: float) -> None:
            status.update(label=message + "…")
            bar.progress(min(max(fraction, 0.0), 1.0))

        try:
            if kind == "upload":
                upload = st.session_state.get("upload")
                if upload is None:
                    raise QAError("Choose a file first.")
                doc = engine.open_upload(upload.name, upload.getvalue(), progress=progress)
            else:
                doc = engine.open_text(st.session_state.get("paste_text", ""),
                                       title=st.session_state.get("paste_title") or None, progress=progress)
        except QAError as exc:
            status.update(label="The article was not added", state="error")
            st.error(str(exc))
            return
        status.update(label="Indexed", state="complete")
    st.session_state["select_next"] = doc.id
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
            st.file_uploader("A .txt, .md, .html or .pdf file (up to 20 MB)",
                             type=[s.lstrip(".") for s in SUFFIXES], key="upload")
            if st.button("Add the file"):
                add_article("upload")
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

with st.sidebar:
    st.header("Settings")
    top_k = st.slider("Cited paragraphs", min_value=1, max_value=max(2, min(8, len(doc.paragraphs))),
                      value=min(engine.settings.top_k, len(doc.paragraphs)))
    st.button("New chat", on_click=new_chat)

st.title(doc.title or "Untitled article")
turns: list[dict] = st.session_state.setdefault("turns", [])

for turn in turns:
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        if turn.get("error"):
            st.error(turn["error"])
        else:
            render_answer(turn["answer"])

if question := st.chat_input("Ask a question about the article"):
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        history = [t["question"] for t in turns]
        try:
            with st.spinner("Searching the article…"):
                answer = doc.ask(question, history=history, top_k=top_k)
        except QAError as exc:
            st.error(str(exc))
            turns.append({"question": question, "error": str(exc)})
        else:
            render_answer(answer)
            turns.append({"question": question, "answer": answer})
