"""Second derivatives against PyTorch: engine.grad(..., create_graph=True) twice, and engine.hessian,
on random graphs over every op (tests/random_graphs.py), double precision, to 1e-9.

Skipped where torch is not installed (``pip install torch``).
"""

import math
import random
import warnings

import pytest

from engine import Value, grad, hessian, hessian_vector_product, topological_order
from tests.random_graphs import KINDS, random_program, run

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # e.g. "Failed to initialize NumPy" on numpy-less installs
    torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH_FUNCTIONS = {
    "exp": torch.exp, "log": torch.log, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "square": torch.square,
    "softplus": lambda t: F.softplus(t, threshold=1000.0),  # no linear cut-off at 20
}
GRAPHS = 320


def close(x: float, y: float, scale: float = 1.0) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, scale))


def _graph(seed: int):
    rng = random.Random(2200 + seed)
    program, leaves = random_program(rng, n_leaves=rng.randint(1, 4), n_ops=rng.randint(1, 25))
    return program, leaves


def _torch_function(program):
    return lambda *xs: run(program, list(xs), TORCH_FUNCTIONS)


@pytest.mark.parametrize("seed", range(GRAPHS))
def test_first_and_second_derivatives_agree_with_torch(seed):
    program, leaves = _graph(seed)
    xs = [Value(x) for x in leaves]
    root = run(program, xs)
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    troot = run(program, ts, TORCH_FUNCTIONS)

    ours = grad(root, xs, create_graph=True, allow_unused=True)
    theirs = torch.autograd.grad(troot, ts, create_graph=True, allow_unused=True, materialize_grads=True)
    for g, t in zip(ours, theirs):
        assert close(g.data, t.item(), abs(t.item())), (seed, g.data, t.item())
    # The second derivatives, row by row: grad of each first derivative, in both engines.
    for i, (g, t) in enumerate(zip(ours, theirs)):
        row = grad(g, xs, allow_unused=True)
        trow = (torch.autograd.grad(t, ts, retain_graph=True, allow_unused=True, materialize_grads=True)
                if t.requires_grad else [torch.zeros(())] * len(ts))
        for j, (h, th) in enumerate(zip(row, trow)):
            assert close(h, th.item(), abs(th.item())), (seed, i, j, h, th.item())

    # hessian() and torch.autograd.functional.hessian, on the leaves the root reads, as one point.
    read = [k for k, x in enumerate(xs) if x in set(topological_order(root))]
    if root.inputs and read:
        full = torch.autograd.functional.hessian(_torch_function(program), tuple(t.detach() for t in ts))
        mine = hessian(root, [xs[k] for k in read])
        for i, ki in enumerate(read):
            for j, kj in enumerate(read):
                want = full[ki][kj].item()
                assert close(mine[i][j], want, abs(want)), (seed, i, j, mine[i][j], want)


def test_every_op_is_in_the_random_graphs():
    seen = set()
    for seed in range(GRAPHS):
        program, _ = _graph(seed)
        seen.update(kind for kind, *_ in program)
    assert seen == set(KINDS)


@pytest.mark.parametrize("seed", range(20))
def test_hessian_vector_products_agree_with_torch(seed):
    program, leaves = _graph(1000 + seed)
    xs = [Value(x) for x in leaves]
    root = run(program, xs)
    if not root.inputs or not all(x in set(topological_order(root)) for x in xs):
        pytest.skip("the root does not read every leaf")
    v = [random.Random(seed).uniform(-1.0, 1.0) for _ in xs]
    _, thv = torch.autograd.functional.hvp(
        lambda t: run(program, list(t), TORCH_FUNCTIONS),
        torch.tensor(leaves, dtype=torch.float64), torch.tensor(v, dtype=torch.float64))
    for mine, want in zip(hessian_vector_product(root, xs, v), thv.tolist()):
        assert close(mine, want, abs(want)), (seed, mine, want)


def test_the_articles_hessian_agrees_with_torch():
    from nn.statquest import DETAILS_2_START, INPUTS, OBSERVED, PARAMETER_NAMES, loss, network

    model = network(DETAILS_2_START)
    params = [model.parameter(n) for n in PARAMETER_NAMES]
    mine = hessian(loss(model), params)

    def ssr(w1, b1, w2, b2, w3, w4, b3):
        total = 0.0
        for x, o in zip(INPUTS, OBSERVED):
            predicted = F.softplus(x * w1 + b1) * w3 + F.softplus(x * w2 + b2) * w4 + b3
            total = total + (o - predicted) ** 2
        return total

    point = tuple(torch.tensor(DETAILS_2_START[n], dtype=torch.float64) for n in PARAMETER_NAMES)
    full = torch.autograd.functional.hessian(ssr, point)
    for i in range(7):
        for j in range(7):
            assert close(mine[i][j], full[i][j].item(), abs(full[i][j].item())), (i, j)
