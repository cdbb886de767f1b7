"""Hostile arguments to every public function of engine, nn and viz, as data.

Each row: the public name, the argument it attacks, a call, and the outcome
expected: the error class and a piece of its message. Every message must also
start with the function's name (``topological_order: root must be ...``), so
the user learns which call went wrong. ``tests/test_hostile_library.py`` runs
the rows (and those of ``tests/hostile_second_order.py``) and checks that every public callable, and every one of its
parameters, has at least one: a new function or option without hostile rows
fails the suite.

``RESULTS`` holds hostile numbers that need no error but once gave a wrong answer
(a wrong point excused by a large one, a nan blamed on accumulation): the call
returns, and what it returns must say the right thing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import engine
from engine import GraphChangedError, Value, check_grad, numerical_grad, topological_order, trace
from nn import MLP, SGD, Layer, Neuron, get_activation, gradient_descent, linear, mse, ssr, train
from tests.bench_drawing import product  # x*x*...*x: the layout Graphviz finds hardest
from viz import animate, draw, explain, explore, render, to_png, to_svg
from viz.practice.check import check
from viz.practice.questions import make_questions
from viz.replay.frames import write_replay


@dataclass(frozen=True)
class Row:
    """``call()`` must raise ``error`` whose message starts with ``name + ':'`` and contains ``says``."""

    name: str  # the public name (as in engine/nn/viz __all__)
    arg: str  # the parameter attacked ("*" for the function as a whole)
    call: Callable[[], Any]
    error: type[BaseException]
    says: str
    prefix: str | None = None  # the message's first word when the function reports as another name

    @property
    def id(self) -> str:
        return f"{self.name}-{self.arg}-{self.says[:30]}"


def _root() -> Value:
    w, x = Value(2.0, "w"), Value(3.0, "x")
    y = (w * x).relabel("y")
    y.backward()
    return y


def _leaf(data: Any, label: str | None = None) -> Value:
    """A leaf whose ``.data`` was set behind ``Value()``'s back (``Value(1)`` would hold 1.0)."""
    v = Value(0.0, label)
    v.data = data
    return v


def _checked(then: Callable[[Value], Value], now: Callable[[Value], Value]) -> None:
    """Trace ``then(w)``, after tracing ``now(w)`` (its code cached), and check it against ``now(w)``'s graph."""
    w = Value(1.5, "w")
    trace(lambda: now(w), [w])()
    trace(lambda: then(w), [w]).check_graph(now(w))


def _model() -> MLP:
    return MLP(1, [2, 1], activations=("softplus", "linear"))


def _square(a: Value) -> Value:
    return a * a


def _ledger() -> Any:
    return train(_model(), [0.0, 1.0], [1.0, 0.0], steps=2)


def _in_a_file(name: str) -> str:
    """``a-file/name``, where ``a-file`` (made here, in the row's working directory) is a file."""
    Path("a-file").write_text("not a directory\n")
    return f"a-file/{name}"


def _plot_ledger(losses: list[Any]) -> Any:
    """A ledger-shaped record (what the plots read) with these losses."""
    led = _ledger()
    rows = [replace(led.rows[0], step=k + 1, loss=y) for k, y in enumerate(losses)]
    return type("Led", (), {"names": led.names, "lr": led.lr, "start": led.start, "loss_name": "L", "rows": rows,
                            "final_loss": None, "stop_reason": None, "summary": lambda self, precision=4: "run"})()


NAN, INF = math.nan, math.inf


def _opposite_paths(labels: bool = True) -> Value:
    """y = a·x·b + c·x·b, a = -c = b = 1e200, x = 1e-300: finite values, two paths to x of +inf and -inf.

    Without ``labels`` only x keeps its label (a formula or a leaf= needs to name it).
    """
    name = (lambda s: s) if labels else (lambda s: None)
    x, a, c, b = Value(1e-300, "x"), Value(1e200, name("a")), Value(-1e200, name("c")), Value(1e200, name("b"))
    y = (a * x) * b + (c * x) * b
    y.backward()
    return y.relabel("y") if labels else y


def _cancelling_paths() -> Value:
    """y = (v + (-v))·B, v = w1·K: backward's grads are 0, its two paths' products are +-inf."""
    w, k, b = Value(1.0, "w1"), Value(1e200, "K"), Value(1e200, "B")
    v = w * k
    y = ((v + (-v)) * b).relabel("y")
    y.backward()
    return y


def _two_points(big: float, small: float) -> Value:
    """L = x·w at two data points, x = big and x = small: dL/dw = x at each."""
    w = Value(1.0, "w")
    return (Value(big, "x") * w + Value(small, "x") * w).relabel("L")

ROWS: list[Row] = [
    # ---------------------------------------------------------------- engine
    Row("Value", "data", lambda: Value("3"), TypeError, "expected a real number"),
    Row("Value", "data", lambda: Value(True), TypeError, "got bool"),
    Row("Value", "data", lambda: Value(NAN), ValueError, "must be finite"),
    Row("Value", "data", lambda: Value(10**400), OverflowError, "too large for a float"),
    Row("Value", "label", lambda: Value(1.0, 3), TypeError, "label must be a str or None"),
    Row("topological_order", "root", lambda: topological_order(3), TypeError, "root must be a Value, got int"),
    Row("topological_order", "root", lambda: topological_order([]), TypeError, "root must be a Value, got list"),
    Row("topological_order", "include_leaves", lambda: topological_order(_root(), include_leaves="no"),
        TypeError, "include_leaves must be True or False"),
    Row("trace", "loss_fn", lambda: trace(3, [Value(1.0)]), TypeError, "loss_fn must be a function"),
    Row("trace", "loss_fn", lambda: trace(lambda: 3.0, [Value(1.0)]), TypeError, "must return a Value, got float"),
    Row("trace", "params", lambda: trace(lambda: Value(1.0), "w"), TypeError, "params must be a list of Values"),
    Row("trace", "params", lambda: trace(lambda: Value(1.0), [Value(1.0) * 2]), ValueError, "must be a leaf"),
    Row("trace", "params", lambda: trace(lambda: Value(1.0), [_leaf("1", "w")]), TypeError,
        "parameter 'w' must hold a float or an int, got str '1'"),
    Row("trace", "params", lambda: trace(lambda: Value(1.0), [_leaf(10**400, "w")]), ValueError,
        "parameter 'w' must be finite"),
    # An int in a constant's .data is refused, not read as a node or parameter reference.
    Row("trace", "loss_fn", lambda: (lambda w, x: trace(lambda: w * x, [w]))(Value(2.0), _leaf(-1, "x")),
        TypeError, "the leaf 'x' read by node 1 ('*') holds int -1, not a float"),
    Row("trace", "loss_fn",
        lambda: (lambda w, x, y: trace(lambda: w * x + y, [w]))(Value(2.0), _leaf(1, "x"), _leaf(2, "y")),
        TypeError, "the leaf 'x' read by node 1 ('*') holds int 1, not a float"),
    Row("trace", "loss_fn", lambda: (lambda w: trace(lambda: _leaf(0), [w]))(Value(2.0)), TypeError,
        "the leaf (the loss) holds int 0"),
    # The graph check compares references and constants by type and bits (1 == 1.0, 0.0 == -0.0 in Python).
    Row("trace", "loss_fn", lambda: _checked(lambda w: (u := w * 3.0) + u, lambda w: w * 3.0 + 0.0),
        GraphChangedError, "was '+' of node 1 and node 1, now '+' of node 1 and the constant 0.0"),
    Row("trace", "loss_fn", lambda: _checked(lambda w: w * 3.0 + (-1.0), lambda w: w * 3.0 + w),
        GraphChangedError, "was '+' of node 1 and the constant -1.0, now '+' of node 1 and parameter 1"),
    Row("trace", "loss_fn", lambda: _checked(lambda w: w * 0.0, lambda w: w * -0.0), GraphChangedError,
        "was '*' of parameter 1 and the constant 0.0, now '*' of parameter 1 and the constant -0.0"),
    Row("trace", "loss_fn", lambda: _checked(lambda w: w, lambda w: Value(-1.0)), GraphChangedError,
        "the loss was parameter 1, now the constant -1.0"),
    Row("numerical_grad", "f", lambda: numerical_grad(3, [1.0]), TypeError, "f must be a function"),
    Row("numerical_grad", "xs", lambda: numerical_grad(_square, "1"), TypeError, "xs must be a sequence"),
    Row("numerical_grad", "xs", lambda: numerical_grad(_square, [NAN]), ValueError, "argument 0 must be finite"),
    Row("numerical_grad", "h", lambda: numerical_grad(_square, [1.0], h=0), ValueError, "step h must be a positive"),
    Row("numerical_grad", "h", lambda: numerical_grad(_square, [1.0], h=10**400), ValueError, "too large"),
    Row("check_grad", "f", lambda: check_grad(None, [1.0]), TypeError, "f must be a function"),
    Row("check_grad", "xs", lambda: check_grad(_square, [True]), TypeError, "argument 0 must be a number"),
    Row("check_grad", "h", lambda: check_grad(_square, [1.0], h="a"), TypeError, "step h must be a number"),
    Row("check_grad", "rtol", lambda: check_grad(_square, [1.0], rtol="a"), TypeError, "rtol must be a number"),
    Row("check_grad", "rtol", lambda: check_grad(_square, [1.0], rtol=NAN), ValueError, "rtol must be a number >= 0"),
    Row("check_grad", "rtol", lambda: check_grad(_square, [1.0], rtol=-1e-5), ValueError, "rtol must be a number >= 0"),
    Row("check_grad", "atol", lambda: check_grad(_square, [1.0], atol=NAN), ValueError, "atol must be a number >= 0"),
    Row("check_grad", "atol", lambda: check_grad(_square, [1.0], atol=INF), ValueError, "atol must be a number >= 0"),
    # every function form (exp, log, ...) is in the rows made from engine.FUNCTIONS below
    # ---------------------------------------------------------------- nn
    Row("Neuron", "nin", lambda: Neuron(0), ValueError, "nin (number of inputs) must be a positive int"),
    Row("Neuron", "activation", lambda: Neuron(1, "sigmiod"), ValueError, "did you mean 'sigmoid'"),
    Row("Neuron", "activation", lambda: Neuron(1, 3), TypeError, "activation must be a name (str) or a function"),
    Row("Neuron", "seed", lambda: Neuron(1, seed=None), TypeError, "seed must be an int"),
    Row("Neuron", "rng", lambda: Neuron(1, rng=3), TypeError, "rng must be a random.Random"),
    Row("Neuron", "name", lambda: Neuron(1, name=3), TypeError, "name must be a str"),
    Row("Layer", "nin", lambda: Layer(True, 1), ValueError, "nin (number of inputs) must be a positive int"),
    Row("Layer", "nout", lambda: Layer(1, 0), ValueError, "nout (number of neurons) must be a positive int"),
    Row("Layer", "activation", lambda: Layer(1, 2, ""), ValueError, "unknown activation ''"),
    Row("Layer", "seed", lambda: Layer(1, 2, seed=1.5), TypeError, "seed must be an int"),
    Row("Layer", "rng", lambda: Layer(1, 2, rng=random), TypeError, "rng must be a random.Random"),
    Row("Layer", "name", lambda: Layer(1, 2, name=b"L1"), TypeError, "name must be a str"),
    Row("MLP", "nin", lambda: MLP(-1, [1]), ValueError, "nin (number of inputs) must be a positive int"),
    Row("MLP", "sizes", lambda: MLP(1, []), ValueError, "sizes"),
    Row("MLP", "activations", lambda: MLP(1, [2, 1], activations="x"), ValueError, "unknown activation 'x'"),
    Row("MLP", "activations", lambda: MLP(1, [2, 1], activations=["relu", 3]), TypeError, "activation must be"),
    Row("MLP", "seed", lambda: MLP(1, [1], seed="0"), TypeError, "seed must be an int"),
    Row("ssr", "observed", lambda: ssr(3, [Value(1.0)]), TypeError, "observed"),
    Row("ssr", "predicted", lambda: ssr([1.0], [NAN]), ValueError, "finite"),
    Row("mse", "observed", lambda: mse([], []), ValueError, "at least one"),
    Row("mse", "predicted", lambda: mse([1.0], ["a"]), TypeError, "predicted"),
    Row("SGD", "parameters", lambda: SGD(3, 0.1), TypeError, "parameters"),
    Row("SGD", "lr", lambda: SGD(_model(), NAN), ValueError, "lr"),
    Row("train", "model", lambda: train(3, [0.0], [1.0]), TypeError, "model must be a callable nn Module"),
    Row("train", "inputs", lambda: train(_model(), [0.0, 1.0], [1.0]), ValueError, "inputs"),
    Row("train", "targets", lambda: train(_model(), [0.0], ["1"]), TypeError, "target"),
    Row("train", "loss", lambda: train(_model(), [0.0], [1.0], loss="ssr"), TypeError, "loss must be a function"),
    Row("train", "params", lambda: train(_model(), [0.0], [1.0], params=["w9"]), ValueError, "w9"),
    Row("train", "lr", lambda: train(_model(), [0.0], [1.0], lr=0), ValueError, "lr"),
    Row("train", "min_step_size", lambda: train(_model(), [0.0], [1.0], min_step_size=-1), ValueError,
        "min_step_size"),
    Row("train", "max_steps", lambda: train(_model(), [0.0], [1.0], max_steps=0), ValueError, "max_steps"),
    Row("train", "steps", lambda: train(_model(), [0.0], [1.0], steps=2.5), ValueError, "steps"),
    Row("train", "compiled", lambda: train(_model(), [0.0], [1.0], compiled="yes"), TypeError,
        "compiled must be True or False, got str"),
    Row("gradient_descent", "loss_fn", lambda: gradient_descent(3, [Value(1.0, "a")]), TypeError,
        "loss_fn must be a function"),
    Row("gradient_descent", "params", lambda: gradient_descent(lambda: Value(1.0), 3), TypeError, "params"),
    Row("gradient_descent", "lr", lambda: gradient_descent(lambda: Value(1.0), [Value(1.0, "a")], lr="a"),
        TypeError, "lr"),
    Row("gradient_descent", "min_step_size",
        lambda: gradient_descent(lambda: Value(1.0), [Value(1.0, "a")], min_step_size=NAN), ValueError,
        "min_step_size"),
    Row("gradient_descent", "max_steps",
        lambda: gradient_descent(lambda: Value(1.0), [Value(1.0, "a")], max_steps=True), ValueError, "max_steps"),
    Row("gradient_descent", "steps",
        lambda: gradient_descent(lambda: Value(1.0), [Value(1.0, "a")], steps=-3), ValueError, "steps"),
    Row("gradient_descent", "compiled",
        lambda: gradient_descent(lambda: Value(1.0), [Value(1.0, "a")], compiled=1), TypeError,
        "compiled must be True or False, got int"),
    Row("gradient_descent", "compiled",
        lambda: (lambda a, x: gradient_descent(lambda: a * x, [a], steps=2, compiled=True))(Value(1.0, "a"),
                                                                                          _leaf(1, "x")),
        TypeError, "the leaf 'x' read by node 1 ('*') holds int 1, not a float", prefix="trace"),
    Row("get_activation", "activation", lambda: get_activation("Relu"), ValueError, "did you mean 'relu'"),
    Row("get_activation", "activation", lambda: get_activation(None), TypeError, "got NoneType"),
    Row("linear", "x", lambda: linear("a"), TypeError, "x must be a Value"),
    # ---------------------------------------------------------------- viz
    Row("draw", "root", lambda: draw(3), TypeError, "root must be an engine Value, got int"),
    Row("draw", "highlight", lambda: draw(_root(), highlight="q"), ValueError, "no node labelled 'q'"),
    Row("draw", "highlight", lambda: draw(_root(), highlight=3), TypeError, "highlight must be a Value or a label"),
    Row("draw", "show_grads", lambda: draw(_root(), show_grads="no"), TypeError, "show_grads must be True or False"),
    Row("draw", "precision", lambda: draw(_root(), precision=0), ValueError, "precision must be an int between"),
    Row("draw", "rankdir", lambda: draw(_root(), rankdir="lr"), ValueError, "rankdir must be"),
    Row("draw", "max_nodes", lambda: draw(_root(), max_nodes=2.0), ValueError, "max_nodes must be an int"),
    Row("draw", "max_nodes", lambda: draw(_root(), max_nodes=2), ValueError, "more than max_nodes=2"),
    Row("draw", "max_layout", lambda: draw(_root(), max_layout=0), ValueError, "max_layout must be an int >= 1"),
    Row("draw", "max_layout", lambda: draw(product(100)), ValueError, "more than max_layout=2500"),
    Row("draw", "formulas", lambda: draw(_root(), formulas=None), TypeError, "formulas must be True or False"),
    Row("draw", "params", lambda: draw(_root(), params=3), TypeError, "params must be a collection of Values"),
    Row("draw", "params", lambda: draw(_root(), params=["w"]), TypeError, "params must hold Values"),
    Row("draw", "legend", lambda: draw(_root(), legend=1), TypeError, "legend must be True or False"),
    Row("draw", "title", lambda: draw(_root(), title=3), TypeError, "title must be a str"),
    Row("draw", "names", lambda: draw(_root(), names=["a"]), TypeError, "names must be a mapping"),
    Row("draw", "compact", lambda: draw(_root(), compact="yes"), TypeError, "compact must be True or False"),
    Row("draw", "forward", lambda: draw(_root(), forward="SSR"), TypeError, "forward must be a Value"),
    Row("draw", "slide", lambda: draw(_root(), slide="yes"), TypeError, "slide must be True or False"),
    Row("draw", "fade", lambda: draw(_root(), fade=3), TypeError, "fade must be a collection of Values"),
    Row("draw", "fade", lambda: draw(_root(), fade=["w"]), TypeError, "fade must hold Values, got str"),
    Row("draw", "fade", lambda: draw(_root(), fade=[[1]]), TypeError, "fade must hold Values, got list"),
    Row("draw", "*", lambda: draw(_root(), colour=1), TypeError, "unknown drawing option 'colour'"),
    Row("render", "root", lambda: render(3, "a.svg"), TypeError, "root must be an engine Value, got int"),
    Row("render", "path", lambda: render(_root(), 3), TypeError, "path must be a file name"),
    Row("render", "path", lambda: render(_root(), "graph.txt"), ValueError, "cannot tell what to write"),
    Row("render", "format", lambda: render(_root(), "a.svg", format=""), ValueError, "format must be a non-empty"),
    Row("render", "format", lambda: render(_root(), "a.svg", format=3), TypeError, "format must be a str"),
    Row("render", "draw_options", lambda: render(_root(), "a.svg", colour=1), TypeError,
        "unknown drawing option 'colour'"),
    Row("render", "draw_options", lambda: render(_root(), "a.svg", slide=1), TypeError, "slide must be True or False"),
    Row("render", "dpi", lambda: render(_root(), "a.png", dpi=0), ValueError, "dpi must be an int between 10 and 600"),
    Row("render", "dpi", lambda: render(_root(), "a.png", dpi=300.0), ValueError, "dpi must be an int"),
    Row("render", "dpi", lambda: render(_root(), "a.png", dpi=True), ValueError, "dpi must be an int"),
    Row("render", "dpi", lambda: render(_root(), "a.svg", dpi=300), ValueError,
        "dpi=300 sets a PNG's pixels per inch; SVG has none"),
    Row("render", "format", lambda: render(_root(), "a.pdf", format="pdf", dpi=300), ValueError, "PDF has none"),
    Row("to_png", "dpi", lambda: to_png("digraph {}", dpi=10**6), ValueError, "dpi must be an int between 10 and 600"),
    Row("to_png", "dpi", lambda: to_png("digraph {}", dpi="300"), ValueError, "dpi must be an int"),
    Row("to_svg", "digraph", lambda: to_svg(3), TypeError, "expected a graphviz.Digraph"),
    Row("to_svg", "digraph", lambda: to_svg("<svg></svg>"), ValueError, "got SVG text"),
    Row("to_png", "digraph", lambda: to_png(None), TypeError, "expected a graphviz.Digraph"),
    Row("explain", "root", lambda: explain("y", "w"), TypeError, "root must be"),
    Row("explain", "leaf", lambda: explain(_root(), "q"), ValueError, "no node labelled 'q'"),
    Row("explain", "precision", lambda: explain(_root(), "w", precision=99), ValueError, "precision"),
    Row("explain", "max_paths", lambda: explain(_root(), "w", max_paths=0), ValueError, "max_paths"),
    Row("explain", "format", lambda: explain(_root(), "w", format="tex"), ValueError, "format"),
    Row("explain", "names", lambda: explain(_root(), "w", names=["w"]), TypeError,
        "names must be a mapping Value -> str, got list"),
    Row("explain", "names", lambda: (lambda y: explain(y, "w", names={y: 3}))(_root()), TypeError,
        "names values must be str, got int 3"),
    Row("explore", "root", lambda: explore(None, "page.html"), TypeError, "root must be an engine Value"),
    Row("explore", "path", lambda: explore(_root(), 3), TypeError, "path must be a str or a Path"),
    Row("explore", "path", lambda: explore(_root(), "no/such/dir/page.html"), FileNotFoundError, "does not exist"),
    Row("explore", "params", lambda: explore(_root(), "page.html", params=[3]), TypeError, "params"),
    Row("explore", "leaf", lambda: explore(_root(), "page.html", leaf="q"), ValueError, "'q'"),
    Row("explore", "precision", lambda: explore(_root(), "page.html", precision=0), ValueError, "precision"),
    Row("explore", "compact", lambda: explore(_root(), "page.html", compact="no"), TypeError,
        "compact must be True or False"),
    Row("explore", "title", lambda: explore(_root(), "page.html", title=None), TypeError, "title must be a str"),
    Row("explore", "subtitle", lambda: explore(_root(), "page.html", subtitle=1), TypeError, "subtitle must be a str"),
    Row("explore", "max_nodes", lambda: explore(_root(), "page.html", max_nodes=-1), ValueError, "max_nodes"),
    Row("explore", "max_layout", lambda: explore(_root(), "page.html", max_layout=0), ValueError, "max_layout"),
    Row("explore", "max_paths", lambda: explore(_root(), "page.html", max_paths=0), ValueError, "max_paths"),
    Row("explore", "*", lambda: explore(_root(), "page.html", legend=False), TypeError, "unknown page option 'legend'"),
    Row("animate", "root", lambda: animate(3, "a.gif"), TypeError, "root must be an engine Value, got int"),
    Row("animate", "root", lambda: animate(_model(), "a.gif"), TypeError, "an nn model"),
    Row("animate", "path", lambda: animate(_root(), 3), TypeError, "path must be a file name"),
    Row("animate", "path", lambda: animate(_root(), "a.webm"), ValueError, "use a .gif, .png (APNG) or .mp4"),
    Row("animate", "path", lambda: animate(_root(), "."), IsADirectoryError, "it is a directory"),
    Row("animate", "forward", lambda: animate(_root(), "a.gif", forward="SSR"), TypeError, "forward must be a Value"),
    Row("animate", "path", lambda: animate(_root(), "no/such/a.gif"), FileNotFoundError, "does not exist"),
    Row("animate", "format", lambda: animate(_root(), "a.gif", format="webm"), ValueError,
        "format must be 'gif', 'apng' or 'mp4'"),
    Row("animate", "delay", lambda: animate(_root(), "a.gif", delay=0), ValueError, "delay must be a number of"),
    Row("animate", "delay", lambda: animate(_root(), "a.gif", delay=NAN), ValueError, "from 0.02 to 60"),
    Row("animate", "delay", lambda: animate(_root(), "a.gif", delay="1"), TypeError, "delay must be a number"),
    Row("animate", "dpi", lambda: animate(_root(), "a.gif", dpi=1), ValueError, "dpi must be an int between 10"),
    Row("animate", "leaf", lambda: animate(_root(), "a.gif", leaf="q"), ValueError, "'q'"),
    Row("animate", "params", lambda: animate(_root(), "a.gif", params=3), TypeError, "params must be a collection"),
    Row("animate", "max_frames", lambda: animate(_root(), "a.gif", max_frames=1), ValueError, "more than max_frames=1"),
    Row("animate", "max_frames", lambda: animate(_root(), "a.gif", max_frames=0), ValueError,
        "max_frames must be an int >= 1"),
    Row("animate", "precision", lambda: animate(_root(), "a.gif", precision=0), ValueError, "precision"),
    Row("animate", "compact", lambda: animate(_root(), "a.gif", compact=None), TypeError, "compact must be True or"),
    Row("animate", "show_grads", lambda: animate(_root(), "a.gif", show_grads=0), TypeError, "show_grads must be"),
    Row("animate", "rankdir", lambda: animate(_root(), "a.gif", rankdir="up"), ValueError, "rankdir must be"),
    Row("animate", "max_nodes", lambda: animate(_root(), "a.gif", max_nodes=2), ValueError, "more than max_nodes=2",
        prefix="draw"),  # what only the graph can refuse, the drawing says (as for replay_frames)
    Row("animate", "max_layout", lambda: animate(_root(), "a.gif", max_layout=0), ValueError, "max_layout must be"),
    Row("animate", "formulas", lambda: animate(_root(), "a.gif", formulas="no"), TypeError, "formulas must be True"),
    Row("animate", "legend", lambda: animate(_root(), "a.gif", legend=[]), TypeError, "legend must be True or False"),
    Row("animate", "slide", lambda: animate(_root(), "a.gif", slide="16:9"), TypeError, "slide must be True or"),
    Row("animate", "fade", lambda: animate(_root(), "a.gif", fade="y"), TypeError, "fade must be a collection"),
    Row("animate", "*", lambda: animate(_root(), "a.gif", title="t"), TypeError, "title= is set by the replay"),
    Row("animate", "*", lambda: animate(_root(), "a.gif", colour=1), TypeError, "unknown drawing option 'colour'"),
    # ---------------------------------------------------------------- files: the path and the real cause
    Row("render", "path", lambda: render(_root(), "/dev/full", format="dot"), OSError,
        "cannot write '/dev/full': No space left on device (ENOSPC)"),
    Row("render", "path", lambda: render(_root(), _in_a_file("g.dot")), NotADirectoryError,
        "cannot write 'a-file/g.dot': 'a-file' is a file, not a directory (ENOTDIR)"),
    Row("render", "path", lambda: render(_root(), "no/such/g.dot"), FileNotFoundError,
        "the directory 'no' does not exist (ENOENT)"),
    Row("render", "path", lambda: render(_root(), "."), IsADirectoryError, "it is a directory; give a file name"),
    Row("explore", "path", lambda: explore(_root(), "/dev/full"), OSError,
        "cannot write '/dev/full': No space left on device (ENOSPC)"),
    Row("explore", "path", lambda: explore(_root(), _in_a_file("p.html")), NotADirectoryError,
        "'a-file' is a file, not a directory (ENOTDIR)"),
    Row("write_replay", "directory", lambda: write_replay(_root(), _in_a_file("replay")), NotADirectoryError,
        "cannot make the directory 'a-file/replay': 'a-file' is a file, not a directory (ENOTDIR)"),
    Row("write_replay", "directory", lambda: write_replay(_root(), _in_a_file("")), FileExistsError,
        "cannot make the directory 'a-file': it is a file"),
    Row("write_frames", "directory", lambda: write_replay(_root(), _in_a_file("r"), frames=True),
        NotADirectoryError, "'a-file' is a file, not a directory (ENOTDIR)"),
    Row("animate", "path", lambda: animate(_root(), "/dev/full", format="gif"), OSError,
        "cannot write '/dev/full': No space left on device (ENOSPC)"),
    Row("animate", "path", lambda: animate(_root(), _in_a_file("a.gif")), NotADirectoryError,
        "'a-file' is a file, not a directory (ENOTDIR)"),
    Row("Ledger.to_csv", "path", lambda: _ledger().to_csv("/dev/full"), OSError,
        "cannot write '/dev/full': No space left on device (ENOSPC)"),
    Row("Ledger.to_csv", "path", lambda: _ledger().to_csv(_in_a_file("l.csv")), NotADirectoryError,
        "cannot write 'a-file/l.csv': 'a-file' is a file, not a directory (ENOTDIR)"),
    Row("Ledger.to_csv", "path", lambda: _ledger().to_csv("."), IsADirectoryError, "it is a directory"),
    Row("Ledger.to_csv", "path", lambda: _ledger().to_csv(3), TypeError, "path must be a file name"),
    Row("Ledger.save", "path", lambda: _ledger().save(_in_a_file("l.md")), NotADirectoryError,
        "'a-file' is a file, not a directory (ENOTDIR)"),
    Row("Ledger.save", "path", lambda: _ledger().save("/" + "n" * 300 + ".txt"), OSError,
        "File name too long (ENAMETOOLONG)"),
    # ---------------------------------------------------------------- plots: what a picture cannot draw
    Row("plot_descent", "loss_at", lambda: _plots().plot_descent(
        train(_model(), [0.0], [1.0], params=["L2.n1.b"], steps=2), lambda v: "high"), TypeError,
        "loss_at must return a number (or a Value), got str 'high'"),
    Row("plot_fit", "curves", lambda: _plots().plot_fit({"f": lambda x: None}, [0.0, 1.0], [0.0, 1.0]), TypeError,
        "curves['f'] must return a number (or a Value), got NoneType"),
    Row("plot_fit", "x_range", lambda: _plots().plot_fit({"f": abs}, [0.0], [0.0], x_range=(-1e308, 1e308)),
        ValueError, "within ±4e307"),
    Row("plot_loss", "ledger", lambda: _plots().plot_loss(_plot_ledger([1.0, Value(2.0)])), TypeError,
        "the ledger's loss after 1 step must be a number, got Value"),
    Row("plot_loss", "log_steps", lambda: _plots().plot_loss(_plot_ledger([1.0, 2.0]), log_steps="yes"), TypeError,
        "log_steps must be True, False or None, got str"),
    Row("plot_loss", "dpi", lambda: _plots().plot_loss(_plot_ledger([1.0, 2.0]), dpi=0), ValueError,
        "dpi must be a number of pixels per inch from 10 to 600, got 0"),
    Row("plot_loss", "dpi", lambda: _plots().plot_loss(_plot_ledger([1.0, 2.0]), dpi=NAN), ValueError,
        "dpi must be a number of pixels per inch"),
    Row("plot_fit", "dpi", lambda: _plots().plot_fit({"f": abs}, [0.0, 1.0], [0.0, 1.0], dpi="high"), ValueError,
        "dpi must be a number of pixels per inch"),
    Row("plot_fit", "dpi", lambda: _plots().plot_fit({"f": abs}, [0.0, 1.0], [0.0, 1.0], dpi=200, ax=_new_axes()),
        ValueError, "dpi sets a new figure's pixels per inch; with ax= the figure is yours"),
    Row("plot_descent", "dpi", lambda: _plots().plot_descent(
        train(_model(), [0.0], [1.0], params=["L2.n1.b"], steps=2), abs, dpi=10**4), ValueError,
        "dpi must be a number of pixels per inch from 10 to 600"),
    Row("explore", "root", lambda: explore(_opposite_paths(), "page.html"), ValueError,
        "the grad of 'x' is nan (the backward pass leaves the float range at x"),
    Row("explore", "root", lambda: explore(_opposite_paths(labels=False), "page.html"), ValueError,
        "the grad of 'x' is nan (the backward pass leaves the float range at x"),
    Row("explore", "root", lambda: explore(Value(1e308) * 10.0, "page.html"), ValueError,
        "the value of '*#2' is inf (* of 1e+308, 10 is beyond the float range)"),
    # not public (viz.practice.check, viz.practice.questions), named in their own words all the same
    Row("check", "root", lambda: check(_opposite_paths(), "x", "0"), ValueError,
        "the engine's dy/dx is nan, not a number to check a formula against: the backward pass leaves"),
    Row("make_questions", "root", lambda: make_questions(_cancelling_paths(), "w1"), ValueError,
        "is inf, beyond the float range"),
]


def _new_axes() -> Any:
    """The axes of a new matplotlib figure (made without pyplot)."""
    return _plots().plot_loss(_plot_ledger([1.0, 2.0])).axes[0]


def _plots() -> Any:
    """nn.plots, or a skip without matplotlib (the extra)."""
    import pytest

    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
    import nn.plots

    return nn.plots

# Every function form (engine.exp, engine.log ...): a string is refused naming the function.
ROWS += [
    Row(name, "x", lambda f=f: f("1.5"), TypeError, "real number, got str")
    for name, f in engine.FUNCTIONS.items()
]



@dataclass(frozen=True)
class Result:
    """``call()`` returns (no error), and ``expect`` holds on what it returns; ``says`` what must be true."""

    name: str
    call: Callable[[], Any]
    expect: Callable[[Any], bool]
    says: str

    @property
    def id(self) -> str:
        return f"{self.name}-{self.says[:40]}"


RESULTS = [
    # 2.5e-12 where the engine has 5, beside a point whose term is 1e13: wrong, whatever the other point
    Result("check", lambda: check(_two_points(1e13, 5.0), "w", "x*x/1e13"),
           lambda r: not r.agrees and [p.agrees for p in r.points] == [True, False], "point 2 differs"),
    # paths that cancel to round-off (0.1*3 - 0.3 = 5.55e-17) at the only point: agreement
    Result("check", lambda: check((lambda x: x * Value(0.1 * 3, "a") + x * Value(-0.3, "b"))(Value(1.0, "x")),
                                  "x", "0"), lambda r: r.agrees, "round-off of cancelling paths agrees"),
    # nan after one backward(): made by this pass, not by leaves accumulating
    Result("explain", lambda: str(explain(_opposite_paths(), "x")),
           lambda t: "zero_grad" not in t and "(not finite: the backward pass leaves the float range at x:" in t,
           "names where the pass leaves the float range"),
    Result("explain", lambda: explain(_opposite_paths(labels=False), "x"),  # x alone labelled
           lambda e: e.total != e.total, "inf + -inf sums to nan, not fsum's error"),
    # 6e-14 against a sum over paths of 3e-14 (two backward() calls): not "within 1e-12"
    Result("explain", lambda: (lambda y: (y.backward(), y.backward(), explain(y, "x"))[-1])(
        (lambda x: (x * x * x).relabel("y"))(Value(1e-7, "x"))), lambda e: not e.agrees, "a small grad's own scale"),
    Result("explain", lambda: explain(_cancelling_paths(), "w1").verdict,
           lambda v: v.startswith("DIFFER: a path's product is beyond the float range") and v.endswith("= 0"),
           "the paths overflow, the engine's grad is right"),
]

#: Public names that take no hostile rows, and why.
EXEMPT = {
    "Module": "a base class: subclasses define what they take",
    "GradCheck": "a result record made by check_grad",
    "Tape": "a result record made by trace (its constructor takes the recorded graph)",
    "Ledger": "a result record made by train and gradient_descent",
    "Step": "a row of a Ledger, made by train and gradient_descent",
    "Explanation": "a result record made by explain",
    "ChainGraph": "graphviz.Digraph's own constructor, made by draw",
    "find_dot": "takes no arguments; its hostile environment (CHAINGRAD_DOT) is in the command-line table",
    "dot_on_path": "takes no arguments; with no dot at all it raises find_dot's DotNotFoundError",
}

#: Labels every output must survive (LaTeX that pdflatex compiles, Markdown on one line per row):
#: LaTeX's specials, every ASCII control character, blank lines, ligatures, accents, combining
#: marks, emoji, lone surrogates, and labels thousands of characters long.
HOSTILE_LABELS: list[str] = [
    "_", "_1", "__", "x_1", "_a_", "a_", "", " ", "a\n\nb", "\n\n", "a\r\nb",
    *[chr(c) for c in range(32)], "\x7f", "nul\x00del\x7f", "\x85", "\x9f",
    "\\", "\\\\", "{", "}", "}{", "%", "#", "&", "$", "^", "~", "%#&$^~", "$$", "\\par", "\\end{align*}",
    "\\\\ &", "^^M", "a--b", "``q''", "<>|\"", "?`!`", "'", "(", ")", "+", "-", "x^2",
    "é", "e\u0301", "x\u0302", "i\u0301", "\u0301", "ǖ", "ą", "Ångström", "α", "θ1", "ΔΩ", "ŷ", "ß",
    "日本", "😀", "👨\u200d👩\u200d👧", "\u202e", "\ufeff", "\u00ad", "\u00a0", "\u2028", "\u2029",
    "\ud800", "\udcff", "\U0010ffff", "\ufffd", "·", "×", "≤",
    "a" * 5000, "é%" * 2000, "\\" * 3000, "w" + "1" * 3000, "😀" * 3000, "a\n" * 1000,
]
