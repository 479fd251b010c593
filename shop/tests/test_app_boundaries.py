"""The shop names no other app: it talks to them through `shop/kinds.py`, the order-page
registry and signals. Only the foundation (project.*, organizations) may be named."""

import re
from pathlib import Path

SHOP = Path(__file__).resolve().parents[1]
OTHER_APPS = ("events", "support", "dashboards", "builder", "crm")
_APPS = "|".join(OTHER_APPS)
# An import, or a quoted name of an app's module, template, URL name or label:
# `from events...`, `import crm`, "events.models", "support/room.html", 'dashboards:live'.
IMPORT = re.compile(rf"^\s*(?:from|import)\s+(?:{_APPS})\b", re.MULTILINE)
QUOTED = re.compile(rf"""["'](?:{_APPS})(?:[.:/][^"'\s]*)?["']""")
SUFFIXES = {".py", ".html", ".txt", ".xml", ".json"}


def named_apps(text: str) -> list[str]:
    return [match.group(0).strip() for match in (*IMPORT.finditer(text), *QUOTED.finditer(text))]


def test_the_checker_sees_each_way_of_naming_an_app():
    samples = [
        "from events.models import Attendee",
        "import support.services",
        'kind_get("events")',
        "{% include 'dashboards/order_panel.html' %}",
        '{% url "support:room" slug %}',
        "apps.get_model('crm.Lead')",
    ]
    assert [bool(named_apps(sample)) for sample in samples] == [True] * len(samples)
    assert named_apps("Open the support chat; see the events page.") == []
    assert named_apps("from project.organizations.models import Organization") == []


def test_no_file_under_shop_names_another_app():
    found = []
    for path in sorted(SHOP.rglob("*")):
        if path.suffix not in SUFFIXES or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(SHOP)}: {name}" for name in named_apps(text)]
    assert found == []
