"""The benchmark script: it runs, and its workloads are the same computation on both engines."""

import math

import pytest

from engine import Value
from tests import bench


def test_quick_benchmark_runs_and_prints_both_tables(capsys):
    assert bench.main(["--quick", "--no-micrograd"]) == 0
    out = capsys.readouterr().out
    for workload in ("tanh chain", "wide sum", "MLP(2,[16,16,1]) step", "articles' network step"):
        assert workload in out
    assert "bytes per node" in out
    assert "0x" not in out  # no addresses


def test_op_counts_match_the_workloads():
    assert bench.count_ops(bench.tanh_chain(Value, 50)) == 50
    assert bench.count_ops(bench.wide_sum(Value, 30)) == 2 * 30 - 1
    # per point and neuron: one product and one sum per input, one relu (hidden);
    # then (pred - y) ** 2, the sum over points and the final scaling
    per_point = 16 * (2 * 2 + 1) + 16 * (2 * 16 + 1) + 1 * (2 * 16) + 2
    assert bench.count_ops(bench.mlp_step(Value, 4)) == 4 * per_point + 3 + 1
    # per dose: 2 x (product, sum, softplus), 2 products and 2 sums, residual and square
    assert bench.count_ops(bench.article_step(Value)) == 3 * 12 + 2


def test_articles_step_is_the_articles_ssr():
    forward, params, _ = bench.article_step(Value)
    ssr = forward()
    p = bench.ARTICLE_START
    sp = lambda x: math.log(1 + math.exp(x))  # noqa: E731
    hand = sum(
        (o - (sp(d * p["w1"] + p["b1"]) * p["w3"] + sp(d * p["w2"] + p["b2"]) * p["w4"] + p["b3"])) ** 2
        for d, o in zip(bench.ARTICLE_DOSES, bench.ARTICLE_OBSERVED)
    )
    assert ssr.data == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda V: bench.tanh_chain(V, 100),
        lambda V: bench.wide_sum(V, 100),
        lambda V: bench.mlp_step(V, 10),
        lambda V: bench.article_step(V),
    ],
    ids=["chain", "wide", "mlp", "articles"],
)
def test_workloads_compute_the_same_numbers_on_micrograd(make):
    MV = bench.micrograd_value()
    if MV is None:
        pytest.skip("micrograd is not installed (pip install micrograd==0.1.0)")
    ours, theirs = make(Value), make(MV)
    a, b = ours[0](), theirs[0]()
    assert a.data == pytest.approx(b.data, rel=1e-12)
    a.backward()
    b.backward()
    for p, q in zip(ours[1], theirs[1]):
        assert p.grad == pytest.approx(q.grad, rel=1e-9, abs=1e-12)


def test_mlp_demo_is_the_same_computation_on_both_engines():
    """The training rows' MLP demo step: micrograd's and ours start equal and give the same loss and grads."""
    from tests import bench_training

    MV = bench.micrograd_value()
    if MV is None:
        pytest.skip("micrograd is not installed (pip install micrograd==0.1.0)")
    theirs, ours = bench_training.demo_models(MV)
    t_loss = bench_training.demo_loss(theirs, theirs.parameters(), MV, 12)()
    o_loss = bench_training.demo_loss(ours, ours.parameters(), Value, 12)()
    assert o_loss.data == pytest.approx(t_loss.data, rel=1e-12)
    t_loss.backward()
    o_loss.backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-9, abs=1e-12)


def test_training_targets_are_reported():
    from tests import bench_training

    verdicts = bench_training.report(quick=True, MV=None)
    assert set(verdicts) <= {"PASS", "MISS"} and len(verdicts) == 4  # the four that need no micrograd
