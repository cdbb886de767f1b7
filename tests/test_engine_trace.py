"""engine.trace: the compiled replay gives backward()'s numbers bit for bit, and refuses what it cannot do."""

import importlib
import math
import random

import pytest

from engine import Value, trace_plan
from engine.trace import GraphChangedError, MissingTemplateError, trace
from engine.trace_ops import TEMPLATES, template_for

# ---------------------------------------------------------------- random programs
# A program is a list of instructions over a growing list of nodes (the
# parameters first); running it builds the same graph for any parameter values.

UNARY = ["neg", "exp", "log", "softplus", "sigmoid", "tanh", "relu", "square", "relu0", "pow", "zero_pow"]
BINARY = ["+", "-", "*", "/", "**", "+c", "c-", "*c", "c/"]
EXPONENTS = [2, 3, -1, -2, 0.5, 1.5, 0, 1, -0.5, 2.5, 0.25]


def make_program(rng, n_params, size, unary=UNARY, binary=BINARY):
    prog = []
    for _ in range(size):
        k = n_params + len(prog)  # nodes so far
        a, b = (k - 1 - min(int(rng.expovariate(0.5)), k - 1) for _ in range(2))  # recent nodes more often
        if rng.random() < 0.45:
            prog.append((rng.choice(unary), a, rng.choice(EXPONENTS)))
        else:
            prog.append((rng.choice(binary), a, b, rng.choice([0.5, -1.5, 2.0, 3.0, 0.0, 1e-3])))
    return prog


def run_program(prog, params):
    nodes = list(params)
    for ins in prog:
        op, a = ins[0], nodes[ins[1]]
        if op == "neg":
            out = -a
        elif op == "relu0":  # relu at exactly 0: a - a
            out = (a - a).relu()
        elif op == "pow":
            out = a ** ins[2]
        elif op == "zero_pow":  # 0 ** n
            out = (a - a) ** ins[2]
        elif op in UNARY:
            out = getattr(a, op)()
        else:
            out = binary(op, a, nodes[ins[2]], ins[3])
        nodes.append(out)
    # The loss reads every node made (so that each op's errors show in the loss's
    # graph, and grads meet on many paths), last first.
    made = nodes[len(params):]
    loss = made[-1]
    for extra in reversed(made[:-1]):
        loss = loss + extra
    return loss


def binary(op, a, b, c):
    if op == "**":
        return a.exp() ** b  # a positive base
    if op.endswith("c"):  # a constant on the right
        return a + c if op == "+c" else a * c
    if op.startswith("c"):  # a constant on the left
        return c - a if op == "c-" else c / a
    return {"+": Value.__add__, "-": Value.__sub__, "*": Value.__mul__, "/": Value.__truediv__}[op](a, b)


def bits(x):
    return float(x).hex()


def eager(fn, params):
    for p in params:
        p.grad = 0.0
    loss = fn()
    loss.backward()
    return bits(loss.data), [bits(p.grad) for p in params]


def replayed(tape, params):
    for p in params:
        p.grad = 123.0  # the tape overwrites every grad
    loss = tape()
    return bits(loss), [bits(p.grad) for p in params]


def descended(tape, params):
    """The loss and grads of one step of the fast code (``tape.descent()``), or None if not finite."""
    out = []
    _, status, _ = tape.descent()([p.data for p in params], 0.0, 1, -1.0, out.extend)
    if status in (1, 2):
        return None
    return bits(out[0]), [bits(g) for g in out[1:]]  # one step: its loss and gradients


def check_random_graphs(seed, count, size, n_params=3, **ops):
    rng = random.Random(seed)
    compared = 0
    for _ in range(count):
        prog = make_program(rng, n_params, size, **ops)
        params = [Value(rng.uniform(-2.0, 2.0), f"p{i}") for i in range(n_params)]
        fn = lambda prog=prog, params=params: run_program(prog, params)  # noqa: E731
        try:
            tape = trace(fn, params)
        except (ArithmeticError, ValueError):
            continue  # the eager ops refused these values: nothing to compare
        for _ in range(3):  # the traced values, then new ones
            try:
                want = eager(fn, params)
            except (ArithmeticError, ValueError) as e:
                with pytest.raises(type(e)) as got:
                    tape()
                assert str(got.value) == str(e)
            else:
                assert replayed(tape, params) == want, tape.source
                fast = descended(tape, params)
                finite = all(math.isfinite(float.fromhex(x)) for x in [want[0], *want[1]])
                assert fast == (want if finite else None), tape.descent_source()
                compared += 1
            for p in params:
                p.data = rng.uniform(-2.0, 2.0)
    return compared


def test_thousands_of_random_graphs_are_bit_identical_to_backward():
    assert check_random_graphs(seed=1, count=2000, size=12) > 2500


def test_bigger_random_graphs_are_bit_identical_to_backward():
    # ops that keep values in range, so that long programs rarely overflow
    unary = ["neg", "softplus", "sigmoid", "tanh", "relu", "relu0"]
    binary = ["+", "-", "*", "+c", "c-", "*c"]
    assert check_random_graphs(seed=2, count=150, size=60, n_params=5, unary=unary, binary=binary) > 150


def test_every_op_of_the_random_programs_was_traced():
    """The programs reach every op of the engine, relu's two cases and 0 ** n."""
    rng = random.Random(1)
    ops = set()
    for _ in range(300):
        prog = make_program(rng, 3, 12)
        params = [Value(rng.uniform(-2.0, 2.0)) for _ in range(3)]
        try:
            root = run_program(prog, params)
        except (ArithmeticError, ValueError):
            continue
        from engine import topological_order
        ops |= {"**n" if n.op.startswith("**") and n.op != "**" else n.op for n in topological_order(root)}
    assert set(TEMPLATES) <= ops


def test_every_op_of_the_registry_has_a_template():
    try:
        from engine.ops import OPS, POWER
    except ImportError:  # before the op registry: the ops Value makes
        OPS, POWER = dict.fromkeys(TEMPLATES), "**n"
    for name in OPS:
        assert template_for("**2" if name == POWER else name) is not None, name
    assert set(TEMPLATES) == set(OPS)


# ---------------------------------------------------------------- many data points: loops


def points_loss(params, points):
    w, b, v = params
    total = None
    for x, y in points:
        h = (x * w + b).tanh()
        term = (y - h * v - b) ** 2
        total = term if total is None else total + term
    return total * (1.0 / len(points))


def test_same_shaped_points_become_one_loop_with_the_same_numbers(monkeypatch):
    rng = random.Random(3)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(400)]
    params = [Value(0.3, "w"), Value(-0.2, "b"), Value(0.7, "v")]
    fn = lambda: points_loss(params, points)  # noqa: E731
    monkeypatch.setattr(trace_plan, "ROLL_MIN_NODES", 100)
    tape = trace(fn, params)
    assert tape.source.count("for k in range(") == 2  # forward and backward of one loop
    assert tape.source.count("\n") < 150  # not 400 points' worth of lines
    for _ in range(3):
        assert replayed(tape, params) == eager(fn, params)
        for p in params:
            p.data += rng.uniform(-0.5, 0.5)


def test_loops_over_random_programs_are_bit_identical(monkeypatch):
    """Random per-point programs repeated over points, rolled into loops."""
    monkeypatch.setattr(trace_plan, "ROLL_MIN_NODES", 0)
    monkeypatch.setattr(trace_plan, "_MIN_COVER", 1)
    rng = random.Random(4)
    rolled = compared = 0
    for _ in range(150):
        prog = make_program(rng, 4, 8)
        params = [Value(rng.uniform(-1.0, 1.0)) for _ in range(3)]
        data = [Value(rng.uniform(-1.0, 1.0)) for _ in range(rng.randint(3, 8))]

        def fn(prog=prog, params=params, data=data):
            total = None
            for d in data:  # the point's datum is the program's fourth input
                term = run_program(prog, params + [d])
                total = term if total is None else total + term
            return total

        try:
            tape = trace(fn, params)
            want = eager(fn, params)
        except (ArithmeticError, ValueError):
            continue
        rolled += "for k in range(" in tape.source
        assert replayed(tape, params) == want, tape.source
        if all(math.isfinite(float.fromhex(x)) for x in [want[0], *want[1]]):
            assert descended(tape, params) == want, tape.descent_source()
        compared += 1
    assert compared > 60 and rolled > 30


def test_a_chain_is_one_loop(monkeypatch):
    monkeypatch.setattr(trace_plan, "ROLL_MIN_NODES", 100)
    x = Value(0.5, "x")

    def fn():
        y = x
        for _ in range(3000):
            y = y.tanh()
        return y

    tape = trace(fn, [x])
    assert tape.source.count("\n") < 40
    assert replayed(tape, [x]) == eager(fn, [x])


# ---------------------------------------------------------------- what the tape does


def test_source_reads_like_the_chain_rule():
    w, b = Value(3.0, "w"), Value(1.0, "b")
    tape = trace(lambda: (w * 0.5 + b).softplus().relabel("y"), {"w": w, "b": b})
    src = tape.source
    assert "p0 = P[0]  # w" in src and "# y" in src
    assert "gp0 += 0.5 * g0" in src  # d(w*0.5)/dw = 0.5, times the grad
    assert tape() == pytest.approx(math.log1p(math.exp(2.5)), rel=1e-15)
    assert w.grad == pytest.approx(0.5 / (1 + math.exp(-2.5)), rel=1e-15)


def test_a_parameter_the_loss_does_not_reach_gets_grad_zero():
    a, unused = Value(2.0), Value(5.0)
    unused.grad = 7.0
    tape = trace(lambda: a * a, [a, unused])
    assert tape() == 4.0 and a.grad == 4.0 and unused.grad == 0.0


def test_loss_that_is_a_parameter_or_a_constant():
    a = Value(2.0)
    assert trace(lambda: a, [a])() == 2.0 and a.grad == 1.0
    c = Value(3.0)
    assert trace(lambda: c * 2, [a])() == 6.0 and a.grad == 0.0


@pytest.mark.parametrize(
    "build, values, error",
    [
        (lambda p: p.log(), 0.0, ValueError),
        (lambda p: 1.0 / p, 0.0, ZeroDivisionError),
        (lambda p: p.exp(), 1000.0, OverflowError),
        (lambda p: p ** 0.5, -1.0, ValueError),
        (lambda p: p ** 0.5, 0.0, ValueError),
        (lambda p: p ** -1, 0.0, ZeroDivisionError),
        (lambda p: p ** 2, 1e300, OverflowError),
        (lambda p: p.exp() ** p, 800.0, OverflowError),
        (lambda p: (p - 1.0) ** p, 0.5, ValueError),
    ],
    ids=["log0", "div0", "exp-overflow", "sqrt-negative", "sqrt-0", "inverse-0", "pow-overflow",
         "value-pow-overflow", "value-pow-negative-base"],
)
def test_domain_errors_are_the_eager_errors_naming_the_node(build, values, error):
    p = Value(2.0, "p")
    fn = lambda: build(p.relabel("p"))  # noqa: E731
    tape = trace(fn, [p])
    p.data = values
    with pytest.raises(error) as eager_error:
        fn()
    with pytest.raises(error) as replay_error:
        tape()
    assert str(replay_error.value) == str(eager_error.value)


def test_a_function_that_branches_on_data_is_caught_by_check():
    x = Value(1.0, "x")
    fn = lambda: x.tanh() if x.data > 0 else x.exp()  # noqa: E731
    tape = trace(fn, [x])
    tape.check()  # same graph
    x.data = -1.0
    assert tape() == math.tanh(-1.0)  # the traced graph, as documented
    with pytest.raises(GraphChangedError, match=r"node 1 .* was 'tanh' of parameter 1, now 'exp' of parameter 1"):
        tape.check()


def test_changed_data_is_caught_by_check():
    x, data = Value(1.0), [2.0]
    tape = trace(lambda: x * data[0], [x])
    data[0] = 3.0
    with pytest.raises(GraphChangedError, match="the constant 2.0, now .* the constant 3.0"):
        tape.check()


def test_compiled_code_is_reused_for_the_same_graph():
    trace_module = importlib.import_module("engine.trace")  # engine.trace is also the function
    x = Value(1.0)
    t1 = trace(lambda: x.tanh() * 3.0, [x])
    t1()
    assert t1.source in trace_module._COMPILED
    t2 = trace(lambda: x.tanh() * 3.0, [x])
    assert t2.source == t1.source


# ---------------------------------------------------------------- safety and refusals


def test_labels_never_enter_the_code():
    x = Value(1.0, "x\nimport os")
    y = (x * 2).relabel("__import__('os').system('echo hi')")
    z = (y + 1).relabel("fine_name")
    tape = trace(lambda: z, [x])
    assert "import" not in tape.source and "system" not in tape.source and "echo" not in tape.source
    assert "# fine_name" in tape.source


def test_non_finite_constants_go_through_the_namespace():
    x, c = Value(1.0), Value(1.0)
    c.data = math.inf  # set behind the constructor's back
    tape = trace(lambda: x * c, [x])
    assert "inf" not in tape.source
    assert tape() == math.inf


def _node_with_op(op):
    x = Value(1.0)
    y = x * 2
    y.op = op
    return x, y


def _arity_changed():
    x = Value(1.0)
    y = x.tanh()
    y.inputs = (x, x)
    y.local_grads = (1.0, 1.0)
    return x, y


def _param(data):
    p = Value(1.0)
    p.data = data
    return p


HOSTILE = [
    # (what, loss_fn, params, error, message)
    ("loss_fn not callable", 3.0, [Value(1.0)], TypeError, "trace: loss_fn must be a function with no arguments"),
    ("loss_fn returns a float", lambda: 3.0, [Value(1.0)], TypeError, "trace: loss_fn must return a Value, got float"),
    ("params a string", lambda: Value(1.0), "w", TypeError, "trace: params must be a list of Values"),
    ("params None", lambda: Value(1.0), None, TypeError, "trace: params must be a list of Values"),
    ("a parameter not a Value", lambda: Value(1.0), [1.0], TypeError, "parameter 'p1' must be a Value, got float"),
    ("a name not a str", lambda: Value(1.0), {1: Value(1.0)}, TypeError, "trace: parameter names must be str"),
    ("a parameter not a leaf", lambda: Value(1.0), [Value(1.0) * 2], ValueError, "must be a leaf"),
    ("a parameter twice", None, "twice", ValueError, "is parameter 'a' again"),
    ("a non-finite parameter", lambda: Value(1.0), [_param(math.nan)], ValueError, "must be finite, got nan"),
    ("an op without a template", "evil", None, MissingTemplateError, "no code template for op 'evil'"),
    ("an op name with code in it", "**__import__('os')", None, MissingTemplateError, "no code template"),
    ("an op name **nan", "**nan", None, MissingTemplateError, "no code template for op '**nan'"),
    ("an op with other inputs than its template", "arity", None, MissingTemplateError, "has 2 inputs, its template 1"),
]


@pytest.mark.parametrize("what, fn, params, error, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_inputs_are_refused_clearly(what, fn, params, error, message):
    if params == "twice":
        a = Value(1.0, "a")
        fn, params = (lambda: a * 2), {"a": a, "b": a}
    elif isinstance(fn, str):
        x, y = _arity_changed() if fn == "arity" else _node_with_op(fn)
        fn, params = (lambda: y), [x]
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        trace(fn, params)


def test_no_parameters_a_constant_loss():
    c = Value(2.0)
    tape = trace(lambda: c * c, [])
    assert tape() == 4.0
    out = []
    assert tape.descent()([], 0.1, 5, 0.001, out.extend) == (1, 3, ())  # every (no) step size is small
    assert out == [4.0]


def test_the_code_cache_tells_zero_from_minus_zero():
    """Cached code is keyed by the graph's constants; 0.0 == -0.0, but x * -0.0 is not x * 0.0."""
    x = Value(3.0)
    c = Value(0.0)
    plus = trace(lambda: x * c, [x])
    c.data = -0.0
    minus = trace(lambda: x * c, [x])
    assert "(-0.0)" in minus.source and "(-0.0)" not in plus.source
    assert bits(minus()) == bits(-0.0) and bits(plus()) == bits(0.0)
