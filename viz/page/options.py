"""``PageOptions``: the explorer page's options, declared once (``explore``, ``explore_html``, ``--html``).

``viz.explore``'s docstring says what each does and ``viz.checks.OPTION_RULES`` how each is checked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from engine import Value
from viz.chainrule.explanation import DEFAULT_MAX_PATHS
from viz.graph.layout import DEFAULT_MAX_LAYOUT
from viz.graph.options import DEFAULT_MAX_NODES

__all__ = ["PageOptions", "DEFAULT_TITLE"]

DEFAULT_TITLE = "Explore the chain rule"


@dataclass(frozen=True, kw_only=True)
class PageOptions:
    """``explore``'s keyword options with their defaults."""

    WHAT: ClassVar[str] = "page option"  # what a message calls one

    params: Collection[Value] | None = None
    leaf: Value | str | None = None
    precision: int = 3
    compact: bool = True
    title: str = DEFAULT_TITLE
    subtitle: str = ""
    max_nodes: int = DEFAULT_MAX_NODES
    max_layout: int = DEFAULT_MAX_LAYOUT
    max_paths: int = DEFAULT_MAX_PATHS
