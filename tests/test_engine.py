"""Value itself: construction, attributes, identity, repr, errors, and backward's semantics."""

import doctest
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest

import engine
from engine import Value, topological_order

# ------------------------------------------------------------------ construction


@pytest.mark.parametrize("data, expected", [(3, 3.0), (-2.5, -2.5), (Fraction(1, 4), 0.25)])
def test_data_is_coerced_to_float(data, expected):
    v = Value(data)
    assert v.data == expected and type(v.data) is float


@pytest.mark.parametrize(
    "data, type_name",
    [("3", "str"), (None, "NoneType"), (1 + 2j, "complex"), ([1.0], "list"), (Decimal("1.5"), "Decimal"),
     (Value(1.0), "Value")],
)
def test_non_real_data_is_a_type_error_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=rf"Value: .*{type_name}"):
        Value(data)


@pytest.mark.parametrize("flag", [True, False])
def test_a_bool_is_refused_everywhere_a_number_goes(flag):
    # bool is a subclass of int, but True + 1 is almost always a slip.
    x = Value(2.0)
    with pytest.raises(TypeError, match=rf"Value: .*got bool {flag}"):
        Value(flag)
    for op in ("+", "-", "*", "/"):
        with pytest.raises(TypeError, match=rf"{re.escape(op)}: .*got bool {flag}"):
            eval(f"x {op} flag")
        with pytest.raises(TypeError, match=rf"{re.escape(op)}: .*got bool {flag}"):
            eval(f"flag {op} x")
    with pytest.raises(TypeError, match=rf"\*\*: .*got bool {flag}"):
        x ** flag
    with pytest.raises(TypeError, match=rf"\*\*: .*got bool {flag}"):
        flag ** x
    with pytest.raises(TypeError, match=rf"softplus: .*got bool {flag}"):
        engine.softplus(flag)


@pytest.mark.parametrize("data", [math.inf, -math.inf, math.nan])
def test_non_finite_data_is_refused(data):
    with pytest.raises(ValueError, match=r"Value: data must be finite"):
        Value(data)


def test_huge_int_is_a_clear_overflow_error():
    with pytest.raises(OverflowError, match=r"Value: int too large"):
        Value(10**400)


def test_label_must_be_a_string():
    assert Value(1.0, "w1").label == "w1"
    with pytest.raises(TypeError, match="label must be a str or None, got int"):
        Value(1.0, 7)
    with pytest.raises(TypeError, match="relabel: label must be a str or None, got float"):
        Value(1.0).relabel(1.5)


def test_a_new_value_is_a_leaf_with_zero_grad():
    v = Value(2.0, "a")
    assert (v.data, v.grad, v.label, v.op, v.inputs, v.local_grads) == (2.0, 0.0, "a", "", (), ())
    assert v.is_leaf and not v.is_constant


def test_relabel_sets_the_label_and_returns_the_node():
    a = Value(2.0)
    out = (a * 3).relabel("x1")
    assert out.label == "x1" and out.op == "*"
    assert a.relabel(None) is a and a.label is None


def test_slots_no_instance_dict():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    assert set(Value.__slots__) == {"data", "grad", "label", "op", "inputs", "local_grads"}
    with pytest.raises(AttributeError):
        v.extra = 1


def test_identity_hashing_and_equality():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and not (a == b)
    assert len({a, b}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert hash(a) == hash(a)
    a.data = 5.0  # changing data changes neither hash nor identity
    assert d[a] == "a"


def test_repr_shows_label_data_and_grad():
    v = Value(2.5, "w1")
    v.grad = -0.125
    assert repr(v) == "Value(label='w1', data=2.5, grad=-0.125)"
    assert repr(Value(3.0)) == "Value(data=3, grad=0)"
    # no id() or address in any output
    assert not re.search(r"0x[0-9a-f]+", repr(Value(1.0) * 2))


def test_inputs_keep_order_and_multiplicity():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    assert (a * a).inputs == (a, a)
    assert (a * a).local_grads == (2.0, 2.0)  # d(a*a)/d(first a) = a, d/d(second a) = a
    assert (b - a).inputs == (b, a)
    assert (a - b).inputs == (a, b)
    assert (a / b).local_grads == (1 / 3.0, -2.0 / 9.0)


# ------------------------------------------------------------------ errors


def test_log_of_zero_and_negative_names_op_label_and_value():
    with pytest.raises(ValueError, match=r"log: .*'x'.*0\.0"):
        Value(0.0, "x").log()
    with pytest.raises(ValueError, match=r"log: .*'neg'.*-1\.0"):
        Value(-1.0, "neg").log()
    with pytest.raises(ValueError, match=r"log: .*-1\.0"):
        engine.log(-1)  # unlabelled: op and value


def test_zero_to_a_negative_power_names_op_label_and_value():
    with pytest.raises(ZeroDivisionError, match=r"\*\*: 0\.0 \*\* -1 .*'z'"):
        Value(0.0, "z") ** -1
    with pytest.raises(ZeroDivisionError, match=r"\*\*: 0\.0 \*\* -2\.5"):
        Value(0.0) ** -2.5


def test_zero_to_a_fractional_power_has_an_infinite_derivative():
    with pytest.raises(ValueError, match=r"\*\*: .*x \*\* 0\.5.*'r'.*0\.0.*infinite"):
        Value(0.0, "r") ** 0.5


def test_negative_base_to_a_fractional_power():
    with pytest.raises(ValueError, match=r"\*\*: negative base .*'b'.*-2\.0.*0\.5"):
        Value(-2.0, "b") ** 0.5


def test_value_exponent_needs_a_positive_base():
    with pytest.raises(ValueError, match=r"\*\*: .*positive base.*'b'.*-1\.0"):
        Value(-1.0, "b") ** Value(2.0)
    with pytest.raises(ValueError, match=r"\*\*: .*positive base.*0\.0"):
        0 ** Value(2.0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Value(1.0, "num") / Value(0.0, "den"),
        lambda: Value(1.0, "num") / 0,
        lambda: Value(1.0, "num") / 0.0,
        lambda: 1 / Value(0.0, "den"),
    ],
)
def test_division_by_zero_names_op_and_labels(make):
    with pytest.raises(ZeroDivisionError, match=r"/: division by zero: denominator.* is 0\.0") as info:
        make()
    assert "'den'" in str(info.value) or "'num'" in str(info.value)


def test_exp_overflow_is_named():
    with pytest.raises(OverflowError, match=r"exp: .*1000\.0.*'big'"):
        Value(1000.0, "big").exp()
    with pytest.raises(OverflowError, match=r"\*\*: 10\.0 \*\* 400"):
        Value(10.0) ** 400


def test_overflow_is_inf_for_products_and_an_error_for_powers_as_documented():
    x = Value(1e300, "x")
    assert (x * x).data == math.inf and x.square().data == math.inf
    with pytest.raises(OverflowError, match=r"\*\*: 1e\+300 \*\* 2 \(node 'x'\) is too large"):
        x ** 2
    doc = " ".join(Value.__doc__.split())
    assert "``x * x`` and ``x.square()`` hold ``inf`` while ``x ** 2`` raises" in doc
    pow_doc = " ".join(Value.__pow__.__doc__.split())
    assert "``Value(1e300) ** 2``), where ``*`` and ``square()`` give ``inf``" in pow_doc


def test_non_finite_constants_are_refused():
    with pytest.raises(ValueError, match=r"\*: constant operand must be finite, got inf"):
        Value(1.0) * math.inf
    with pytest.raises(ValueError, match=r"\+: constant operand must be finite, got nan"):
        math.nan + Value(1.0)
    with pytest.raises(ValueError, match=r"\*\*: exponent must be finite"):
        Value(2.0) ** math.inf


@pytest.mark.parametrize("other", ["2", None, 1j, [1.0]])
def test_unsupported_operands_are_type_errors(other):
    x = Value(1.0)
    for op in ("+", "-", "*", "/", "**"):
        # Python's own message; str and list answer first for some operators
        # ("can't multiply sequence by non-int of type 'Value'"), all name Value.
        with pytest.raises(TypeError, match=r"Value"):
            eval(f"x {op} other")
        with pytest.raises(TypeError, match=r"Value"):
            eval(f"other {op} x")
    if other is None or isinstance(other, complex):
        name = type(other).__name__
        with pytest.raises(TypeError, match=rf"unsupported operand.*'Value' and '{name}'"):
            x * other
        with pytest.raises(TypeError, match=rf"unsupported operand.*'{name}' and 'Value'"):
            other - x


# ------------------------------------------------------------------ backward


def test_backward_on_a_small_graph_by_hand():
    # f = (a*b + c) * a, df/da = 2ab + c, df/db = a^2, df/dc = a
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(5.0, "c")
    f = (a * b + c) * a
    f.backward()
    assert f.grad == 1.0
    assert (a.grad, b.grad, c.grad) == (2 * 2.0 * -3.0 + 5.0, 2.0**2, 2.0)
    inner = f.inputs[0]
    assert inner.grad == 2.0  # df/d(ab + c) = a


def test_reused_node_a_plus_a():
    a = Value(3.0)
    out = a + a
    out.backward()
    assert a.grad == 2.0


def test_reused_node_a_times_a():
    a = Value(3.0)
    out = a * a
    out.backward()
    assert a.grad == 6.0  # d(a^2)/da = 2a


def test_diamond():
    # b = a^2 feeds two branches that meet again: f = tanh(b) + 3b.
    # df/da = (1 - tanh(b)^2 + 3) * 2a
    a = Value(0.7, "a")
    b = a * a
    f = b.tanh() + 3 * b
    f.backward()
    bb = 0.7 * 0.7
    assert b.grad == pytest.approx(1 - math.tanh(bb) ** 2 + 3, rel=1e-15)
    assert a.grad == pytest.approx((1 - math.tanh(bb) ** 2 + 3) * 2 * 0.7, rel=1e-15)
    order = topological_order(f)
    assert order.count(b) == 1 and order.count(a) == 1


def test_backward_twice_doubles_leaves_and_keeps_interior_grads():
    a, b = Value(1.5, "a"), Value(-0.5, "b")
    mid = (a * b).tanh()
    f = mid * a + b.exp()
    f.backward()
    leaves1 = (a.grad, b.grad)
    interior1 = {n: n.grad for n in topological_order(f, include_leaves=False)}
    f.backward()
    assert (a.grad, b.grad) == (2 * leaves1[0], 2 * leaves1[1])  # exactly twice
    assert {n: n.grad for n in topological_order(f, include_leaves=False)} == interior1
    assert f.grad == 1.0 and mid.grad == interior1[mid]


def test_leaf_grads_accumulate_across_roots_like_pytorch():
    w = Value(2.0, "w")
    loss1 = w * 3.0  # d/dw = 3
    loss2 = w.square()  # d/dw = 2w = 4
    loss1.backward()
    loss2.backward()
    assert w.grad == 7.0
    loss1.zero_grad()
    assert w.grad == 0.0
    loss2.backward()
    assert w.grad == 4.0


def test_zero_grad_resets_every_node_including_leaves():
    a = Value(2.0)
    f = (a * a).tanh() + 1
    f.backward()
    f.zero_grad()
    assert all(n.grad == 0.0 for n in topological_order(f))


def test_backward_on_a_leaf_seeds_it_with_one():
    a = Value(4.0)
    a.backward()
    assert a.grad == 1.0
    a.backward()
    assert a.grad == 2.0  # a leaf accumulates, even as its own root


def test_constants_receive_grads_too():
    a = Value(3.0)
    out = a * 2
    out.backward()
    assert out.inputs[1].grad == 3.0  # d(2a)/d(2) = a


def test_a_dead_branch_contributes_nothing():
    # relu at a negative input passes zero upstream; the branch under it gets grad 0
    a, b = Value(-1.0), Value(2.0)
    f = (a * b).relu() + b
    f.backward()
    assert (a.grad, b.grad) == (0.0, 1.0)


# ------------------------------------------------------------------ topological order


def test_topological_order_puts_inputs_first_and_root_last():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    x = (a * b).relabel("x")
    y = (x + a).relabel("y")
    z = (y * x).relabel("z")
    order = topological_order(z)
    assert order[-1] is z
    pos = {n: i for i, n in enumerate(order)}
    assert all(pos[i] < pos[n] for n in order for i in n.inputs)
    assert [n.label for n in order] == ["a", "b", "x", "y", "z"]  # inputs[0]'s subgraph first
    assert [n.label for n in topological_order(z, include_leaves=False)] == ["x", "y", "z"]
    assert topological_order(a) == [a]
    assert topological_order(a, include_leaves=False) == []


def test_topological_order_is_deterministic():
    def build():
        a, b = Value(1.0), Value(2.0)
        return ((a * b).tanh() + (b - a) * a).exp()

    shapes = []
    for _ in range(3):
        root = build()
        index = {}
        shapes.append([(n.op, tuple(index.setdefault(i, len(index)) for i in n.inputs))
                       for n in topological_order(root)])
    assert shapes[0] == shapes[1] == shapes[2]


# ------------------------------------------------------------------ the package


def test_package_docstring_example_runs():
    result = doctest.testmod(engine, verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_public_names():
    for name in engine.__all__:
        assert hasattr(engine, name)
