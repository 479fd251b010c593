"""Translation catalogs: where they are, how they are extracted and compiled.

- `locale/` (LOCALE_PATHS) holds the strings of `templates/` and `project/`; every other app
  has its own `<app>/locale/`, so people translating different apps edit different files.
- `manage.py messages_update` (`make messages`) runs Django's makemessages (needs GNU gettext)
  with the arguments below, then compiles. `manage.py messages_compile` only compiles, with
  Babel, so a machine without gettext can still build the `.mo` files. The `.mo` files are
  committed: `make run` and `make test` need no gettext.
- `locale/untranslated_templates.txt` lists the templates whose text is not translated yet;
  the template scan (`project/core/template_scan.py`) skips them and fails on every other.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

LANGUAGES = ("vi", "ru")
DOMAIN = "django"
# What makemessages never reads (names of directories or files, anywhere): tests, tools,
# dependencies, build output.
IGNORED = (
    ".venv",
    ".tools",
    "node_modules",
    "static",
    "staticfiles",
    "media",
    "bench",
    "deploy",
    "test-artifacts",
    "tests",
    "conftest.py",
    "migrations",
)
UNTRANSLATED_LIST = "locale/untranslated_templates.txt"
CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def makemessages_args(languages=LANGUAGES) -> list[str]:
    """The arguments of `manage.py makemessages` that `make messages` and the catalog test
    use: templates (.html, e-mail .txt) and Python, locations without line numbers (so a
    moved line does not change every catalog), no obsolete entries kept."""
    args = [f"--locale={language}" for language in languages]
    args += ["--extension=html,txt,py", "--add-location=file", "--no-obsolete"]
    args += [f"--ignore={pattern}" for pattern in IGNORED]
    return args


def catalog_files(root: Path | None = None) -> list[Path]:
    """Every vi/ru `.po` file of the project, app catalogs and `locale/`."""
    root = root or base_dir()
    found = []
    for language in LANGUAGES:
        for po in root.glob(f"**/locale/{language}/LC_MESSAGES/{DOMAIN}.po"):
            if not set(po.relative_to(root).parts) & {".venv", "node_modules", ".tools"}:
                found.append(po)
    return sorted(found)


def catalog_read(po: Path):
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        return read_po(handle, locale=po.parent.parent.name, abort_invalid=True)


def mo_bytes(po: Path) -> bytes:
    """`po` compiled to a `.mo`, by Babel (no gettext needed). Fuzzy entries are left out,
    as msgfmt does."""
    from babel.messages.mofile import write_mo

    catalog = catalog_read(po)
    # The .po carries no creation stamp (see messages_update) and Babel would put "now" in
    # the header: a fixed one keeps the .mo the same for the same .po.
    catalog.creation_date = CREATION_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all(root: Path | None = None) -> list[Path]:
    """Write the `.mo` beside each `.po`; returns the `.mo` files written."""
    written = []
    for po in catalog_files(root):
        mo = po.with_suffix(".mo")
        data = mo_bytes(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
        written.append(mo)
    return written


def untranslated_templates(root: Path | None = None) -> list[str]:
    """The templates not translated yet (paths from the repository root), in list order."""
    path = (root or base_dir()) / UNTRANSLATED_LIST
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]
