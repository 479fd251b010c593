"""Plain-text normalisation shared by the apps: one-line strings (titles, e-mail subjects)
and the folded form that searches compare (no case, no accents)."""

from __future__ import annotations

import unicodedata

# Vietnamese đ/Đ is a letter of its own, not d plus a mark: NFKD leaves it alone.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"})


def single_line(value: str) -> str:
    """`value` on one line: CR, LF and every other run of whitespace become one space."""
    return " ".join(str(value or "").split())


def text_fold(value: str) -> str:
    """Lower case without accents, whitespace collapsed: "Hồ  Chí Minh" → "ho chi minh"."""
    decomposed = unicodedata.normalize("NFKD", str(value or "").translate(_FOLD_EXTRA))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
