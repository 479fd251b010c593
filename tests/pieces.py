"""The parts of a machine the suite needs beyond Python, how each is found, and what a test
does when one is missing.

On a developer's machine a missing part skips its tests with the reason and the command that
installs it. In CI (`CI=true`) a missing part is an error, so the whole suite runs on every
submission. Tests name what they need with a marker: `postgres`, `services` (Redis),
`browser` (Chromium), or `needs("pdftoppm", ...)` for the other tools below.
"""

from __future__ import annotations

import ctypes.util
import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

SYSTEM_CHROMIUM = "/usr/bin/chromium"


def in_ci(environ=os.environ) -> bool:
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Missing:
    what: str
    install: str

    @property
    def reason(self) -> str:
        return f"needs {self.what}: {self.install}"


def refuse(*missing: Missing):
    """Skip the test (locally) or fail it (CI) for the missing parts."""
    import pytest

    reason = "; ".join(piece.reason for piece in missing)
    if in_ci():
        pytest.fail(f"CI=true and this test {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path(environ=os.environ, *, system: str = SYSTEM_CHROMIUM) -> str | None:
    """The Chromium the browser tests launch, or None.

    `PLAYWRIGHT_CHROMIUM` names it explicitly (and only it is tried); otherwise Debian's
    `/usr/bin/chromium`, then a browser Playwright downloaded itself (`playwright install
    chromium`) into `PLAYWRIGHT_BROWSERS_PATH` or its cache in `~/.cache/ms-playwright`."""
    explicit = environ.get("PLAYWRIGHT_CHROMIUM")
    if explicit:
        return explicit if _executable(explicit) else None
    if _executable(system):
        return system
    browsers = environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(
        Path(environ.get("HOME", "~")).expanduser() / ".cache" / "ms-playwright"
    )
    patterns = (
        "chromium_headless_shell-*/chrome-headless-shell-linux*/chrome-headless-shell",
        "chromium-*/chrome-linux*/chrome",
    )
    for pattern in patterns:
        for candidate in sorted(glob.glob(os.path.join(browsers, pattern)), reverse=True):
            if _executable(candidate):
                return candidate
    return None


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def chromium_missing(environ=os.environ) -> Missing | None:
    if chromium_path(environ):
        return None
    explicit = environ.get("PLAYWRIGHT_CHROMIUM")
    where = (
        f"PLAYWRIGHT_CHROMIUM={explicit} is not an executable"
        if explicit
        else f"no {SYSTEM_CHROMIUM}, no PLAYWRIGHT_CHROMIUM and no browser in Playwright's cache"
    )
    return Missing(
        what=f"Chromium ({where})",
        install="apt-get install chromium (or set PLAYWRIGHT_CHROMIUM to a Chromium binary)",
    )


def _tool(name: str, package: str) -> Missing | None:
    if shutil.which(name):
        return None
    return Missing(what=f"{name} ({package})", install=f"apt-get install {package}")


def _library(name: str, package: str) -> Missing | None:
    if ctypes.util.find_library(name):
        return None
    return Missing(what=f"lib{name} ({package})", install=f"apt-get install {package}")


# Tools a test names with `@pytest.mark.needs(...)`.
TOOLS = {
    "pdftoppm": lambda: _tool("pdftoppm", "poppler-utils"),
    "zbar": lambda: _library("zbar", "libzbar0"),
    "redis-server": lambda: _tool("redis-server", "redis-server"),
    # makemessages (the catalog up-to-date check) runs xgettext and msgmerge.
    "gettext": lambda: _tool("xgettext", "gettext") or _tool("msgmerge", "gettext"),
}

POSTGRES = Missing(
    what="PostgreSQL (SQLite serialises writers, so races cannot be shown)",
    install="apt-get install postgresql, then set "
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera",
)
REDIS = Missing(
    what="Redis",
    install="apt-get install redis-server, then set REDIS_URL=redis://127.0.0.1:6379/1",
)
