"""Shared by the before/after bench scripts: the "before" code in a temporary git worktree.

The worktree shares this checkout's `.venv`; it is removed when the block ends.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_before() -> str:
    """Where this branch left main: the code before the change, while it is unmerged."""
    return subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@contextmanager
def before_worktree(rev: str) -> Iterator[Path]:
    checkout = Path(tempfile.mkdtemp(prefix="tessera-bench-before-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(checkout), rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    try:
        yield checkout
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True
        )
        shutil.rmtree(checkout, ignore_errors=True)
