"""The scalar ``Value`` and its operators.

Every node stores its ``inputs`` and, beside them, its ``local_grads``:
``local_grads[i] = d(node)/d(inputs[i])``, evaluated when the node is made.
Backward is then the chain rule as written by hand::

    inputs[i].grad += local_grads[i] * node.grad      # upstream x local

Each operator below computes its forward value and its local derivatives
on the same few lines, so the rule and its derivative read together; the
line above it (``@operator`` or ``@function``, see ``engine.ops``) declares the op
once for everything that lists ops: its name, its call form and its
derivatives as text.
"""

from __future__ import annotations

import math
import numbers
from typing import Union

from engine.graph import topological_order
from engine.numeric import power_name, power_rule, sigmoid_of, to_float
from engine.ops import POWER, function, operator

Number = int | float
Operand = Union["Value", int, float]

__all__ = ["Value", "Number", "Operand"]


def _where(node: Value) -> str:
    """`` (node 'x1')`` when the node has a label, for error messages."""
    return f" (node {node.label!r})" if node.label is not None else ""


class Value:
    """A scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    ``grad`` is d(root)/d(self) after ``root.backward()``.
    ``inputs`` is the ordered tuple of the nodes this one was computed from (``a*a``
    lists ``a`` twice); ``local_grads[i]`` is d(self)/d(inputs[i]) as a float.
    ``op`` names the operation (``'*'``, ``'softplus'`` ...); it is ``''`` for a
    leaf made by the user and ``'const'`` for a number that an operator wrapped.

    Values hash by identity and ``==`` is identity, so they can be dict keys and
    set members even when two hold the same number.

    Arithmetic is IEEE double precision, as in PyTorch: ``+``, ``-``, ``*``,
    ``/`` and ``square()`` that overflow give ``inf`` (checking every node would
    cost every forward pass; ``nn``'s training loop stops on a non-finite loss).
    ``exp`` and ``**`` raise ``OverflowError`` instead, naming the op, because
    Python's ``math.exp`` and float ``**`` do: for ``x = Value(1e300)``,
    ``x * x`` and ``x.square()`` hold ``inf`` while ``x ** 2`` raises. A local
    derivative beyond the float range (d(1/b)/db at b = 1e-200) is ``+-inf``.
    """

    __slots__ = ("data", "grad", "label", "op", "inputs", "local_grads")

    data: float
    grad: float
    label: str | None
    op: str
    inputs: tuple[Value, ...]
    local_grads: tuple[float, ...]

    def __init__(self, data: Number, label: str | None = None) -> None:
        """A leaf: ``data`` as ``float(data)`` (a real, finite number), ``grad`` 0.0, no inputs.

        ``TypeError`` naming the type for strings, ``None``, bools, complex numbers
        and other non-real data; ``ValueError`` for ``inf`` and ``nan``.
        """
        if type(data) is not float:
            data = to_float(data, "Value")
        if not math.isfinite(data):
            raise ValueError(f"Value: data must be finite, got {data!r}")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value: label must be a str or None, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.inputs = ()
        self.local_grads = ()

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _constant(x: Number, op: str) -> Value:
        """Wrap a plain number met by operator ``op`` as a constant leaf (``TypeError`` otherwise)."""
        c = _wrap(x, op)
        if c is None:
            raise TypeError(f"{op}: expected a Value or a real number, got {type(x).__name__} {x!r}")
        return c

    def relabel(self, label: str | None) -> Value:
        """Set ``label`` and return ``self``, so ``x1 = (w1 * i + b1).relabel('x1')`` reads inline."""
        if label is not None and not isinstance(label, str):
            raise TypeError(f"relabel: label must be a str or None, got {type(label).__name__}")
        self.label = label
        return self

    @property
    def is_leaf(self) -> bool:
        """True for a node with no inputs (a user's leaf or a wrapped constant)."""
        return not self.inputs

    @property
    def is_constant(self) -> bool:
        """True for a plain number that an operator wrapped (``2`` in ``x * 2``)."""
        return self.op == "const"

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label is not None else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------ arithmetic
    # For a binary operator the plain-number operand becomes a constant leaf,
    # so every edge of the drawn graph has a node at each end.

    @operator("+", "1", "1", expression="{a} + {b}")
    def __add__(self, other: Operand) -> Value:
        b = other if isinstance(other, Value) else _wrap(other, "+")
        if b is None:
            return NotImplemented
        # d(a+b)/da = 1, d(a+b)/db = 1
        return _node(self.data + b.data, "+", (self, b), (1.0, 1.0))

    def __radd__(self, other: Number) -> Value:
        c = _wrap(other, "+")
        if c is None:
            return NotImplemented
        return _node(c.data + self.data, "+", (c, self), (1.0, 1.0))  # c + self, as above

    @operator("-", "1", "-1", expression="{a} - {b}")
    def __sub__(self, other: Operand) -> Value:
        b = other if isinstance(other, Value) else _wrap(other, "-")
        if b is None:
            return NotImplemented
        # d(a-b)/da = 1, d(a-b)/db = -1
        return _node(self.data - b.data, "-", (self, b), (1.0, -1.0))

    def __rsub__(self, other: Number) -> Value:
        c = _wrap(other, "-")
        if c is None:
            return NotImplemented
        return _node(c.data - self.data, "-", (c, self), (1.0, -1.0))  # c - self, as above

    @operator("*", "{b}", "{a}", expression="{a}·{b}")
    def __mul__(self, other: Operand) -> Value:
        b = other if isinstance(other, Value) else _wrap(other, "*")
        if b is None:
            return NotImplemented
        # d(a*b)/da = b, d(a*b)/db = a
        return _node(self.data * b.data, "*", (self, b), (b.data, self.data))

    def __rmul__(self, other: Number) -> Value:
        c = _wrap(other, "*")
        if c is None:
            return NotImplemented
        return _node(c.data * self.data, "*", (c, self), (self.data, c.data))  # c * self, as above

    @operator("/", "1/{b}", "-{a}/{b}^2", expression="{a}/{b}")
    def __truediv__(self, other: Operand) -> Value:
        b = other if isinstance(other, Value) else _wrap(other, "/")
        if b is None:
            return NotImplemented
        return _divide(self, b)

    def __rtruediv__(self, other: Number) -> Value:
        c = _wrap(other, "/")
        if c is None:
            return NotImplemented
        return _divide(c, self)

    @operator("neg", "-1", expression="-{x}")
    def __neg__(self) -> Value:
        # d(-a)/da = -1
        return _node(-self.data, "neg", (self,), (-1.0,))

    def __pos__(self) -> Value:
        return self

    @operator(POWER, "{n}·{x}^{n-1}", expression="{x}^{n}")
    def __pow__(self, exponent: Operand) -> Value:
        """``a ** n`` with a number ``n``: d/da = n a^(n-1); ``a ** b`` with a Value ``b``: see ``_pow_value``.

        A result beyond the float range raises ``OverflowError`` naming ``**``
        (``Value(1e300) ** 2``), where ``*`` and ``square()`` give ``inf``.
        ``0 ** n`` with n < 0 is a ``ZeroDivisionError`` naming the base.
        """
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        if type(exponent) is float:
            n = exponent
        elif type(exponent) is int or isinstance(exponent, numbers.Real):
            n = to_float(exponent, "**")
        else:
            return NotImplemented
        if not math.isfinite(n):
            raise ValueError(f"**: exponent must be finite, got {n!r}")
        a = self.data
        if a == 0.0 and n < 0:
            raise ZeroDivisionError(f"**: 0.0 ** {n:g} is undefined: base{_where(self)} is 0.0")
        if a == 0.0 and 0.0 < n < 1.0:
            # 0 ** n is 0, but its derivative n * 0 ** (n - 1) is infinite
            raise ValueError(
                f"**: the derivative of x ** {n:g} at base{_where(self)} 0.0 is infinite"
            )
        if a < 0.0 and not n.is_integer():
            raise ValueError(
                f"**: negative base{_where(self)} {a!r} to the non-integer power {n:g}"
                " has no real value"
            )
        try:
            out = a ** n
        except OverflowError:
            raise OverflowError(f"**: {a!r} ** {n:g}{_where(self)} is too large for a float") from None
        # n a^(n-1); written so that 0 ** n (n >= 1) needs no negative power
        local = power_rule(a, n, out) if n != 0.0 else 0.0
        return _node(out, power_name(n), (self,), (local,))

    @operator("**", "{b}·{a}^({b} - 1)", "{a}^{b}·ln {a}", expression="{a}^{b}")
    def _pow_value(self, exponent: Value) -> Value:
        """``a ** b`` with both Values, for a > 0: d/da = b a^(b-1), d/db = a^b ln a."""
        a, b = self.data, exponent.data
        if a <= 0.0:
            raise ValueError(
                f"**: a Value exponent needs a positive base, got base{_where(self)} {a!r}"
            )
        try:
            out = a ** b
        except OverflowError:
            raise OverflowError(f"**: {a!r} ** {b!r} is too large for a float") from None
        d_base = power_rule(a, b, out) if b != 0.0 else 0.0
        return _node(out, "**", (self, exponent), (d_base, out * math.log(a)))

    def __rpow__(self, base: Number) -> Value:
        c = _wrap(base, "**")
        if c is None:
            return NotImplemented
        return c._pow_value(self)

    # ------------------------------------------------------------ functions

    @function("exp", "exp({x})")
    def exp(self) -> Value:
        """e^x; d/dx = e^x."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp: e ** {self.data!r}{_where(self)} is too large for a float"
            ) from None
        return _node(out, "exp", (self,), (out,))

    @function("log", "1/{x}")
    def log(self) -> Value:
        """ln x for x > 0; d/dx = 1/x."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: input{_where(self)} must be > 0, got {x!r}")
        return _node(math.log(x), "log", (self,), (1.0 / x,))

    @function("softplus", "sigmoid({x})")
    def softplus(self) -> Value:
        """ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|); d/dx = sigmoid(x)."""
        x = self.data
        out = (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))
        return _node(out, "softplus", (self,), (sigmoid_of(x),))

    @function("sigmoid", "sigmoid({x})·(1 - sigmoid({x}))")
    def sigmoid(self) -> Value:
        """1 / (1 + e^-x); d/dx = sigmoid(x) (1 - sigmoid(x))."""
        s = sigmoid_of(self.data)
        return _node(s, "sigmoid", (self,), (s * (1.0 - s),))

    @function("tanh", "1 - tanh({x})^2")
    def tanh(self) -> Value:
        """tanh x; d/dx = 1 - tanh(x)^2."""
        t = math.tanh(self.data)
        return _node(t, "tanh", (self,), (1.0 - t * t,))

    @function("relu", "[{x} > 0]")
    def relu(self) -> Value:
        """max(0, x); d/dx = 1 for x > 0, else 0 (0 at x = 0, as PyTorch)."""
        x = self.data
        # two constant tuples, shared by every relu node: nothing to allocate
        return _node(x if x > 0.0 else 0.0, "relu", (self,), (1.0,) if x > 0.0 else (0.0,))

    @function("square", "2·{x}")
    def square(self) -> Value:
        """x^2; d/dx = 2x."""
        x = self.data
        return _node(x * x, "square", (self,), (2.0 * x,))

    # ------------------------------------------------------------ backward

    def backward(self) -> None:
        """Fill ``grad`` = d(self)/d(node) for every node of the graph below ``self``.

        The chain rule, in reverse topological order: for each node, for each
        input, ``input.grad += local_grad * node.grad``.

        Interior nodes (those with inputs) start from 0 on every call, so their
        grads are exact after each call. Leaves *accumulate* across calls, as in
        PyTorch: calling ``backward()`` twice doubles the leaf grads, and
        summing a loss over data points with one call per point works. Reset
        leaves with ``zero_grad()`` (here, or on an ``nn`` module) before a new step.
        """
        # Leaves pass nothing on, so only interior nodes are walked; their
        # grads are rebuilt from 0, while leaves keep what they hold.
        order = topological_order(self, include_leaves=False)
        for node in order:
            node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            upstream = node.grad
            if upstream == 0.0:
                continue  # adds nothing upstream; skipping keeps wide dead branches cheap
            local_grads = node.local_grads
            # A plain index rather than zip(): this is the innermost loop of every
            # backward pass, and zip() costs more than the chain rule itself.
            i = 0
            for inp in node.inputs:
                inp.grad += local_grads[i] * upstream  # local x upstream
                i += 1

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on every node of the graph below ``self`` (leaves included)."""
        for node in topological_order(self):
            node.grad = 0.0


_new = object.__new__


def _node(data: float, op: str, inputs: tuple[Value, ...], local_grads: tuple[float, ...]) -> Value:
    """Make an interior node without re-validating: the operator already did.

    A plain function rather than ``Value(...)``: node creation is the hot path
    of every forward pass, and this skips ``__init__``'s checks.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    node.op = op
    node.inputs = inputs
    node.local_grads = local_grads
    return node


def _wrap(x: object, op: str) -> Value | None:
    """A plain number met by operator ``op`` as a constant leaf; None if ``x`` is not a real number.

    On None the operator returns ``NotImplemented`` and Python raises its usual
    ``TypeError: unsupported operand type(s)``, naming both types. A bool is a
    ``TypeError`` naming ``op`` (from ``to_float``).
    """
    if type(x) is not float:  # floats, the common case, skip the slower checks
        if type(x) is not int and not isinstance(x, numbers.Real):
            return None
        x = to_float(x, op)
    if not math.isfinite(x):
        raise ValueError(f"{op}: constant operand must be finite, got {x!r}")
    return _node(x, "const", (), ())


def _divide(a: Value, b: Value) -> Value:
    """a / b; d/da = 1/b, d/db = -a/b^2. ``ZeroDivisionError`` naming both when b is 0."""
    den = b.data
    if den == 0.0:
        raise ZeroDivisionError(
            f"/: division by zero: denominator{_where(b)} is 0.0"
            f" (numerator{_where(a)} is {a.data!r})"
        )
    # -(a/b)/b rather than -a/(b*b): b*b alone can overflow to inf or underflow
    # to 0 (b = 1e-200) when a/b^2 itself is a float, or is at least +-inf.
    return _node(a.data / den, "/", (a, b), (1.0 / den, -(a.data / den) / den))
