"""Trace once, replay fast: a loss function's graph compiled to straight-line Python.

    >>> from engine import Value, trace
    >>> w, b = Value(3.0, "w"), Value(1.0, "b")
    >>> tape = trace(lambda: (w * 0.5 + b).softplus(), [w, b])
    >>> loss = tape()                 # forward and backward at w.data, b.data
    >>> round(w.grad, 6), round(b.grad, 6)   # 0.5 sigmoid(2.5), sigmoid(2.5)
    (0.462071, 0.924142)
    >>> w.data = 2.0; round(tape(), 6)   # the same graph at new parameter values: softplus(2)
    2.126928

``trace(loss_fn, params)`` calls ``loss_fn()`` once, records the graph it
builds, and writes Python that computes the same loss and the same gradients
with plain floats - the same formulas, the same order of accumulation and the
same skipping of zero grads as ``Value.backward()``, so the numbers agree bit
for bit. ``tape.source`` is that code.

What is recorded, and what that assumes:

* Every leaf that is not one of ``params`` is a constant: its value at trace
  time is written into the code (data, targets, numbers in formulas). So is
  every node computed from constants only. A constant must hold a float
  (``Value(1)`` converts; ``x.data = 1`` leaves an int, refused with a
  ``TypeError``); a parameter may hold an int too: the code computes with it
  as the operators do.
* The graph's *shape* is fixed: ``loss_fn`` must build the same ops on the same
  inputs whatever the parameters' values. A function that branches on
  ``.data`` (``if x.data > 0: ...``) can build another graph later; the tape
  would still compute the traced one. ``tape.check()`` calls ``loss_fn()``
  again and raises ``GraphChangedError`` naming the first difference (nn's
  ``compiled=True`` training does this with its final evaluation).
  ``relu`` and ``**`` need no such care: their cases are formulas, not branches.
* A domain error (log of 0, division by zero, an overflow ...) makes the tape
  call ``loss_fn()`` eagerly, which raises the operator's own error naming the node.

Many data points with same-shaped graphs do not make the code longer: runs of
nodes that repeat (one point's graph after another's) become a loop over a
table of the points' constants (see ``engine.trace_plan``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from types import CodeType
from typing import Any, NoReturn

from engine import trace_plan
from engine.trace_codegen import Code, MissingTemplateError, check_templates, generate
from engine.trace_ops import NAMESPACE
from engine.trace_plan import Loop, Recorded, Ref, exact, find_loops, is_node, is_param, record
from engine.value import Value

__all__ = ["trace", "Tape", "GraphChangedError", "MissingTemplateError"]


class GraphChangedError(ValueError):
    """``loss_fn`` built a different graph than the one traced (it branches on ``.data``, or its data changed)."""


class _Domain(ArithmeticError):
    """Raised by a template's guard where the eager operator would raise."""


#: Compiled code by source text: tracing a graph of the same shape and data again is cheap.
_COMPILED: dict[str, CodeType] = {}
_CACHE_SIZE = 64


def _compile(source: str) -> CodeType:
    code = _COMPILED.get(source)
    if code is None:
        code = compile(source, "<engine.trace>", "exec")
        _remember(_COMPILED, source, code)
    return code


def _indent(lines: list[str], depth: int) -> list[str]:
    pad = "    " * depth
    return [pad + line for line in lines]


class Tape:
    """A traced loss: ``tape()`` evaluates it and its gradients at the parameters' current values.

    ``params`` are the parameter Values in order (``names`` their names);
    ``source`` is the generated Python; ``nodes`` the number of nodes that depend
    on the parameters (the others are constants of the trace).

    The code is written and compiled when first needed: ``tape()`` and
    ``source`` use the readable code, ``descent()`` the fast one (see
    ``engine.trace_codegen.generate``); both give the same numbers.
    """

    def __init__(self, loss_fn: Callable[[], Value], params: list[Value], names: list[str],
                 loss_label: str | None, recorded: Recorded, key: tuple[object, ...] | None) -> None:
        self.loss_fn = loss_fn
        self.params = params
        self.names = names
        self.loss_label = loss_label
        self.nodes = len(recorded.ops)
        self._recorded = recorded
        self._key = key
        self._loops: list[Loop] | None = None
        self._source: str | None = None
        self._fn: Callable[..., object] | None = None

    def _code(self, fast: bool) -> Code:
        """The generated code (cached by graph for small graphs)."""
        key = None if self._key is None else (self._key, fast)
        code = _CODES.get(key) if key is not None else None
        if code is None:
            if self._loops is None:
                self._loops = find_loops(self._recorded, trace_plan.ROLL_MIN_NODES)
            code = generate(self._recorded, self.names, self._loops, fast)
            if key is not None:
                _remember(_CODES, key, code)
        return code

    @property
    def source(self) -> str:
        """The generated Python of ``tape()``, as text."""
        if self._source is None:
            code = self._code(fast=False)
            body = ["def tape(P):", '    """Loss and gradients at the parameter values P (one float each)."""']
            body += _indent(code.params + code.forward + code.backward, 1)
            body.append(f"    return {code.loss}, ({', '.join(code.grads)}{',' if len(code.grads) == 1 else ''})")
            self._source = "\n".join(body) + "\n"
        return self._source

    def _define(self, source: str, name: str, code: Code) -> Callable[..., object]:
        builtins = {"abs": abs, "range": range, "ArithmeticError": ArithmeticError, "ValueError": ValueError}
        namespace: dict[str, object] = {"__builtins__": builtins, "_Domain": _Domain}
        namespace.update(NAMESPACE)
        namespace.update(code.namespace)
        exec(_compile(source), namespace)  # noqa: S102 - source built from the library's templates only
        fn = namespace[name]
        assert callable(fn)
        return fn

    def __call__(self) -> float:
        """The loss at the parameters' ``.data``; sets each parameter's ``.grad`` (as backward after zero_grad)."""
        params = self.params
        if self._fn is None:
            self._fn = self._define(self.source, "tape", self._code(fast=False))
        try:
            result = self._fn([p.data for p in params])
        except (ArithmeticError, ValueError):
            self.raise_eager_error()
        loss: float
        grads: tuple[float, ...]
        loss, grads = result  # type: ignore[misc]  # the generated function's (loss, grads)
        for p, g in zip(params, grads):
            p.grad = g
        return float(loss)

    def raise_eager_error(self) -> NoReturn:
        """Re-run ``loss_fn()`` eagerly, after the generated code failed, to raise the operator's own error."""
        self.loss_fn()
        raise GraphChangedError(
            "trace: the traced code failed where loss_fn() does not: loss_fn builds another graph"
            " now than when it was traced (does it branch on .data?); trace it again"
        )

    def descent_source(self) -> str:
        """Source of ``descent(P, lr, limit, min_step, record)``: gradient descent steps in one loop.

        Each step as ``SGD`` takes it: ``size = grad * lr``, ``p -= size``, then
        ``record((loss, grad_1, grad_2, ...))``; it stops when every
        ``abs(size) < min_step`` (that step taken). Returns ``(steps taken, status,
        parameter values)``: status 0 all done, 1 non-finite loss, 2 non-finite
        gradient (the step not taken), 3 stopped by ``min_step``, 4 an error raised
        by the step's forward pass (the step not taken).
        """
        c = self._code(fast=True)
        ps = [f"p{j}" for j in range(len(self.params))]
        state = f"({', '.join(ps)}{',' if len(ps) == 1 else ''})"
        # The helpers as default arguments: local names, the fastest to read in the loop.
        helpers = ", ".join(f"{name}={name}" for name in [*NAMESPACE, "abs"])
        lines = [f"def descent(P, lr, limit, min_step, record, {helpers}):"]
        lines += _indent(c.params, 1)
        lines += ["    step = 0", "    try:", "        for step in range(limit):"]
        lines += _indent(c.forward, 3)
        lines.append(f"            if {c.loss} - {c.loss}: return step, 1, {state}")
        lines += _indent(c.backward, 3)
        # g - g is 0.0 for a finite g and nan (true) for inf and nan; `or` keeps the expression flat
        nonfinite = " or ".join(f"{g} - {g}" for g in c.grads) or "False"
        lines.append(f"            if {nonfinite}: return step, 2, {state}")
        row = [c.loss, *c.grads]
        for j, g in enumerate(c.grads):
            lines.append(f"            s{j} = {g} * lr")
            lines.append(f"            p{j} -= s{j}")
        lines.append(f"            record(({', '.join(row)},))")
        stop = " and ".join(f"abs(s{j}) < min_step" for j in range(len(ps))) or "True"  # all(): True for none
        lines.append(f"            if {stop}: return step + 1, 3, {state}")
        lines += ["    except (ArithmeticError, ValueError):", f"        return step, 4, {state}"]
        lines.append(f"    return limit, 0, {state}")
        return "\n".join(lines) + "\n"

    def descent(self) -> Callable[..., tuple[int, int, tuple[float, ...]]]:
        """The compiled ``descent_source()`` (see there); the same function for the same (small) graph."""
        key = None if self._key is None else (self._key, "descent")
        fn = _CODES.get(key) if key is not None else None
        if fn is None:
            fn = self._define(self.descent_source(), "descent", self._code(fast=True))
            if key is not None:
                _remember(_CODES, key, fn)
        return fn  # type: ignore[return-value]

    def check(self) -> None:
        """Call ``loss_fn()`` again; ``GraphChangedError`` if its graph differs from the traced one."""
        root = self.loss_fn()
        if not isinstance(root, Value):
            raise TypeError(f"trace: loss_fn must return a Value, got {type(root).__name__}")
        self.check_graph(root)

    def check_graph(self, root: Value) -> None:
        """``GraphChangedError`` unless ``root``'s graph computes what the traced one does.

        Compared: every node that depends on a parameter (its op and inputs) and
        every constant it reads, in topological order.
        """
        now = record(root, {p: j for j, p in enumerate(self.params)})
        then = self._recorded
        if now.ops == then.ops and (_same_refs(now, then) if self._key is None
                                    else exact([*now.refs, (now.root,)]) == self._key[-1]):
            return
        advice = ("the traced function must build the same graph for any parameter values (no branching on"
                  " .data, no changed data): trace it again, or use the eager path")
        for k, (a, b) in enumerate(zip(_rows(then), _rows(now))):
            if a != b:
                raise GraphChangedError(
                    f"trace: loss_fn built a different graph than the one traced: node {k + 1} (of those"
                    f" that depend on the parameters, in topological order) was {a}, now {b}; {advice}"
                )
        if len(then.ops) != len(now.ops):
            raise GraphChangedError(
                f"trace: loss_fn built a different graph than the one traced: {len(then.ops)} nodes depended"
                f" on the parameters then, {len(now.ops)} now; trace it again, or use the eager path"
            )
        if _ref_text(then.root) != _ref_text(now.root):
            raise GraphChangedError(
                f"trace: loss_fn built a different graph than the one traced: the loss was"
                f" {_ref_text(then.root)}, now {_ref_text(now.root)}; {advice}"
            )
        raise GraphChangedError(  # the same text, other bits: a nan of another sign or payload
            f"trace: loss_fn built a different graph than the one traced: a constant has other bits now"
            f" (a nan's sign or payload); {advice}"
        )

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"Tape({len(self.params)} parameters, {self.nodes} nodes, {lines} lines of code)"


def _same_refs(a: Recorded, b: Recorded) -> bool:
    """True if ``a`` and ``b`` have the same refs and root, by type and bits (``exact``), a chunk at a time.

    (For a graph too big for a key: a million-node graph is not copied whole.)
    """
    if len(a.refs) != len(b.refs) or exact([(a.root,)]) != exact([(b.root,)]):
        return False
    step = 4096
    return all(exact(a.refs[k:k + step]) == exact(b.refs[k:k + step]) for k in range(0, len(a.refs), step))


def _rows(rec: Recorded) -> list[str]:
    """Each recorded node as text for a message: ``'*' of node 3 and parameter 2``."""
    return [f"{op!r} of {' and '.join(map(_ref_text, refs))}" for op, refs in zip(rec.ops, rec.refs)]


def _ref_text(r: Ref) -> str:
    """A ref as a message names it: ``node 3`` (from 1), ``parameter 2`` (from 1), ``the constant 0.5``."""
    return f"node {int(r) + 1}" if is_node(r) else f"parameter {-int(r)}" if is_param(r) else f"the constant {r!r}"


_FLOAT_MAX = sys.float_info.max


def _params(params: object) -> tuple[list[Value], list[str]]:
    """Parameters and their names from a list of Values or a mapping name -> Value."""
    if isinstance(params, Value):
        params = [params]
    if isinstance(params, Mapping):
        pairs = list(params.items())
        for name, _ in pairs:
            if not isinstance(name, str):
                raise TypeError(f"trace: parameter names must be str, got {type(name).__name__} {name!r}")
    elif isinstance(params, Sequence) and not isinstance(params, (str, bytes)):
        pairs = [(p.label if isinstance(p, Value) and p.label else f"p{i + 1}", p) for i, p in enumerate(params)]
    else:
        raise TypeError(
            f"trace: params must be a list of Values or a dict of name -> Value, got {type(params).__name__}"
        )
    values: list[Value] = []
    seen: dict[Value, str] = {}
    for name, p in pairs:
        if not isinstance(p, Value):
            raise TypeError(f"trace: parameter {name!r} must be a Value, got {type(p).__name__} {p!r}")
        if p.inputs:
            raise ValueError(
                f"trace: parameter {name!r} must be a leaf (a Value made by the user), got the result of {p.op!r}"
            )
        if p in seen:
            raise ValueError(f"trace: parameter {name!r} is parameter {seen[p]!r} again; list each one once")
        data = p.data
        # Any int or float: the generated code computes with the parameter's own
        # object, as the eager operators do (its constants are floats, see record).
        if type(data) is not float and type(data) is not int:
            raise TypeError(
                f"trace: parameter {name!r} must hold a float or an int, got {type(data).__name__} {data!r:.40}"
            )
        if not (-_FLOAT_MAX <= data <= _FLOAT_MAX):  # (an int compares exactly, and may be beyond any float)
            raise ValueError(f"trace: parameter {name!r} must be finite, got {data!r:.40}")
        seen[p] = name
        values.append(p)
    return values, [n for n, _ in pairs]


def trace(loss_fn: Callable[[], Value], params: Sequence[Value] | Mapping[str, Value]) -> Tape:
    """Call ``loss_fn()`` once and compile its graph; ``tape()`` then replays it at new parameter values.

    ``params``: the Values the gradients are taken for, a list or a dict name -> Value.
    ``TypeError`` if ``loss_fn`` is not callable or does not return a Value,
    if a parameter is not a Value (or holds neither a float nor an int), if a
    constant holds anything but a float, or if an op has no code template;
    ``ValueError`` for a parameter that is not a leaf, is listed twice or is not finite.
    """
    if not callable(loss_fn):
        raise TypeError(f"trace: loss_fn must be a function with no arguments, got {type(loss_fn).__name__}")
    values, names = _params(params)
    root = loss_fn()
    if not isinstance(root, Value):
        raise TypeError(f"trace: loss_fn must return a Value, got {type(root).__name__} {root!r}")
    pindex = {p: j for j, p in enumerate(values)}
    rec = record(root, pindex)
    label = root.label
    del root, pindex  # the graph is recorded: free it before compiling
    key = _key(rec, names)
    if key is None or (key, False) not in _CODES and (key, True) not in _CODES:
        check_templates(rec)  # (a graph whose code is cached was checked when it was written)
    return Tape(loss_fn, values, names, label, rec, key)


#: Generated code (and the descent function) by recorded graph, for small
#: graphs: a training run traces the same graph as the last one, and its code
#: need not be written again.
_CODES: dict[tuple[object, ...], Any] = {}
_KEY_MAX_NODES = 5000


def _key(rec: Recorded, names: list[str]) -> tuple[object, ...] | None:
    """What the generated code depends on: names, ops, labels, and every ref by type and bits (``exact``)."""
    if len(rec.ops) > _KEY_MAX_NODES:
        return None
    # (the last item is also what check_graph compares a new recording's refs with)
    return (tuple(names), tuple(rec.ops), tuple(rec.labels), exact([*rec.refs, (rec.root,)]))


def _remember(cache: dict[Any, Any], key: object, value: object) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))  # the oldest
    cache[key] = value
