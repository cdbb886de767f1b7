"""``DrawOptions``: the drawing options, declared once, and the rule that picks the parameters.

``draw``, ``render``, ``draw_frame``, the replay's frames and ``python -m viz`` all take
these (as keywords: ``draw(root, highlight=w1, compact=True)``); ``viz.draw``'s docstring
says what each does and ``viz.checks.OPTION_RULES`` how each is checked.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar

from engine import Value
from viz.graph.layout import DEFAULT_MAX_LAYOUT

__all__ = ["DrawOptions", "DEFAULT_MAX_NODES", "RANKDIRS", "PARAM_LABEL", "MIN_DPI", "MAX_DPI", "labelled_params"]

#: Drawings with more value nodes than this raise ``GraphTooLargeError`` (``max_nodes=`` to change).
DEFAULT_MAX_NODES = 200

#: The pixels per inch a PNG may ask for (``render(..., dpi=)``): 600 makes a slide-sized drawing
#: about 8000 pixels wide, 10 a thumbnail.
MIN_DPI, MAX_DPI = 10, 600

#: Layout directions: left to right, top to bottom, and their reverses.
RANKDIRS = ("LR", "TB", "RL", "BT")

#: Without ``params=``, leaves labelled like this are drawn as parameters: the articles' names
#: (``w1`` ... ``b3``) and nn's (a neuron's ``w1``, ``w2`` and bias ``b``; in a layer or network
#: the same behind a dotted path, ``L1.n2.w1``, ``L2.n1.b``). A ``w`` without digits stays an input.
PARAM_LABEL = re.compile(r"(?:\w+\.)*(?:w\d+|b\d*)")


def labelled_params(order: list[Value]) -> list[Value]:
    """The user's leaves labelled like parameters (``PARAM_LABEL``), in ``order``: the default ``params``."""
    return [n for n in order if n.is_leaf and not n.is_constant and n.label is not None
            and PARAM_LABEL.fullmatch(n.label)]


@dataclass(frozen=True, kw_only=True)
class DrawOptions:
    """``draw``'s keyword options with their defaults (``help(viz.draw)`` says what each does)."""

    WHAT: ClassVar[str] = "drawing option"  # what a message calls one

    highlight: Value | str | None = None
    show_grads: bool = True
    precision: int = 3
    rankdir: str = "LR"
    max_nodes: int = DEFAULT_MAX_NODES
    max_layout: int = DEFAULT_MAX_LAYOUT
    formulas: bool = True
    params: Collection[Value] | None = None
    legend: bool = True
    title: str | None = None
    names: Mapping[Value, str] | None = None
    compact: bool = False
    forward: Value | None = None
    slide: bool = False
    fade: Collection[Value] | None = None
