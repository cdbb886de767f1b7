"""One page to explore a graph: click a node for its chain rule, change a parameter, step backward, practise.

``explore(root, "page.html")`` writes one self-contained HTML file (no network:
the drawing, the data, the script and the style are all inside; it opens from
disk and works offline):

- the graph drawn once by Graphviz (``draw(root, compact=True)`` by default);
  each value box carries ``data-node``, ``data-value`` and ``data-grad``;
- clicking a node (or Enter on it) shows its chain-rule explanation, the text
  of ``viz.explain``, and highlights its paths to the root;
- one input and a slider per parameter: the page recomputes every value, local
  derivative and grad with its own copy of the engine's ops (a domain error,
  log of a negative number, is shown and the last good numbers kept);
- Next / Previous, a slider, the arrow keys and Home / End step through the
  ``+=`` of backward (``#step=K`` in the address opens step K);
- a learning rate and a Step button take gradient-descent steps on the
  parameters and show the root's value (the loss) and its history;
- exercise mode (a toggle, or ``#exercise``) hides the grads and asks the
  questions of ``python -m demos.practice`` (``viz.questions``), answered in
  the boxes, with the practice's tolerance and hints.

    >>> from viz import explore
    >>> explore(ssr, "ssr.html", params=model.parameters())     # doctest: +SKIP
    PosixPath('ssr.html')

The page grows with the graph (one drawing, the explanations' paths), not with
the number of backward steps.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Collection
from importlib.resources import files
from pathlib import Path
from typing import Any

from engine import Value, topological_order
from engine.backward_steps import fresh_grads
from engine.checks import check_bool, check_int, check_str, check_value
from engine.graph import find_node
from viz.draw import draw
from viz.drawing import DEFAULT_MAX_NODES
from viz.explain import DEFAULT_MAX_PATHS
from viz.explore_data import find_params, page_data
from viz.explore_svg import mark_up
from viz.frames import draw_frame
from viz.layout import DEFAULT_MAX_LAYOUT
from viz.nonfinite import backward_cause
from viz.questions import make_questions
from viz.render import to_svg
from viz.step_text import node_names
from viz.text import fmt

__all__ = ["explore", "explore_html", "DEFAULT_TITLE"]

DEFAULT_TITLE = "Explore the chain rule"

#: The page's script and style, inlined in this order.
SCRIPTS = ("explore-math.js", "explore-text.js", "explore-quiz.js", "explore.js")
STYLES = ("explore.css",)


def _static(name: str) -> str:
    return files("viz").joinpath("static", name).read_text(encoding="utf-8")


def _json_for_script(data: object) -> str:
    """JSON that cannot end the ``<script>`` element it sits in (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _script_text(source: str) -> str:
    """A script's text made safe inside ``<script>``: no ``</script`` can end it early."""
    return source.replace("</script", "<\\/script")


def _quizzes(root: Value, params: list[Value]) -> list[dict[str, Any]]:
    """The practice questions of each parameter's gradient, as the page asks them."""
    out: list[dict[str, Any]] = []
    for p in params:
        try:
            quiz = make_questions(root, p)
        except ValueError as err:  # a graph the question-maker cannot split: say so on the page
            out.append({"param": p.label, "error": str(err)})
            continue
        out.append({
            "param": quiz.param,
            "gradient": quiz.gradient,
            "questions": [
                {"id": q.id, "kind": q.kind, "prompt": q.prompt, "expected": q.expected, "hint": q.hint,
                 "node": q.node, "formula": q.formula, "rel": q.tolerance.rel, "abs": q.tolerance.abs}
                for q in quiz.questions
            ],
        })
    return out


def _check_finite(root: Value, order: list[Value], names: dict[Value, str]) -> None:
    """``ValueError`` naming explore and the node when a number the page holds is nan or inf.

    The page's data is JSON, which has no inf or nan; and a page whose numbers have left
    the float range has nothing to show. The first such number is named: a value (the
    op whose result overflowed, with its inputs), a local derivative, or a grad (where
    the backward pass first left the range, ``viz.nonfinite``).
    """
    for node in order:
        if not math.isfinite(node.data):
            args = ", ".join(fmt(i.data, 4) for i in node.inputs)
            raise ValueError(f"explore: the value of {_called(node, names)} is {node.data} ({node.op} of {args} is "
                             f"beyond the float range); {_FINITE}")
        for i, x in enumerate(node.local_grads):
            if not math.isfinite(x):
                raise ValueError(f"explore: the local derivative of {_called(node, names)} with respect to "
                                 f"{_called(node.inputs[i], names)} is {x}; {_FINITE}")
    grads = fresh_grads(root, order=order)
    for node in order:
        if not math.isfinite(grads[node]):
            cause = backward_cause(root, node, lambda n: names[n])
            raise ValueError(f"explore: the grad of {_called(node, names)} is {grads[node]} ({cause}); {_FINITE}")


_FINITE = "the page needs finite numbers (change the inputs that overflow)"


def _called(node: Value, names: dict[Value, str]) -> str:
    """A node in explore's messages: ``'x1[2]'``, or ``the number 1`` for a constant."""
    return f"the number {names[node]}" if node.is_constant else repr(names[node])


def explore_html(
    root: Value,
    *,
    params: Collection[Value] | None = None,
    leaf: Value | str | None = None,
    precision: int = 3,
    compact: bool = True,
    title: str = DEFAULT_TITLE,
    subtitle: str = "",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_layout: int = DEFAULT_MAX_LAYOUT,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> str:
    """The explorer page of ``root``'s graph as HTML text; see ``explore``."""
    check_value(root, "explore", "root", "an engine Value")
    check_int(precision, "explore", "precision", 1, 17)
    check_int(max_nodes, "explore", "max_nodes", 1)
    check_int(max_layout, "explore", "max_layout", 1)
    check_int(max_paths, "explore", "max_paths", 1)
    check_str(title, "explore", "title")
    check_str(subtitle, "explore", "subtitle")
    check_bool(compact, "explore", "compact")
    order = topological_order(root)
    chosen = find_params(order, params)  # checked here, named in explore's words
    names = node_names(root)
    target = None if leaf is None else find_node(root, leaf, "explore", "leaf", names=names)
    # draw() first: it refuses a graph too large to draw before any of the work below.
    draw(root, params=chosen, precision=precision, compact=compact, max_nodes=max_nodes, max_layout=max_layout)
    _check_finite(root, order, names)
    data, graph = page_data(root, params=chosen, leaf=target, precision=precision, max_paths=max_paths)
    data["quizzes"] = _quizzes(root, chosen)
    # Drawn with the grads of a fresh backward pass, each grad cell as wide as a number of
    # `precision` digits can be: the page rewrites the numbers without moving the boxes.
    # Boxes show the names the steps and data-node use (x1[2] where a label repeats), as the SVG frames do.
    picture = draw_frame(root, grads=dict(zip(topological_order(root), graph.grads)), params=chosen,
                         precision=precision, compact=compact, max_nodes=max_nodes, max_layout=max_layout,
                         highlight=target, legend=True, names=dict(zip(topological_order(root), graph.names)))
    data["title"] = title
    svg = mark_up(to_svg(picture), graph)
    css = "\n".join(_static(name) for name in STYLES)
    js = "\n".join(_static(name) for name in SCRIPTS)
    sub = f'<p class="subtitle">{html.escape(subtitle)}</p>' if subtitle else ""
    parts = {
        "title": html.escape(title),
        "subtitle": sub,
        "css": css,
        "svg": svg,
        "data": _json_for_script(data),
        "script": _script_text(js),
    }
    # One pass, so that no text put in can be taken for a placeholder.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _static("explore.html"))


def explore(
    root: Value,
    path: str | Path,
    *,
    params: Collection[Value] | None = None,
    leaf: Value | str | None = None,
    precision: int = 3,
    compact: bool = True,
    title: str = DEFAULT_TITLE,
    subtitle: str = "",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_layout: int = DEFAULT_MAX_LAYOUT,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> Path:
    """Write the explorer page of ``root``'s graph to ``path`` (one self-contained HTML file); returns the path.

    ``params``: the leaves the page lets the learner change (default: leaves labelled
    like parameters, ``w1``, ``b3``, ``b``; each needs a label). ``leaf``: step only
    through the ``+=`` on the paths from that node (a Value or its name), drawn in red.
    ``precision``: significant digits shown. ``compact=False`` draws op ovals.
    More than ``max_nodes`` values or a layout of more than ``max_layout`` pieces (see
    ``viz.draw``) raise ``GraphTooLargeError``; a node with more than
    ``max_paths`` paths to the root gets a message instead of its explanation.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"explore: path must be a str or a Path, got {type(path).__name__}")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"explore: cannot write {str(path)!r}: the directory {str(path.parent)!r} does not exist"
        )
    page = explore_html(root, params=params, leaf=leaf, precision=precision, compact=compact, title=title,
                        subtitle=subtitle, max_nodes=max_nodes, max_layout=max_layout, max_paths=max_paths)
    path.write_text(page, encoding="utf-8")
    return path
