"""The explorer's drawing: Graphviz's SVG of a graph, marked up for the page's script.

``mark_up(svg, graph)`` takes the SVG that Graphviz writes for ``draw(root)``
and returns it ready to sit inside the page:

- each value box's ``<g>`` carries ``data-node`` (its name), ``data-index`` (its
  topological position), ``data-value`` and ``data-grad`` (full precision, in
  JavaScript's shortest round-trip form), ``tabindex="0"`` and a role, so it can
  be clicked or reached with Tab;
- each edge's ``<g>`` carries ``data-edge="CONSUMER:K"`` (input ``K`` of node
  ``CONSUMER``) and ``data-local``, its local derivative;
- the texts that show numbers get a class (``v-data``, ``v-grad``, ``e-local``)
  so that the script can rewrite them; the ``<title>`` tooltips say names, not
  Graphviz's node ids.

Graphviz's SVG is regular (one ``<g>`` per node and per edge, in the order of
the DOT text); a drawing that does not look as expected raises ``RuntimeError``
rather than giving a page whose numbers would land in the wrong places.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GraphText", "mark_up", "js_number"]

_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*", re.DOTALL | re.IGNORECASE)
_GROUP = re.compile(r'<g id="((?:node|edge)\d+)" class="(node|edge)">\s*<title>([^<]*)</title>(.*?)</g>', re.DOTALL)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.DOTALL)
_GRAPH_TITLE = re.compile(r'(<g id="graph0" class="graph"[^>]*>)\s*<title>[^<]*</title>')


@dataclass(frozen=True)
class GraphText:
    """What the drawing shows, in topological order: the numbers ``mark_up`` writes as attributes.

    ``names[i]``, ``data[i]``, ``grads[i]`` of node ``i`` (``n<i>`` in the DOT text);
    ``constant[i]`` True for a number an operator wrapped (its box shows only its number);
    ``edges`` the (consumer, input position) pairs in the order ``draw`` writes them, with
    ``locals_`` their local derivatives.
    """

    names: Sequence[str]
    data: Sequence[float]
    grads: Sequence[float]
    constant: Sequence[bool]
    edges: Sequence[tuple[int, int]]
    inputs: Sequence[Sequence[int]]
    locals_: Sequence[float]


def js_number(x: float) -> str:
    """``x`` as JavaScript's ``String(x)`` writes it: the shortest digits that read back as ``x``.

    Python's ``repr`` finds the same digits and lays them out differently:
    ``1.0`` -> ``'1'``, ``1e-05`` -> ``'0.00001'``, ``1e-07`` -> ``'1e-7'``, ``1e+16`` ->
    ``'10000000000000000'``, ``1e+21`` -> ``'1e+21'``.
    """
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0.0:
        return "0"  # String(-0) is "0" too
    sign = "-" if x < 0 else ""
    mantissa, _, exp_text = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    lead = len(whole + frac) - len((whole + frac).lstrip("0"))
    point = len(whole) - lead + (int(exp_text) if exp_text else 0)  # digits before the point
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    e = point - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + ("e+" if e > 0 else "e-") + str(abs(e))


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _classed(attrs: str, cls: str) -> str:
    return f' class="{cls}"{attrs}'


def _node_group(gid: str, index: int, body: str, g: GraphText) -> str:
    texts = list(_TEXT.finditer(body))
    name = g.names[index]
    if not g.constant[index]:
        words = [html.unescape(m.group(2)) for m in texts]
        if len(words) < 4 or words[-4] != "data" or words[-2] != "grad":
            raise RuntimeError(f"explore: the box of {name!r} does not read '... data N grad N': {words}")
        marks = {len(texts) - 3: "v-data", len(texts) - 1: "v-grad"}
        pieces, last = [], 0
        for pos, m in enumerate(texts):
            if pos in marks:
                pieces.append(body[last:m.start()])
                pieces.append(f"<text{_classed(m.group(1), marks[pos])}>{m.group(2)}</text>")
                last = m.end()
        body = "".join(pieces) + body[last:]
    kind = "const" if g.constant[index] else "value"
    head = (
        f'<g id="{gid}" class="node {kind}" data-node="{_attr(name)}" data-index="{index}" '
        f'data-value="{js_number(g.data[index])}" data-grad="{js_number(g.grads[index])}" '
        f'tabindex="0" role="button" aria-label="{_attr(name)}">'
    )
    return f"{head}<title>{_attr(name)}</title>{body}</g>"


def _edge_group(gid: str, position: int, body: str, g: GraphText) -> str:
    consumer, k = g.edges[position]
    source = g.inputs[consumer][k]
    texts = list(_TEXT.finditer(body))
    if not texts:
        raise RuntimeError(f"explore: edge n{source}->n{consumer} has no label")
    m = texts[-1]  # the label ends with the number: "formula = <b>number</b>"
    body = f"{body[:m.start()]}<text{_classed(m.group(1), 'e-local')}>{m.group(2)}</text>{body[m.end():]}"
    tip = f"{g.names[source]} → {g.names[consumer]}"
    head = (f'<g id="{gid}" class="edge" data-edge="{consumer}:{k}" '
            f'data-local="{js_number(g.locals_[position])}">')
    return f"{head}<title>{_attr(tip)}</title>{body}</g>"


def mark_up(svg: str, graph: GraphText) -> str:
    """``svg`` (Graphviz's drawing of the graph) with the data attributes and classes the page uses."""
    text = _PROLOG.sub("", svg).strip()
    text = _GRAPH_TITLE.sub(r"\1", text)  # a tooltip "chaingrad" over the whole graph says nothing
    edge_count = 0
    seen_nodes = 0

    def group(m: re.Match[str]) -> str:
        nonlocal edge_count, seen_nodes
        gid, kind, title, body = m.groups()
        op = re.fullmatch(r"op(\d+)(?:->n\d+)?", html.unescape(title))
        if op is not None:  # an op's oval, or its edge into its value (drawings that are not compact)
            return f'<g id="{gid}" class="{kind} op" data-op-of="{op.group(1)}">{body}</g>'
        if kind == "node":
            found = re.fullmatch(r"n(\d+)", title)
            if found is None or int(found.group(1)) >= len(graph.names):
                raise RuntimeError(f"explore: unexpected node {title!r} in the drawing")
            seen_nodes += 1
            return _node_group(gid, int(found.group(1)), body, graph)
        waiting = by_ends.get(html.unescape(title))
        if not waiting:
            raise RuntimeError(f"explore: the drawing has an edge {html.unescape(title)!r} the graph has not")
        edge_count += 1
        return _edge_group(gid, waiting.pop(0), body, graph)

    # Graphviz writes the edges in an order of its own: each is found by its ends (n3->n7, or
    # n3->op7 with op ovals); edges with the same ends (x*x) keep their order among themselves.
    by_ends: dict[str, list[int]] = {}
    for position, (consumer, k) in enumerate(graph.edges):
        source = graph.inputs[consumer][k]
        for ends in (f"n{source}->n{consumer}", f"n{source}->op{consumer}"):
            by_ends.setdefault(ends, []).append(position)
    text = _GROUP.sub(group, text)
    if seen_nodes != len(graph.names) or edge_count != len(graph.edges):
        raise RuntimeError(
            f"explore: the drawing has {seen_nodes} boxes and {edge_count} edges, "
            f"the graph {len(graph.names)} nodes and {len(graph.edges)} edges"
        )
    return text
