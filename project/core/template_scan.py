"""The template scan: user-visible text outside translation tags.

`template_problems(path)` reads a template (HTML page or e-mail .txt) and returns the text a
person would read that is not inside `{% translate %}` / `{% blocktranslate %}` (nor
`_("...")` in a tag argument). It looks at:

- text between HTML tags (e-mail .txt files are all text);
- the attributes people read or hear: title, alt, placeholder, aria-label, aria-description,
  aria-placeholder, aria-roledescription, label, data-confirm, hx-confirm, data-toast, `value` of
  buttons; `content` of <meta name="description">;
- literal strings given to `{% include ... with title="..." %}`, `{% ... as ... %}` and to
  `|default:"..."`, when they read like words (a space, or a capital letter), not like a
  CSS class or a key ("primary", "sm").

It skips comments, <script>, <style>, <svg> and <code>/<pre>/<kbd>/<samp> bodies,
`{{ variables }}`, other tags, URLs, e-mail addresses, numbers and punctuation, and the
words in ALLOWED (the brand).
`manage.py template_scan [paths]` prints the problems; tests/i18n runs it on every template
not listed in locale/untranslated_templates.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# Words that are the same in every language.
ALLOWED = {"Tessera", "VNPAY", "Google", "TOTP", "CSV", "PDF", "XLSX", "HTML", "ID", "OK"}
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
    "data-confirm",
    "hx-confirm",
    "data-toast",
}
SKIPPED_ELEMENTS = {"script", "style", "svg", "code", "pre", "kbd", "samp"}

_COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
_COMMENT = re.compile(r"{#.*?#}", re.S)
_BLOCKTRANSLATE = re.compile(
    r"{%\s*(blocktranslate|blocktrans)\b.*?%}.*?{%\s*end(blocktranslate|blocktrans)\s*%}", re.S
)
_TRANSLATE = re.compile(r"{%\s*(translate|trans)\s.*?%}", re.S)
_VARIABLE = re.compile(r"{{.*?}}", re.S)
_TAG = re.compile(r"{%.*?%}", re.S)
_NAMED_LITERAL = re.compile(r"""(\w+)=(?:"([^"]*)"|'([^']*)')""")
_DEFAULT_LITERAL = re.compile(r"""\|default(?:_if_none)?:(?:"([^"]*)"|'([^']*)')""")
_NOT_WORDS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|mailto:|tel:|/)\S*|\S+@\S+\.\S+|&\w+;|&#\w+;"
    r"""|[\w:-]+=(?:"[^"]*"|'[^']*')""",  # attributes written by a partial
    re.I,
)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    where: str  # "text", an attribute name, or "tag"

    def __str__(self) -> str:
        where = "" if self.where == "text" else f" ({self.where})"
        return f"line {self.line}{where}: {self.text!r}"


def words(text: str) -> list[str]:
    """The words in `text` someone would read, less URLs, addresses and ALLOWED."""
    text = _NOT_WORDS.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in ALLOWED]


def _reads_like_words(value: str) -> bool:
    found = words(value)
    return bool(found) and (" " in value.strip() or any(word[0].isupper() for word in found))


def _blank(match: re.Match) -> str:
    """The match replaced by its newlines, so line numbers stay right."""
    return "\n" * match.group(0).count("\n")


def _line_of(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


def _tag_problems(source: str) -> list[Problem]:
    """Word-like literals passed to tags (`with title="..."`) and `|default:"..."`."""
    problems = []
    for match in _TAG.finditer(source):
        tag = match.group(0)
        name = tag[2:].split(maxsplit=1)[0] if tag[2:].split() else ""
        if name in {"translate", "trans", "blocktranslate", "blocktrans", "url", "static"}:
            continue
        if name in {"include", "with"} or " with " in tag:
            for named in _NAMED_LITERAL.finditer(tag):
                value = named.group(2) if named.group(2) is not None else named.group(3)
                if _reads_like_words(value):
                    problems.append(Problem(_line_of(source, match.start()), value, "tag"))
    for match in _VARIABLE.finditer(source):
        for literal in _DEFAULT_LITERAL.finditer(match.group(0)):
            value = literal.group(1) if literal.group(1) is not None else literal.group(2)
            if _reads_like_words(value):
                problems.append(Problem(_line_of(source, match.start()), value, "default"))
    return problems


class _Reader(HTMLParser):
    def __init__(self, *, plain: bool):
        super().__init__(convert_charrefs=False)
        self.plain = plain
        self.skipping: list[str] = []
        self.problems: list[Problem] = []

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def _attributes(self, tag, attrs):
        if self.skipping:
            return
        values = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            read = name in READ_ATTRIBUTES
            read |= name == "value" and (
                tag == "button" or values.get("type") in {"submit", "button", "reset"}
            )
            read |= name == "content" and values.get("name") == "description"
            if read and value and words(value):
                self.problems.append(Problem(line, value.strip(), name))

    def handle_data(self, data):
        if self.skipping:
            return
        if words(data):
            line = self.getpos()[0]
            for offset, text in enumerate(data.split("\n")):
                if words(text):
                    self.problems.append(Problem(line + offset, text.strip(), "text"))


def source_problems(source: str, *, plain: bool = False) -> list[Problem]:
    """The untranslated text in a template's source (see the module docstring)."""
    source = _COMMENT_BLOCK.sub(_blank, source)
    source = _COMMENT.sub(_blank, source)
    source = _BLOCKTRANSLATE.sub(_blank, source)
    source = _TRANSLATE.sub(_blank, source)
    problems = _tag_problems(source)
    source = _VARIABLE.sub(_blank, source)
    source = _TAG.sub(_blank, source)
    if plain:
        reader_problems = [
            Problem(number, line.strip(), "text")
            for number, line in enumerate(source.split("\n"), start=1)
            if words(line)
        ]
    else:
        reader = _Reader(plain=plain)
        reader.feed(source)
        reader.close()
        reader_problems = reader.problems
    return sorted(problems + reader_problems, key=lambda problem: problem.line)


def template_problems(path: Path) -> list[Problem]:
    return source_problems(path.read_text(encoding="utf-8"), plain=path.suffix == ".txt")


def project_templates(root: Path) -> list[Path]:
    """Every template of the project: `templates/` and each app's `templates/`."""
    found = []
    for path in root.glob("**/templates/**/*"):
        parts = set(path.relative_to(root).parts)
        if parts & {".venv", "node_modules", ".tools", "staticfiles"}:
            continue
        if path.is_file() and path.suffix in {".html", ".txt"}:
            found.append(path)
    return sorted(found)
