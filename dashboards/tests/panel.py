"""Reading the live order panel as a user sees it: the text of its fields, from a page or
from a socket fragment (stdlib HTML parser, so the escaping is what a browser would get)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}


@dataclass
class Panel:
    attrs: dict[str, str] = field(default_factory=dict)  # of #order-progress
    fields: dict[str, str] = field(default_factory=dict)  # order-level [data-field] texts
    lines: list[dict[str, str]] = field(default_factory=list)  # per reported line
    bars: list[str] = field(default_factory=list)  # <progress> values, order's first

    def __getitem__(self, name: str) -> str:
        return self.fields[name]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.panel = Panel()
        self.open: list[tuple[str, str | None]] = []  # (tag, data-field it starts)
        self.inside = False
        self.depth = 0
        self.line: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "order-progress":
            self.inside, self.depth, self.panel.attrs = True, 0, attrs
        if not self.inside or tag in VOID:
            return
        self.depth += 1
        if "data-line" in attrs:
            self.line = {"pk": attrs["data-line"], "stage": attrs.get("data-stage", "")}
            self.panel.lines.append(self.line)
        if tag == "progress":
            self.panel.bars.append(attrs.get("value", ""))
        name = attrs.get("data-field")
        if name:
            self._fields()[name] = ""
        self.open.append((tag, name))

    def _fields(self) -> dict[str, str]:
        return self.line if self.line is not None else self.panel.fields

    def handle_endtag(self, tag):
        if not self.inside or tag in VOID or not self.open:
            return
        self.open.pop()
        if tag == "li":
            self.line = None
        self.depth -= 1
        if self.depth == 0:
            self.inside = False

    def handle_data(self, data):
        for _tag, name in reversed(self.open):
            if name:
                self._fields()[name] += data
                break


def panel_read(html: str) -> Panel:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    panel = reader.panel
    panel.fields = {key: " ".join(value.split()) for key, value in panel.fields.items()}
    for line in panel.lines:
        line.update({k: " ".join(v.split()) for k, v in line.items()})
    return panel
