"""Pictures and explanations of chaingrad computation graphs.

    >>> from engine import Value
    >>> from viz import draw, explain
    >>> w, x = Value(3.0, "w"), Value(0.5, "x")
    >>> y = (w * x).softplus().relabel("y")
    >>> y.backward()
    >>> g = draw(y, highlight=w)          # a graphviz.Digraph; render(y, "y.svg") writes a file
    >>> print(explain(y, w).paths[0].factors[0].name)
    dy/dw

``explore(y, "y.html")`` writes the explorer page: one self-contained HTML file where
a click on a node shows its chain rule, parameters can be changed, backward steps
one ``+=`` at a time and an exercise hides the grads. ``animate(y, "backward.gif")``
writes the backward pass as one animated file (GIF, APNG, or MP4 with ffmpeg).
``python -m viz --help`` draws expressions from the command line (``--html`` for the
page, ``--gif`` for the animation, ``--slide`` for a 16:9 slide).

Each name below is imported from its room when first used (``viz.graph``: drawing and
rendering; ``viz.chainrule``: explanations; ``viz.page``: the explorer), so that
``import viz`` and what needs no drawing (an explanation, ``viz.practice``'s checker)
do not import ``graphviz``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers; at run time __getattr__ imports them
    from viz.chainrule.explanation import Explanation, TooManyPathsError, explain
    from viz.graph.chaingraph import ChainGraph
    from viz.graph.dot_on_path import dot_on_path
    from viz.graph.dot_program import DotError, DotNotFoundError, find_dot
    from viz.graph.draw import draw
    from viz.graph.layout import GraphTooLargeError
    from viz.graph.options import DEFAULT_MAX_NODES
    from viz.graph.render import render, to_png, to_svg
    from viz.page.explorer import explore
    from viz.replay.animate import animate

__all__ = [
    "draw",
    "render",
    "to_svg",
    "to_png",
    "explain",
    "Explanation",
    "explore",
    "animate",
    "TooManyPathsError",
    "find_dot",
    "dot_on_path",
    "ChainGraph",
    "GraphTooLargeError",
    "DotNotFoundError",
    "DotError",
    "DEFAULT_MAX_NODES",
]

#: Where each public name lives.
_HOMES = {
    "draw": "viz.graph.draw",
    "render": "viz.graph.render",
    "to_svg": "viz.graph.render",
    "to_png": "viz.graph.render",
    "explain": "viz.chainrule.explanation",
    "Explanation": "viz.chainrule.explanation",
    "TooManyPathsError": "viz.chainrule.explanation",
    "explore": "viz.page.explorer",
    "animate": "viz.replay.animate",
    "find_dot": "viz.graph.dot_program",
    "DotNotFoundError": "viz.graph.dot_program",
    "DotError": "viz.graph.dot_program",
    "dot_on_path": "viz.graph.dot_on_path",
    "ChainGraph": "viz.graph.chaingraph",
    "GraphTooLargeError": "viz.graph.layout",
    "DEFAULT_MAX_NODES": "viz.graph.options",
}


def __getattr__(name: str) -> Any:
    """``viz.draw`` and the other public names, imported from their modules on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
