"""Command line: `qa ask`, `qa index`, `qa list`, `qa remove`, `qa eval`, `qa eval-extract`, `qa fit-answerability`, `qa bench`.
Errors print as one line, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .answer import note
from .errors import QAError
from .extract import MAX_BYTES
from .language import NOT_ENGLISH
from .records import Answer


_SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Ask an article questions; answers cite its paragraphs.")
    parser.add_argument("--index-dir", type=Path, help="where indexes live (default: ./index of the project, or QA_INDEX_DIR)")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected failure")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer one question, or a JSONL file of them")
    ask.add_argument("question", nargs="?", help="the question (omit with --questions)")
    ask.add_argument("--article", help="article file (.txt .md .rst .html .pdf .docx) or library id (default: the bundled article)")
    ask.add_argument("--questions", type=Path, help='JSONL file, one {"q": ..., "history": [...]} a line')
    ask.add_argument("--json", action="store_true", help="print answers as JSON")
    ask.add_argument("--top-k", type=int, help="paragraphs to cite")

    ev = sub.add_parser("eval", help="retrieval figures: a SQuAD-v1.1 JSON file, a conversations JSON file "
                                    "(tests/data/conversations.json), or JSONL cases from `qa feedback export`")
    ev.add_argument("file", type=Path)
    ev.add_argument("more", type=Path, nargs="*", help="more SQuAD files (e.g. the SQuAD 2.0 one) for the "
                    "out-of-fold answerability figures")
    ev.add_argument("--retriever", choices=["hybrid", "dense", "bm25", "all"], default="hybrid",
                    help="hybrid is what the app ships; all prints the three side by side")
    ev.add_argument("--json", action="store_true")

    bench = sub.add_parser("bench", help="measure index build, ask latency, cold start and fast-path parity")
    bench.add_argument("--squad", type=Path, default=_SHARED / "squad-dev-v1.1-tune.json",
                       help="SQuAD file for the 600-paragraph article and R@1 (default: ../shared/data/…tune.json)")
    bench.add_argument("--no-eval", action="store_true", help="skip the two R@1 runs (about 3 minutes)")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--precision", choices=["auto", "fp32", "bf16"], help="embedding path (default: auto)")

    fit = sub.add_parser("fit-answerability", help="fit the answerability model on SQuAD files, print its "
                         "out-of-fold figures, write qa/data/answerability.json")
    fit.add_argument("files", type=Path, nargs="*", default=[_SHARED / "squad-dev-v1.1-tune.json",
                                                               _SHARED / "squad-v2-tune.json"],
                     help="SQuAD v1.1/2.0 files (default: the two tune files in ../shared/data)")
    fit.add_argument("--cases", type=Path, help="cache of the collected features (.npz): read if it exists, else written")
    fit.add_argument("--out", type=Path, help="model file to write (default: the shipped one)")

    cb = sub.add_parser("fit-codebook", help="fit the token codebook (product quantisation of the word-piece "
                        "vectors) on texts apart from SQuAD, write qa/data/token-codebook.npz")
    cb.add_argument("sources", type=Path, nargs="*",
                    help="folders of page folders (source.html) or conversations JSON files "
                         "(default: tests/data/extract/html and the two written conversation sets)")
    cb.add_argument("--slices", type=int, default=96, help="bytes per vector: one per slice (default: 96)")
    cb.add_argument("--out", type=Path, help="codebook file to write (default: the shipped one)")

    ex = sub.add_parser("eval-extract", help="how well web pages are read: word P/R/F1 against a reference "
                        "reader's main text, titles, junk paragraphs (tests/data/extract/)")
    ex.add_argument("folder", type=Path, help="folder of page folders (source.html, expected.html, "
                    "expected-metadata.json), or a PDF list such as tests/data/extract/pdfs.json")
    ex.add_argument("--root", type=Path, default=Path(".eval/texlive"),
                    help="where the PDF list's files are (default: .eval/texlive, filled by make eval-extract)")
    ex.add_argument("--json", action="store_true")

    idx = sub.add_parser("index", help="add an article file to the library (or confirm its index) and print its id")
    idx.add_argument("path", type=Path, nargs="?", help="article file: .txt, .md, .rst, .html/.htm, .pdf or .docx (default: the bundled article)")

    fb = sub.add_parser("feedback", help="answer feedback given in the app")
    fb_sub = fb.add_subparsers(dest="feedback_command", required=True)
    fb_export = fb_sub.add_parser("export", help="write feedback as JSONL evaluation cases (for qa eval)")
    fb_export.add_argument("--out", type=Path, help="file to write (default: standard output)")

    sub.add_parser("list", help="the articles of the library")
    rm = sub.add_parser("remove", help="remove an article of the library and its index")
    rm.add_argument("id", help="the article's id, as `qa list` shows it")
    return parser


class ProgressBar:
    """Indexing progress as a tqdm bar on stderr; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, message: str, fraction: float) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=100, desc=message, file=sys.stderr, disable=None, leave=False, dynamic_ncols=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")
        self.bar.set_description_str(message, refresh=False)
        self.bar.update(max(0, round(100 * fraction) - self.bar.n))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _open(engine, article: str | None, progress: ProgressBar | None = None):
    """--article: a file path, else a library id."""
    if not article:
        return engine.open_default(progress=progress)
    if Path(article).exists():
        return engine.open_file(article, progress=progress)
    from .library import valid_id

    if valid_id(article):
        return engine.open_id(article, progress=progress)
    raise QAError(f"No such file or library id: {article}")


def _list(engine) -> int:
    entries = engine.articles()
    width = max(len(e.id) for e in entries)
    for e in entries:
        print(f"{e.id:<{width}}  {e.paragraphs:>6} ¶  {e.title or 'untitled'}  ({e.source})")
    return 0


def _print_answer(ans: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False), flush=True)
        return
    print(ans.text)
    print(f"({note(ans) or f'{ans.level}: {ans.probability:.0%} likely that the article answers this'})")
    for c in ans.citations:
        section = f" ({c.section})" if c.section else ""
        print(f"\n[¶{c.paragraph}]{section} score {c.score:.3f}{' (weak match)' if ans.abstained else ''}")
        print(f"  evidence: {' '.join(c.evidence)}")


def _read_questions(path: Path) -> list[tuple[str, list[str]]]:
    try:
        if not path.is_file():
            raise QAError(f"{path} is not a regular file." if path.exists() else f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise QAError(f"{path} is over {MAX_BYTES // 10**6} MB.")
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise QAError(f"{path} is not UTF-8 text (expected JSON lines).") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append((str(item["q"]), [str(h) for h in item.get("history", [])]))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise QAError(f'{path}:{n}: expected a JSON object like {{"q": "...", "history": []}}.') from None
    return out


def _eval(engine, args) -> int:
    from . import conversations, fit
    from .evaluate import asdict, evaluate, stderr_progress, table

    kind = _eval_kind(args.file)
    if kind == "cases":
        result = conversations.evaluate_cases(engine, args.file)
        print(json.dumps(asdict(result)) if args.json else
              f"{result.cases} cases: R@1 {result.recall_at_1:.2f}% (first citation is the right paragraph); "
              f"{result.unchanged:.2f}% cite what they cited when the feedback was given")
        return 0
    if kind == "conversations":
        result = conversations.evaluate(engine, args.file)
        print(json.dumps(asdict(result), indent=2) if args.json else conversations.table(result))
        return 0

    methods = ["bm25", "dense", "hybrid"] if args.retriever == "all" else [args.retriever]
    results = []
    for method in methods:
        print(f"evaluating {method}", file=sys.stderr)
        results.append(evaluate(engine, args.file, method, progress=stderr_progress))
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(table(results))
    if not args.json and len({a["title"] for path in [args.file, *args.more] for a in fit.read_squad(path)}) > 1:
        print("collecting answerability cases", file=sys.stderr)
        cases = fit.collect(engine, [args.file, *args.more], progress=stderr_progress)
        oof = fit.out_of_fold(cases)
        answer_at, decline_below = fit.choose_thresholds(oof, cases.answerable, cases.kind)
        print()
        print(fit.report(cases, oof, answer_at, decline_below))
    return 0


def _fit(engine, args) -> int:
    from . import fit
    from .answerability import MODEL_PATH
    from .evaluate import stderr_progress

    if args.cases and args.cases.exists():
        cases = fit.Cases.load(args.cases)
    else:
        print("collecting cases", file=sys.stderr)
        cases = fit.collect(engine, args.files, progress=stderr_progress)
        if args.cases:
            cases.save(args.cases)
    oof = fit.out_of_fold(cases)
    model = fit.fit(cases, oof)
    out = args.out or MODEL_PATH
    fit.write_model(model, out)
    print(fit.report(cases, oof, model.answer_at, model.decline_below))
    print(f"\nmodel written to {out}")
    return 0


def _fit_codebook(engine, args) -> int:
    from . import fit_codebook
    from .codebook import CODEBOOK_PATH

    sources = args.sources or list(fit_codebook.SOURCES)
    codebook = fit_codebook.fit(engine.embedder, sources, args.slices)
    out = args.out or CODEBOOK_PATH
    codebook.save(out)
    print(f"codebook of {codebook.slices} slices from {codebook.about['vectors']:,} word-piece vectors "
          f"({codebook.about['texts']} texts) written to {out}; indexes coded with another are rebuilt")
    return 0


def _eval_extract(folder: Path, root: Path, as_json: bool) -> int:
    from dataclasses import asdict

    from . import extract_eval

    if folder.suffix.lower() == ".json":
        results = extract_eval.evaluate_pdfs(folder, root)
        text = extract_eval.pdf_table(results)
    else:
        results = extract_eval.evaluate(folder)
        text = extract_eval.table(results)
    print(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False) if as_json else text)
    return 0


def _eval_kind(path: Path) -> str:
    if path.suffix.lower() == ".jsonl":
        return "cases"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QAError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except ValueError:
        raise QAError(f"{path} is not a JSON file.") from None
    return "conversations" if isinstance(data, dict) and "conversations" in data else "squad"


def _feedback_export(settings, out: Path | None) -> int:
    from .feedback import FeedbackStore

    lines = [json.dumps(case, ensure_ascii=False) for case in FeedbackStore(settings.feedback_path).export_cases()]
    text = "".join(line + "\n" for line in lines)
    if out:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise QAError(f"Cannot write {out}: {exc.strerror or exc}.") from None
        print(f"{len(lines)} cases written to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from .engine import Engine
        from .settings import Settings

        settings = Settings.from_env(index_dir=args.index_dir, top_k=getattr(args, "top_k", None),
                                     precision=getattr(args, "precision", None))
        if args.command == "ask" and not args.question and not args.questions:
            raise QAError("Give a question, or --questions FILE.jsonl.")
        if args.command == "bench":
            from . import bench

            bench.main(settings, args.squad, args.json, not args.no_eval)
            return 0
        if args.command == "feedback":
            return _feedback_export(settings, args.out)
        if args.command == "eval-extract":
            return _eval_extract(args.folder, args.root, args.json)
        engine = Engine(settings)
        if args.command == "eval":
            return _eval(engine, args)
        if args.command == "fit-answerability":
            return _fit(engine, args)
        if args.command == "fit-codebook":
            return _fit_codebook(engine, args)
        if args.command == "index":
            progress = ProgressBar()
            try:
                doc = engine.open_file(args.path, progress=progress) if args.path else engine.open_default(progress=progress)
            finally:
                progress.close()
            print(f"{doc.id}  {doc.index_path}  ({len(doc.paragraphs)} paragraphs: {doc.title or 'untitled'})")
            return 0
        if args.command == "list":
            return _list(engine)
        if args.command == "remove":
            engine.remove(args.id)
            print(f"removed {args.id}")
            return 0
        progress = ProgressBar()
        try:
            doc = _open(engine, args.article, progress)
        finally:
            progress.close()
        if not doc.english:
            print(f"note: {NOT_ENGLISH}", file=sys.stderr)
        if args.questions:
            for question, history in _read_questions(args.questions):
                try:
                    _print_answer(doc.ask(question, history=history), as_json=True)
                except QAError as exc:
                    print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False), flush=True)
            return 0
        _print_answer(doc.ask(args.question), args.json)
        return 0
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:                   # never a traceback for a user, unless asked for
        if args.debug:
            raise
        print(f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 2
