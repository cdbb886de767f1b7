"""The engine's functions in call form: ``softplus(x)`` as well as ``x.softplus()``.

One per op declared with ``@function`` in ``engine/value.py`` (``engine.ops.OPS``),
made here from the declaration, so a new one needs no line in this file.
Each accepts a ``Value`` or a plain number (which becomes a constant leaf) and
returns a new ``Value``; the forward rule and local derivative live on ``Value``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import methodcaller

from engine.ops import OPS
from engine.value import Operand, Value

Function = Callable[[Operand], Value]


def _call_form(name: str, method: str) -> Function:
    """``name(x)``: ``x.<method>()``, with a plain number ``x`` made a constant leaf first."""
    # The method is looked up on each call, as ``x.softplus()`` would be (a patched
    # Value.softplus is the one called); methodcaller does it without a Python frame.
    call_method = methodcaller(method)

    def call(x: Operand) -> Value:
        result: Value = call_method(x if isinstance(x, Value) else Value._constant(x, name))
        return result

    call.__name__ = call.__qualname__ = name
    call.__module__ = __name__
    call.__doc__ = getattr(Value, method).__doc__
    return call


#: Name -> function, for code that maps names to the engine's functions
#: (activations in ``nn``, the whitelist of ``python -m viz``).
FUNCTIONS: dict[str, Function] = {
    spec.name: _call_form(spec.name, spec.method) for spec in OPS.values() if spec.function
}

globals().update(FUNCTIONS)  # engine.functions.softplus ...

__all__ = [*FUNCTIONS, "FUNCTIONS"]


def __getattr__(name: str) -> Function:
    """For type checkers, which do not see the names made above: each is a ``Function``."""
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
