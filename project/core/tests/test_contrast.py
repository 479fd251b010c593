"""Grey text stays readable: no template puts the light greys (slate/gray 300-400, about
2.6:1 on white, below WCAG AA's 4.5:1) on text. Decorative marks say aria-hidden."""

import re
from pathlib import Path

from django.conf import settings

LOW_CONTRAST = re.compile(r"(?<![\w:/\[-])text-(?:slate|gray|zinc|neutral)-(?:300|400)(?![\w/-])")
ROOTS = ["templates", "project", "shop", "events", "support", "dashboards", "builder", "crm"]


def _sources():
    base = Path(settings.BASE_DIR)
    for root in ROOTS:
        for path in (base / root).rglob("*"):
            if path.suffix in {".html", ".py", ".js"} and "tests" not in path.parts:
                yield path


def _tag_around(text: str, index: int) -> str:
    start = text.rfind("<", 0, index)
    end = text.find(">", index)
    return text[start : end + 1] if start >= 0 and end >= 0 else text[index - 80 : index + 80]


def test_no_light_grey_text_on_light_backgrounds():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in LOW_CONTRAST.finditer(text):
            tag = _tag_around(text, match.start())
            if 'aria-hidden="true"' in tag:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {match.group()}")
    assert found == [], "light grey text (use text-slate-500 or darker):\n" + "\n".join(found)
