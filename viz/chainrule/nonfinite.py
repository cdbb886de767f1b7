"""Where a nan or an inf comes from, in words: the first step of the backward pass that makes one.

Every value of a graph is finite (``Value`` refuses ``inf``), but a grad can still
leave the float range: a product of local derivatives along a path (``1e200 ×
1e200``), a sum of such products (``inf + -inf`` is ``nan``), or a local
derivative that is itself infinite (d(1/b)/db at ``b = 1e-200``). A grad that is
``nan`` after one ``backward()`` is made in that pass, not by leaves accumulating
over calls; ``backward_cause`` names the node where the pass first leaves the
range and the numbers that took it there:

    the backward pass leaves the float range at x: dy/dx += dy/dm × dm/dx = 1e+200 × 1e+200
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engine import Value
from engine.backward_steps import first_non_finite
from engine.graph import describe
from viz.chainrule.names import d_name
from viz.chainrule.numbers import fmt

__all__ = ["backward_cause", "label_name"]

#: Significant digits of the numbers in the messages.
DIGITS = 4


def label_name(node: Value) -> str:
    """A node in a message: its label, else its op and number (``<* 6>``)."""
    return node.label if node.label is not None else describe(node)


def backward_cause(root: Value, node: Value, name: Callable[[Value], str] = label_name) -> str | None:
    """Why a fresh ``root.backward()`` gives ``node`` a grad that is not finite; None when it is finite.

    The first step on the paths from ``node`` to ``root`` whose ``+=`` is not finite:
    its local derivative is infinite, or ``local × upstream`` or the running sum is
    beyond the float range. ``name`` writes a node (its label, by default).
    """
    step = first_non_finite(root, leaf=node)
    if step is None:
        return None
    top, consumer, below = (_d(name(n)) for n in (root, step.consumer, step.input))
    local = f"{consumer}/{below}"
    if not math.isfinite(step.local_grad):
        how = f"its local derivative {local} is {fmt(step.local_grad, DIGITS)}"
    elif not math.isfinite(step.local_grad * step.upstream):
        how = (f"{top}/{below} += {top}/{consumer} × {local} = {fmt(step.upstream, DIGITS)} × "
               f"{fmt(step.local_grad, DIGITS)}")
    else:
        how = f"{top}/{below} = {fmt(step.before, DIGITS)} + {fmt(step.local_grad * step.upstream, DIGITS)}"
    return f"the backward pass leaves the float range at {name(step.input)}: {how}"


def _d(name: str) -> str:
    """``d`` before a name (``dx``, ``d(*#7)``); a name already in parentheses keeps its own."""
    return f"d{name}" if name.startswith("(") and name.endswith(")") else d_name(name)
