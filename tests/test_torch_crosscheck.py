"""Cross-check against PyTorch: random expression graphs built identically in both
engines (double precision); every node's value and gradient must agree.

Skipped where torch is not installed (``pip install torch``; CI installs a CPU build).
"""

import math
import random
import warnings

import pytest

from engine import Value, topological_order

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # e.g. "Failed to initialize NumPy" on numpy-less installs
    torch = pytest.importorskip("torch")
F = torch.nn.functional


def random_program(rng: random.Random, n_leaves: int, n_ops: int):
    """A random graph as a list of instructions, chosen so that every op stays in its domain.

    Built on our engine as it goes (so the domain of each op can be checked on
    real values); returns the instructions, the leaves' values, and our nodes.
    Nodes are reused freely, so graphs have shared subexpressions, a*a and diamonds.
    """
    leaves = [rng.uniform(-2.0, 2.0) for _ in range(n_leaves)]
    nodes = [Value(x) for x in leaves]
    program = []
    while len(program) < n_ops:
        i, j = rng.randrange(len(nodes)), rng.randrange(len(nodes))
        a, b = nodes[i], nodes[j]
        kind = rng.choice(
            ["+", "-", "*", "/", "num+", "num-", "num*", "num/", "neg", "**n", "**v", "exp",
             "log", "softplus", "sigmoid", "tanh", "relu", "square"]
        )
        c = round(rng.uniform(-3.0, 3.0), 3)
        if kind in ("num+", "num-", "num*") or (kind == "num/" and abs(c) > 0.5):
            pass
        elif kind == "/" and abs(b.data) < 0.3:
            continue
        elif kind == "num/" or (kind == "**v" and not (0.2 < a.data < 5.0 and abs(b.data) < 3.0)):
            continue
        elif kind == "**n":
            c = rng.choice([2, 3, -1, 0.5, 1.5])
            if (c < 0 and abs(a.data) < 0.3) or (c != int(c) and a.data < 0.2) or abs(a.data) > 10:
                continue
        elif kind == "exp" and a.data > 5.0:
            continue
        elif kind == "log" and a.data < 0.1:
            continue
        elif kind == "relu" and abs(a.data) < 1e-6:
            continue  # the kink: both engines say 0, but keep clear of it
        elif kind in ("*", "square") and max(abs(a.data), abs(b.data)) > 1e3:
            continue
        swap = rng.random() < 0.5  # number on the left or on the right
        program.append((kind, i, j, c, swap))
        nodes.append(apply(kind, a, b, c, swap, ours=True))
    return program, leaves, nodes


def apply(kind, a, b, c, swap, ours):
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b
    if kind == "num+":
        return c + a if swap else a + c
    if kind == "num-":
        return c - a if swap else a - c
    if kind == "num*":
        return c * a if swap else a * c
    if kind == "num/":
        return a / c
    if kind == "neg":
        return -a
    if kind == "**n":
        return a**c
    if kind == "**v":
        return a**b
    if ours:
        return getattr(a, kind)()
    return {
        "exp": torch.exp,
        "log": torch.log,
        "softplus": lambda t: F.softplus(t, threshold=1000.0),  # no linear cut-off at 20
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "square": torch.square,
    }[kind](a)


def run_torch(program, leaves):
    nodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    for kind, i, j, c, swap in program:
        out = apply(kind, nodes[i], nodes[j], c, swap, ours=False)
        out.retain_grad()
        nodes.append(out)
    return nodes


def close(x, y, rel=1e-9, abs_=1e-12):
    return math.isclose(x, y, rel_tol=rel, abs_tol=abs_)


@pytest.mark.parametrize("seed", range(60))
def test_random_graphs_agree_with_torch(seed):
    rng = random.Random(seed)
    program, leaves, ours = random_program(rng, n_leaves=rng.randint(1, 5), n_ops=rng.randint(1, 40))
    theirs = run_torch(program, leaves)
    for mine, t in zip(ours, theirs):
        assert close(mine.data, t.item(), rel=1e-12), (seed, mine, t)

    # Sum the last few nodes so the root depends on much of the graph.
    root_ours, root_theirs = ours[-1], theirs[-1]
    for k in range(2, min(5, len(program)) + 1):
        root_ours = root_ours + ours[-k]
        root_theirs = root_theirs + theirs[-k]
    root_ours.backward()
    root_theirs.backward()

    reached = set(topological_order(root_ours))
    for mine, t in zip(ours, theirs):
        expected = t.grad.item() if t.grad is not None else 0.0
        got = mine.grad if mine in reached else 0.0
        scale = max(1.0, abs(expected))
        assert close(got, expected, rel=1e-9, abs_=1e-10 * scale), (seed, mine, expected)


@pytest.mark.parametrize("seed", range(10))
def test_backward_twice_accumulates_leaves_like_torch(seed):
    rng = random.Random(100 + seed)
    program, leaves, ours = random_program(rng, n_leaves=3, n_ops=25)
    theirs = run_torch(program, leaves)
    ours[-1].backward()
    ours[-1].backward()
    theirs[-1].backward(retain_graph=True)
    theirs[-1].backward()
    for mine, t in zip(ours[: len(leaves)], theirs):
        expected = t.grad.item() if t.grad is not None else 0.0
        assert close(mine.grad, expected, rel=1e-9, abs_=1e-10)


def test_the_articles_network_gradients_agree_with_torch():
    # The drug-dosage network at the starting values of StatQuest's
    # "Backpropagation Details Pt. 2": w1=2.74, b1=0, w2=-1.13, b2=0, w3=0.36, w4=0.63, b3=0;
    # doses 0, 0.5, 1 with observed 0, 1, 0; loss = SSR.
    start = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
    doses, observed = (0.0, 0.5, 1.0), (0.0, 1.0, 0.0)

    def ssr(p, softplus):
        total = 0.0
        for d, o in zip(doses, observed):
            predicted = softplus(d * p["w1"] + p["b1"]) * p["w3"] + softplus(d * p["w2"] + p["b2"]) * p["w4"] + p["b3"]
            total = total + (o - predicted) ** 2
        return total

    ours = {k: Value(v, k) for k, v in start.items()}
    theirs = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in start.items()}
    a = ssr(ours, lambda v: v.softplus())
    b = ssr(theirs, F.softplus)
    a.backward()
    b.backward()
    assert close(a.data, b.item(), rel=1e-12)
    for k in start:
        assert close(ours[k].grad, theirs[k].grad.item(), rel=1e-12, abs_=1e-14), k
