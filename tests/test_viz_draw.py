"""viz.draw: the DOT text of a drawing (labels, data, grads, local derivatives, escaping, highlighting)."""

import html
import math
import re

import pytest

from engine import Value
from tests.articles import PARAMS, hand_forward, network, sigmoid, softplus
from tests.helpers import boxes, edge_parts
from viz import GraphTooLargeError, draw, to_svg
from viz.chainrule.numbers import fmt
from viz.graph.draw import draw_frame
from viz.graph.options import DEFAULT_MAX_NODES
from viz.graph.style import FOCUS, HIGHLIGHT, STYLES

# ------------------------------------------------------------------ reading DOT text


def html_label(attrs: str) -> str:
    """The HTML label inside an attribute list, found by balancing < and >.

    Balancing only works if no user text put a raw < or > in the label, so this
    also checks the escaping.
    """
    start = attrs.index("label=<") + len("label=")
    depth = 0
    for k in range(start, len(attrs)):
        depth += {"<": 1, ">": -1}.get(attrs[k], 0)
        if depth == 0:
            return attrs[start + 1 : k]
    raise AssertionError(f"unbalanced label in {attrs!r}")


def text_of(label: str) -> str:
    """The visible text of an HTML label: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", " ", label)).split()


def parse(source: str):
    """(nodes: id -> attribute text, edges: list of (src, dst, attribute text)) of DOT source."""
    nodes, edges = {}, []
    for line in source.splitlines():
        m = re.match(r"\t(\w+) -> (\w+)(?: \[(.*)\])?$", line)
        if m:
            edges.append((m.group(1), m.group(2), m.group(3) or ""))
            continue
        m = re.match(r"\t(\w+) \[(.*)\]$", line)
        if m and m.group(1) not in ("node", "edge", "graph"):
            nodes[m.group(1)] = m.group(2)
    return nodes, edges


def node_id(g, label):
    nodes, _ = parse(g.source)
    found = [i for i, a in nodes.items() if "label=<" in a and text_of(html_label(a))[:1] == [label]]
    assert len(found) == 1, (label, found)
    return found[0]


def caption_text(source: str) -> str:
    """The visible text of the graph's caption (legend, highlight sentence, title)."""
    graph_attrs = source.split("\tfontsize=12 label=", 1)[1]
    return " ".join(text_of(html_label("label=" + graph_attrs)))


def edge_text(attrs: str) -> str:
    return " ".join(text_of(html_label(attrs)))


def small():
    """y = softplus(x*w + b) with labels on the leaves and the root."""
    x, w, b = Value(0.5, "x"), Value(3.34, "w"), Value(-1.43, "b")
    y = (x * w + b).softplus().relabel("y")
    y.backward()
    return y, x, w, b


# ------------------------------------------------------------------ content


def test_each_value_shows_label_data_and_grad():
    y, x, w, b = small()
    g = draw(y)
    nodes, _ = parse(g.source)
    z = 0.5 * 3.34 - 1.43
    # Hand formulas: dy/dw = sigmoid(z) * x, dy/dx = sigmoid(z) * w, dy/db = sigmoid(z).
    expected = {
        "x": (0.5, sigmoid(z) * 3.34),
        "w": (3.34, sigmoid(z) * 0.5),
        "b": (-1.43, sigmoid(z)),
        "y": (softplus(z), 1.0),
    }
    for label, (data, grad) in expected.items():
        words = text_of(html_label(nodes[node_id(g, label)]))
        assert words == [label, "data", fmt(data), "grad", fmt(grad)]


def test_one_op_node_per_interior_value_showing_the_op():
    y, *_ = small()
    nodes, edges = parse(draw(y).source)
    ops = {i: text_of(html_label(a)) for i, a in nodes.items() if i.startswith("op")}
    assert sorted(w for words in ops.values() for w in words) == sorted(["×", "+", "softplus"])
    # each op node has exactly one outgoing edge, to the value it makes
    for op in ops:
        outs = [e for e in edges if e[0] == op]
        assert len(outs) == 1 and outs[0][1].startswith("n")


def test_edges_carry_the_local_derivative_with_its_formula():
    y, x, w, b = small()
    g = draw(y)
    _, edges = parse(g.source)
    z = 0.5 * 3.34 - 1.43
    labels = {(s, d): edge_text(a) for s, d, a in edges if "label=" in a}
    xw = [s for s, d in labels if labels[(s, d)].startswith("w =")]
    assert len(xw) == 1 and xw[0] == node_id(g, "x")  # d(x*w)/dx = w
    texts = sorted(labels.values())
    assert f"sigmoid(x·w + b) = {fmt(sigmoid(z))}" in texts  # d softplus(z)/dz = sigmoid(z)
    assert f"w = {fmt(3.34)}" in texts and f"x = {fmt(0.5)}" in texts
    assert texts.count("1") == 2  # d(u + b)/du = d(u + b)/db = 1


@pytest.mark.parametrize("compact", [False, True])
def test_each_edge_label_sits_beside_its_edge_not_on_its_line_or_arrow(compact):
    # The articles' network, one point: "1" on input*w1 -> x1 and "-1" on predicted -> residual once sat on
    # their arrows. Every label's text keeps clear of its own edge's line and arrowhead, rendered by dot.
    ssr, p = network(inputs=[0.5], observed=[1.0])
    ssr.backward()
    svg = to_svg(draw(ssr, highlight=p["w1"], compact=compact))
    parts = edge_parts(svg)
    assert len(parts) >= 12
    for title, line, texts in parts:
        for x0, y0, x1, y1 in texts:
            inside = [(x, y) for x, y in line if x0 + 0.5 < x < x1 - 0.5 and y0 + 0.5 < y < y1 - 0.5]
            assert not inside, (title, (x0, y0, x1, y1), inside[:3])
    assert "decorate" not in draw(ssr, compact=compact).source  # no underline ending in a wedge


def test_formulas_off_shows_numbers_only():
    y, *_ = small()
    _, edges = parse(draw(y, formulas=False).source)
    z = 0.5 * 3.34 - 1.43
    texts = sorted(edge_text(a) for _, _, a in edges if "label=" in a)
    assert texts == sorted(["1", "1", fmt(3.34), fmt(0.5), fmt(sigmoid(z))])


def test_formula_table_covers_every_op():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    cases = {
        "a - b": (a - b, ["1", "-1"]),
        "a / b": (a / b, [f"1/b = {fmt(1 / 3)}", f"-a/b^2 = {fmt(-2 / 9)}"]),
        "-a": (-a, ["-1"]),
        "a**3": (a**3, [f"3·a^2 = {fmt(3 * 4.0)}"]),
        "a**b": (a**b, [f"b·a^(b - 1) = {fmt(3 * 2.0**2)}", f"a^b·ln a = {fmt(8 * math.log(2))}"]),
        "exp": (a.exp(), [f"exp(a) = {fmt(math.exp(2))}"]),
        "log": (a.log(), [f"1/a = {fmt(0.5)}"]),
        "sigmoid": (a.sigmoid(), [f"sigmoid(a)·(1 - sigmoid(a)) = {fmt(sigmoid(2) * (1 - sigmoid(2)))}"]),
        "tanh": (a.tanh(), [f"1 - tanh(a)^2 = {fmt(1 - math.tanh(2) ** 2)}"]),
        "relu": (a.relu(), ["[a > 0] = 1"]),
        "square": (a.square(), [f"2·a = {fmt(4.0)}"]),
        "2*a": (2 * a, ["a = 2", "2"]),  # inputs (2, a): d/d2 = a, d/da = 2
    }
    for name, (root, expected) in cases.items():
        _, edges = parse(draw(root).source)
        assert [edge_text(x) for _, _, x in edges if "label=" in x] == expected, name


def test_a_reused_input_has_one_edge_per_use():
    a = Value(3.0, "a")
    y = (a * a).relabel("y")
    y.backward()
    g = draw(y)
    _, edges = parse(g.source)
    ia = node_id(g, "a")
    into = [e for e in edges if e[0] == ia]
    assert len(into) == 2 and into[0][1] == into[1][1]
    assert [edge_text(e[2]) for e in into] == ["a = 3", "a = 3"]  # d(a*a)/d(each a) = a


def test_a_weight_used_by_three_data_points_has_three_edges():
    ssr, p = network()
    ssr.backward()
    g = draw(ssr)
    _, edges = parse(g.source)
    iw1 = node_id(g, "w1")
    outs = [e for e in edges if e[0] == iw1]
    assert len(outs) == 3
    # d(input*w1)/dw1 = input, one edge per data point
    assert sorted(edge_text(e[2]) for e in outs) == sorted(f"input = {fmt(i)}" for i in (0.0, 0.5, 1.0))


def test_kinds_are_styled_and_listed_in_the_legend():
    w, x = Value(2.0, "w"), Value(0.5, "x")
    y = (w * x * 3).relabel("y")
    y.backward()
    g = draw(y, params=[w])
    nodes, _ = parse(g.source)
    assert f'bgcolor="{STYLES["param"].fill}"' in nodes[node_id(g, "w")]
    assert f'bgcolor="{STYLES["leaf"].fill}"' in nodes[node_id(g, "x")]
    assert f'bgcolor="{STYLES["root"].fill}"' in nodes[node_id(g, "y")]
    const = [a for a in nodes.values() if f'bgcolor="{STYLES["const"].fill}"' in a]
    assert len(const) == 1 and text_of(html_label(const[0])) == ["3"]
    legend = caption_text(g.source)
    for kind in ("param", "leaf", "const", "root"):
        assert STYLES[kind].name in legend
    assert "local derivative" in legend
    assert "label=<<table" not in draw(y, legend=False).source.split("\n")[-2]


def test_without_params_leaves_named_like_w1_or_b3_are_parameters():
    # The rule python -m viz follows: w or b followed by digits (b alone too); params= overrides it.
    x, w1, b1, wide = Value(0.5, "input"), Value(3.34, "w1"), Value(-1.43, "b1"), Value(1.0, "weight")
    y1 = ((x * w1 + b1).softplus() * wide).relabel("y1")
    y1.backward()
    g = draw(y1, highlight=w1)
    nodes, _ = parse(g.source)
    for label, kind in (("w1", "param"), ("b1", "param"), ("input", "leaf"), ("weight", "leaf")):
        assert f'bgcolor="{STYLES[kind].fill}"' in nodes[node_id(g, label)], label
    assert STYLES["param"].name in caption_text(g.source)
    g = draw(y1, params=[])
    nodes, _ = parse(g.source)
    assert f'bgcolor="{STYLES["leaf"].fill}"' in nodes[node_id(g, "w1")]
    assert STYLES["param"].name not in caption_text(g.source)


def test_without_params_nn_labels_are_parameters_too():
    # nn labels a neuron's bias "b" and, inside a layer or network, prefixes a dotted path.
    from nn import MLP, Neuron
    from viz.graph.options import PARAM_LABEL

    out = Neuron(2)([1.0, 2.0])
    out.backward()
    g = draw(out)
    nodes, _ = parse(g.source)
    for label, kind in (("w1", "param"), ("w2", "param"), ("b", "param"),
                        ("input1", "leaf"), ("input2", "leaf")):
        assert f'bgcolor="{STYLES[kind].fill}"' in nodes[node_id(g, label)], label
    net = MLP(1, [2, 1])
    out = net(0.5)
    out.backward()
    g = draw(out)
    nodes, _ = parse(g.source)
    for p in net.parameters():
        assert f'bgcolor="{STYLES["param"].fill}"' in nodes[node_id(g, p.label)], p.label
    assert f'bgcolor="{STYLES["leaf"].fill}"' in nodes[node_id(g, "input")]
    for name in ("w1", "b3", "b", "L1.n2.w1", "L2.n1.b", "layer_1.b12"):
        assert PARAM_LABEL.fullmatch(name), name
    for name in ("w", "x", "input", "observed", "bias", "weight", "wb1", "L1.n1", ".b", "L1..w1", "w1.x"):
        assert not PARAM_LABEL.fullmatch(name), name


def test_labelled_params_are_the_users_leaves_named_like_parameters_in_order():
    from engine import topological_order
    from viz.graph.options import labelled_params

    w1, x, b = Value(2.0, "w1"), Value(3.0, "x"), Value(1.0, "b")
    w2 = (w1 * x).relabel("w2")  # computed: not a parameter whatever its name
    y = (w2 + b) * Value(4.0, "L1.n2.w1") + 5
    order = topological_order(y)
    assert labelled_params(order) == [n for n in order if n.label in ("w1", "b", "L1.n2.w1")]
    assert [n.label for n in labelled_params(order)] == ["w1", "b", "L1.n2.w1"]


def test_precision_and_rankdir():
    x = Value(1.0 / 3.0, "x")
    y = (x * x).relabel("y")
    y.backward()
    g = draw(y, precision=6, rankdir="TB")
    assert "rankdir=TB" in g.source
    assert "0.333333" in g.source and "0.111111" in g.source
    assert "0.333333" not in draw(y).source
    with pytest.raises(ValueError, match="rankdir"):
        draw(y, rankdir="sideways")
    with pytest.raises(ValueError, match="precision"):
        draw(y, precision=0)


def test_hidden_grads_and_overridden_grads():
    y, x, w, b = small()
    grads_shown = [fmt(v.grad) for v in (x, w, b)]
    src = draw(y, show_grads=False).source
    nodes, _ = parse(src)
    for label in "xwby":
        words = text_of(html_label(nodes[node_id(draw(y, show_grads=False), label)]))
        assert words[-2:] == ["grad", "?"]
    g = draw_frame(y, grads={x: None, w: 0.125})
    nodes, _ = parse(g.source)
    assert text_of(html_label(nodes[node_id(g, "x")]))[-1] == "grad"  # blank cell
    assert text_of(html_label(nodes[node_id(g, "w")]))[-1] == "0.125"
    assert text_of(html_label(nodes[node_id(g, "b")]))[-1] == grads_shown[2]


def test_frames_with_different_grads_and_focus_keep_one_layout():
    # A replay draws the same graph again and again with other grads and another focus:
    # a blank cell, a short or a long number, and the focus outline must not move anything.
    # Short labels and data, so that the grad is the widest text of a box.
    x, w, b = Value(1.0, "x"), Value(2.0, "w"), Value(1.0, "b")
    s = (x * w + b).relabel("s")
    y = s.tanh().relabel("y")
    blank = draw_frame(y, grads={x: None, w: None, b: None, s: None, y: 1.0})
    filled = draw_frame(y, grads={x: -0.523, w: 12.5, b: 1.0, s: 0.0, y: 1.0}, focus=s)
    grad_cell = r'<td align="right"( width="\d+" height="\d+" fixedsize="true")?><font color="#0B7285">'
    cells = re.findall(grad_cell, blank.source)
    assert len(cells) == 6 and len(set(cells)) == 1 and cells[0]  # one width, on every grad cell
    assert re.findall(grad_cell, filled.source) == cells
    a, c = boxes(to_svg(blank)), boxes(to_svg(filled))
    assert len(a) == 6 and a == c  # every box where it was, as large as it was
    assert not re.search(r'<td align="right" width=', draw(y).source)  # without grads=: as narrow as can be


def test_focus_emphasises_the_node_and_its_input_edges():
    y, x, w, b = small()
    s = y.inputs[0]  # x*w + b
    g = draw_frame(y, focus=s)
    nodes, edges = parse(g.source)
    focused = [i for i, a in nodes.items() if f'color="{FOCUS}"' in a]
    assert len(focused) == 2  # the value box and its op
    emphasised = [(a, d) for a, d, attrs in edges if f'color="{FOCUS}"' in attrs]
    assert len(emphasised) == 3  # two inputs into "+", and "+" into the value
    with pytest.raises(ValueError, match="focus"):
        draw_frame(y, focus=Value(1.0))


def test_focus_edge_emphasises_one_input_edge_and_outlines_the_receiving_box():
    # One backward step b.grad += s.grad x ds/db uses the edge b -> "+" only: that edge is
    # emphasised (with the op's edge into s), not the edge from x*w, and b's box is outlined.
    from viz.graph.style import GRAD_COLOUR, RECEIVER_WIDTH

    y, x, w, b = small()
    s = y.inputs[0]  # (x*w) + b
    g = draw_frame(y, focus_edge=(s, 1))
    nodes, edges = parse(g.source)
    bid = node_id(g, "b")
    plus = next(d for a, d, attrs in edges if a == bid)
    emphasised = [(a, d) for a, d, attrs in edges if f'color="{FOCUS}"' in attrs]
    into_plus = [a for a, d, attrs in edges if d == plus]
    assert len(into_plus) == 2
    out_of_plus = [d for a, d, attrs in edges if a == plus]
    assert emphasised == [(bid, plus), (plus, out_of_plus[0])]
    assert f'color="{GRAD_COLOUR}"' in nodes[bid] and f"penwidth={RECEIVER_WIDTH}" in nodes[bid]
    assert [i for i, a in nodes.items() if "penwidth" in a and "shape=box" in a] == sorted(
        [bid, out_of_plus[0]], key=lambda n: int(n[1:]))
    with pytest.raises(ValueError, match="input index"):
        draw_frame(y, focus_edge=(s, 2))
    with pytest.raises(ValueError, match="not both"):
        draw_frame(y, focus=s, focus_edge=(s, 0))
    with pytest.raises(TypeError, match="pair"):
        draw_frame(y, focus_edge=s)
    # A leaf has no input edges: said so, rather than an index range 0..-1.
    with pytest.raises(ValueError) as caught:
        draw_frame(y, focus_edge=(b, 0))
    assert str(caught.value) == "draw: focus_edge: the consumer 'b' is a leaf: it has no input edges"
    three = Value(3.0)
    z = (x * three + 2).relabel("z")
    constant = z.inputs[1]
    with pytest.raises(ValueError, match=r"consumer \(the constant 2\) is a leaf"):
        draw_frame(z, focus_edge=(constant, 0))
    with pytest.raises(ValueError, match=r"consumer \(the unnamed leaf holding 3\) is a leaf"):
        draw_frame(z, focus_edge=(three, 0))


# ------------------------------------------------------------------ names= (shown instead of labels)


def per_point_names(root, labels):
    """{node: "label[k]"} for the nodes carrying one of ``labels``, numbered in topological order."""
    from engine import topological_order

    seen, names = {}, {}
    for node in topological_order(root):
        if node.label in labels:
            seen[node.label] = seen.get(node.label, 0) + 1
            names[node] = f"{node.label}[{seen[node.label]}]"
    return names


def test_names_replace_repeated_labels_in_boxes_formulas_and_highlight():
    ssr, p = network()
    ssr.backward()
    names = per_point_names(ssr, {"x1", "input"})
    g = draw(ssr, names=names, highlight="x1[2]")
    nodes, edges = parse(g.source)
    for k, dose in enumerate([0.0, 0.5, 1.0], 1):
        x1 = next(n for n, name in names.items() if name == f"x1[{k}]")
        words = text_of(html_label(nodes[node_id(g, f"x1[{k}]")]))
        # x1 = input * w1 + b1 for this point (hand formula), and its grad from backward()
        assert words == [f"x1[{k}]", "data", fmt(dose * PARAMS["w1"] + PARAMS["b1"]), "grad", fmt(x1.grad)]
        # d softplus(x1)/d x1 = sigmoid(x1), named after the point's own x1
        assert f"sigmoid(x1[{k}]) = {fmt(sigmoid(dose * PARAMS['w1'] + PARAMS['b1']))}" in [
            edge_text(a) for _, _, a in edges if "label=" in a
        ]
    assert text_of(html_label(nodes[node_id(g, "w1")]))[0] == "w1"  # nodes not in names keep their label
    assert "x1 data" not in " ".join(" ".join(text_of(html_label(a))) for a in nodes.values() if "label=<" in a)
    # The highlight found x1[2] by its shown name: its one path to SSR is drawn in red.
    assert f'color="{HIGHLIGHT}"' in nodes[node_id(g, "x1[2]")]
    assert f'color="{HIGHLIGHT}"' not in nodes[node_id(g, "x1[1]")]
    # x1[2] is one word, written without parentheses as the replay writes it.
    assert "dSSR/dx1[2] = sum over 1 red path from x1[2] to SSR" in caption_text(g.source)
    with pytest.raises(ValueError, match=r"no node labelled 'x1'.*x1\[1\], x1\[2\], x1\[3\]"):
        draw(ssr, names=names, highlight="x1")


def test_names_are_escaped_and_keep_the_drawing_deterministic():
    y, x, w, b = small()
    hostile = {x: '<i>"x"</i> & ]; evil', w: "w\nnew line"}
    g = draw(y, names=hostile)
    nodes, _ = parse(g.source)
    for attrs in nodes.values():
        html_label(attrs)  # balanced: no raw < or > from a name
    assert "<i>" not in g.source and "&lt;i&gt;&quot;x&quot;&lt;/i&gt; &amp; ]; evil" in g.source
    assert "evil" not in nodes
    shown = [" ".join(text_of(html_label(a))) for i, a in nodes.items() if i.startswith("n")]
    assert any(s.startswith('<i>"x"</i> & ]; evil data') for s in shown)
    assert any(s.startswith("w new line data") for s in shown)
    # A constant is drawn as its number whatever names says.
    a = Value(2.0, "a")
    twice = (a * 3.0).relabel("t")
    const = twice.inputs[1]
    nodes, _ = parse(draw(twice, names={const: "three", a: "a[1]"}).source)
    assert sorted(text_of(html_label(x))[0] for i, x in nodes.items() if i.startswith("n")) == ["3", "a[1]", "t"]
    # The same names in another order give the same text, byte for byte.
    assert draw(y, names=dict(reversed(list(hostile.items())))).source == g.source
    svg = to_svg(g)
    assert svg.count('class="node"') == 6 + 3  # boxes x, w, b, x*w, x*w + b, y; ops *, +, softplus


# ------------------------------------------------------------------ highlighting


def test_highlight_marks_exactly_the_paths_from_the_leaf_to_the_root():
    ssr, p = network()
    ssr.backward()
    g = draw(ssr, highlight=p["w1"])
    nodes, edges = parse(g.source)
    red = [(s, d) for s, d, a in edges if f'color="{HIGHLIGHT}"' in a]
    # Each data point's path w1 -> * -> + -> softplus -> * -> + -> + -> - -> **2, then the sums:
    # 3 paths of 9 input->op edges + 9 op->value edges, sharing the last sums.
    # Count instead the value boxes outlined in red: w1, and per data point input*w1, x1, y1,
    # y1*w3, (+w4 term), predicted, observed - predicted, square: 8 each; the two sums; SSR.
    outlined = [i for i, a in nodes.items() if i.startswith("n") and f'color="{HIGHLIGHT}"' in a]
    assert len(outlined) == 1 + 3 * 8 + 2
    # no red edge leaves a node that does not depend on w1
    outlined_set = set(outlined)
    ops_red = {i for i, a in nodes.items() if i.startswith("op") and f'color="{HIGHLIGHT}"' in a}
    for s, _d in red:
        assert s in outlined_set or s in ops_red
    # b1 and w2 are off the paths
    assert f'color="{HIGHLIGHT}"' not in nodes[node_id(g, "w2")]


def test_highlight_caption_states_the_sum_of_path_products_is_the_grad():
    ssr, p = network()
    ssr.backward()
    g = draw(ssr, highlight="w3")
    caption = caption_text(g.source)
    # dSSR/dw3 = sum over data points of -2 (observed - predicted) * y1 (hand formula)
    expected = sum(
        -2 * (o - hand_forward(PARAMS, i)[4]) * hand_forward(PARAMS, i)[1]
        for i, o in zip([0.0, 0.5, 1.0], [0.0, 1.0, 0.0])
    )
    assert "dSSR/dw3 = sum over the 3 red paths from w3 to SSR" in caption
    assert f"= {fmt(expected)} = the grad of w3" in caption
    hidden = caption_text(draw(ssr, highlight="w3", show_grads=False).source)
    assert fmt(expected) not in hidden  # an exercise sheet does not give the answer away


def test_highlight_errors():
    y, *_ = small()
    with pytest.raises(ValueError, match="no node labelled 'nope'.*b, w, x, y"):
        draw(y, highlight="nope")
    with pytest.raises(ValueError, match="not in the graph"):
        draw(y, highlight=Value(1.0, "z"))
    ssr, _ = network()
    with pytest.raises(ValueError, match="3 nodes are labelled 'x1'"):
        draw(ssr, highlight="x1")


# ------------------------------------------------------------------ determinism and escaping


def test_same_graph_gives_the_same_dot_text_byte_for_byte():
    a, _ = network()
    b, _ = network()
    a.backward()
    b.backward()
    sa, sb = draw(a, highlight="b3").source, draw(b, highlight="b3").source
    assert sa == sb
    assert not re.search(r"0x[0-9a-f]{6,}|\b\d{9,}\b", sa)  # no addresses or id() values
    ids = re.findall(r"^\t(n\d+) \[", sa, re.M)
    assert ids == [f"n{i}" for i in range(len(ids))]  # topological indices, root last


HOSTILE = [
    '"];evil[label="x',
    "<b>bold</b>",
    "{a|b}",
    "line1\nline2",
    "naïve ∂L/∂w 🙂",
    "back\\",
    "nul\x00bell\x07",
    "lone\ud800surrogate",
    "]; } digraph { x",
    "&amp; &#60;",
]


def test_any_label_is_escaped_and_cannot_break_the_dot_source():
    leaves = [Value(float(i + 1), lab) for i, lab in enumerate(HOSTILE)]
    root = leaves[0]
    for leaf in leaves[1:]:
        root = root * leaf
    root.relabel('root"<>')
    root.backward()
    g = draw(root, highlight=leaves[0], title='title </table> "x"')
    src = g.source
    src.encode("utf-8")  # no lone surrogate reaches the text
    nodes, edges = parse(src)
    n_values = len(HOSTILE) + (len(HOSTILE) - 1)
    assert len([i for i in nodes if i.startswith("n")]) == n_values
    assert "evil" not in nodes
    for attrs in nodes.values():
        html_label(attrs)  # balanced: no raw < or > from a label
    assert "<b>bold</b>" not in src and "&lt;b&gt;bold&lt;/b&gt;" in src
    assert "\x00" not in src and "\\u0000" in src
    shown = [" ".join(text_of(html_label(nodes[f"n{i}"]))) for i in range(len(nodes)) if f"n{i}" in nodes]
    assert any(s.startswith("line1 line2 data") for s in shown)  # newline drawn as a line break
    assert any(s.startswith("naïve ∂L/∂w 🙂 data") for s in shown)
    # The real dot accepts it and draws every node: nothing was injected or lost.
    svg = to_svg(g)
    assert svg.count('class="node"') == n_values + (len(HOSTILE) - 1)
    assert "evil" not in re.findall(r"<title>(.*?)</title>", svg)


def test_escaping_in_formulas_on_edges():
    a, b = Value(2.0, "a<b>"), Value(3.0, '"q"')
    y = a * b
    y.backward()
    _, edges = parse(draw(y).source)
    texts = sorted(edge_text(x) for _, _, x in edges if "label=" in x)
    assert texts == sorted(['"q" = 3', "a<b> = 2"])


# ------------------------------------------------------------------ size limit and bad input


def test_a_graph_larger_than_the_limit_is_refused_with_the_limit_named():
    x = Value(1.0, "x")
    y = x
    for _ in range(DEFAULT_MAX_NODES):
        y = y + 1.0
    n = 1 + 2 * DEFAULT_MAX_NODES  # x, one constant and one sum per step
    message = rf"{n} value nodes, more than max_nodes={DEFAULT_MAX_NODES}.*max_nodes={n}"
    with pytest.raises(GraphTooLargeError, match=message):
        draw(y)
    assert draw(y, max_nodes=n).source.count(" -> ") == 3 * DEFAULT_MAX_NODES


def test_a_huge_chain_is_refused_quickly_without_recursion():
    y = Value(1.0, "x")
    for _ in range(200_000):
        y = y.tanh()
    with pytest.raises(GraphTooLargeError, match="200001 value nodes"):
        draw(y)


def test_bad_arguments():
    y, *_ = small()
    with pytest.raises(TypeError, match="engine Value"):
        draw(3.0)
    with pytest.raises(ValueError, match="max_nodes"):
        draw(y, max_nodes=0)
    with pytest.raises(TypeError, match="grads values"):
        draw_frame(y, grads={y: "one"})
    with pytest.raises(TypeError, match="params"):
        draw(y, params=[1.0])
    with pytest.raises(TypeError, match="names must be a mapping"):
        draw(y, names=["y"])
    with pytest.raises(TypeError, match="names values must be str, got int 3"):
        draw(y, names={y: 3})


# ------------------------------------------------------------------ compact=True (ops inside the boxes)


def test_compact_puts_each_op_in_its_box_and_draws_edges_input_to_value():
    y, x, w, b = small()
    g = draw(y, compact=True)
    nodes, edges = parse(g.source)
    assert all(i.startswith("n") for i in nodes)  # no op ovals
    xw, s, yid = node_id_any(g, "×"), node_id_any(g, "+"), node_id_any(g, "softplus")
    xid, wid, bid = node_id(g, "x"), node_id(g, "w"), node_id(g, "b")
    # One edge per input, straight from the input's box to the box of the value it makes.
    assert sorted((a, d) for a, d, _ in edges) == sorted(
        [(xid, xw), (wid, xw), (xw, s), (bid, s), (s, yid)])
    # The header shows the op (then the name where the value has one); data and grad as before.
    z = 0.5 * 3.34 - 1.43
    boxes = {i: text_of(html_label(a)) for i, a in nodes.items()}
    assert boxes[yid] == ["softplus", "y", "data", fmt(softplus(z)), "grad", fmt(1.0)]
    assert boxes[xw] == ["×", "data", fmt(0.5 * 3.34), "grad", fmt(sigmoid(z))]
    assert boxes[s] == ["+", "data", fmt(z), "grad", fmt(sigmoid(z))]
    # Leaves have no op: their boxes are those of the default drawing.
    default = draw(y)
    default_nodes, _ = parse(default.source)
    for leaf in ("x", "w", "b"):
        assert nodes[node_id(g, leaf)] == default_nodes[node_id(default, leaf)]


def node_id_any(g, first_word):
    nodes, _ = parse(g.source)
    found = [i for i, a in nodes.items() if text_of(html_label(a))[:1] == [first_word]]
    assert len(found) == 1, (first_word, found)
    return found[0]


def test_compact_edges_carry_the_same_local_derivatives_formula_over_number():
    y, x, w, b = small()
    _, edges = parse(draw(y, compact=True).source)
    _, default_edges = parse(draw(y).source)
    z = 0.5 * 3.34 - 1.43
    texts = sorted(edge_text(a) for _, _, a in edges)
    # The same labels as the default drawing's input edges (whose op -> value edges have none).
    assert texts == sorted(edge_text(a) for _, _, a in default_edges if "label=" in a)
    assert f"sigmoid(x·w + b) = {fmt(sigmoid(z))}" in texts
    # The number goes under its formula: a narrower label, a narrower rank.
    sig = next(a for _, _, a in edges if "sigmoid" in a)
    assert f"sigmoid(x·w + b)<br/>= <b>{fmt(sigmoid(z))}</b>" in html.unescape(html_label(sig))


def test_compact_highlight_marks_exactly_the_edges_on_paths_from_the_leaf():
    ssr, p = network()
    ssr.backward()
    g = draw(ssr, highlight=p["w1"], compact=True)
    nodes, edges = parse(g.source)
    outlined = {i for i, a in nodes.items() if f'color="{HIGHLIGHT}"' in a}
    assert len(outlined) == 1 + 3 * 8 + 2  # as in the default drawing: w1, 8 per data point, 2 sums, SSR
    red = {(s, d) for s, d, a in edges if f'color="{HIGHLIGHT}"' in a}
    # An edge is red exactly when both its ends depend on w1 (input on a path, value on it too).
    assert red == {(s, d) for s, d, _ in edges if s in outlined and d in outlined}
    assert "the grad of w1" in caption_text(g.source)


def test_compact_focus_edge_emphasises_the_edge_from_the_input_to_the_consumer():
    from viz.graph.style import GRAD_COLOUR, RECEIVER_WIDTH

    y, x, w, b = small()
    s = y.inputs[0]  # (x*w) + b
    g = draw_frame(y, focus_edge=(s, 1), compact=True)
    nodes, edges = parse(g.source)
    bid = node_id(g, "b")
    sid = node_id_any(g, "+")
    emphasised = [(a, d) for a, d, attrs in edges if f'color="{FOCUS}"' in attrs]
    assert emphasised == [(bid, sid)]  # not the edge from x*w into s
    assert f'color="{FOCUS}"' in nodes[sid]
    assert f'color="{GRAD_COLOUR}"' in nodes[bid] and f"penwidth={RECEIVER_WIDTH}" in nodes[bid]
    # focus: the box and all its input edges
    _, edges = parse(draw_frame(y, focus=s, compact=True).source)
    assert len([1 for _, d, attrs in edges if f'color="{FOCUS}"' in attrs and d == sid]) == 2


def test_compact_names_grads_and_exercise_sheet():
    y, x, w, b = small()
    s = y.inputs[0]
    g = draw_frame(y, compact=True, names={s: "z<1>"}, grads={s: None, y: 1.0}, show_grads=True)
    words = text_of(html_label(parse(g.source)[0][node_id_any(g, "+")]))
    assert words == ["+", "z<1>", "data", fmt(0.5 * 3.34 - 1.43), "grad"]  # blank grad cell
    assert "&lt;" in g.source
    sheet = draw(y, compact=True, show_grads=False)
    assert all(text_of(html_label(a))[-1] == "?" for a in parse(sheet.source)[0].values())


def test_compact_is_deterministic_and_escapes_op_names_and_labels():
    def build():
        a, c = Value(2.0, 'a<b>&"'), Value(3.0, "c")
        r = (a * c).relabel("r]}").tanh()
        r.backward()
        return r

    s1, s2 = draw(build(), compact=True).source, draw(build(), compact=True).source
    assert s1 == s2
    for _, attrs in parse(s1)[0].items():
        html_label(attrs)  # balanced: no raw < or > from user text
    assert "a&lt;b&gt;&amp;&quot;" in s1


def test_compact_must_be_a_bool():
    y, *_ = small()
    with pytest.raises(TypeError, match="compact"):
        draw(y, compact="yes")


def test_the_layout_is_tight_and_compact_halves_the_ranks():
    # Between ranks and between boxes a rank apart: tight spacing (inches), so the network fits a slide.
    from viz.graph.style import NODESEP, RANKSEP

    y, *_ = small()
    assert f"nodesep={NODESEP} " in draw(y).source and float(NODESEP) <= 0.2
    assert f"ranksep={RANKSEP}" in draw(y).source and float(RANKSEP) <= 0.25
    # Longest path in nodes: x -> op -> xw -> op -> s -> op -> y is 7 by default, 4 compact.

    def longest(source):
        _, edges = parse(source)
        depth = {}
        for a, d, _ in edges:  # edges are listed in topological order of their heads
            depth[d] = max(depth.get(d, 1), depth.get(a, 1) + 1)
        return max(depth.values())

    assert longest(draw(y).source) == 7 and longest(draw(y, compact=True).source) == 4
