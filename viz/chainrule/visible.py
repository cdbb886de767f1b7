"""Text that must stay on its line and hide nothing: control characters shown as their escapes.

``visible_text("a\\nb")`` is ``a\\\\nb``: for a Markdown code span (a blank line would end
the paragraph), a LaTeX ``\\text{...}`` and an answer echoed back to a learner.
"""

from __future__ import annotations

import unicodedata

__all__ = ["visible", "visible_text"]


def visible(ch: str) -> str | None:
    """A control character, lone surrogate or line/paragraph separator as its Python escape
    (``\\n``, ``\\t``, ``\\r``, ``\\u0000``), for text that must stay on its line and hide nothing;
    None for any other character, which is shown as it is."""
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
        return f"\\u{ord(ch):04x}"
    return None


def visible_text(text: str) -> str:
    """``text`` with each character ``visible`` escapes replaced by its escape."""
    return "".join(visible(ch) or ch for ch in text)


_ESCAPES = {"\n": r"\n", "\t": r"\t", "\r": r"\r"}
