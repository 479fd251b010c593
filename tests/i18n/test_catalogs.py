"""The vi/ru catalogs: complete, compiled, and up to date with the code."""

import gettext
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from project.core.catalogs import (
    LANGUAGES,
    catalog_files,
    catalog_read,
    makemessages_args,
    mo_bytes,
)

ROOT = Path(settings.BASE_DIR)
COPY_IGNORED = (".venv", ".tools", "node_modules", ".git", "staticfiles", "media")
COPY_IGNORED += ("test-artifacts", "*.pyc", "db.sqlite3", "*.mo")


def _translations(data: bytes) -> dict:
    return dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)


def test_every_language_has_the_site_catalog():
    for language in LANGUAGES:
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").exists()
    assert {code for code, _name in settings.LANGUAGES} == {"en", *LANGUAGES}


@pytest.mark.parametrize("po", catalog_files(ROOT), ids=lambda po: str(po.relative_to(ROOT)))
def test_catalog_has_no_empty_or_fuzzy_entry(po):
    """Every string is translated, and no translation waits for review (fuzzy), the
    header included: it names the catalog's language, which gettext's tools read."""
    catalog = catalog_read(po)
    language = po.parent.parent.name
    problems = []
    if catalog.fuzzy:
        problems.append("fuzzy: the header")
    if f'"Language: {language}\\n"' not in po.read_text():
        problems.append(f"the header does not say Language: {language}")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert not problems, f"{po.relative_to(ROOT)}: " + "; ".join(problems)


@pytest.mark.parametrize("po", catalog_files(ROOT), ids=lambda po: str(po.relative_to(ROOT)))
def test_committed_mo_matches_its_po(po):
    """The .mo beside each .po holds exactly what the .po says (compiled here with Babel):
    run `make messages-compile` after editing a .po."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run make messages-compile"
    assert _translations(mo.read_bytes()) == _translations(mo_bytes(po)), (
        f"{mo.relative_to(ROOT)} is stale: run make messages-compile"
    )


def test_a_translation_shows_on_a_page(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Trang chủ" in response.text


def _msgids(po: Path) -> set:
    return {(message.context, message.id) for message in catalog_read(po) if message.id}


@pytest.mark.needs("gettext")
def test_catalogs_hold_every_marked_string(tmp_path):
    """makemessages over a copy of the code finds exactly the strings the committed catalogs
    hold: a string marked for translation but missing from them (or one left over after its
    code went) fails until `make messages` is run and the new entries are translated."""
    copy = tmp_path / "tessera"
    shutil.copytree(
        ROOT,
        copy,
        # Only what is big or generated: the settings may name test apps, so tests stay.
        ignore=shutil.ignore_patterns(*COPY_IGNORED),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *makemessages_args()],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "project.settings.test"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    differences = []
    for po in catalog_files(copy):
        committed = ROOT / po.relative_to(copy)
        fresh, held = _msgids(po), (_msgids(committed) if committed.exists() else set())
        differences += [f"{committed.relative_to(ROOT)}: missing {i!r}" for i in fresh - held]
        differences += [f"{committed.relative_to(ROOT)}: left over {i!r}" for i in held - fresh]
    assert not differences, "run `make messages`, then translate:\n" + "\n".join(differences)
