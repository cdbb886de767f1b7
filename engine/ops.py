"""Each operation declared once: its name, its call form, and its derivatives as text.

An op method of ``Value`` carries one declaration beside it::

    @function("softplus", "sigmoid({x})")
    def softplus(self) -> Value: ...

which records an ``OpSpec`` in ``OPS`` and returns the method unchanged (no
cost on the op itself). Everything that lists the ops reads ``OPS``:
``engine.FUNCTIONS`` (the call forms), the edge formulas of the drawings and
explanations (``viz.chainrule.formulas``), the functions ``python -m viz`` accepts.
Adding a unary op is one method with its ``@function(...)`` line.

The texts use placeholders for the inputs' names: ``{x}`` for a one-input op,
``{a}`` and ``{b}`` for ``inputs[0]`` and ``inputs[1]``; ``{n}`` is the exponent
of ``x ** n`` (a number, part of the op's name: ``'**2'``). A derivative may
start with a number or a sign (``2·{x}``, ``-{a}/{b}^2``): a coefficient, which
products along a path collect (``(-1) × 2·u`` is ``-2·u``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["OpSpec", "OPS", "operator", "function", "spec_of", "POWER"]

F = TypeVar("F", bound=Callable[..., Any])

#: The key in ``OPS`` of ``x ** n`` for a number ``n``, whose ``Value.op`` is ``'**2'``, ``'**0.5'`` ...
POWER = "**n"


@dataclass(frozen=True)
class OpSpec:
    """One operation of the engine.

    ``name``: ``Value.op`` of its nodes (``POWER`` stands for ``'**2'``, ``'**-1'`` ...).
    ``method``: the ``Value`` method that makes it (``'__mul__'``, ``'softplus'``).
    ``placeholders``: the inputs' names in the texts (``('x',)`` or ``('a', 'b')``).
    ``derivatives[i]``: d(node)/d(inputs[i]) as text (``'sigmoid({x})'``).
    ``expression``: how the node is written from its inputs (``'{a}·{b}'``, ``'softplus({x})'``).
    ``function``: True when it has a call form, ``FUNCTIONS[name]`` (``softplus(x)``).
    """

    name: str
    method: str
    placeholders: tuple[str, ...]
    derivatives: tuple[str, ...]
    expression: str
    function: bool = False

    @property
    def arity(self) -> int:
        """How many inputs its nodes have."""
        return len(self.placeholders)


#: Every op, by name, in the order value.py declares them.
OPS: dict[str, OpSpec] = {}


def operator(name: str, *derivatives: str, expression: str) -> Callable[[F], F]:
    """Declare the op made by the method below: one derivative text per input (1 or 2 inputs)."""
    placeholders = ("x",) if len(derivatives) == 1 else ("a", "b")

    def register(method: F) -> F:
        _add(OpSpec(name, method.__name__, placeholders, derivatives, expression))
        return method

    return register


def function(name: str, derivative: str) -> Callable[[F], F]:
    """Declare a one-input op with a call form ``name(x)``, written ``name(x)`` in expressions."""

    def register(method: F) -> F:
        _add(OpSpec(name, method.__name__, ("x",), (derivative,), f"{name}({{x}})", function=True))
        return method

    return register


def _add(spec: OpSpec) -> None:
    if spec.name in OPS:
        raise ValueError(f"op {spec.name!r} is declared twice ({OPS[spec.name].method}, {spec.method})")
    if len(spec.derivatives) not in (1, 2):
        raise ValueError(f"op {spec.name!r}: one derivative per input (1 or 2), got {len(spec.derivatives)}")
    OPS[spec.name] = spec


def spec_of(op_name: str) -> OpSpec | None:
    """The ``OpSpec`` of a node's ``op`` (``'**2'`` -> ``OPS[POWER]``); None for a leaf or a constant."""
    spec = OPS.get(op_name)
    if spec is None and op_name.startswith("**"):
        return OPS.get(POWER)
    return spec
