"""draw(names=)'s edge formulas: labelled nodes by their shown name, unlabelled ones by their expression.

The replay (``viz.chainrule.names.node_names``) names an unlabelled node's box by its op and
position (``-#19``); in a formula that reads badly (``2·-#19``), so the formula writes
what the node is (``2·(observed[1] - predicted[1])``) and the box keeps its name.
"""

import math
import re

import pytest

from engine import Value, topological_order
from tests.articles import INPUTS, OBSERVED, PARAMS, hand_forward, network, sigmoid
from viz import draw
from viz.chainrule.explanation import explain
from viz.chainrule.formulas import Namer
from viz.chainrule.names import is_position_name, node_names
from viz.chainrule.numbers import fmt
from viz.replay.frames import replay_frames

# An edge's label is the one cell of a borderless table (a margin around the text): user text inside is escaped.
EDGE = re.compile(r"^\t(\w+) -> (\w+) \[label=<<table [^>]*><tr><td>(.*?)</td></tr></table>>", re.MULTILINE)


def edge_labels(source: str) -> list[str]:
    """The DOT text of every edge label (``2·(a - b) = <b>1.4</b>``), in order."""
    return [m.group(3) for m in EDGE.finditer(source)]


def formula_label(formula: str, number: float) -> str:
    """An edge label as draw writes it: the formula, then the number in bold."""
    return f"{formula} = <b>{fmt(number)}</b>"


def tanh_graph():
    """y = tanh(a·b + a)·a with a, b and y labelled and the three nodes between them not."""
    a, b = Value(0.5, "a"), Value(-1.5, "b")
    y = ((a * b + a).tanh() * a).relabel("y")
    y.backward()
    return y, a, b


def test_the_articles_replay_frame_writes_the_residual_as_its_expression():
    ssr, _ = network()
    frame = replay_frames(ssr, compact=False)[0]  # op ovals: each label's formula and number on one line
    source = frame.digraph.source
    labels = edge_labels(source)
    names = node_names(ssr)
    for k, (dose, observed) in enumerate(zip(INPUTS, OBSERVED), start=1):
        x1, _, x2, _, predicted = hand_forward(PARAMS, dose)
        # d(u^2)/du = 2·u with u = observed - predicted, of this data point (hand formula)
        assert formula_label(f"2·(observed[{k}] - predicted[{k}])", 2.0 * (observed - predicted)) in labels
        assert formula_label(f"sigmoid(x1[{k}])", sigmoid(x1)) in labels
        assert formula_label(f"sigmoid(x2[{k}])", sigmoid(x2)) in labels
    # The boxes keep the replay's names (the captions use them); no formula does.
    residuals = [n for n in topological_order(ssr) if n.op == "-"]
    assert [names[n] for n in residuals] == ["-#19", "-#33", "-#48"]
    for n in residuals:
        assert f"<b>{names[n]}</b>" in source
    assert not [label for label in labels if "#" in label]


def test_an_unlabelled_node_is_its_expression_and_its_box_keeps_its_name():
    y, a, b = tanh_graph()
    source = draw(y, names=node_names(y)).source
    labels = edge_labels(source)
    inner = 0.5 * -1.5 + 0.5  # a·b + a
    assert formula_label("1 - tanh(a·b + a)^2", 1.0 - math.tanh(inner) ** 2) in labels
    assert formula_label("tanh(a·b + a)", math.tanh(inner)) in labels  # d(t·a)/da for the product's a
    assert formula_label("b", -1.5) in labels and formula_label("a", 0.5) in labels
    for box in ("*#2", "+#3", "tanh#4"):
        assert f"<b>{box}</b>" in source
    assert not [label for label in labels if "#" in label]
    # The same formulas as without names: only labelled nodes could be renamed, and none was.
    assert labels == edge_labels(draw(y).source)


def test_labelled_nodes_are_written_by_their_shown_name_inside_the_expression():
    y, a, b = tanh_graph()
    labels = edge_labels(draw(y, names={a: "a[1]", b: "b[1]"}).source)
    inner = 0.5 * -1.5 + 0.5
    assert formula_label("1 - tanh(a[1]·b[1] + a[1])^2", 1.0 - math.tanh(inner) ** 2) in labels


def test_a_name_the_user_gives_an_unlabelled_node_is_used():
    y, a, b = tanh_graph()
    s = y.inputs[0].inputs[0]  # a·b + a
    labels = edge_labels(draw(y, names={s: "s"}).source)
    assert formula_label("1 - tanh(s)^2", 1.0 - math.tanh(s.data) ** 2) in labels
    assert formula_label("tanh(s)", math.tanh(s.data)) in labels


def test_too_long_an_expression_leaves_the_position_name_in_parentheses():
    observed, alpha, beta, gamma = (Value(v, n) for v, n in ((1.0, "observed"), (0.3, "alpha"),
                                                            (-2.0, "beta"), (0.25, "gamma")))
    sq = (observed - (alpha * beta + gamma)) ** 2
    sq = sq.relabel("sq")
    sq.backward()
    names = node_names(sq)
    residual = sq.inputs[0]
    assert names[residual] == "-#6"
    # "observed - (alpha·beta + gamma)" is 31 characters, beyond Namer's 28:
    # the box's name stands in, bracketed so that "2·" does not run into its "-".
    u = 1.0 - (0.3 * -2.0 + 0.25)
    labels = edge_labels(draw(sq, names=names).source)
    assert formula_label("2·(-#6)", 2.0 * u) in labels
    # Without names= that node has no name at all: the number alone.
    assert f"<b>{fmt(2.0 * u)}</b>" in edge_labels(draw(sq).source)


def test_where_the_expression_makes_the_formula_too_long_the_box_name_stands_in():
    x, w, b1 = Value(0.3, "x"), Value(2.0, "w"), Value(-0.1, "b1")
    y = (x * w + b1).sigmoid().relabel("y")
    y.backward()
    z = y.inputs[0]
    names = node_names(y)
    s = 1.0 / (1.0 + math.exp(-(0.3 * 2.0 - 0.1)))
    # "sigmoid(x·w + b1)·(1 - sigmoid(x·w + b1))" is 41 characters, one beyond MAX_FORMULA
    labels = edge_labels(draw(y, names=names).source)
    assert formula_label(f"sigmoid({names[z]})·(1 - sigmoid({names[z]}))", s * (1.0 - s)) in labels
    assert f"<b>{fmt(s * (1.0 - s))}</b>" in edge_labels(draw(y).source)  # without names=: the number alone
    # One character less, and the expression fits.
    y2 = (x * w + Value(-0.1, "b")).sigmoid().relabel("y")
    assert formula_label("sigmoid(x·w + b)·(1 - sigmoid(x·w + b))", s * (1.0 - s)) in edge_labels(
        draw(y2, names=node_names(y2)).source)


def test_the_caption_names_the_highlighted_box_as_the_replay_does():
    y, a, b = tanh_graph()
    source = draw(y, names=node_names(y), highlight="+#3").source
    grad = 0.5 * (1.0 - math.tanh(0.5 * -1.5 + 0.5) ** 2)  # dy/ds = a·(1 - tanh(s)^2)
    assert f"dy/d(+#3) = sum over 1 red path from (+#3) to y of the product of the local derivatives " \
           f"on its edges = {fmt(grad)} = the grad of (+#3)" in source


def test_without_names_the_drawing_does_not_change():
    y, a, b = tanh_graph()
    plain = draw(y).source
    assert draw(y, names={}).source == plain
    assert draw(y, names={a: "a", b: "b", y: "y"}).source == plain


def test_explain_with_the_replays_names_writes_expressions_too():
    ssr, p = network()
    ssr.backward()
    e = explain(ssr, p["w1"], names=node_names(ssr))
    assert [f.formula for f in e.paths[0].factors][0] == "-2·(observed[1] - predicted[1])"


def graphs():
    """Graphs whose node_names hold every kind of name: labels, repeats, constants, positions, a clash."""
    ssr, _ = network()
    y, _, _ = tanh_graph()
    leaf = Value(2.0)  # an unlabelled leaf the user made: leaf#0
    m = leaf * leaf
    clash = (m + 1.0).relabel(f"*#{topological_order(m).index(m)}")  # a label spelling m's position name
    return [ssr, y, clash]


@pytest.mark.parametrize("root", graphs(), ids=["articles", "tanh", "clash"])
def test_position_names_are_exactly_the_ones_node_names_makes_for_unlabelled_nodes(root):
    names = node_names(root)
    for node in topological_order(root):
        expected = node.label is None and not node.is_constant
        assert is_position_name(node, names[node]) is expected, (node, names[node])
    if root.label == "*#1":
        m = root.inputs[0]
        assert names[m] == "*#1#1" and names[root] == "*#1#3"  # both get their position


# Names that look like a position but are not this node's (another op, no number, extra text): kept.
NOT_POSITIONS = ["+#1", "*#", "*#x", "*#1#2", "a*#1", "*#1 "]


@pytest.mark.parametrize("name", NOT_POSITIONS)
def test_other_names_of_an_unlabelled_node_are_names(name):
    leaf = Value(2.0)
    m = leaf * 3.0
    assert not is_position_name(m, name)
    assert Namer(names={m: name})(m).text == name
