"""Practice questions for one gradient, made from the engine's graph: what a learner computes by hand.

For d root / d ``param`` (``dSSR/dw1`` of the articles' network), at the graph's
current numbers, in the order a hand derivation goes:

1. ``forward``: each labelled interior node of a data point (``x1``, ``y1``, ``x2``,
   ``y2``, ``predicted``), in the order the forward pass computes them;
2. ``local``: each chain-rule factor on the gradient's paths at that point
   (``dSSR/dpredicted``, ``dpredicted/dy1``, ``dy1/dx1``, ``dx1/dw1``), cut at the
   labelled nodes as ``viz.explain`` cuts them;
3. ``product``: the product of a path's factors (the point's term of the gradient);
4. ``sum``: the gradient, summed over the data points.

Every expected number is the engine's (node data, local derivatives multiplied along
the edges); nothing is written by hand, so any parameter of any graph works. Each
question carries its tolerance (relative 1 %, or half a unit of the last shown
decimal), a hint naming the factor and the derivative rule
(``d softplus(x)/dx = sigmoid(x)``, from the op's declaration in ``engine.ops``), the expected formula, and the
values a formula answer may use. All of it is plain data: ``Quiz.to_dict()`` is JSON.

    >>> from engine import Value
    >>> w, x = Value(2.0, "w"), Value(0.5, "x")
    >>> y = (w * x).softplus().relabel("y")
    >>> [q.id for q in make_questions(y, "w").questions]
    ['forward:y', 'local:dy/dw', 'product:1', 'sum']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from engine import Value, topological_order
from engine.numeric import float_sum
from engine.ops import POWER, spec_of
from viz.chainrule.explanation import explain
from viz.chainrule.formulas import Namer, expression_of
from viz.chainrule.numbers import fmt
from viz.checks import check_point, check_root
from viz.practice.points import DataPoint, data_points, point_leaves, root_factor_name, shared_leaves, term_grads

__all__ = ["Tolerance", "Question", "Quiz", "make_questions", "rule_text", "SHOWN_DECIMALS", "RELATIVE"]

#: Numbers are shown to the learner with this many decimals.
SHOWN_DECIMALS = 4
#: An answer within this relative error is right.
RELATIVE = 0.01


@dataclass(frozen=True)
class Tolerance:
    """An answer is right when ``|answer - expected| <= max(rel * |expected|, abs)``.

    ``abs`` is half a unit of the last decimal shown (0.00005 for 4 decimals), so an
    answer computed from the numbers as shown, or a 0 typed for 0, is right too.
    """

    rel: float = RELATIVE
    abs: float = 0.5 * 10.0**-SHOWN_DECIMALS

    def accepts(self, answer: float, expected: float) -> bool:
        return math.isfinite(answer) and abs(answer - expected) <= max(self.rel * abs(expected), self.abs)


@dataclass(frozen=True)
class Question:
    """One number to compute by hand.

    ``id`` is unique in its quiz (``forward:x1[2]``, ``local:dy1/dx1[2]``,
    ``product:2``, ``sum``); ``kind`` is ``forward``, ``local``, ``product`` or
    ``sum``; ``point`` the data point (from 1; None for the sum); ``node`` the name
    of the node asked for, as the replay names nodes (``x1[2]``; for a factor, its
    lower node); ``formula`` the answer as a formula (``sigmoid(x1)``); ``values``
    the numbers at this point that a formula answer may name (label -> value).
    """

    id: str
    kind: str
    prompt: str
    expected: float
    tolerance: Tolerance
    hint: str
    formula: str | None
    point: int | None
    node: str | None
    values: dict[str, float] = field(default_factory=dict)

    def accepts(self, answer: float) -> bool:
        """Whether the number ``answer`` is right within the tolerance."""
        return self.tolerance.accepts(answer, self.expected)


@dataclass(frozen=True)
class Quiz:
    """The questions for ``gradient`` (``dSSR/dw1``) at the graph's current numbers.

    ``parameters``: the leaves every data point shares, label -> value; ``data``: per
    data point, its own leaves (``input``, ``observed``); ``asked``: the points whose
    forward values, factors and products are asked (the sum needs the others' products,
    which the sum's prompt gives).
    """

    root: str
    param: str
    gradient: str
    parameters: dict[str, float]
    data: list[dict[str, float]]
    asked: list[int]
    questions: tuple[Question, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain dicts, lists, strings and floats: ``json.dumps(quiz.to_dict())`` works."""
        return asdict(self)


def rule_text(op: str, index: int) -> str:
    """The rule for d(node)/d(inputs[index]) of an ``op`` node, from its declaration in ``engine.ops``.

    ``rule_text("softplus", 0) == "d softplus(x)/dx = sigmoid(x)"``, ``rule_text("*", 1) ==
    "d(a·b)/db = a"``, ``rule_text("**3", 0) == "d(x^3)/dx = 3·x^2"``.
    """
    spec = spec_of(op)
    if spec is None:
        return f"the local derivative of {op or 'a leaf'}"
    k = min(index, spec.arity - 1)
    expression, derivative = spec.expression, spec.derivatives[k]
    if spec.name == POWER:
        n = float(op[2:])
        expression = expression.replace("{n}", op[2:])
        derivative = derivative.replace("{n}", op[2:])
        derivative = derivative.replace("^{n-1}", "" if n == 2.0 else f"^{fmt(n - 1.0, 6)}")
    for p in spec.placeholders:
        expression, derivative = expression.replace(f"{{{p}}}", p), derivative.replace(f"{{{p}}}", p)
    head = f"d {expression}" if spec.function else f"d({expression})"
    return f"{head}/d{spec.placeholders[k]} = {derivative}"


def _edges(top: Value, bottom: Value) -> list[tuple[Value, int]]:
    """The edges (node, input index) from ``top`` down to ``bottom`` through unlabelled nodes."""
    stack: list[tuple[Value, list[tuple[Value, int]]]] = [(top, [])]
    while stack:
        node, path = stack.pop()
        for k in reversed(range(len(node.inputs))):
            below = node.inputs[k]
            if below is bottom:
                return [*path, (node, k)]
            if below.label is None and below.inputs:
                stack.append((below, [*path, (node, k)]))
    return []


def _inputs_named(node: Value) -> list[Value]:
    """The labelled nodes a node is computed from directly (through unlabelled ones)."""
    found: list[Value] = []
    stack = list(reversed(node.inputs))
    while stack:
        n = stack.pop()
        if n.label is not None:
            if n not in found:
                found.append(n)
        elif n.inputs:
            stack.extend(reversed(n.inputs))
    return found


def _definition(node: Value, namer: Namer) -> str | None:
    """``x1 = input·w1 + b1``: how a labelled node is computed, or None when too long to say."""
    parts = [p for p in (namer(i) for i in node.inputs) if p is not None]
    if len(parts) != len(node.inputs):
        return None
    sym = expression_of(node, parts)  # the drawings' expression of a node, from its op's declaration
    return None if sym is None else sym.text


def _given(values: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{n} = {fmt(v, 6)}" for n, v in values)


@dataclass(frozen=True)
class _Context:
    """What every question of one quiz shares."""

    root_name: str
    gradient: str
    label: str
    many: bool  # several data points: say which one
    shared: frozenset[str]  # labels of the leaves every point shares (the parameters)
    namer: Namer
    tol: Tolerance

    def at(self, pt: DataPoint) -> str:
        return f" at data point {pt.index}" if self.many else ""

    def index(self, pt: DataPoint) -> str:
        return f"[{pt.index}]" if self.many else ""

    def point(self, pt: DataPoint) -> int | None:
        return pt.index if self.many else None

    def name(self, label: str, pt: DataPoint) -> str:
        """The replay's name of a point's node: ``x1[2]``; a parameter all points share keeps its label."""
        return label if label in self.shared else f"{label}{self.index(pt)}"


def make_questions(root: Value, param: Value | str, *, points: Sequence[int] | None = None) -> Quiz:
    """The practice questions for d ``root`` / d ``param`` at the graph's current numbers.

    ``param`` is a node or its label (a label used once per data point, or a leaf all
    points share). ``points``: the data points (from 1) whose forward values, factors
    and products are asked; default all. ``ValueError`` names an unknown label or point.
    """
    check_root(root, "make_questions")
    pts = data_points(root)
    label = _label(param, pts)
    asked = list(range(1, len(pts) + 1)) if points is None else list(points)
    for k in asked:
        check_point(k, len(pts), "make_questions", "points")
    root_name = root.label if root.label is not None else "root"
    params = shared_leaves(pts)
    ctx = _Context(root_name, f"d{root_name}/d{label}", label, len(pts) > 1, frozenset(params),
                   Namer(SHOWN_DECIMALS), Tolerance())
    questions: list[Question] = []
    terms: dict[int, float] = {}
    for pt in pts:
        node = pt.nodes.get(label)
        if node is pt.term:
            raise ValueError(f"make_questions: {label!r} is the root itself (d{root_name}/d{root_name} = 1)")
        terms[pt.index] = 0.0 if node is None else term_grads(pt).get(node, 0.0)
        if node is not None and pt.index in asked:
            questions += _forward_questions(ctx, pt)
            questions += _chain_questions(ctx, pt, node, terms[pt.index])
    questions.append(_sum_question(ctx, terms, asked, len(pts)))
    for q in questions:
        if not math.isfinite(q.expected):  # no answer can be right, and JSON has no inf
            raise ValueError(f"make_questions: {q.prompt} is {q.expected}, beyond the float range; "
                             "practise where the numbers are smaller")
    data = [{n: p.nodes[n].data for n in point_leaves(pts)} for p in pts]
    return Quiz(root_name, label, ctx.gradient, {n: v.data for n, v in params.items()}, data, asked,
                tuple(questions))


def _forward_questions(ctx: _Context, pt: DataPoint) -> list[Question]:
    """The point's labelled interior nodes, in the order the forward pass computes them."""
    out = []
    env = pt.values()
    for n in topological_order(pt.term):
        if n.label is None or not n.inputs or n.label not in pt.nodes:
            continue
        definition = _definition(n, ctx.namer)
        named = _inputs_named(n)
        hint = f"{n.label} = {definition}" if definition else f"{n.label} is computed by {n.op}"
        if named:
            hint += ", with " + _given([(i.label or "", i.data) for i in named])
        out.append(Question(
            f"forward:{n.label}{ctx.index(pt)}", "forward", f"{n.label}{ctx.at(pt)}", n.data, ctx.tol,
            hint, definition, ctx.point(pt), ctx.name(n.label, pt), env,
        ))
    return out


def _chain_questions(ctx: _Context, pt: DataPoint, node: Value, term: float) -> list[Question]:
    """Each factor of each path at the point (once), each path's product, and their sum if several."""
    out = []
    env = pt.values()
    at = ctx.at(pt)
    exp = explain(pt.term, node, precision=SHOWN_DECIMALS)
    seen: set[tuple[Value, Value]] = set()
    for j, path in enumerate(exp.paths, 1):
        names = []
        for f in path.factors:
            name = root_factor_name(f.name, exp.root_name, ctx.root_name)
            names.append(name)
            if (f.top, f.bottom) in seen:
                continue
            seen.add((f.top, f.bottom))
            # each rule once, in the order of the edges (x1 = a·b + c says "+" then "*")
            rules = "; ".join(dict.fromkeys(rule_text(e.op, k) for e, k in _edges(f.top, f.bottom)))
            top_name = ctx.root_name if f.top is pt.term else (f.top.label or "")
            bottom_name = f.bottom.label or ""
            out.append(Question(
                f"local:{name}{ctx.index(pt)}", "local", f"{name}{at}", f.value, ctx.tol,
                f"{name}: how {top_name} changes with {bottom_name}; {rules}",
                f.formula if f.formula is not None else fmt(f.value, SHOWN_DECIMALS),
                ctx.point(pt), ctx.name(bottom_name, pt), env,
            ))
        which = f" (path {j} of {len(exp.paths)})" if len(exp.paths) > 1 else ""
        out.append(Question(
            f"product:{pt.index}" + (f".{j}" if len(exp.paths) > 1 else ""), "product",
            f"{ctx.gradient}{at}{which}: the product of its factors", path.product, ctx.tol,
            "the chain rule: multiply " + " × ".join(names) + at, " × ".join(names),
            ctx.point(pt), ctx.name(ctx.label, pt), env,
        ))
    if len(exp.paths) > 1:
        out.append(Question(
            f"point:{pt.index}", "product", f"{ctx.gradient}{at}: the sum over its {len(exp.paths)} paths",
            term, ctx.tol, f"add the products of the {len(exp.paths)} paths{at}",
            None, ctx.point(pt), ctx.name(ctx.label, pt), env,
        ))
    return out


def _sum_question(ctx: _Context, terms: dict[int, float], asked: list[int], n_points: int) -> Question:
    """The gradient: the sum over the data, with the products of the points not asked given."""
    others = [(f"point {k}", v) for k, v in terms.items() if k not in asked]
    prompt = f"{ctx.gradient}, summed over the {n_points} data points" if ctx.many else ctx.gradient
    if others:
        prompt += " (" + ", ".join(f"{n} gives {fmt(v, 6)}" for n, v in others) + ")"
    hint = (f"{ctx.gradient} is the sum over the data points of each point's product"
            if ctx.many else f"{ctx.gradient} is the sum over the paths of their products")
    node = ctx.label if ctx.label in ctx.shared or not ctx.many else None  # x1 of each point is not one node
    return Question("sum", "sum", prompt, float_sum(terms.values()), ctx.tol, hint, None, None, node, {})


def _label(param: Value | str, pts: list[DataPoint]) -> str:
    if isinstance(param, Value):
        if param.label is None:
            raise ValueError("make_questions: param must be a labelled node")
        label = param.label
    elif isinstance(param, str):
        label = param
    else:
        raise TypeError(f"make_questions: param must be a Value or a label, got {type(param).__name__}")
    if not any(label in p.nodes for p in pts):
        known = sorted({n for p in pts for n in p.nodes})
        raise ValueError(f"make_questions: no node labelled {label!r}; labels: {', '.join(known)}")
    return label
