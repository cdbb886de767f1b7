"""Python source for a recorded graph: forward lines, then backward's chain rule, node by node.

Names in the generated code (never labels; a label that is a plain identifier
is a comment at most):

* ``p<j>`` parameter j's value, ``gp<j>`` d(loss)/d(parameter j);
* ``v<i>`` node i's value, ``g<i>`` d(loss)/d(node i);
* in a loop over repetitions (``engine.trace_plan.Loop`` number m): ``a<m>_<p>``
  the current repetition's node at position p, ``h<m>_<p>`` its grad,
  ``c<m>_<p>`` the previous repetition's node (a loop-carried value),
  ``i<m>_<p>`` grad flowing into a repetition from outside it, ``d<m>_<s>``
  the repetition's constants (from the table ``D<m>``), ``S<m>`` the values
  each repetition's backward needs, saved by its forward.

Backward follows ``Value.backward`` exactly: grads start at 0.0 (the loss's at
1.0), nodes are visited in reverse topological order, a node whose grad is 0
passes nothing on, and each input gets ``+= local_grad * grad`` in input order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine.trace_ops import OpTemplate, template_for
from engine.trace_plan import Loop, Recorded, Ref, is_node, is_param, last_readers

__all__ = ["Code", "generate", "check_templates", "MissingTemplateError"]

_NAME = re.compile(r"\b[a-z]+\d+(?:_\d+)?\b")


class MissingTemplateError(TypeError):
    """A node's op has no code template (``engine.trace_ops``): the graph cannot be traced."""


@dataclass
class Code:
    """The generated lines (unindented bodies) and the objects they read by name."""

    params: list[str]          # one line per parameter: p<j> = P[j]
    forward: list[str]
    backward: list[str]
    loss: str                  # the expression of the loss after forward
    grads: list[str]           # gp0, gp1, ...
    namespace: dict[str, object] = field(default_factory=dict)


def _comment(node_label: str | None) -> str:
    return f"  # {node_label}" if node_label is not None and node_label.isidentifier() else ""


def _const(x: float, code: Code) -> str:
    """A constant as source: its ``repr`` if finite, else a name bound in the namespace."""
    if math.isfinite(x):
        text = repr(float(x))
        return f"({text})" if text.startswith("-") else text
    name = f"k{len(code.namespace)}"
    code.namespace[name] = float(x)
    return name


def _times(local: str, grad: str) -> str:
    """``local * grad`` as the chain rule writes it; a local derivative of 1.0 is left out (1.0 * g == g)."""
    if local == "1.0":
        return grad
    return f"{local if _atomic(local) else '(' + local + ')'} * {grad}"


def _atomic(expr: str) -> bool:
    """True if ``expr`` needs no parentheses as an operand: no spaces, or one parenthesized group."""
    if " " not in expr:
        return True
    if not expr.startswith("("):
        return False
    depth = 0
    for k, ch in enumerate(expr):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return k == len(expr) - 1
    return False


def _template(node_op: str, arity: int, where: str) -> OpTemplate:
    tpl = template_for(node_op)
    if tpl is None:
        raise MissingTemplateError(
            f"trace: no code template for op {node_op!r} ({where}); the ops that can be traced are"
            " those of engine.trace_ops.TEMPLATES and x ** n"
        )
    if tpl.arity != arity:
        raise MissingTemplateError(f"trace: op {node_op!r} ({where}) has {arity} inputs, its template {tpl.arity}")
    return tpl


def check_templates(rec: Recorded) -> None:
    """``MissingTemplateError`` naming the first node whose op has no template (or another number of inputs)."""
    seen: set[tuple[str, int]] = set()
    for i, (op, refs) in enumerate(zip(rec.ops, rec.refs)):
        if (op, len(refs)) not in seen:
            label = rec.labels[i]
            _template(op, len(refs), f"node {i}" + (f" {label!r}" if label else ""))
            seen.add((op, len(refs)))


def generate(rec: Recorded, names: list[str], loops: list[Loop], fast: bool = False) -> Code:
    """The code of ``rec``: straight lines, with ``loops`` written as loops over their repetitions.

    ``names`` are the parameters' names, shown as comments where they are plain identifiers.

    ``fast``: the same numbers, fewer operations, for the training loop rather
    than for reading. A node's grad is *assigned* by its first chain-rule term
    instead of being zeroed first and added to (and zeroed in an ``else``
    when that term is skipped); the sign of a zero grad can then differ from
    ``0.0 + term``, but a zero grad passes nothing on either way, so every
    parameter's grad is the same float. ``sigmoid`` is written inline.
    """
    return _Writer(rec, names, loops, fast).write()


# An input as read (its value), as written to (its grad; None: not needed), and
# whether this is the first chain-rule term its grad gets (assigned in fast code).
Source = tuple[str, str | None, bool]

_SIGMOID = re.compile(r"_sigmoid\((\(-[\w.+-]+\)|[\w.+-]+)\)")  # of a name or a literal


def _inline_sigmoid(expr: str) -> str:
    """``sigmoid_of`` spelled out: the same float operations, without a function call."""
    return _SIGMOID.sub(lambda m: "(1.0 / (1.0 + _exp(-{0})) if {0} >= 0.0 else _exp({0}) / (1.0 + _exp({0})))"
                        .format(m.group(1)), expr)


class _Writer:
    def __init__(self, rec: Recorded, names: list[str], loops: list[Loop], fast: bool) -> None:
        self.rec = rec
        self.loops = loops
        self.fast = fast
        self.reader = last_readers(rec)
        self.assigned: set[int] = set()  # straight nodes whose grad the fast code assigns first
        self.accumulated: set[str] = set()  # grads of a repetition that start from what flows in
        self.code = Code([f"p{j} = P[{j}]{_comment(name)}" for j, name in enumerate(names)], [], [], "",
                         [f"gp{j}" for j in range(len(names))])
        self.in_loop = [-1] * len(rec.ops)
        for m, loop in enumerate(loops):
            for i in range(loop.start, loop.stop):
                self.in_loop[i] = m

    def value(self, t: int) -> str:
        """Node t's value as read from outside its loop (after the loop: its last repetition)."""
        m = self.in_loop[t]
        return f"v{t}" if m < 0 else f"a{m}_{(t - self.loops[m].start) % self.loops[m].length}"

    def grad(self, t: int) -> str:
        """Node t's grad as written from outside its loop."""
        m = self.in_loop[t]
        return f"g{t}" if m < 0 else f"i{m}_{(t - self.loops[m].start) % self.loops[m].length}"

    def inputs(self, i: int, names: dict[int, tuple[str, str]], m: int | None = None,
               slots: list[float] | None = None) -> list[Source]:
        """Node i's inputs; ``names`` maps the nodes of loop ``m``, whose constants go to ``slots``."""
        out: list[Source] = []
        seen = set()
        for r in self.rec.refs[i]:
            if is_node(r):
                t = int(r)
                # The first term of t's grad is node i's when i is t's last reader (reverse order:
                # backward meets it first), in the same straight run or the same repetition.
                first = self.fast and self.reader[t] == i and t not in seen and (
                    names[t][1].startswith("h") and names[t][1] not in self.accumulated if t in names
                    else self.in_loop[t] < 0 and self.in_loop[i] < 0)
                seen.add(t)
                if first and t not in names:
                    self.assigned.add(t)
                value, grad = names[t] if t in names else (self.value(t), self.grad(t))
                out.append((value, grad, first))
            elif is_param(r):
                out.append((f"p{-1 - int(r)}", f"gp{-1 - int(r)}", False))
            elif slots is not None:
                slots.append(float(r))
                out.append((f"d{m}_{len(slots) - 1}", None, False))
            else:
                out.append((_const(float(r), self.code), None, False))
        return out

    def node_lines(self, i: int, ins: list[Source], out: str, g: str) -> tuple[list[str], list[str]]:
        """Forward lines (guard, rule) and backward block of node i, named ``out`` and ``g``."""
        op, label = self.rec.ops[i], self.rec.labels[i]
        tpl = _template(op, len(ins), f"node {i}" + (f" {label!r}" if label else ""))
        args = [src for src, _, _ in ins]
        fwd = []
        if tpl.guard is not None:
            fwd.append(f"if {tpl.guard.format(*args)}: raise _Domain")
        temp = "e" + out[1:]  # v12 -> e12, a0_5 -> e0_5
        locals_ = tpl.local_grads
        if self.fast and tpl.temp is not None and tpl.fast_forward and tpl.fast_local_grads:
            fwd.append(f"{temp} = {tpl.temp.format(*args)}")
            forward = tpl.fast_forward.format(*args, t=temp)
            locals_ = tpl.fast_local_grads
        else:
            forward = tpl.forward.format(*args)
        fwd.append(f"{out} = {_inline_sigmoid(forward) if self.fast else forward}{_comment(label)}")
        bwd = [f"if {g}:"]
        firsts = []
        for (_, target, first), local in zip(ins, locals_):
            if target is not None:
                term = _times(local.format(*args, out=out, t=temp), g)
                bwd.append(f"    {target} {'=' if first else '+='} {_inline_sigmoid(term) if self.fast else term}")
                if first:
                    firsts.append(target)
        if firsts:
            bwd += ["else:", f"    {' = '.join(firsts)} = 0.0"]
        return fwd, bwd

    def write(self) -> Code:
        rec, loops, code = self.rec, self.loops, self.code
        fwd_parts: list[list[str]] = []
        bwd_parts: list[list[str]] = []
        straight: list[int] = []
        i = m = 0
        while i < len(rec.ops):
            if m < len(loops) and loops[m].start == i:
                f, b = self.loop_code(m)
                i = loops[m].stop
                m += 1
            else:
                straight.append(i)
                f, b = self.node_lines(i, self.inputs(i, {}), f"v{i}", f"g{i}")
                i += 1
            fwd_parts.append(f)
            bwd_parts.append(b)
        root = rec.root
        zero = [f"g{t}" for t in straight if t not in self.assigned]
        zero += [f"i{m}_{p}" for m, lp in enumerate(loops) for p in _incoming(rec, lp)]
        zero += code.grads
        seed = ""
        if is_node(root):
            seed = self.grad(int(root))
            zero.remove(seed)
            code.loss = self.value(int(root))
        elif is_param(root):
            code.loss = f"p{-1 - int(root)}"
        else:
            code.loss = _const(float(root), code)
        code.forward = [line for part in fwd_parts for line in part]
        # Named once forward is done: backward's loops reuse their value names.
        code.forward.append(f"loss = {code.loss}")
        code.loss = "loss"
        code.backward = [" = ".join(zero) + " = 0.0"] if zero else []
        if is_node(root):
            code.backward.append(f"{seed} = 1.0")
            code.backward += [line for part in reversed(bwd_parts) for line in part]
        elif is_param(root):
            code.backward.append(f"gp{-1 - int(root)} += 1.0")
        return code

    def loop_code(self, m: int) -> tuple[list[str], list[str]]:
        """Forward and backward of loop m: the body of its second repetition, with names per position."""
        rec, loop, code = self.rec, self.loops[m], self.code
        start, length, reps = loop.start, loop.length, loop.reps
        carried = _carried(rec, loop)
        incoming = _incoming(rec, loop)
        base = start + length  # the second repetition reads like every other
        names: dict[int, tuple[str, str]] = {}  # value and grad names of the nodes a repetition reads
        for t in range(start, base + length):
            p = (t - start) % length
            names[t] = (f"a{m}_{p}", f"h{m}_{p}") if t >= base else (f"c{m}_{p}", f"i{m}_{p}")
        self.accumulated = {f"h{m}_{p}" for p in incoming}
        slots: list[float] = []
        fwd_body: list[str] = []
        bwd_blocks: list[list[str]] = []
        for j in range(length):
            f, b = self.node_lines(base + j, self.inputs(base + j, names, m, slots), f"a{m}_{j}", f"h{m}_{j}")
            fwd_body += f
            bwd_blocks.append(b)
        # The constants of every repetition, in the second one's slot order: a table in the namespace.
        where = [(j, k) for j in range(length) for k, r in enumerate(rec.refs[base + j]) if not is_node(r)
                 and not is_param(r)]
        code.namespace[f"D{m}"] = tuple(
            tuple(float(rec.refs[start + k * length + j][x]) for j, x in where) for k in range(reps)
        )
        bwd_body = [line for block in reversed(bwd_blocks) for line in block]
        used = sorted({w for line in bwd_body for w in _NAME.findall(line)
                       if w.startswith((f"a{m}_", f"c{m}_", f"d{m}_", f"e{m}_"))}, key=_natural)
        saved = ", ".join(used) + ("," if len(used) == 1 else "")
        dslots = [f"d{m}_{s}" for s in range(len(slots))]

        fwd = [f"S{m} = []", f"S{m}_append = S{m}.append"]
        fwd += [f"c{m}_{q} = {self.value(int(x)) if is_node(x) else _const(float(x), code)}"
                for q, x in sorted(carried.items())]
        fwd.append(f"for k in range({reps}):")
        if dslots:
            fwd.append(f"    {', '.join(dslots)}{',' if len(dslots) == 1 else ''} = D{m}[k]")
        fwd += ["    " + line for line in fwd_body]
        if used:
            fwd.append(f"    S{m}_append(({saved}))")
        fwd += [f"    c{m}_{q} = a{m}_{q}" for q in sorted(carried)]

        bwd = [f"for k in range({reps - 1}, -1, -1):"]
        if used:
            bwd.append(f"    {saved} = S{m}[k]")
        for p in incoming:
            bwd.append(f"    h{m}_{p} = i{m}_{p}")
            # the first repetition's grads flow on to the node it read before the loop
            x = carried.get(p)
            reset = f"0.0 if k else {self.grad(int(x))}" if x is not None and is_node(x) else "0.0"
            bwd.append(f"    i{m}_{p} = {reset}")
        others = [f"h{m}_{p}" for p in range(length) if p not in incoming]
        if others and not self.fast:  # fast code assigns each of them first
            bwd.append("    " + " = ".join(others) + " = 0.0")
        bwd += ["    " + line for line in bwd_body]
        bwd += [f"{self.grad(int(x))} = i{m}_{q}" for q, x in sorted(carried.items()) if is_node(x)]
        return fwd, bwd


def _incoming(rec: Recorded, loop: Loop) -> list[int]:
    """Positions whose grad flows in from outside a repetition: read by the next one, after the loop, or the loss."""
    last = loop.start + loop.length * (loop.reps - 1)
    found = set(_carried(rec, loop))
    readers: set[Ref] = set()
    for i in range(loop.stop, len(rec.ops)):
        readers.update(r for r in rec.refs[i] if is_node(r))
    for p in range(loop.length):
        t = last + p
        if t in readers or t == rec.root and is_node(rec.root):
            found.add(p)
    return sorted(found)


def _carried(rec: Recorded, loop: Loop) -> dict[int, Ref]:
    """Position q read from the previous repetition -> what the first repetition reads in its place.

    That is a node before the loop, or a constant (see ``trace_plan._extend_back``).
    """
    out: dict[int, Ref] = {}
    base = loop.start + loop.length
    for j in range(loop.length):
        for x, r in enumerate(rec.refs[base + j]):
            if is_node(r) and base + j - int(r) > j:  # the previous repetition
                out[int(r) - loop.start] = rec.refs[loop.start + j][x]
    return out


def _natural(name: str) -> tuple[str, int]:
    head, _, tail = name.rpartition("_")
    return head, int(tail)
