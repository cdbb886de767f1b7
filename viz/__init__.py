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
one ``+=`` at a time and an exercise hides the grads. ``python -m viz --help`` draws
expressions from the command line (``--html`` for the page).
"""

from viz.chainrule.explanation import Explanation, TooManyPathsError, explain
from viz.graph.dot_on_path import dot_on_path
from viz.graph.dot_program import DotError, DotNotFoundError, find_dot
from viz.graph.draw import draw
from viz.graph.render import ChainGraph, render, to_png, to_svg
from viz.graph.resolve import DEFAULT_MAX_NODES, GraphTooLargeError
from viz.page.explorer import explore

__all__ = [
    "draw",
    "render",
    "to_svg",
    "to_png",
    "explain",
    "Explanation",
    "explore",
    "TooManyPathsError",
    "find_dot",
    "dot_on_path",
    "ChainGraph",
    "GraphTooLargeError",
    "DotNotFoundError",
    "DotError",
    "DEFAULT_MAX_NODES",
]
