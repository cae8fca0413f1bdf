"""Property-based tests (Hypothesis) over the input boundary: whatever text is pasted, whatever
bytes are uploaded under whatever name, whatever question and history are asked, the only
outcomes are a result or a `qa.QAError` with a message, and an error leaves the library as it
was (the same articles, the same files and folders under the index folder, byte for byte).

Runs are reproducible (`derandomize=True`, no example database) and kept short: every pasted
text or upload that succeeds builds a real index with the real model."""

from __future__ import annotations

import hashlib
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import pdf_of
from qa import Answer, Document, Engine, QAError, Settings

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.large_base_example])

SUFFIXES = (".txt", ".md", ".rst", ".html", ".htm", ".pdf", ".docx")
LEVELS = {"answered", "closest", "declined"}


# --- the engine under test and what "unchanged" means --------------------------------------
@pytest.fixture(scope="module")
def fuzz_engine(engine, tmp_path_factory) -> Engine:
    """An Engine of its own over an empty folder, sharing the session's loaded model
    (module-scoped: Hypothesis runs every example of a test against the same fixture)."""
    return Engine(Settings(index_dir=tmp_path_factory.mktemp("fuzz-index")), embedder=engine.embedder)


def _library_state(engine: Engine) -> tuple[list, dict[str, str]]:
    """The library as listed, and every file and folder under the index folder (files by
    content and modification time, lock files by name only)."""
    root = engine.settings.index_dir
    tree: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_dir():
            tree[rel] = "folder"
        elif ".locks" in path.parts:
            tree[rel] = "lock"
        else:
            stat = path.stat()
            tree[rel] = f"{hashlib.sha256(path.read_bytes()).hexdigest()} {stat.st_mtime_ns}"
    return list(engine.articles()), tree


def _result_or_clear_error(engine: Engine, action):
    """`action()`'s result, or None when it raised a QAError that left the library alone. Any
    other exception propagates, and Hypothesis reports it with the example that raised it."""
    before = _library_state(engine)
    try:
        result = action()
    except QAError as exc:
        event(f"outcome: {type(exc).__name__}")
        assert str(exc).strip(), f"a QAError without a message: {exc!r}"
        after = _library_state(engine)
        assert after[0] == before[0], f"the library's articles changed after the error {exc}"
        assert after[1] == before[1], (
            f"files under the index folder changed after the error {exc}: "
            f"added {sorted(set(after[1]) - set(before[1]))}, removed {sorted(set(before[1]) - set(after[1]))}, "
            f"rewritten {sorted(k for k in set(after[1]) & set(before[1]) if after[1][k] != before[1][k])}")
        return None
    event(f"outcome: {type(result).__name__}")
    return result


def _clean(text: str) -> bool:
    """Shown as it is: no lone surrogate (it cannot be encoded, so the page cannot show it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_document(engine: Engine, doc) -> None:
    assert isinstance(doc, Document)
    assert doc.paragraphs, "an opened article with no paragraphs"
    assert _clean(doc.title) and all(_clean(p) for p in doc.paragraphs)
    assert doc.id in {entry.id for entry in engine.articles()}, "an added article missing from the library"
    assert engine.open_id(doc.id).paragraphs == doc.paragraphs


def _check_answer(doc, answer) -> None:
    assert isinstance(answer, Answer)
    assert answer.level in LEVELS
    assert 0.0 <= answer.probability <= 1.0 and not math.isnan(answer.probability)
    assert _clean(answer.text) and _clean(answer.searched) and _clean(answer.question)
    assert answer.citations, "an answer without even a weak match"
    for citation in answer.citations:
        assert 1 <= citation.paragraph <= len(doc.paragraphs)           # ¶n, 1-based
        assert citation.text == doc.paragraphs[citation.paragraph - 1]
        assert _clean(citation.text) and all(_clean(e) for e in citation.evidence)


# --- strategies ------------------------------------------------------------------------------
WORDS = st.sampled_from(
    "the garden tomatoes grow along south wall shed gate holds tools river bridge Marie Curie "
    "founded company 1867 Paris to be or not it was who when did she step down".split())
ODD = st.sampled_from([
    "\ud800", "\udfff", "\udc80", "\ud83d", "\ud83d\ude00", "\x00", "\x07", "\x08", "\x1b[31m", "\x7f",
    "\x85", "\x9f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029", "\r", "\r\n", "\n\n",
    "\n", "\t", "\x0b", "\x0c", "\ufffd", "\uffff", "e\u0301", "\u202e", "😀", "\U000e0001", "\U0010ffff",
    "<b>", "</p>", "<script>alert(1)</script>", "[¶1]", "$x$", "**", "# ", "- ", "> ", "```", " ", ".", "?",
])
ANY_CHAR = st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                     st.characters(max_codepoint=0x9F))
PIECE = st.one_of(WORDS.map(lambda w: w + " "), ODD, ANY_CHAR, st.just(". "), st.just("\n\n"))


def texts(max_pieces: int) -> st.SearchStrategy[str]:
    """Short texts mixing real words (so some make an article or a question) with lone
    surrogates, control and format characters, markup and anything else."""
    return st.one_of(st.lists(PIECE, max_size=max_pieces).map("".join), st.text(max_size=max_pieces))


LONG_QUESTION = st.builds(lambda word, n: (word + " ") * n, WORDS, st.integers(150, 450))   # around the 2,000 limit
QUESTIONS = st.one_of(texts(30), LONG_QUESTION)
HISTORY = st.one_of(st.none(), st.lists(st.one_of(texts(20), st.just("")), max_size=4))


def _pdf(content: bytes, extra: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table, one page and the given content stream."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> " + extra + b">>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_of(objs)


def _pdf_text_op(text: bytes) -> bytes:
    escaped = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"BT /F1 12 Tf 72 712 Td (" + escaped + b") Tj ET"


TAGS = st.sampled_from([
    "<html>", "</html>", "<head><title>", "</title></head>", "<body>", "</body>", "<p>", "</p>", "<h1>",
    "</h1>", "<div class=\"mw-parser-output\">", "<table><tr><th>", "</th><td>", "</td></tr></table>",
    "<ul><li>", "</li></ul>", "<sup class=\"reference\">[1]</sup>", "<span class=\"mw-editsection\">[edit]</span>",
    "<script>var x = 1;</script>", "<style>p{}</style>", "<!--", "-->", "<![CDATA[", "]]>", "<meta charset=\"utf-8\">",
    "<meta property=\"og:title\" content=\"", "\">", "&amp;", "&#0;", "&#xD800;", "&nbsp;", "<", ">", "<br>",
])
HTMLISH = st.lists(st.one_of(TAGS, texts(8)), max_size=40).map("".join)
MARKDOWNISH = st.lists(st.one_of(st.sampled_from(["# ", "## ", "- ", "1. ", "> ", "```\n", "[a](http://x)", "![alt](i.png)",
                                                  "| a | b |\n|---|---|\n", "---\n", "\n\n", "<b>", "\\"]),
                                 texts(8)), max_size=30).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


UPLOAD_DATA = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=1500).map(lambda b: b"%PDF-1.4\n" + b),
    st.binary(max_size=1500).map(lambda b: b"%PDF-1.4\n" + b + b"\n%%EOF\n"),
    st.binary(max_size=600).map(_pdf),
    st.builds(lambda t: _pdf(_pdf_text_op(t)), st.binary(max_size=300)),
    st.builds(lambda t, e: _pdf(_pdf_text_op(t), e), st.binary(max_size=60), st.binary(max_size=200)),
    st.builds(lambda t: _pdf(_pdf_text_op(t.encode("latin-1", "replace"))), texts(30)),
    st.lists(WORDS, min_size=3, max_size=25).map(lambda w: _pdf(_pdf_text_op(" ".join(w).encode()))),
    st.builds(lambda t, e: _pdf(_pdf_text_op(t.encode("latin-1", "replace")), e), texts(20), st.binary(max_size=200)),
    st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    st.builds(lambda bom, b: bom + b, st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]), st.binary(max_size=600)),
    st.builds(_encode, HTMLISH, ENCODINGS),
    st.builds(_encode, MARKDOWNISH, ENCODINGS),
    st.builds(_encode, texts(40), ENCODINGS),
)
NAME_STEMS = st.one_of(st.just("upload"), st.sampled_from(["../../evil", "/etc/passwd", "a/b\\c", "C:\\x\\y", "", ".",
                                                           "..", "\x00", "con", "名前", "\ud800", " "]),
                       st.text(max_size=20))


# --- properties ------------------------------------------------------------------------------
@settings(FUZZ, max_examples=30)
@given(text=texts(40), title=st.one_of(st.none(), texts(8)))
def test_any_pasted_text_gives_an_article_or_a_clear_error_and_leaves_the_library_alone(fuzz_engine, text, title):
    doc = _result_or_clear_error(fuzz_engine, lambda: fuzz_engine.open_text(text, title=title))
    if doc is not None:
        _check_document(fuzz_engine, doc)


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(FUZZ, max_examples=40)
@given(stem=NAME_STEMS, data=UPLOAD_DATA)
def test_any_uploaded_bytes_give_an_article_or_a_clear_error_and_leave_the_library_alone(fuzz_engine, suffix,
                                                                                          stem, data):
    doc = _result_or_clear_error(fuzz_engine, lambda: fuzz_engine.open_upload(stem + suffix, data))
    if doc is not None:
        _check_document(fuzz_engine, doc)
        _check_answer(doc, doc.ask("What is it about?"))


@settings(FUZZ, max_examples=80)
@given(question=QUESTIONS, history=HISTORY)
def test_any_question_and_history_give_an_answer_or_a_clear_error_and_leave_the_library_alone(engine, seed_doc,
                                                                                              question, history):
    answer = _result_or_clear_error(engine, lambda: seed_doc.ask(question, history=history))
    if answer is not None:
        _check_answer(seed_doc, answer)
