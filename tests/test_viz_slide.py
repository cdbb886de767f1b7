"""draw(..., slide=True): a 16:9 page, text that reads on a 1280-pixel-wide slide, faded nodes, even legend pills.

Text size on a slide is computed from the rendered SVG alone: a text's font size times the
drawing's scale, times 960 points (a 1280-pixel-wide slide is 13.33 inches) over the page's
width (its viewBox).
"""

from __future__ import annotations

import re

import pytest

from demos import graph as demo_graph
from demos import network as net
from engine import Value, topological_order
from nn import MLP, ssr
from nn import statquest as sq
from viz import draw, render, to_svg
from viz.chainrule.names import node_names
from viz.expression import evaluate
from viz.graph.text_width import SLACK, text_width

NETWORK = ("x1 = input*w1 + b1; y1 = softplus(x1); x2 = input*w2 + b2; y2 = softplus(x2); "
           "predicted = y1*w3 + y2*w4 + b3; SSR = (observed - predicted)**2")
VALUES = dict(input=0.5, observed=1, w1=3.34, b1=-1.43, w2=-3.53, b2=0.57, w3=-1.22, w4=-2.30, b3=0)
TITLE = "The drug-dosage network, one data point (input 0.5, observed 1), b3 = 0"
SLIDE_POINTS = 960  # 1280 pixels at 96 per inch: 13.33 inches


def page(svg: str) -> tuple[float, float]:
    """(width, height) of the SVG's viewBox, in points."""
    w, h = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    return float(w), float(h)


def slide_points(svg: str) -> list[float]:
    """Each text's size in points when the page is shown 1280 pixels wide."""
    scale = float(re.search(r'transform="scale\(([\d.]+)', svg).group(1))
    width, _ = page(svg)
    return [float(size) * scale * SLIDE_POINTS / width for size in re.findall(r'font-size="([\d.]+)"', svg)]


def one_point_program():
    prog = evaluate(NETWORK, VALUES)
    prog.root.backward()
    return prog


def test_the_articles_one_point_network_reads_at_14_points_on_a_16_9_slide():
    prog = one_point_program()
    svg = to_svg(draw(prog.root, slide=True, highlight=prog.values["w1"], title=TITLE))
    width, height = page(svg)
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    sizes = slide_points(svg)
    assert len(sizes) > 100 and min(sizes) >= 14, min(sizes)
    # The same network drawn for a screen reads smaller: the slide preset is what makes the difference.
    screen = to_svg(draw(prog.root, compact=True, highlight=prog.values["w1"], title=TITLE))
    assert min(slide_points(screen)) < 12


def test_nns_one_point_graph_as_the_demo_draws_it_reads_at_14_points():
    model = sq.network(sq.DETAILS_2_START)
    one = ssr([1.0], [model(0.5)])
    one.backward()
    net.name_terms(one)
    svg = to_svg(draw(one, slide=True, highlight=model.parameter("w1"), names=node_names(one),
                      params=model.parameters(), title="SSR term of the point input = 0.5"))
    assert min(slide_points(svg)) >= 14


def test_the_three_point_ssr_with_two_points_faded_reads_at_10_points():
    graph = net.build(sq.DETAILS_2_START)
    graph.ssr.backward()
    net.name_terms(graph.ssr)
    faded = demo_graph.other_points(graph, 1)
    full = draw(graph.ssr, slide=True, highlight=graph.params["w1"], params=list(graph.params.values()),
                names=node_names(graph.ssr), fade=faded,
                title="SSR over the three data points; the point input = 0.5 in full, the others faded")
    svg = to_svg(full)
    width, height = page(svg)
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    assert min(slide_points(svg)) >= 10
    # Point 2 (input 0.5) is in full, the others are faded: each faded box has no text at all.
    names = node_names(graph.ssr)
    assert {names[n] for n in faded} >= {"x1[1]", "x1[3]", "residual[1]", "residual[3]"}
    assert not {names[n] for n in faded} & {"x1[2]", "residual[2]", "w1", "SSR", "sq[1]+sq[2]"}
    index = {node: i for i, node in enumerate(topological_order(graph.ssr))}
    faded_ids = {f"n{index[n]}" for n in faded}
    seen = 0
    for title, body in re.findall(r'<g id="node\d+" class="node">\s*<title>(n\d+)</title>(.*?)</g>', svg, re.S):
        if title in faded_ids:
            seen += 1
            assert "<text" not in body, title
    assert seen == len(faded)
    # The claim still counts every red path, the faded ones too.
    assert "sum over the 3 red paths from w1 to SSR" in full.source


def test_faded_edges_carry_no_label_and_the_others_do():
    w, x, b = Value(2.0, "w1"), Value(3.0, "x"), Value(1.0, "b")
    y = ((w * x) + b).relabel("y")
    y.backward()
    product = y.inputs[0]
    source = draw(y, fade=[product, x]).source
    lines = [line for line in source.splitlines() if " -> " in line]
    into_faded = [line for line in lines if line.strip().startswith(("n0 ", "n1 "))]  # x and w1 into the product
    assert into_faded and all("label=" not in line for line in into_faded)
    assert any("label=" in line for line in lines if line.strip().startswith("n3 ")), source  # b into y


@pytest.mark.parametrize("make", ["mlp", "unlabelled"])
def test_a_learners_own_graph_on_a_slide_is_16_9_compact_and_in_14_point_text(make, tmp_path):
    if make == "mlp":
        model = MLP(2, [3, 1], seed=1)
        root = ssr([1.0, 0.0], [model([0.5, -1.0]), model([1.0, 2.0])])
    else:
        a, b = Value(0.5), Value(-1.5)
        root = (a * b + a).tanh() * a
    root.backward()
    g = draw(root, slide=True)
    assert " -> op" not in g.source  # compact: no op ovals
    svg = render(g, tmp_path / "slide.svg").read_text(encoding="utf-8")
    width, height = page(svg)
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    assert min(float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)) >= 14
    assert ">data<" not in svg and ">grad<" not in svg  # a slide's boxes: data above grad, no row words
    assert "in each box: data, then grad" in svg


def test_the_legend_pills_are_as_wide_as_their_text_in_any_dot():
    # Graphviz 2.43 once gave "parameter" four times its text's width: each pill's width is now fixed.
    prog = one_point_program()
    svg = to_svg(draw(prog.root, compact=True, highlight=prog.values["w1"]))
    widths = {}
    for name in ("parameter", "input", "intermediate", "output (root)", "operation"):
        # the pill is the path drawn just before its text, in the caption
        m = re.search(r'<path fill="[^"]*" stroke="[^"]*" d="([^"]*)"/>\s*<text[^>]*>' + re.escape(name) + "</text>",
                      svg)
        xs = [float(v) for v in re.findall(r"(-?\d+(?:\.\d+)?),", m.group(1))]
        widths[name] = max(xs) - min(xs)
    for name, width in widths.items():
        text = text_width(name, 12) / SLACK
        assert text < width < text * SLACK + 16, (name, width, text)
