"""viz.explain(names=): nodes written by the names the replay's boxes show (sq[1], x1[2])."""

import math

import pytest

from engine import Value
from tests.articles import INPUTS, OBSERVED, PARAMS, hand_forward, network, sigmoid
from viz.chainrule.explanation import explain
from viz.chainrule.names import node_names


def per_point(root):
    """node_names of the labelled nodes only: input[2], x1[2] ... (w1 is used once: w1)."""
    return {node: name for node, name in node_names(root).items() if node.label is not None}


def test_each_path_reads_with_its_data_points_names():
    ssr, p = network()
    ssr.backward()
    e = explain(ssr, p["w1"], names=per_point(ssr))
    assert len(e.paths) == len(INPUTS)
    for k, (path, i, o) in enumerate(zip(e.paths, INPUTS, OBSERVED), start=1):
        assert [f.name for f in path.factors] == [
            f"dSSR/dpredicted[{k}]", f"dpredicted[{k}]/dy1[{k}]", f"dy1[{k}]/dx1[{k}]", f"dx1[{k}]/dw1"]
        assert [f.formula for f in path.factors] == [
            f"-2·(observed[{k}] - predicted[{k}])", "w3", f"sigmoid(x1[{k}])", f"input[{k}]"]
        x1, _, _, _, pred = hand_forward(PARAMS, i)  # the numbers do not change with the names
        hand = [-2.0 * (o - pred), PARAMS["w3"], sigmoid(x1), i]
        for f, h in zip(path.factors, hand):
            assert math.isclose(f.value, h, rel_tol=1e-12, abs_tol=1e-15)
    text = str(e)
    assert "dSSR/dw1 = sum over 3 paths from SSR down to w1" in text
    assert "dx1/dw1" not in text and "sigmoid(x1)" not in text


def test_the_default_is_the_labels_and_names_change_only_the_words():
    ssr, p = network()
    ssr.backward()
    plain = explain(ssr, p["w1"])
    named = explain(ssr, p["w1"], names=per_point(ssr))
    assert explain(ssr, p["w1"], names={}).paths == plain.paths  # an empty mapping renames nothing
    assert [f.name for f in plain.paths[0].factors] == ["dSSR/dpredicted", "dpredicted/dy1", "dy1/dx1", "dx1/dw1"]
    assert (named.total, named.grad) == (plain.total, plain.grad)
    for a, b in zip(plain.paths, named.paths):
        assert [f.value for f in a.factors] == [f.value for f in b.factors]
        assert [f.steps for f in a.factors] == [f.steps for f in b.factors]  # factors still end at labels


def test_root_leaf_constants_and_unlabelled_nodes():
    a = Value(2.0, "a")
    y = ((a * 3).tanh() * a).relabel("y")
    y.backward()
    three = y.inputs[0].inputs[0].inputs[1]
    assert three.is_constant
    e = explain(y, a, names={a: "a[1]", y: "loss (k)", three: "three"})
    assert (e.root_name, e.leaf_name) == ("(loss (k))", "a[1]")  # not one word: in parentheses
    assert [f.name for p in e.paths for f in p.factors] == ["d(loss (k))/da[1]", "d(loss (k))/da[1]"]
    # a constant keeps its number; an unlabelled node is its expression, of the names shown
    assert [p.factors[0].formula for p in e.paths] == ["3·a[1]·(1 - tanh(a[1]·3)^2)", "tanh(a[1]·3)"]
    assert "a[1].grad = " in str(e)
    assert math.isclose(e.total, a.grad, rel_tol=1e-12)
    # an unlabelled node given a name is written by it
    inner = y.inputs[0].inputs[0]
    assert "tanh(u)" in explain(y, a, names={inner: "u"}).paths[1].factors[0].formula


def test_a_leaf_is_found_by_its_shown_name():
    ssr, p = network()
    ssr.backward()
    names = per_point(ssr)
    x1_2 = next(n for n, name in names.items() if name == "x1[2]")
    assert explain(ssr, "x1[2]", names=names).leaf is x1_2
    with pytest.raises(ValueError, match="explain: no node labelled 'x1'; did you mean 'x1\\[1\\]'"):
        explain(ssr, "x1", names=names)


def test_latex_and_markdown_use_the_names():
    ssr, p = network()
    ssr.backward()
    tex = explain(ssr, p["w1"], names=per_point(ssr), format="latex")
    assert r"\frac{\partial y_{1}[2]}{\partial x_{1}[2]}" in tex and r"\sigma(x_{1}[3])" in tex
    assert r"\partial x_{1}}" not in tex
    md = explain(ssr, p["w1"], names=per_point(ssr), format="markdown")
    assert r"\mathrm{input}[2]" in md


# Hostile names=: (names, error type, message)
BAD_NAMES = [
    (["y"], TypeError, "explain: names must be a mapping Value -> str, got list"),
    ("y", TypeError, "explain: names must be a mapping Value -> str, got str"),
    ("x->3", TypeError, "explain: names values must be str, got int 3"),
    ("x->None", None, None),  # None: the label is kept, as when the node is not in names
]


@pytest.mark.parametrize(("names", "error", "message"), BAD_NAMES)
def test_bad_names(names, error, message):
    x = Value(2.0, "x")
    y = (x * x).relabel("y")
    y.backward()
    if names == "x->3":
        names = {x: 3}
    elif names == "x->None":
        names = {x: None}
    if error is None:
        assert str(explain(y, x, names=names)) == str(explain(y, x))
        return
    with pytest.raises(error, match=message):
        explain(y, x, names=names)
