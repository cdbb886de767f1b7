"""Hostile arguments to the second-order functions (engine.grad, hessian, hessian_vector_product, nn.newton).

Rows as in ``tests/hostile_library.py`` (``Row``: the public name, the argument, a
call, the error and a piece of its message); ``tests/test_hostile_library.py`` runs
them with the others and counts them for the coverage of every public parameter.
"""

from __future__ import annotations

from typing import Any

from engine import Value, grad, hessian, hessian_vector_product
from nn import Module, NotPositiveDefiniteError, newton
from tests.hostile_library import NAN, Row, _ledger, _model, _root


class _Restless(Module):
    """A module whose output creeps up on every call: no step can be seen to lower its loss."""

    def __init__(self) -> None:
        self.w, self.calls = Value(0.5, "w"), 0

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [("w", self.w)]

    def __call__(self, x: Any) -> Value:
        self.calls += 1
        return self.w * 1.0 + float(self.calls)


def _newton_ledger() -> Any:
    from nn.statquest import INPUTS, MAIN_IDEAS_START, OBSERVED, network

    return newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"])


def _plot_newton() -> Any:
    """nn.plot_newton, or a skip without matplotlib (the extra)."""
    import pytest

    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
    import nn.plot_newton

    return nn.plot_newton


ROWS: list[Row] = [
    Row("grad", "output", lambda: grad(3.0, [Value(1.0)]), TypeError, "output must be a Value, got float"),
    Row("grad", "inputs", lambda: grad(_root(), "w"), TypeError, "inputs must be a Value or a list of Values"),
    Row("grad", "inputs", lambda: grad(_root(), []), ValueError, "inputs must hold at least one Value"),
    Row("grad", "inputs", lambda: grad(_root(), [Value(1.0), 2.0]), TypeError, "inputs[1] must be a Value"),
    Row("grad", "inputs", lambda: grad(_root(), [Value(1.0, "w5")]), ValueError,
        "inputs[0] 'w5' is not in the graph of output 'y'"),
    Row("grad", "create_graph", lambda: grad(_root(), _root(), create_graph=1), TypeError,
        "create_graph must be True or False"),
    Row("grad", "allow_unused", lambda: grad(_root(), _root(), allow_unused="yes"), TypeError,
        "allow_unused must be True or False"),
    Row("grad", "create_graph", lambda: (lambda x: grad(x**1.5, x, create_graph=True))(Value(0.0, "x")),
        ValueError, "the second derivative of x ** 1.5 at base (node 'x') 0.0 is infinite", prefix="**"),
    Row("hessian", "output", lambda: hessian(None, [Value(1.0)]), TypeError, "output must be a Value"),
    Row("hessian", "inputs", lambda: hessian(_root(), {"w": Value(1.0)}), TypeError, "inputs must be a Value or"),
    Row("hessian", "inputs", lambda: hessian(_root(), (Value(2.0, "q"),)), ValueError,
        "inputs[0] 'q' is not in the graph"),
    Row("hessian_vector_product", "output", lambda: hessian_vector_product("y", [Value(1.0)], [1.0]), TypeError,
        "output must be a Value"),
    Row("hessian_vector_product", "inputs", lambda: hessian_vector_product(_root(), (), [1.0]), ValueError,
        "inputs must hold at least one Value"),
    Row("hessian_vector_product", "vector", lambda: (lambda y: hessian_vector_product(y, y.inputs, [1.0]))(_root()),
        ValueError, "vector must hold one number per input (2), got 1"),
    Row("hessian_vector_product", "vector", lambda: (lambda y: hessian_vector_product(y, y.inputs, "12"))(_root()),
        TypeError, "vector must be a list of numbers"),
    Row("hessian_vector_product", "vector",
        lambda: (lambda y: hessian_vector_product(y, y.inputs, [1.0, NAN]))(_root()), ValueError,
        "vector[1] must be finite"),
    Row("newton", "model", lambda: newton(None, [0.0], [1.0]), TypeError, "model must be a callable nn Module"),
    Row("newton", "model", lambda: newton(_Restless(), [0.0], [1.0], adaptive=True), ValueError,
        "no damping up to"),
    Row("newton", "inputs", lambda: newton(_model(), [0.0, 1.0], [1.0]), ValueError, "inputs"),
    Row("newton", "targets", lambda: newton(_model(), [0.0], [None]), TypeError, "target"),
    Row("newton", "loss", lambda: newton(_model(), [0.0], [1.0], loss=3), TypeError, "loss must be a function"),
    Row("newton", "params", lambda: newton(_model(), [0.0], [1.0], params=["b3"]), ValueError, "b3"),
    Row("newton", "damping", lambda: newton(_model(), [0.0], [1.0], damping=-1.0), ValueError,
        "damping must be a number >= 0"),
    Row("newton", "damping", lambda: newton(_model(), [0.0], [1.0], damping="0.1"), TypeError,
        "damping must be a number"),
    Row("newton", "damping", lambda: newton(_model(), [0.0, 1.0], [1.0, 0.0]), NotPositiveDefiniteError,
        "pass adaptive=True"),
    Row("newton", "adaptive", lambda: newton(_model(), [0.0], [1.0], adaptive=1), TypeError,
        "adaptive must be True or False"),
    Row("newton", "min_step_size", lambda: newton(_model(), [0.0], [1.0], min_step_size=NAN), ValueError,
        "min_step_size"),
    Row("newton", "max_steps", lambda: newton(_model(), [0.0], [1.0], max_steps=-2), ValueError, "max_steps"),
    Row("newton", "steps", lambda: newton(_model(), [0.0], [1.0], steps=0), ValueError, "steps"),
    Row("newton_data", "ledger", lambda: _plot_newton().newton_data(3), TypeError, "ledger must be an nn Ledger"),
    Row("newton_data", "ledger", lambda: _plot_newton().newton_data(_ledger()), ValueError,
        "the ledger is not a run of Newton's method"),
    Row("plot_newton", "ledger", lambda: _plot_newton().plot_newton(_ledger(), abs), ValueError,
        "the ledger is not a run of Newton's method"),
    Row("plot_newton", "loss_at", lambda: _plot_newton().plot_newton(_newton_ledger(), 3), TypeError,
        "loss_at must be a function of one number"),
    Row("plot_newton", "descent", lambda: _plot_newton().plot_newton(_newton_ledger(), abs, descent=[1.0]),
        TypeError, "descent must be a gradient-descent Ledger"),
    Row("plot_newton", "descent", lambda: _plot_newton().plot_newton(_newton_ledger(), abs, descent=_ledger()),
        ValueError, "param 'b3' is not trained in this ledger"),
    Row("plot_newton", "labelled", lambda: _plot_newton().plot_newton(_newton_ledger(), abs, labelled=True),
        ValueError, "labelled must be an int >= 0"),
    Row("plot_newton", "ax", lambda: _plot_newton().plot_newton(_newton_ledger(), abs, ax="axes"), TypeError,
        "ax must be a matplotlib Axes"),
]
