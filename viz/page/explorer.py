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
  questions of ``python -m demos.practice`` (``viz.practice.questions``), answered in
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
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from engine import Value, topological_order
from engine.backward_steps import fresh_grads
from engine.files import write_text
from engine.graph import find_node
from viz.chainrule.names import node_names
from viz.chainrule.nonfinite import backward_cause
from viz.chainrule.numbers import fmt
from viz.checks import check_file_path, check_param_leaves, check_root
from viz.graph.chaingraph import ChainGraph
from viz.graph.dot_source import to_dot
from viz.graph.layout import check_fits
from viz.graph.options import DrawOptions, labelled_params
from viz.graph.render import to_svg
from viz.graph.resolve import Marks, resolve
from viz.keywords import keyword_options, read_options
from viz.page.data import page_data
from viz.page.options import DEFAULT_TITLE, PageOptions
from viz.page.svg_markup import GraphText, mark_up
from viz.practice.questions import make_questions

__all__ = ["explore", "explore_html", "DEFAULT_TITLE"]

#: The page's script and style, inlined in this order.
SCRIPTS = ("explore-math.js", "explore-text.js", "explore-quiz.js", "explore-view.js", "explore.js")
STYLES = ("explore.css",)


def _static(name: str) -> str:
    return files("viz.page").joinpath("static", name).read_text(encoding="utf-8")


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
    the backward pass first left the range, ``viz.chainrule.nonfinite``).
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


@keyword_options(PageOptions)
def explore_html(root: Value, **options: Any) -> str:
    """The explorer page of ``root``'s graph as HTML text; see ``explore``."""
    check_root(root, "explore")
    return _page(root, read_options(PageOptions, options, "explore"))


def _page(root: Value, o: PageOptions) -> str:
    """The page's HTML: the marked-up drawing, the data, the script and the style, in the template."""
    order = topological_order(root)
    chosen = labelled_params(order) if o.params is None else check_param_leaves(o.params, order, "explore")
    names = node_names(root)
    target = None if o.leaf is None else find_node(root, o.leaf, "explore", "leaf", names=names)
    # Refused before any of the work below: a graph too large to draw, then numbers out of range.
    check_fits(order, o.max_nodes, o.max_layout, o.compact)
    _check_finite(root, order, names)
    data, graph = page_data(root, params=chosen, leaf=target, precision=o.precision, max_paths=o.max_paths)
    data["quizzes"] = _quizzes(root, chosen)
    data["title"] = o.title
    parts = {
        "title": html.escape(o.title),
        "subtitle": f'<p class="subtitle">{html.escape(o.subtitle)}</p>' if o.subtitle else "",
        "css": "\n".join(_static(name) for name in STYLES),
        "svg": mark_up(to_svg(_picture(root, o, chosen, target, graph)), graph),
        "data": _json_for_script(data),
        "script": _script_text("\n".join(_static(name) for name in SCRIPTS)),
    }
    # One pass, so that no text put in can be taken for a placeholder.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _static("explore.html"))


def _picture(root: Value, o: PageOptions, params: list[Value], target: Value | None, graph: GraphText) -> ChainGraph:
    """The page's drawing, with the grads of a fresh backward pass.

    Each grad cell is as wide as a number of ``precision`` digits can be, so the page rewrites
    the numbers without moving the boxes; boxes show the names the steps and ``data-node``
    use (``x1[2]`` where a label repeats), as the SVG frames do.
    """
    order = topological_order(root)
    drawing = resolve(root, DrawOptions(params=params, precision=o.precision, compact=o.compact,
                                        max_nodes=o.max_nodes, max_layout=o.max_layout, highlight=target,
                                        legend=True, names=dict(zip(order, graph.names))))
    return to_dot(replace(drawing, marks=Marks(dict(zip(order, graph.grads)))))


@keyword_options(PageOptions)
def explore(root: Value, path: str | Path, **options: Any) -> Path:
    """Write the explorer page of ``root``'s graph to ``path`` (one self-contained HTML file); returns the path.

    ``params``: the leaves the page lets the learner change (default: leaves labelled
    like parameters, ``w1``, ``b3``, ``b``; each needs a label). ``leaf``: step only
    through the ``+=`` on the paths from that node (a Value or its name), drawn in red.
    ``precision``: significant digits shown. ``compact=False`` draws op ovals.
    ``title`` and ``subtitle`` head the page. More than ``max_nodes`` values or a layout
    of more than ``max_layout`` pieces (see ``viz.draw``) raise ``GraphTooLargeError``; a
    node with more than ``max_paths`` paths to the root gets a message instead of its explanation.
    """
    out = check_file_path(path, "explore", "a str or a Path")  # before the page is built, not after
    check_root(root, "explore")
    return write_text(out, _page(root, read_options(PageOptions, options, "explore")), "explore")
