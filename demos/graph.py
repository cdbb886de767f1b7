"""Part 5: the network's computation graph, drawn to SVG with the path from w1 in red.

Run alone with ``python -m demos.graph [--out DIR]``. Two pictures, at Details
Pt. 2's starting values (the point of part 3):

* ``network-one-point.svg``: the SSR term of one data point, input = 0.5,
  small enough to read on a slide; its red path from w1 carries the four
  factors of part 3's row for that input;
* ``network-ssr.svg``: the whole SSR over the three data points, where w1 has
  three red paths, one per point, whose products add up to dSSR/dw1; each
  point's nodes are told apart as the replay names them (x1[1], x1[2], x1[3]).

Each edge is labelled with its local derivative, each box with data and grad.
Beside each, a version for a 16:9 slide (``viz.draw(..., slide=True)``: every text
14 points): ``network-one-point-slide.svg``, and ``network-ssr-slide.svg``, where
the point input = 0.5 is drawn in full and the two others faded (small boxes
without text: their paths are there, their numbers are in the full picture).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from demos import network as net
from demos._console import Console, check_close, cli, fixed
from demos._derivative import HAND_TOL
from engine import Value, topological_order
from engine.files import make_dirs
from engine.graph import nodes_on_paths
from nn import ssr
from nn import statquest as sq
from viz import DotNotFoundError, draw, explain, render
from viz.chainrule.names import node_names

__all__ = ["POINT", "ONE_POINT_INPUT", "ONE_POINT_FILE", "WHOLE_FILE", "ONE_POINT_SLIDE", "WHOLE_SLIDE",
           "other_points", "run", "main"]

#: Where the graphs are drawn: the point of the hidden-layer demo.
POINT = sq.DETAILS_2_START
#: The data point of the one-point picture: the one where every factor is non-zero
#: (at input 0, dx1/dw1 = input = 0 and the path from w1 carries nothing).
ONE_POINT_INPUT = 0.5
#: The largest drawing, in inches (Graphviz's size): a 16:9 slide.
SLIDE = "13.33,7.5"
ONE_POINT_FILE = "network-one-point.svg"
WHOLE_FILE = "network-ssr.svg"
#: The slide versions, beside the full ones.
ONE_POINT_SLIDE = "network-one-point-slide.svg"
WHOLE_SLIDE = "network-ssr-slide.svg"


def _render(con: Console, root: Value, path: Path, params: Mapping[str, Value], title: str, *,
            slide: bool = False, fade: set[Value] | None = None) -> Path | None:
    """Render to ``path`` (``slide``: the 16:9 version); when no dot executable is found, say so and go on (None)."""
    try:
        # The replay's names: the terms between labelled nodes get the articles' names
        # (y1w3, residual, sq ...), and x1[1], x1[2], x1[3] tell the data points apart.
        # (Labelling happens after explain() has read the paths, whose cuts follow labels.)
        net.name_terms(root)
        # Compact (each op inside its value's box): about half as wide; and no larger than
        # a 16:9 slide (13.33 x 7.5 inches), which dot reaches by scaling a wider drawing down.
        graph = draw(root, highlight=params["w1"], params=list(params.values()),
                     title=title, names=node_names(root), compact=True, slide=slide, fade=fade)
        if not slide:
            graph.graph_attr["size"] = SLIDE
        return render(graph, path)
    except DotNotFoundError as err:
        con.line()
        con.paragraph(f"Could not draw {path.name}: {err}")
        return None


def _both(con: Console, root: Value, files: tuple[Path, Path], params: Mapping[str, Value],
          titles: tuple[str, str], fade: set[Value] | None = None) -> list[Path]:
    """The full drawing and its slide version (``fade``: nodes faded on the slide); the files written."""
    written = []
    for file, title, slide in zip(files, titles, (False, True)):
        done = _render(con, root, file, params, title, slide=slide, fade=fade if slide else None)
        if done is not None:
            written.append(done)
    if written:
        con.line()
        for file in written:
            con.line(f"  written: {file}")
    return written


def other_points(graph: net.Network, k: int) -> set[Value]:
    """The nodes of the SSR's graph that belong to data points other than point ``k`` (0-based) alone.

    A point's nodes are what its own terms are made of: everything below the nodes on the paths
    from its prediction up to the root that no other prediction reaches (its residual, its
    square), so the parameters and the sums that add the points up belong to none.
    """
    order = topological_order(graph.ssr)
    reach = [set(nodes_on_paths(graph.ssr, p.predicted, order=order)) for p in graph.points]

    def own(j: int) -> set[Value]:
        others = set().union(*(reach[i] for i in range(len(reach)) if i != j))
        tops = [n for n in reach[j] if n not in others]
        return set().union(*(topological_order(t) for t in tops))

    params = set(graph.params.values())
    mine = own(k)
    return {n for j in range(len(graph.points)) if j != k for n in own(j)} - mine - params


def run(con: Console, out: Path, params: Mapping[str, float] | None = None) -> list[Path]:
    """Print part 5 and write the SVG files into ``out`` (created); returns the paths written."""
    params = dict(POINT if params is None else params)
    con.title("5. The computation graph")
    con.line()
    con.paragraph(
        "The network as the engine built it: a box per value (its data and grad, and"
        " in a grey tab the operation that made it), and on each edge the local"
        " derivative of that step. The paths"
        " from w1 up to the SSR are red: the product of the numbers along a path is"
        " that path's share of dSSR/dw1."
    )
    con.line("At Details Pt. 2's starting values (as in part 3).")
    make_dirs(out, "demos.graph")

    # One data point: the SSR term (observed - predicted)^2 for input 0.5.
    k = sq.INPUTS.index(ONE_POINT_INPUT)
    model = sq.network(params)
    predicted = model(ONE_POINT_INPUT)
    one = ssr([sq.OBSERVED[k]], [predicted])
    one.backward()
    w1 = model.parameter("w1")
    (path,) = explain(one, w1).paths
    check_close("the one-point graph's red path", path.product, w1.grad,
                ("product of its local derivatives", "engine grad of w1"), HAND_TOL)
    con.heading(f"One data point: input = {ONE_POINT_INPUT:g}, observed = {sq.OBSERVED[k]:g}")
    con.table(["", *[f.name for f in path.factors], "= grad of w1"],
              [["red path", *[fixed(f.value, 4) for f in path.factors], fixed(w1.grad, 4)]])
    written = _both(con, one, (out / ONE_POINT_FILE, out / ONE_POINT_SLIDE), dict(model.named_parameters()),
                    (f"SSR term of the point input = {ONE_POINT_INPUT:g}",) * 2)

    # The whole SSR over the three points.
    graph = net.build(params)
    graph.ssr.backward()
    con.heading("All three data points: the SSR")
    paths = explain(graph.ssr, graph.params["w1"]).paths
    con.line("  dSSR/dw1 = " + " + ".join(fixed(p.product, 4, parens=True) for p in paths)
             + f" = {fixed(graph.params['w1'].grad, 4)}  (one red path per point)")
    titles = ("SSR over the three data points",
              f"SSR over the three data points; the point input = {ONE_POINT_INPUT:g} in full, the others faded")
    written += _both(con, graph.ssr, (out / WHOLE_FILE, out / WHOLE_SLIDE), graph.params, titles,
                     fade=other_points(graph, k))
    if written:
        con.line()
        con.line("Open the .svg files in a web browser.")
    con.pause()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.graph [--out DIR]``: draw the graphs; 1 if a check fails."""

    def body(con: Console, args: argparse.Namespace) -> None:
        run(con, args.out)  # cli refuses --no-graph: this demo only draws

    return cli("demos.graph", __doc__, body, argv, draws=True, only_draws=True)


if __name__ == "__main__":
    raise SystemExit(main())
