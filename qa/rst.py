"""reStructuredText (.rst, and Sphinx's `_sources/*.rst.txt`) → HTML, read with docutils.

Python packages' READMEs, PEPs and every Sphinx manual's sources are reStructuredText. Read as
plain text, their markup stayed in the paragraphs (":meth:`list.sort`", ".. doctest::", ".. _label:"
as paragraphs of their own) and the title was the file's name. docutils parses the markup and
writes HTML, which is then read like any page (extract._html): sections become context, a
paragraph ending with ":" and its example are one paragraph, definition terms lead their
definitions, tables read as rows, an admonition's title leads its text, the docinfo's author is
the author.

Sphinx's own roles and directives (":func:", ".. versionadded::", ".. function::") are not
docutils': a role docutils does not know shows its text as code ("~" and an explicit target
dropped, as Sphinx shows them); a directive it does not know keeps its content — code for the
code directives, nothing for the index and table-of-contents ones, a definition (its argument
the term) for the rest ("sorted(iterable, key=None): Return a new sorted list …"). Nothing is
read from disk or the network: file insertion and raw HTML are off.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from .errors import ArticleError

_ROLE = re.compile(r"(?<![\w`]):(\w[\w.+-]*(?::[\w.+-]+)*):`")
# Sphinx's ":pep:`PEP 594 <594#aifc>`": an explicit title docutils' own pep and rfc roles refuse
_TITLED = re.compile(r"(?<![\w`]):(pep|rfc):`[^`]*<[^`]*>`", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+([\w.+-]+(?::[\w.+-]+)*)::", re.MULTILINE)
_SIGNATURE_CLASS = re.compile(r"^[ \t]*\.\.[ \t]+class::[ \t]+[\w.]+\(", re.MULTILINE)   # Sphinx's, not docutils'
_ASIDE = re.compile(r"<(/?)aside\b")
_OPTIONS = re.compile(r"\s+:[\w-]+:(?:\s.*)?$")
_TARGET = re.compile(r"^(.*?)\s*<[^<>]*>$", re.DOTALL)
CODE_DIRECTIVES = frozenset("doctest code-block sourcecode testcode testoutput productionlist".split())
DROPPED_DIRECTIVES = frozenset("""toctree index highlight currentmodule module moduleauthor sectionauthor
testsetup testcleanup tabularcolumns autosummary literalinclude only codeauthor""".split())
UNNAMED_DIRECTIVES = frozenset("audit-event impl-detail".split())    # their argument is no term
VERSION_NOTES = {"versionadded": "New in version {}", "versionchanged": "Changed in version {}",
                 "deprecated": "Deprecated since version {}",
                 "deprecated-removed": "Deprecated since version {}, will be removed in version {}"}


def to_html(text: str, shown: str, stem: str) -> str:
    """The document as HTML (docutils' html5 writer), titled `stem` when it has no title of its
    own. Raises ArticleError if docutils fails."""
    from docutils.core import publish_string

    with _LOCK, _sphinx_markup(text):
        try:
            html = publish_string(text, source_path=stem or "untitled", writer="html5", settings_overrides={
                "report_level": 5, "halt_level": 5, "file_insertion_enabled": False, "raw_enabled": False,
                "_disable_config": True, "output_encoding": "unicode", "embed_stylesheet": False,
                "stylesheet_path": "", "input_encoding": "unicode"})
        except Exception as error:          # docutils' own errors on markup it cannot place
            why = "its blocks nest too deep" if isinstance(error, RecursionError) else type(error).__name__
            raise ArticleError(f"{shown} could not be read as reStructuredText ({why}).") from None
    # docutils sets admonitions ("Note", "See also") and sidebars in <aside>, which trafilatura
    # drops as a page's margin: here they are the text's own
    return _ASIDE.sub(r"<\1div", html)


_LOCK = threading.Lock()      # docutils keeps its roles and directives in module dicts


@contextmanager
def _sphinx_markup(text: str) -> Iterator[None]:
    """docutils' registries, for one read, with the roles and directives `text` uses that docutils
    does not know (as Sphinx's), and Sphinx's `.. class:: Name(args)` when the text has one (in
    docutils, "class" sets an HTML class); restored after, so one document's reading does not
    change the next one's."""
    from types import SimpleNamespace

    from docutils.parsers.rst import directives, languages, roles
    from docutils.utils import Reporter

    saved_roles, saved_directives = dict(roles._roles), dict(directives._directives)
    english, quiet = languages.get_language("en"), Reporter("", Reporter.SEVERE_LEVEL + 1, Reporter.SEVERE_LEVEL + 1)
    document = SimpleNamespace(reporter=quiet, current_line=0)
    try:
        titled = {n.lower() for n in _TITLED.findall(text)}
        for name in {n.lower() for n in _ROLE.findall(text)}:
            if name in titled or roles.role(name, english, 0, quiet)[0] is None:
                roles.register_local_role(name, _code_role)
        unknown = _directive_class()
        for name in {n.lower() for n in _DIRECTIVE.findall(text)}:
            if directives.directive(name, english, document)[0] is None:
                directives.register_directive(name, unknown)
        if _SIGNATURE_CLASS.search(text):
            directives.register_directive("class", unknown)
        yield
    finally:
        roles._roles.clear()
        roles._roles.update(saved_roles)
        directives._directives.clear()
        directives._directives.update(saved_directives)


def _code_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """A role docutils does not know (Sphinx's ":meth:`~list.sort`"): its text, as code."""
    from docutils import nodes

    target = _TARGET.match(text)
    shown = (target.group(1) if target else text).lstrip("~!")
    return [nodes.literal(rawtext, shown)], []


class _AnyOption(dict):
    """Every option a directive docutils does not know is given is accepted, and ignored."""

    def __contains__(self, key) -> bool:
        return True

    def __missing__(self, key):
        from docutils.parsers.rst import directives
        return directives.unchanged


@lru_cache(maxsize=1)
def _directive_class():
    from docutils import nodes
    from docutils.parsers.rst import Directive

    class Unknown(Directive):
        """A directive docutils does not know (Sphinx's): its content kept (see the module's text)."""
        has_content = True
        optional_arguments = 1
        final_argument_whitespace = True
        option_spec = _AnyOption()

        def run(self):
            body = "\n".join(self.content)
            if self.name in CODE_DIRECTIVES:
                return [nodes.literal_block(body, body)] if body.strip() else []
            if self.name in DROPPED_DIRECTIVES:
                return []
            argument = " ".join(self.arguments[0].split()) if self.arguments and self.name not in UNNAMED_DIRECTIVES else ""
            argument = _OPTIONS.sub("", argument)        # ":noindex:" after a signature of several lines
            inner = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, inner)
            note = VERSION_NOTES.get(self.name)
            if note:         # ".. versionchanged:: 3.7" and its text, on the next line or below
                slots = note.count("{}")
                words = argument.split(" ", slots)
                argument = " ".join(note.format(*(words[:slots] + [""] * slots)[:slots]).split())
                said = " ".join(words[slots:])
                if said:
                    inner.insert(0, nodes.paragraph(said, "", *self._inline(said)))
                if not inner.children:
                    return [nodes.paragraph(argument, argument + ".")]
                argument_nodes = [nodes.Text(argument)]
            else:
                argument_nodes = self._inline(argument)
            if not argument:
                return list(inner.children)
            if not inner.children:
                return [nodes.paragraph(argument, "", *argument_nodes)]
            item = nodes.definition_list_item("", nodes.term(argument, "", *argument_nodes),
                                              nodes.definition("", *inner.children))
            return [nodes.definition_list("", item)]

        def _inline(self, text: str) -> list:
            """`text`'s inline markup parsed (":pep:`539`" in a ".. seealso::" line)."""
            parsed, _ = self.state.inline_text(text, self.lineno)
            return parsed

    return Unknown
