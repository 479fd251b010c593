"""A machine without Chromium, PostgreSQL, Redis or poppler: locally those tests are skipped
with the command that installs the part; in CI each is an error. Run as a new user meets it,
in a pytest subprocess with the parts hidden (`make test-fresh-machine` does the same for the
whole suite on a clean clone)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pieces

ROOT = Path(__file__).resolve().parent.parent
PROBE = "tests/pieces_probe/probe.py"


def run_pytest(tmp_path, *args, ci: bool = False) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CI", "PLAYWRIGHT_CHROMIUM"}
    }
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir(exist_ok=True)
    # No tools on PATH, and a browser path that does not exist.
    env.update(PATH=str(empty_bin), PLAYWRIGHT_CHROMIUM=str(tmp_path / "no-chromium"))
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        # Playwright's plugin is not needed to decide a skip; leaving it out saves seconds.
        [sys.executable, "-m", "pytest", "-rsE", "-p", "no:playwright", "-p", "no:base_url", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_parts_are_skipped_locally_with_the_install_command(tmp_path):
    result = run_pytest(tmp_path, PROBE)

    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "1 passed, 4 skipped" in out
    assert "needs Chromium (PLAYWRIGHT_CHROMIUM=" in out
    assert "apt-get install chromium" in out
    assert "needs PostgreSQL" in out and "apt-get install postgresql" in out
    assert "needs Redis" in out and "apt-get install redis-server" in out
    assert "needs pdftoppm (poppler-utils): apt-get install poppler-utils" in out


def test_missing_parts_are_errors_in_ci(tmp_path):
    result = run_pytest(tmp_path, PROBE, ci=True)

    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "1 passed, 4 errors" in out
    assert "skipped" not in out
    assert "CI=true and this test needs Chromium" in out
    assert "CI=true and this test needs PostgreSQL" in out


def test_browser_run_exits_0_when_every_browser_test_is_skipped_or_none_is_selected(tmp_path):
    all_skipped = run_pytest(tmp_path, "-m", "browser", PROBE)
    none_selected = run_pytest(tmp_path, "-m", "browser", f"{PROBE}::test_needs_nothing")

    assert all_skipped.returncode == 0, all_skipped.stdout
    assert "1 skipped" in all_skipped.stdout
    assert none_selected.returncode == 0, none_selected.stdout
    assert "deselected" in none_selected.stdout


def fake_executable(path: Path) -> str:
    path.parent.mkdir(parents=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_chromium_is_found_where_a_users_machine_has_it(tmp_path):
    system = fake_executable(tmp_path / "usr" / "bin" / "chromium")
    own = fake_executable(tmp_path / "home" / "chrome")
    downloaded = fake_executable(
        tmp_path / "home/.cache/ms-playwright/chromium_headless_shell-1200"
        "/chrome-headless-shell-linux64/chrome-headless-shell"
    )
    home = {"HOME": str(tmp_path / "home")}
    nowhere = str(tmp_path / "nowhere")

    assert pieces.chromium_path(home, system=system) == system
    assert pieces.chromium_path({**home, "PLAYWRIGHT_CHROMIUM": own}, system=system) == own
    assert pieces.chromium_path(home, system=nowhere) == downloaded
    assert pieces.chromium_path({"HOME": str(tmp_path)}, system=nowhere) is None
    missing = pieces.chromium_missing({"PLAYWRIGHT_CHROMIUM": nowhere})
    assert missing.reason.endswith(
        "apt-get install chromium (or set PLAYWRIGHT_CHROMIUM to a Chromium binary)"
    )


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_ci_is_recognised(value):
    assert pieces.in_ci({"CI": value})
    assert not pieces.in_ci({})
