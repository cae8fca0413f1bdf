"""How well `qa.extract` reads real web pages and PDFs, measured against outside references.

The reference set is Mozilla Readability's test pages (Firefox's Reader View; Apache-2.0):
each page folder holds the page as saved from the web (`source.html`), Readability's main
text (`expected.html`) and its metadata (`expected-metadata.json`: title, byline, …). Per page:

- word precision / recall / F1 of our paragraphs against the reference main text (bags of
  lower-cased words, so order and whitespace do not count);
- whether the title is right: ours equals the reference title, or the reference title without
  a site name after " - ", " | ", " – " or " — " (Readability keeps "Mozilla - Wikipedia");
- junk paragraphs: reference-list entries ("^ …"), table rows ("| … |"), edit links ("[edit]"),
  footnote markers left in text ("[23]"), and paragraphs mostly absent from the reference
  (captions, credits, bylines, related links: under half their words in the reference text).

PDFs (tests/data/extract/pdfs.json): publishers' LaTeX samples from TeX Live, each with its title
and the paragraphs that must come out whole (first and last words), written from its .tex source.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import QAError
from .extract import clean_html, clean_paragraph, extract
from .ingest import own_heading

_WORD = re.compile(r"\w+")
_SITE_SUFFIX = re.compile(r"\s+[-|–—·:]\s+[^-|–—·:]{1,60}$")
JUNK_KINDS = ("reference", "table-row", "edit-link", "marker", "not-in-reference")
_JUNK = {
    "reference": re.compile(r"^(?:[-*•]\s*)?(?:\^|↑)"),
    "table-row": re.compile(r"^\|.*\|$"),
    "edit-link": re.compile(r"\[\s*edit\s*\]", re.IGNORECASE),
    "marker": re.compile(r"\[\d{1,3}\]|\[citation needed\]", re.IGNORECASE),
}


@dataclass(frozen=True)
class PageResult:
    name: str
    precision: float
    recall: float
    f1: float                 # against the reference's text without apparatus (see evaluate_page)
    f1_raw: float             # against the reference's text as it is
    title: str
    reference_title: str
    title_right: bool
    paragraphs: int
    junk: dict[str, int]
    author: str = ""          # from the page's metadata (details.py)
    reference_author: str = ""    # Readability's byline; "" when it names none


@dataclass(frozen=True)
class PdfResult:
    name: str
    part: str                 # "tune" (looked at while qa/pdf.py was written) or "held-out"
    title: str
    reference_title: str
    title_right: bool
    paragraphs: int
    whole: int                # expected paragraphs found whole (one paragraph from first to last words)
    expected_whole: int
    fragments: int            # paragraphs under 40 characters


def words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def overlap(ours: Counter, reference: Counter) -> tuple[float, float, float]:
    """Word precision, recall and F1 of one bag of words against another."""
    common = sum((ours & reference).values())
    precision = common / max(sum(ours.values()), 1)
    recall = common / max(sum(reference.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def html_text(html: str) -> str:
    """The visible text of an HTML fragment, blocks separated by newlines."""
    import lxml.html

    root = lxml.html.fromstring(html or "<div></div>")
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "pre", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def title_right(ours: str, reference: str) -> bool:
    def norm(t: str) -> str:
        return " ".join(_WORD.findall(t.casefold()))
    if not reference:
        return True
    candidates = {norm(reference), norm(_SITE_SUFFIX.sub("", reference))}
    return norm(ours) in candidates


def junk(paragraphs: tuple[str, ...], reference: Counter) -> dict[str, int]:
    counts = dict.fromkeys(JUNK_KINDS, 0)
    for p in paragraphs:
        for kind, pattern in _JUNK.items():
            if pattern.search(p):
                counts[kind] += 1
        own = words(p)
        if sum(own.values()) >= 3 and sum((own & reference).values()) < 0.5 * sum(own.values()):
            counts["not-in-reference"] += 1
    return counts


def evaluate_page(folder: Path) -> PageResult:
    try:
        source = read_stored(folder / "source.html")
        reference_html = read_stored(folder / "expected.html").decode("utf-8")
        meta = json.loads(read_stored(folder / "expected-metadata.json"))
    except (OSError, ValueError) as exc:
        raise QAError(f"{folder} is not a reference page folder (source.html, expected.html, "
                      f"expected-metadata.json): {exc}") from None
    article = extract(f"{folder.name}.html", source)
    # Readability keeps a page's apparatus (reference lists, [edit] links, [23] markers), which
    # this app drops on purpose; F1 is scored against the reference without it (the same
    # clean-up applied to the reference), and f1_raw against the reference as it is.
    raw = words(html_text(reference_html))
    reference = words("\n".join(clean_paragraph(line) for line in html_text(clean_html(reference_html)).splitlines()))
    headings = dict.fromkeys(own_heading(c) for c in article.context if c)     # each heading once
    ours = words("\n".join([*article.paragraphs, *headings]))
    p, r, f = overlap(ours, reference)
    f_raw = overlap(ours, raw)[2]
    ref_title = (meta.get("title") or "").strip()
    return PageResult(folder.name, round(p, 4), round(r, 4), round(f, 4), round(f_raw, 4), article.title, ref_title,
                      title_right(article.title, ref_title), len(article.paragraphs),
                      junk(article.paragraphs, raw), article.details.author, " ".join((meta.get("byline") or "").split()))


def author_right(result: PageResult) -> bool | None:
    """Our author is in the reference byline ("Dan Goodin" in "by Dan Goodin - Apr 16, 2015");
    None when the reference names none."""
    if not result.reference_author:
        return None
    return bool(result.author) and result.author.casefold() in result.reference_author.casefold()


def read_stored(path: Path) -> bytes:
    """A file, or its gzipped copy (path + ".gz") as the pages are stored in tests/data."""
    import gzip

    return path.read_bytes() if path.exists() else gzip.decompress(Path(f"{path}.gz").read_bytes())


def is_page(folder: Path) -> bool:
    return (folder / "source.html").exists() or (folder / "source.html.gz").exists()


def evaluate(folder: Path) -> list[PageResult]:
    """Every page folder under `folder` (or `folder` itself when it is one)."""
    folder = Path(folder)
    if is_page(folder):
        return [evaluate_page(folder)]
    pages = sorted(p for p in folder.iterdir() if is_page(p)) if folder.is_dir() else []
    if not pages:
        raise QAError(f"No reference pages under {folder} (folders with source.html and expected.html).")
    return [evaluate_page(p) for p in pages]


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split())


def evaluate_pdfs(spec: Path, root: Path) -> list[PdfResult]:
    """The PDFs listed in `spec` (tests/data/extract/pdfs.json), read from under `root`."""
    try:
        data = json.loads(Path(spec).read_text(encoding="utf-8"))
        items = data["pdfs"]
        base = Path(root) / data.get("root", "")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QAError(f"{spec} is not a PDF evaluation list: {exc}") from None
    results = []
    for item in items:
        path = base / item["file"]
        if not path.exists():
            raise QAError(f"{path} is missing: `make eval-extract` fetches the PDFs (texlive-publishers-doc).")
        article = extract(path.name, path.read_bytes())
        paragraphs = [_plain(p) for p in article.paragraphs]
        whole = sum(any(p.startswith(_plain(a)) and p.endswith(_plain(b)) for p in paragraphs)
                    for a, b in item.get("whole", []))
        results.append(PdfResult(path.name, item.get("part", ""), article.title, item["title"],
                                 title_right(article.title, item["title"]), len(paragraphs), whole,
                                 len(item.get("whole", [])), sum(len(p) < 40 for p in paragraphs)))
    return results


def pdf_table(results: list[PdfResult]) -> str:
    head = f"{'pdf':<26} {'part':<9} {'title':>5} {'paras':>5} {'whole':>6} {'short':>5}"
    rows = [f"{r.name[:26]:<26} {r.part:<9} {'ok' if r.title_right else 'WRONG':>5} {r.paragraphs:>5} "
            f"{r.whole:>3}/{r.expected_whole:<2} {r.fragments:>5}" for r in results]
    for part in sorted({r.part for r in results}):
        rs = [r for r in results if r.part == part]
        rows.append(f"{part + ' total':<36} {sum(r.title_right for r in rs):>2}/{len(rs):<2} {sum(r.paragraphs for r in rs):>5} "
                    f"{sum(r.whole for r in rs):>3}/{sum(r.expected_whole for r in rs):<2} {sum(r.fragments for r in rs):>5}")
    wrong = [f"  {r.name}: ours {r.title!r}, reference {r.reference_title!r}" for r in results if not r.title_right]
    return "\n".join([head, *rows, *(["titles wrong:"] + wrong if wrong else []),
                      "whole: paragraphs that must come out as one (abstracts, paragraphs across columns); "
                      "short: paragraphs under 40 characters"])


def table(results: list[PageResult]) -> str:
    head = f"{'page':<22} {'P':>6} {'R':>6} {'F1':>6} {'F1 raw':>6} {'title':>5} {'paras':>5}  junk"
    rows = []
    for r in results:
        junk_text = ", ".join(f"{k} {v}" for k, v in r.junk.items() if v) or "-"
        rows.append(f"{r.name[:22]:<22} {r.precision:>6.3f} {r.recall:>6.3f} {r.f1:>6.3f} {r.f1_raw:>6.3f} "
                    f"{'ok' if r.title_right else 'WRONG':>5} {r.paragraphs:>5}  {junk_text}")
    n = max(len(results), 1)
    totals = {k: sum(r.junk[k] for r in results) for k in JUNK_KINDS}
    rows.append(f"{'mean':<22} {sum(r.precision for r in results) / n:>6.3f} {sum(r.recall for r in results) / n:>6.3f} "
                f"{sum(r.f1 for r in results) / n:>6.3f} {sum(r.f1_raw for r in results) / n:>6.3f} "
                f"{sum(r.title_right for r in results):>2}/{len(results):<2} "
                f"{sum(r.paragraphs for r in results):>5}  " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    wrong = [f"  {r.name}: ours {r.title!r}, reference {r.reference_title!r}" for r in results if not r.title_right]
    named = [r for r in results if author_right(r) is not None]
    authors = [f"authors right: {sum(bool(author_right(r)) for r in named)}/{len(named)} of the pages whose reference "
               f"names a byline"] + [f"  {r.name}: ours {r.author!r}, reference {r.reference_author!r}"
                                     for r in named if not author_right(r)]
    return "\n".join([head, *rows, *(["titles wrong:"] + wrong if wrong else []), *authors,
                      "F1: against the reference main text without apparatus (reference lists, [edit], [23], "
                      "infobox, captions); F1 raw: against it as it is; junk: paragraphs of each kind"])
