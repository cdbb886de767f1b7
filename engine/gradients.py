"""Derivatives on request: ``grad(output, inputs)``, ``hessian`` and ``hessian_vector_product``.

``grad`` is PyTorch's ``torch.autograd.grad``: d(output)/d(input) for each input, in
a tuple, without touching any ``.grad``. As floats, it is ``backward()``'s chain rule
(the same products, summed in the same order: the same bits). With
``create_graph=True`` it is the same chain rule written in ``Value`` operations,
each edge's local derivative made by ``engine.derivatives.local_grad_values``::

    grad(input) += local_grad_value x grad(node)       for each edge, as backward() does

so each gradient is a ``Value`` whose graph is the backward pass: it can be
backpropagated again (second derivatives, third ...), drawn and explained. Its
nodes are named as the chain rule names them: the gradient of a node labelled
``predicted`` with respect to an output labelled ``SSR`` is labelled
``dSSR/dpredicted`` (``dSSR/dpredicted[2]`` where the label repeats, numbered as
``viz``'s ``node_names`` numbers it), each new local derivative ``dy1/dx1``. Only
the nodes this call makes are labelled; the forward graph's nodes are read, never changed.

``hessian(output, inputs)[i][j]`` = d²output/(d inputs[i] d inputs[j]): the
gradient built once with ``create_graph=True``, then each of its entries
differentiated again. ``hessian_vector_product(output, inputs, v)`` = H·v, as the
gradient of sum_i grad_i·v_i (no matrix built).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, overload

from engine.checks import check_bool, check_finite, check_value
from engine.derivatives import local_grad_values
from engine.graph import describe, topological_order
from engine.value import Value

__all__ = ["grad", "hessian", "hessian_vector_product"]

Inputs = Value | Sequence[Value]


@overload
def grad(output: Value, inputs: Inputs, *, create_graph: Literal[False] = False,
         allow_unused: bool = False) -> tuple[float, ...]: ...


@overload
def grad(output: Value, inputs: Inputs, *, create_graph: Literal[True],
         allow_unused: bool = False) -> tuple[Value, ...]: ...


@overload
def grad(output: Value, inputs: Inputs, *, create_graph: bool,
         allow_unused: bool = False) -> tuple[float, ...] | tuple[Value, ...]: ...


def grad(output: Value, inputs: Inputs, *, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[float, ...] | tuple[Value, ...]:
    """d(output)/d(inputs[i]) for each input, in a tuple (one entry for a single Value).

    ``create_graph=False``: floats, what ``backward()`` would leave in each
    ``.grad`` after ``zero_grad()`` (no ``.grad`` is touched). ``create_graph=True``:
    ``Value``s whose graphs are the backward pass, to differentiate again.
    An input may be any node of the graph (d output/d x1 holds x1's inputs still).
    An input the output does not depend on is a ``ValueError`` (a Value of
    another graph is a slip), or 0 with ``allow_unused=True`` (PyTorch's
    ``allow_unused=True, materialize_grads=True``).
    """
    check_value(output, "grad", "output")
    wanted = _check_inputs(inputs, "grad")
    check_bool(create_graph, "grad", "create_graph")
    check_bool(allow_unused, "grad", "allow_unused")
    return _grad(output, wanted, create_graph, allow_unused, "grad")


def hessian(output: Value, inputs: Inputs) -> list[list[float]]:
    """The matrix of second derivatives: ``H[i][j]`` = d/d inputs[j] of d output/d inputs[i].

    A list of lists of floats, n x n for n inputs. Built as ``grad(output, inputs,
    create_graph=True)``, then ``grad`` of each entry (entries that do not depend
    on an input give 0 there). ``ValueError`` for an input the output does not depend on.
    """
    check_value(output, "hessian", "output")
    wanted = _check_inputs(inputs, "hessian")
    first = _values(output, wanted, False, "hessian")
    return [list(_floats(g, wanted, True, "hessian")) for g in first]


def hessian_vector_product(output: Value, inputs: Inputs, vector: Sequence[float]) -> list[float]:
    """H·v without the matrix: the gradient of sum_i (d output/d inputs[i]) · v[i].

    ``vector``: one finite number per input. Returns a list of floats, one per input.
    """
    check_value(output, "hessian_vector_product", "output")
    wanted = _check_inputs(inputs, "hessian_vector_product")
    v = _check_vector(vector, len(wanted), "hessian_vector_product")
    first = _values(output, wanted, False, "hessian_vector_product")
    dot: Value | None = None
    for g, vi in zip(first, v):
        if vi != 0.0:
            term = g * vi
            dot = term if dot is None else dot + term
    if dot is None:  # v = 0: H·0 = 0
        return [0.0] * len(wanted)
    return list(_floats(dot, wanted, True, "hessian_vector_product"))


# ------------------------------------------------------------------ checks


def _check_inputs(inputs: object, func: str) -> list[Value]:
    """A Value, or a non-empty list or tuple of Values, as a list."""
    if isinstance(inputs, Value):
        return [inputs]
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"{func}: inputs must be a Value or a list of Values, got {type(inputs).__name__}")
    if not inputs:
        raise ValueError(f"{func}: inputs must hold at least one Value, got an empty {type(inputs).__name__}")
    for i, x in enumerate(inputs):
        check_value(x, func, f"inputs[{i}]")
    return list(inputs)


def _check_vector(vector: object, n: int, func: str) -> list[float]:
    if isinstance(vector, (str, bytes)) or not isinstance(vector, Sequence):
        raise TypeError(f"{func}: vector must be a list of numbers, one per input, got {type(vector).__name__}")
    if len(vector) != n:
        raise ValueError(f"{func}: vector must hold one number per input ({n}), got {len(vector)}")
    return [check_finite(x, func, f"vector[{i}]") for i, x in enumerate(vector)]


# ------------------------------------------------------------------ the chain rule


def _grad(output: Value, wanted: list[Value], create_graph: bool, allow_unused: bool,
          func: str) -> tuple[float, ...] | tuple[Value, ...]:
    """``grad`` from checked arguments; ``func`` names the public function in errors."""
    if create_graph:
        return _values(output, wanted, allow_unused, func)
    return _floats(output, wanted, allow_unused, func)


def _floats(output: Value, wanted: list[Value], allow_unused: bool, func: str) -> tuple[float, ...]:
    order, reach = _walk(output, wanted, allow_unused, func)
    g = _float_grads(output, order, reach)
    return tuple(g.get(x, 0.0) for x in wanted)


def _values(output: Value, wanted: list[Value], allow_unused: bool, func: str) -> tuple[Value, ...]:
    order, reach = _walk(output, wanted, allow_unused, func)
    return _GradientGraph(output, order, reach).results(wanted, func)


def _walk(output: Value, wanted: list[Value], allow_unused: bool, func: str) -> tuple[list[Value], set[Value]]:
    """The output's graph in topological order, and the nodes on paths from the wanted inputs.

    ``ValueError`` for a wanted input off the graph, unless ``allow_unused``.
    """
    order = topological_order(output)
    reach = _reaching(order, set(wanted))
    if not allow_unused:
        for i, x in enumerate(wanted):
            if x not in reach:
                raise ValueError(
                    f"{func}: inputs[{i}] {describe(x)} is not in the graph of output {describe(output)}"
                    " (the output does not depend on it); pass allow_unused=True to get 0 for it"
                )
    return order, reach


def _reaching(order: list[Value], wanted: set[Value]) -> set[Value]:
    """The nodes on a path from some wanted input up to the root: the only ones the chain rule needs."""
    reach: set[Value] = set()
    for node in order:
        if node in wanted or any(i in reach for i in node.inputs):
            reach.add(node)
    return reach


def _float_grads(output: Value, order: list[Value], reach: set[Value]) -> dict[Value, float]:
    """``backward()``'s loop on a dict instead of ``.grad``: ``g[input] += local x g[node]``, in its order."""
    g: dict[Value, float] = {output: 1.0}
    for node in reversed(order):
        if not node.inputs or node not in reach:
            continue
        upstream = g.get(node, 0.0)
        if upstream == 0.0:
            continue  # adds nothing, as backward() skips it
        for inp, local in zip(node.inputs, node.local_grads):
            if inp in reach:
                g[inp] = g.get(inp, 0.0) + local * upstream
    return g


class _GradientGraph:
    """The backward pass written in Value ops; ``run()`` gives each reached node's gradient Value.

    The sums are made in ``backward()``'s order, from its products (``local x
    upstream``), so each gradient's ``data`` is the float ``backward()`` computes.
    Nothing is skipped for a gradient whose value is 0 (d(x·x)/dx is 0 at 0, its
    derivative is not); only a product with a constant 0 (relu's flat side) is left out.
    """

    def __init__(self, output: Value, order: list[Value], reach: set[Value]) -> None:
        self.output, self.order, self.reach = output, order, reach
        self.names = _forward_names(order)
        self.forward = set(order)
        self.made: set[Value] = set()  # Values this pass made: the only ones it labels
        self.named: set[Value] = set()  # of those, the ones named as a gradient already

    def run(self) -> dict[Value, Value]:
        seed = Value._constant(1.0, "grad")
        g: dict[Value, Value] = {self.output: seed}
        out_name = self.names.get(self.output)
        for node in reversed(self.order):
            upstream = g.get(node)
            if upstream is None or not node.inputs or node not in self.reach:
                continue
            self._name(upstream, out_name, node)
            for k, (inp, local) in enumerate(zip(node.inputs, local_grad_values(node))):
                if inp not in self.reach:
                    continue
                self._name_local(local, node, k)
                term = self._times(local, upstream)
                if term is not None:
                    before = g.get(inp)
                    # term + before, not before + term: the same float (addition commutes), and the
                    # sum then lists the terms of earlier nodes first, as the forward graph does.
                    g[inp] = term if before is None else self._made(term + before)
        for node, value in g.items():
            if not node.inputs:  # leaves: their gradients are final too
                self._name(value, out_name, node)
        return g

    def results(self, wanted: list[Value], func: str) -> tuple[Value, ...]:
        """Each wanted input's gradient (a constant 0 where none reached it), named for that input.

        A gradient made here and shared with another node (d(a+b)/db is d(a+b)·1) takes
        the name of the input asked for: ``grad(SSR, b3)`` is labelled ``dSSR/db3``.
        """
        g = self.run()
        out_name = self.names.get(self.output)
        results = []
        for x in wanted:
            value = g.get(x)
            if value is None:
                value = Value._constant(0.0, func)
            elif value in self.made and out_name is not None and x in self.names:
                value.label = _d_over_d(out_name, self.names[x])
            results.append(value)
        return tuple(results)

    def _times(self, local: Value, upstream: Value) -> Value | None:
        """``local x upstream``, without a node for a factor that is the constant 1 or -1; None for 0."""
        if local.is_constant:
            if local.data == 0.0:
                return None
            if local.data == 1.0:
                return upstream
            if local.data == -1.0:
                return self._made(-upstream)
        if upstream.is_constant and upstream.data == 1.0:
            return local
        return self._made(local * upstream)

    def _made(self, v: Value) -> Value:
        self.made.add(v)
        return v

    def _name(self, value: Value, out_name: str | None, node: Value) -> None:
        """Label a gradient made here ``dOUT/dNODE``, once (it may be shared: d(a+b)/da passes it on)."""
        name = self.names.get(node)
        if value in self.made and value not in self.named and out_name is not None and name is not None:
            value.label = _d_over_d(out_name, name)
            self.named.add(value)

    def _name_local(self, local: Value, node: Value, k: int) -> None:
        """Label a local derivative made here (sigmoid(x1) for y1 = softplus(x1)) ``dy1/dx1``."""
        if local in self.forward or local.is_constant or local in self.made:
            return
        self.made.add(local)
        top, bottom = self.names.get(node), self.names.get(node.inputs[k])
        if top is not None and bottom is not None:
            local.label = _d_over_d(top, bottom)


# ------------------------------------------------------------------ names

_ONE_WORD = re.compile(r"[\w.']+(?:\[\d+\])*")


def _d(name: str) -> str:
    """``d`` before a name, parenthesised when it is not one word: ``dw3``, ``dx1[2]``, ``d(dSSR/db3)``."""
    return f"d{name}" if _ONE_WORD.fullmatch(name) else f"d({name})"


def _d_over_d(top: str, bottom: str) -> str:
    return f"{_d(top)}/{_d(bottom)}"


def _forward_names(order: list[Value]) -> dict[Value, str]:
    """Each labelled node's name: its label, with its occurrence number where the label repeats (``x1[2]``).

    The rule of ``viz.chainrule.names.node_names`` for labelled nodes, numbered in
    the same topological order, so a gradient's names match the forward graph's drawing.
    """
    counts: dict[str, int] = {}
    for node in order:
        if node.label is not None:
            counts[node.label] = counts.get(node.label, 0) + 1
    seen: dict[str, int] = {}
    names: dict[Value, str] = {}
    for node in order:
        label = node.label
        if label is None or node.is_constant:
            continue
        if counts[label] == 1:
            names[node] = label
        else:
            seen[label] = seen.get(label, 0) + 1
            names[node] = f"{label}[{seen[label]}]"
    return names
