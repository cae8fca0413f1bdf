"""Streamlit chat over an article. A thin view: state and rendering only; the work is in `qa`."""

from __future__ import annotations

import streamlit as st

from qa import Answer, Engine, QAError, Settings
from qa.highlight import escape, highlight

st.set_page_config(page_title="Ask the article", page_icon="📄", layout="wide")
st.markdown("<style>mark{background:#ffe58f;padding:0 .1em;border-radius:2px}</style>", unsafe_allow_html=True)


@st.cache_resource(show_spinner="Loading the language model…")
def get_engine() -> Engine:
    return Engine(Settings.from_env())


@st.cache_resource(show_spinner="Indexing the article…")
def get_default_document():
    return get_engine().open_default()


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


try:
    doc = get_default_document()
except QAError as exc:
    st.error(str(exc))
    st.stop()

with st.sidebar:
    st.header("Settings")
    top_k = st.slider("Cited paragraphs", min_value=1, max_value=min(8, len(doc.paragraphs)),
                      value=min(get_engine().settings.top_k, len(doc.paragraphs)))
    st.caption(f"{len(doc.paragraphs)} paragraphs in this article.")
    if st.button("New chat"):
        st.session_state.pop("turns", None)

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
