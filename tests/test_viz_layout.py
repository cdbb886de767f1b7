"""viz.graph.layout: the layout size draw() limits, counted by hand; long labels shortened, numbers exact."""

import re
import time

import pytest

from engine import Value, topological_order
from viz import draw, to_svg
from viz.graph.layout import (
    DEFAULT_MAX_LAYOUT,
    EFFORT,
    EFFORT_ABOVE,
    MAX_FORMULA,
    MAX_NAME,
    GraphTooLargeError,
    layout_size,
    shorten,
)


def test_the_layout_of_one_product_counted_by_hand():
    x, w = Value(0.5, "x"), Value(3.0, "w")
    order = topological_order(x * w)
    # Ovals: x and w one rank before the op, the value one after it. Edge labels double every
    # edge's length: x -> op and w -> op cross 2 ranks (1 bend each); op -> value is unlabelled.
    size = layout_size(order)
    assert (size.boxes, size.ops, size.edges, size.bends, size.labels) == (3, 1, 3, 2, 2)
    assert size.total == 11
    compact = layout_size(order, compact=True)  # no oval: x -> value and w -> value, each 2 ranks long
    assert (compact.boxes, compact.ops, compact.edges, compact.bends, compact.labels) == (3, 0, 2, 2, 2)


def test_an_input_feeding_a_long_chain_costs_its_edges_lengths():
    # x * x * ... * x: the edge from x into the k-th product crosses about 2k ranks, doubled by the labels.
    def product(n):
        x = Value(1.0, "x")
        y = x
        for _ in range(n - 1):
            y = y * x
        return y

    small, large = (layout_size(topological_order(product(n))) for n in (10, 20))
    assert small.total < 250 and large.bends > 3.5 * small.bends  # quadratic in n
    root = product(100)
    start = time.monotonic()
    with pytest.raises(GraphTooLargeError, match=r"more than max_layout=2500; .* compact=True") as info:
        draw(root)
    assert time.monotonic() - start < 5  # refused before dot starts (the benchmark asks < 1 s)
    total = layout_size(topological_order(root)).total
    assert f"max_layout={total}" in str(info.value)
    assert draw(root, max_layout=total).source.count("mclimit") == 1  # admitted when asked, with effort limits


def test_small_drawings_keep_dot_s_full_effort_and_large_ones_get_its_limits():
    x = Value(1.0, "x")
    assert "mclimit" not in draw(x * 2 + 1).source
    y = x
    for _ in range(25):
        y = y * x
    assert layout_size(topological_order(y)).total > EFFORT_ABOVE
    source = draw(y).source
    assert all(f"{k}={v}" in source for k, v in EFFORT.items())
    assert DEFAULT_MAX_LAYOUT > EFFORT_ABOVE


def test_a_huge_label_is_shortened_in_the_box_and_leaves_the_edge_its_number():
    long = "a" * 100_000
    a, b = Value(2.0, long), Value(3.0, "b")
    y = (a * b).relabel("y")
    y.backward()
    g = draw(y, title="t" * 1000)
    assert shorten(long, MAX_NAME) in g.source and long[: MAX_NAME] not in g.source
    assert max(len(t) for t in re.findall(r"[^<>]+", g.source)) < 1000
    svg = to_svg(g)  # Debian's dot refuses an HTML label over 16384 characters: this one renders
    assert "aaaa…" in svg
    # d(a·b)/db = a: its formula would be the long label; the edge shows the number alone, exact.
    assert "<tr><td><b>2</b></td></tr>" in g.source and "<tr><td>b = <b>3</b></td></tr>" in g.source
    assert not any(len(f) > MAX_FORMULA for f in re.findall(r"<tr><td>([^<>]*) = <b>", g.source))


def test_shorten():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
