"""engine.graph: paths from a node up to the root, counted and listed, and nodes found by name.

Expected counts and sums are worked out by hand on small graphs.
"""

import math

import pytest

from engine import Value
from engine.graph import count_paths, describe, find_node, iter_paths, nodes_on_paths, path_sum, topological_order


def diamond():
    """c = (a*a + b) * a: three paths from a (two through a*a, one direct), one from b."""
    a, b = Value(2.0, "a"), Value(3.0, "b")
    aa = a * a
    s = (aa + b).relabel("s")
    c = (s * a).relabel("c")
    return a, b, aa, s, c


def test_count_paths_by_hand():
    a, b, aa, s, c = diamond()
    count = count_paths(c, a)
    assert count == {a: 1, aa: 2, s: 2, c: 3}
    assert count_paths(c, b) == {b: 1, s: 1, c: 1}
    assert count_paths(c, c) == {c: 1}


def test_iter_paths_lists_each_path_root_edge_first_in_input_order():
    a, b, aa, s, c = diamond()
    assert list(iter_paths(c, a)) == [
        [(c, 0), (s, 0), (aa, 0)],
        [(c, 0), (s, 0), (aa, 1)],
        [(c, 1)],
    ]
    assert list(iter_paths(c, c)) == [[]]
    stranger = Value(1.0)
    assert list(iter_paths(c, stranger)) == []


def test_path_sum_is_the_derivative():
    a, b, aa, s, c = diamond()
    # c = (a^2 + b) a = a^3 + ab: dc/da = 3a^2 + b = 15, over 3 paths; dc/db = a = 2
    assert path_sum(c, a) == (3, 15.0)
    assert path_sum(c, b) == (1, 2.0)
    products = [math.prod(n.local_grads[k] for n, k in p) for p in iter_paths(c, a)]
    assert math.fsum(products) == 15.0
    assert path_sum(c, Value(1.0)) == (0, 0.0)


def test_nodes_on_paths():
    a, b, aa, s, c = diamond()
    assert nodes_on_paths(c, b) == [b, s, c]
    assert nodes_on_paths(c, a) == [a, aa, s, c]
    assert nodes_on_paths(c, a, order=topological_order(c)) == [a, aa, s, c]
    with pytest.raises(ValueError, match=r"^nodes_on_paths: leaf <leaf 7> is not in the graph of root 'c'$"):
        nodes_on_paths(c, Value(7.0))


def test_describe():
    a, b, aa, s, c = diamond()
    assert describe(a) == "'a'"
    assert describe(aa) == "<* 4>"
    assert describe(Value(0.5)) == "<leaf 0.5>"


def test_find_node_by_value_label_or_name():
    a, b, aa, s, c = diamond()
    assert find_node(c, a, "f", "leaf") is a
    assert find_node(c, "s", "f", "leaf") is s
    assert find_node(c, "twice", "f", "leaf", names={aa: "twice"}) is aa
    assert find_node(c, "b", "f", "leaf", names={aa: "twice"}) is b  # unnamed: by label
    order = topological_order(c)
    assert find_node(c, "c", "f", "leaf", order=order) is c


def two_x():
    x1, x2 = Value(1.0, "x1"), Value(2.0, "x1")
    w = Value(3.0, "w")
    return x1, x2, (x1 * w + x2).relabel("y")


FIND_ERRORS = [
    # (key, names, error, message)
    ("w5", None, ValueError, "explain: no node labelled 'w5'; did you mean 'w'? labels in the graph: w, x1, y"),
    ("q", None, ValueError, "explain: no node labelled 'q'; labels in the graph: w, x1, y"),
    ("x1", None, ValueError, "explain: 2 nodes are labelled 'x1'; pass the Value itself as leaf"),
    ("x1", "names", ValueError,
     "explain: no node named 'x1'; did you mean 'x1[1]' or 'x1[2]'? names in the graph: w, x1[1], x1[2], y"),
    (Value(1.0, "x1"), None, ValueError,
     "explain: leaf Value(label='x1', data=1, grad=0) is not in the graph of the root"),
    (3, None, TypeError, "explain: leaf must be a Value or a label, got int"),
    (None, None, TypeError, "explain: leaf must be a Value or a label, got NoneType"),
]


@pytest.mark.parametrize("key, names, error, message", FIND_ERRORS)
def test_find_node_errors(key, names, error, message):
    x1, x2, y = two_x()
    mapping = {x1: "x1[1]", x2: "x1[2]"} if names else None
    with pytest.raises(error) as info:
        find_node(y, key, "explain", "leaf", names=mapping)
    assert str(info.value) == message


SAYS = [
    # (names given, says, message's start); says=None: by names
    (False, "named", "f: no node named 'q'; names in the graph: w, x1, y"),
    (True, "labelled", "f: no node labelled 'q'; labels in the graph: w, x1[1], x1[2], y"),
    (True, None, "f: no node named 'q'; names in the graph: w, x1[1], x1[2], y"),
]


@pytest.mark.parametrize("names, says, message", SAYS)
def test_find_node_says_the_word_asked_for(names, says, message):
    x1, x2, y = two_x()
    mapping = {x1: "x1[1]", x2: "x1[2]"} if names else None
    with pytest.raises(ValueError) as info:
        find_node(y, "q", "f", "leaf", names=mapping, says=says)
    assert str(info.value) == message


@pytest.mark.parametrize("says, error, message", [
    ("as", ValueError, "find_node: unknown says 'as'; choose one of 'labelled', 'named'"),
    ("label", ValueError,
     "find_node: unknown says 'label'; did you mean 'labelled'? choose one of 'labelled', 'named'"),
    (1, TypeError, "find_node: says must be a str, got int 1"),
])
def test_find_node_bad_says(says, error, message):
    x1, x2, y = two_x()
    with pytest.raises(error) as info:
        find_node(y, "w", "f", "leaf", says=says)
    assert str(info.value) == message


def test_find_node_in_a_graph_without_labels():
    z = Value(1.0) * 2
    with pytest.raises(ValueError, match=r"^f: no node labelled 'x'; labels in the graph: \(none\)$"):
        find_node(z, "x", "f", "leaf")


def test_walks_are_iterative_on_a_long_chain():
    x = Value(1.0, "x")
    y = x
    for _ in range(50_000):
        y = y + 1.0
    assert count_paths(y, x)[y] == 1
    assert path_sum(y, x) == (1, 1.0)
    (path,) = iter_paths(y, x)
    assert len(path) == 50_000
    assert len(nodes_on_paths(y, x)) == 50_001
