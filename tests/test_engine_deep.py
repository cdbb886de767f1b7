"""Big graphs: a chain of a million ops and a sum of 100,000 terms backprop
without recursion and without touching the recursion limit."""

import inspect
import math
import random
import sys

from engine import Value, topological_order


def test_chain_of_a_million_ops():
    limit = sys.getrecursionlimit()
    x = Value(0.3, "x")
    y = x
    for _ in range(1_000_000):
        y = -y
    assert len(topological_order(y, include_leaves=False)) == 1_000_000
    y.backward()
    # d/dx of a million negations = (-1)^1000000 = 1
    assert x.grad == 1.0 and y.data == 0.3
    assert sys.getrecursionlimit() == limit
    del y  # freeing a million-deep chain must not overflow the C stack either


def test_deep_tanh_chain_matches_the_product_of_local_derivatives():
    # y_k = tanh(y_{k-1}); dy_n/dx = prod (1 - y_k^2), computed here with plain floats.
    n = 100_000
    x = Value(0.9)
    y = x
    for _ in range(n):
        y = y.tanh()
    y.backward()
    t, product = 0.9, 1.0
    for _ in range(n):
        t = math.tanh(t)
        product *= 1.0 - t * t
    assert y.data == t
    assert math.isclose(x.grad, product, rel_tol=1e-9)


def test_wide_sum_of_100000_products():
    limit = sys.getrecursionlimit()
    rng = random.Random(5)
    n = 100_000
    a = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    b = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    s = a[0] * b[0]
    for i in range(1, n):
        s = s + a[i] * b[i]
    s.backward()
    # d(sum a_i b_i)/da_i = b_i and d/db_i = a_i, exactly (each is one product by 1.0)
    assert all(ai.grad == bi.data and bi.grad == ai.data for ai, bi in zip(a, b))
    assert math.isclose(s.data, math.fsum(ai.data * bi.data for ai, bi in zip(a, b)), rel_tol=1e-9, abs_tol=1e-9)
    assert sys.getrecursionlimit() == limit


def test_sum_with_builtin_sum_and_many_shared_leaves():
    # sum() starts from the int 0, which becomes a constant; every term reuses w.
    w = Value(1.5, "w")
    xs = [0.001 * k for k in range(20_000)]
    total = sum(w * x for x in xs)
    total.backward()
    assert math.isclose(w.grad, math.fsum(xs), rel_tol=1e-12)
    assert topological_order(total)[0].op == "const"  # the 0 that sum() started from


def test_walks_use_no_recursion_at_all():
    # With the recursion limit just above the current depth, any recursive walk
    # (or recursive repr, hash or free) would fail on a graph this deep.
    depth = len(inspect.stack())
    x = Value(0.5)
    y = x
    for _ in range(5_000):
        y = (y * 1.0001).tanh()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 25)
    try:
        order = topological_order(y)
        y.backward()
        y.zero_grad()
        y.backward()
        text = repr(y)
    finally:
        sys.setrecursionlimit(limit)
    assert len(order) == 1 + 2 * 5_000 + 5_000  # x, the constants, the products and the tanhs
    t, product = 0.5, 1.0
    for _ in range(5_000):
        t = math.tanh(t * 1.0001)
        product *= (1.0 - t * t) * 1.0001  # d tanh(1.0001 y)/dy
    assert math.isclose(x.grad, product, rel_tol=1e-9)
    assert text.startswith("Value(")
