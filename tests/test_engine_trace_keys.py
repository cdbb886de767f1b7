"""engine.trace's code cache and graph check are exact: node 1 is not the constant 1.0, 0.0 is not -0.0.

In Python ``1 == 1.0`` and ``0.0 == -0.0`` (with equal hashes), and a recorded
graph holds node and parameter references as ints beside its constants as
floats. The property tests below build pairs of graphs that differ in one such
place only, trace one and then the other (so the first one's code is in the
cache), and check that the second one gets its own code and computes its own
eager numbers bit for bit: ``tape()``, the fast ``descent()`` code, and
``gradient_descent(compiled=True)``'s whole ledger.
"""

import importlib
import math
import random
import struct

import pytest

from engine import Value, trace_plan
from engine.trace import GraphChangedError, trace
from engine.trace_plan import record
from nn import gradient_descent

trace_module = importlib.import_module("engine.trace")  # engine.trace is also the function


def bits(x):
    """A float by its 64 bits: -0.0 is not 0.0, a nan equals only a nan of the same bits."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


# ---------------------------------------------------------------- the graphs
# A spec is a chain: each step reads the previous node (parameter 0 first) and,
# for a binary op, a right-hand input: ("node", i) the i-th node made, ("param",
# j), or ("const", c) a fresh leaf holding c (an int too, set behind Value()'s back).
# Every node then depends on a parameter, and the recorded node i is the i-th made.

UNARY = ["tanh", "sigmoid", "softplus", "square"]
BINARY = {"+": Value.__add__, "-": Value.__sub__, "*": Value.__mul__}


def leaf(c):
    v = Value(0.0)
    v.data = c  # an int stays an int here, as a learner's x.data = 1 does
    return v


def build(spec, params):
    nodes = []
    prev = params[0]
    for step in spec:
        if step[0] in UNARY:
            prev = getattr(prev, step[0])()
        else:
            kind, x = step[1]
            right = nodes[x] if kind == "node" else params[x] if kind == "param" else leaf(x)
            prev = BINARY[step[0]](prev, right)
        nodes.append(prev)
    return prev


def loss_of(spec, params):
    return lambda: build(spec, params)


def random_spec(rng, n_params, size):
    spec = []
    for k in range(size):
        if k and rng.random() < 0.3:
            spec.append((rng.choice(UNARY),))
            continue
        kind = rng.choice(["node", "param", "const"] if k else ["param", "const"])
        if kind == "node":
            right = ("node", rng.randrange(k))
        elif kind == "param":
            right = ("param", rng.randrange(n_params))
        else:  # the numbers a reference or a zero could be mistaken for
            right = ("const", rng.choice([0.0, -0.0, 1.0, -1.0, -2.0, 0.5] + [float(i) for i in range(k)]))
        spec.append((rng.choice(list(BINARY)), right))
    return spec


def twins(spec, n_params):
    """``(k, twin)`` for each place k where ``spec`` can differ from a twin only by a reference vs a constant.

    Node i <-> the constant float(i), parameter j <-> float(-1 - j) (what the
    recording holds for each), 0.0 <-> -0.0.
    """
    for k, step in enumerate(spec):
        if step[0] in UNARY:
            continue
        kind, x = step[1]
        alt = []
        if kind == "node":
            alt = [("const", float(x))]
        elif kind == "param":
            alt = [("const", float(-1 - x))]
        elif x == 0.0:
            alt = [("const", -x)]
            alt += [("node", 0)] if k and math.copysign(1.0, x) > 0 else []
        elif x.is_integer() and 0 <= x < k:
            alt = [("node", int(x))]
        elif x.is_integer() and -n_params <= x < 0:
            alt = [("param", int(-1 - x))]
        for right in alt:
            yield k, spec[:k] + [(step[0], right)] + spec[k + 1:]


def int_twin(spec):
    """``spec`` with its first integral constant as an int (1.0 -> 1), or None if it has none."""
    for k, step in enumerate(spec):
        if step[0] not in UNARY and step[1][0] == "const" and step[1][1].is_integer():
            return spec[:k] + [(step[0], ("const", int(step[1][1])))] + spec[k + 1:]
    return None


def eager(fn, params):
    for p in params:
        p.grad = 0.0
    loss = fn()
    loss.backward()
    return bits(loss.data), [bits(p.grad) for p in params]


def replayed(tape, params):
    for p in params:
        p.grad = 123.0
    loss = tape()
    return bits(loss), [bits(p.grad) for p in params]


def descended(tape, params):
    out = []
    _, status, _ = tape.descent()([p.data for p in params], 0.0, 1, -1.0, out.extend)
    return None if status else (bits(out[0]), [bits(g) for g in out[1:]])


def finite(numbers):
    return all(math.isfinite(struct.unpack("<d", struct.pack("<q", b))[0]) for b in [numbers[0], *numbers[1]])


def ledger_bits(ledger):
    return [bits(x) for x in ledger.numbers], bits(ledger.final_loss), ledger.stop_reason


# ---------------------------------------------------------------- the properties


def check_pair(first, second, values):
    """Trace ``first`` then ``second``: the second gets its own code and its own eager numbers."""
    params = [Value(v, f"w{j}") for j, v in enumerate(values)]
    fa, fb = loss_of(first, params), loss_of(second, params)
    ta = trace(fa, params)
    assert replayed(ta, params) == eager(fa, params)
    ta.descent()  # its fast code and descent function are cached too
    tb = trace(fb, params)
    assert tb._key != ta._key
    assert tb.source != ta.source and tb.descent_source() != ta.descent_source()
    want = eager(fb, params)
    assert replayed(tb, params) == want, tb.source
    if finite(want):
        assert descended(tb, params) == want, tb.descent_source()
    # The graph check tells them apart too.
    with pytest.raises(GraphChangedError):
        ta.check_graph(fb())
    with pytest.raises(GraphChangedError):
        tb.check_graph(fa())
    ta.check_graph(fa())
    tb.check_graph(fb())
    return record(fa(), {p: j for j, p in enumerate(params)}), record(fb(), {p: j for j, p in enumerate(params)})


def test_graphs_that_differ_by_a_reference_or_a_zero_sign_never_share_code():
    rng = random.Random(17)
    pairs = confusable = 0
    for _ in range(120):
        n_params = rng.randint(1, 3)
        spec = random_spec(rng, n_params, rng.randint(1, 7))
        values = [rng.uniform(-1.5, 1.5) for _ in range(n_params)]
        for _, twin in twins(spec, n_params):
            for first, second in ((spec, twin), (twin, spec)):
                a, b = check_pair(first, second, values)
                # Equal by ==, different by type or bits: what the old cache key confused.
                confusable += a.ops == b.ops and a.refs == b.refs and a.root == b.root
                pairs += 1
    assert pairs > 300 and confusable > 200


def test_gradient_descent_compiled_after_a_confusable_graph_gives_the_eager_ledger():
    rng = random.Random(18)
    compared = 0
    for _ in range(40):
        n_params = rng.randint(1, 2)
        spec = random_spec(rng, n_params, rng.randint(2, 5))
        values = [rng.uniform(-1.0, 1.0) for _ in range(n_params)]
        for _, twin in list(twins(spec, n_params))[:2]:
            params = [Value(v, f"w{j}") for j, v in enumerate(values)]
            runs = {}
            for name, s in (("spec", spec), ("twin", twin)):
                for compiled in (True, False):  # compiled first: the other graph's code is in the cache
                    for p, v in zip(params, values):
                        p.data = v
                    ledger = gradient_descent(loss_of(s, params), params, lr=0.01, steps=4, compiled=compiled)
                    runs[name, compiled] = ledger_bits(ledger), [bits(p.data) for p in params]
            assert runs["spec", True] == runs["spec", False]
            assert runs["twin", True] == runs["twin", False]
            compared += 1
    assert compared > 40


def test_an_int_in_a_constant_is_refused_and_its_float_twin_is_exact():
    rng = random.Random(19)
    refused = 0
    for _ in range(60):
        n_params = rng.randint(1, 3)
        spec = random_spec(rng, n_params, rng.randint(1, 6))
        with_int = int_twin(spec)
        if with_int is None:
            continue
        params = [Value(rng.uniform(-1.5, 1.5), f"w{j}") for j in range(n_params)]
        fa, fb = loss_of(spec, params), loss_of(with_int, params)
        ta = trace(fa, params)
        assert replayed(ta, params) == eager(fa, params)
        with pytest.raises(TypeError, match=r"^trace: the leaf read by node \d+ \('[-+*]'\) holds int -?\d+, not a"
                                            r" float"):
            trace(fb, params)
        with pytest.raises(TypeError, match=r"^trace: the leaf read by node \d+ .* holds int"):
            gradient_descent(fb, params, lr=0.01, steps=2, compiled=True)
        with pytest.raises(TypeError, match="holds int"):
            ta.check_graph(fb())
        assert replayed(trace(fa, params), params) == eager(fa, params)
        refused += 1
    assert refused > 30


def test_loop_tables_and_carried_constants_are_keyed_exactly(monkeypatch):
    """Rolled code (a loop over points): a zero's sign in the table, and the sum's first term, by bits."""
    monkeypatch.setattr(trace_plan, "ROLL_MIN_NODES", 0)
    monkeypatch.setattr(trace_plan, "_MIN_COVER", 1)
    w, b = Value(0.7, "w"), Value(-0.3, "b")

    def loss(start, data):
        def fn():
            total = leaf(start)
            for d in data:
                total = total + (w * leaf(d) + b).tanh() * leaf(d)
            return total
        return fn

    cases = [(0.0, [1.0, 0.0, 2.0, 0.0]), (0.0, [1.0, -0.0, 2.0, 0.0]), (-0.0, [1.0, 0.0, 2.0, 0.0]),
             (3.0, [1.0, 0.0, 2.0, 0.0]), (-1.0, [1.0, 0.0, 2.0, 0.0])]
    tapes = []
    for start, data in cases + cases[::-1]:
        fn = loss(start, data)
        tape = trace(fn, [w, b])
        assert "for k in range(" in tape.source
        assert replayed(tape, [w, b]) == eager(fn, [w, b])
        assert descended(tape, [w, b]) == eager(fn, [w, b])
        tapes.append(tape)
    assert len({t._key for t in tapes}) == len(cases)


# ---------------------------------------------------------------- the cases found by hand


def test_a_constant_that_equals_a_node_index_gets_its_own_code():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    assert trace(lambda: a * b + a, [a, b])() == 8.0
    assert trace(lambda: a * b + (-1.0), [a, b])() == 5.0  # -1.0 == -1, parameter a's reference
    z = Value(6.0, "z")
    assert trace(lambda: (u := z * 2.0) + u, [z])() == 24.0
    assert trace(lambda: z * 2.0 + 0.0, [z])() == 12.0  # 0.0 == 0, node 0's reference


def test_check_tells_a_node_from_the_constant_of_its_index():
    y = Value(1.5, "y")
    branch = [True]

    def fn():
        u = y * 3.0
        return u + u if branch[0] else u + 0.0

    tape = trace(fn, [y])
    tape.check()
    branch[0] = False
    with pytest.raises(GraphChangedError, match=r"node 2 .* was '\+' of node 1 and node 1, now '\+' of node 1 and"
                                                r" the constant 0.0"):
        tape.check()


def test_check_tells_a_parameter_loss_from_a_constant_loss():
    p = Value(2.0, "p")
    const = [False]
    tape = trace(lambda: Value(-1.0) if const[0] else p, [p])
    const[0] = True
    with pytest.raises(GraphChangedError, match="the loss was parameter 1, now the constant -1.0"):
        tape.check()
    assert trace(lambda: Value(-1.0), [p])() == -1.0  # not parameter 1's value


def test_check_passes_a_nan_constant_of_the_same_bits():
    x = Value(1.0, "x")

    def fn():
        c = Value(0.0)
        c.data = math.inf
        return x * (c - c)  # a nan made anew on every call

    tape = trace(fn, [x])
    tape.check()
    assert math.isnan(tape())


def test_int_data_refused_naming_the_constant_and_its_reader():
    w, x, y = Value(2.0, "w"), Value(5.0, "x"), Value(0.0, "y")
    x.data = -1
    with pytest.raises(TypeError, match=r"^trace: the leaf 'x' read by node 1 \('\*'\) holds int -1, not a float"):
        trace(lambda: w * x, [w])
    x.data, y.data = 1, 2
    with pytest.raises(TypeError, match=r"^trace: the leaf 'x' read by node 1 \('\*'\) holds int 1"):
        trace(lambda: w * x + y, [w])
    c = Value(1.0)
    c.data = 2
    with pytest.raises(TypeError, match=r"^trace: the '\*' node \(computed from constants\) read by node 1 \('\+'\)"
                                        r" holds int 4"):
        trace(lambda: w + c * c, [w])
    with pytest.raises(TypeError, match=r"^trace: the leaf \(the loss\) holds int 2"):
        trace(lambda: c, [w])
    c.data = True
    with pytest.raises(TypeError, match="holds bool True"):
        trace(lambda: w * c, [w])
    # A constant made from int data is a float once an operator computed it: that is what eager reads.
    c.data = 3
    tape = trace(lambda: w * (c * 0.5), [w])
    assert tape() == 2.0 * 1.5 and w.grad == 1.5


def test_int_parameter_data_gives_the_eager_numbers():
    """A parameter's own object goes into the code, as into the eager operators: an int stays exact."""
    p, q = Value(1.0, "p"), Value(1.0, "q")
    p.data, q.data = 2**60 + 1, 3
    fn = lambda: p * q + (p * 0.5).tanh()  # noqa: E731
    tape = trace(fn, [p, q])
    assert replayed(tape, [p, q]) == eager(fn, [p, q])
    for bad, error, says in [("1", TypeError, "must hold a float or an int, got str '1'"),
                             (True, TypeError, "must hold a float or an int, got bool True"),
                             (10**400, ValueError, "must be finite, got 1000"),
                             (math.inf, ValueError, "must be finite, got inf")]:
        p.data = bad
        with pytest.raises(error, match=f"^trace: parameter 'p' {says}"):
            trace(fn, [p, q])


@pytest.mark.parametrize("a, n", [(-1.0, 2.0**54), (-1.0, -(2.0**54)), (-0.5, 2.0**54), (-1.0, 2.0**53 + 2),
                                  (-1.0, 2.0**53), (0.0, 2.0**54), (-1.0, 1e300), (1.0 - 2**-53, 2.0**54)])
def test_a_huge_exponent_keeps_the_power_rule_sign(a, n):
    """(-1) ** n for an even n > 2**53: n - 1 rounds back to n, d/da = n a^n / a = -n, as the operator has it."""
    p = Value(a, "p")
    fn = lambda: p ** n  # noqa: E731
    want = eager(fn, [p])
    if a == -1.0 and abs(n) > 2.0**53:
        assert want[1] == [bits(-n)]  # the hand formula: n * (1 / -1)
    tape = trace(fn, [p])
    assert replayed(tape, [p]) == want and descended(tape, [p]) == want


def test_a_graph_too_big_for_a_key_is_still_checked_by_type_and_bits():
    x = Value(0.5, "x")
    zero = [0.0]

    def fn():
        y = x
        for k in range(5200):  # more nodes than get a cache key; the change is in the second chunk compared
            y = y * 1.0 + (zero[0] if k == 5000 else 0.25)
        return y

    tape = trace(fn, [x])
    assert tape._key is None and tape.nodes == 10400
    tape.check()
    zero[0] = -0.0
    with pytest.raises(GraphChangedError, match=r"node 10002 .* was '\+' of node 10001 and the constant 0.0, now"
                                                r" '\+' of node 10001 and the constant -0.0"):
        tape.check()
