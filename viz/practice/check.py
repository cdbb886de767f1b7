"""Check a gradient derived by hand against the engine, point by point, and say what is wrong.

    >>> from engine import Value
    >>> w, x = Value(2.0, "w"), Value(0.5, "x")
    >>> y = (w * x).square().relabel("y")
    >>> check(y, "w", "2 * w * x * x").agrees
    True
    >>> print(check(y, "w", "w * x * x").diagnosis)
    off by a constant factor 1/2: your formula gives 1/2 times the engine's value (0.5 against 1)

The formula is written for one data point, as the articles write theirs, and summed
over the data (``viz.practice.points``: a root that adds one term per data point). For each
point it is evaluated with the point's numbers and set beside the engine's term
d term / d node there; the sums are set beside a central finite difference. A
disagreement is diagnosed, most specific first: the opposite sign; one chain-rule
factor missing or extra (against the factors of the engine's paths, by name: "your
formula lacks dy1/dx1 = sigmoid(x1)"); a constant factor (2, 1/2, -2 ...); the
gradient of another node; otherwise the points where the values differ. Every
diagnosis that fits is listed, the first is ``diagnosis``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine import Value, topological_order
from engine.checks import check_str
from engine.numeric import float_sum
from engine.ops import POWER, spec_of
from viz.chainrule.nonfinite import backward_cause
from viz.chainrule.numbers import fmt
from viz.checks import check_point, check_root
from viz.practice.chain_factors import MAX_PATHS, Path, PointFactors
from viz.practice.diagnosis import AGREE_TOL, DIGITS, Diagnosis, Disagreement, PointCheck, close, diagnose
from viz.practice.hand_formula import FormulaError, HandFormula, read_formula, split_gradient
from viz.practice.points import DataPoint, data_points, point_leaves, shared_leaves, term_grads, term_magnitudes

__all__ = ["check", "CheckResult", "PointCheck", "Diagnosis", "FormulaError", "AGREE_TOL", "FD_STEP"]

#: Relative step of the central finite difference.
FD_STEP = 1e-6


@dataclass(frozen=True)
class CheckResult:
    """The verdict on ``formula`` for ``gradient``; ``str()`` is what ``python -m demos.check`` prints."""

    gradient: str
    formula: str
    points: tuple[PointCheck, ...]
    n_points: int  # data points in the graph (``points`` holds the checked ones)
    formula_sum: float
    engine_sum: float
    finite_difference: float | None
    parameters: dict[str, float]
    chain: tuple[tuple[str, str], ...]  # each path's factors at the first checked point: (names, formulas)
    diagnoses: tuple[Diagnosis, ...]
    unlisted: int = 0  # the number of paths at the first checked point when too many to list (chain is empty)

    @property
    def agrees(self) -> bool:
        return not self.diagnoses

    @property
    def verdict(self) -> str:
        return "agrees" if self.agrees else "disagrees"

    @property
    def diagnosis(self) -> Diagnosis | None:
        """The first (most specific) diagnosis, None when the formula agrees."""
        return self.diagnoses[0] if self.diagnoses else None

    def __str__(self) -> str:
        lines = [f"{self.gradient} = {self.formula}"]
        if self.n_points > 1 and len(self.points) > 1:
            lines.append(f"  the formula is per data point; {self.gradient} is its sum over the {self.n_points} points")
        elif self.n_points > 1:
            lines.append(f"  the formula is per data point: data point {self.points[0].index} alone")
        if self.parameters:
            lines.append("  at " + ", ".join(f"{n} = {fmt(v, DIGITS)}" for n, v in self.parameters.items()))
        lines.append("")
        data = list(self.points[0].data)
        head = ["point", *data, "your formula", "engine", ""]
        rows = [
            [str(p.index), *[fmt(p.data[n], DIGITS) for n in data], fmt(p.formula, DIGITS), fmt(p.engine, DIGITS),
             "" if p.agrees else "differs"]
            for p in self.points
        ]
        if len(self.points) > 1:
            rows.append(["sum", *[""] * len(data), fmt(self.formula_sum, DIGITS), fmt(self.engine_sum, DIGITS), ""])
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            lines.append(("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths))).rstrip())
        if self.finite_difference is not None:
            lines.append(f"  central finite difference: {fmt(self.finite_difference, DIGITS)}")
        lines += _chain_lines(self.chain, self.unlisted)
        lines.append("")
        if self.agrees:
            every = " at every point" if len(self.points) > 1 else ""
            lines.append(f"agrees: your formula gives the engine's {self.gradient}{every}")
        else:
            lines += _wrap(f"disagrees: {self.diagnoses[0]}", "")
            for d in self.diagnoses[1:]:
                lines += _wrap(f"also: {d}", "  ")
        return "\n".join(lines)


def _chain_lines(chain: tuple[tuple[str, str], ...], unlisted: int = 0) -> list[str]:
    """The engine's chain rule: each path's factor names, then their formulas."""
    head = "  the engine's chain rule: "
    if unlisted:
        return [f"{head}a sum over {unlisted} paths (more than {MAX_PATHS}: not listed)"]
    if not chain:
        return [head + "no path, the gradient is 0"]
    if len(chain) == 1:
        names, forms = chain[0]
        if len(head) + len(names) + len(forms) + 3 <= 80:
            return [f"{head}{names} = {forms}"]
        return [head + names, " " * (len(head) - 2) + f"= {forms}"]
    lines = [f"  the engine's chain rule, a sum over {len(chain)} paths:"]
    for k, (names, forms) in enumerate(chain):
        lines += [f"    {'+ ' if k else '  '}{names}", f"        = {forms}"]
    return lines


def _wrap(text: str, indent: str) -> list[str]:
    """``text`` in lines of at most 80 columns, broken between the parts of a formula, not inside them.

    Spaces inside parentheses and around ``=`` and ``×`` are held (as NUL) while wrapping.
    """
    held, depth = [], 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        held.append("\0" if ch == " " and depth > 0 else ch)
    kept = "".join(held).replace(" = ", "\0=\0").replace(" × ", "\0×\0")
    lines = textwrap.wrap(kept, 80, initial_indent=indent, subsequent_indent=indent + "  ",
                          break_long_words=False, break_on_hyphens=False)
    return [line.replace("\0", " ") for line in lines]


# ------------------------------------------------------------------ the check


def check(
    root: Value, node: Value | str, formula: str, *, point: int | None = None,
    parameters: Sequence[str] | None = None,
) -> CheckResult:
    """Check ``formula`` (per data point, or ``"dSSR/dw3 = ..."``) for d ``root`` / d ``node``.

    ``node`` is a node or its label (case-insensitive); ``point``: check one data point
    alone (from 1); ``parameters``: the shared leaves to show, in this order (default:
    every leaf all points share, in the graph's order). ``FormulaError`` (a ``ValueError``) for a formula that cannot be
    read or evaluated, or whose gradient names other nodes; the result's ``agrees``,
    ``diagnoses`` and ``str()`` say the rest.
    """
    check_root(root, "check")
    check_str(formula, "check", "formula")
    pts = data_points(root)
    labels = sorted({label for p in pts for label in p.nodes})
    root_name = root.label if root.label is not None else "root"
    label = _node_label(node, labels)
    rhs = formula.strip()
    if rhs[:1] == "d" and "/" in rhs.split("=", 1)[0] and "=" in rhs:
        top, bottom, rhs = split_gradient(rhs)
        if top.lower() != root_name.lower():
            raise FormulaError(f"d{top}/d{bottom}: {top!r} is not the root; the root is {root_name}")
        if bottom.lower() != label.lower():
            raise FormulaError(f"the formula is for d{top}/d{bottom}, not d{root_name}/d{label}")
    if point is not None:
        check_point(point, len(pts), "check", "point")
    chosen = pts if point is None else [pts[point - 1]]
    hand = read_formula(rhs, labels, ambiguous={a for p in pts for a in p.ambiguous})
    result = _compare(root, label, hand, pts, chosen)
    if parameters is not None:
        shown = {n: result.parameters[n] for n in parameters if n in result.parameters}
        result = dataclasses.replace(result, parameters=shown)
    return result


def _node_label(node: Value | str, labels: Sequence[str]) -> str:
    if isinstance(node, Value):
        if node.label is None or node.label not in labels:
            raise ValueError("check: node must be a labelled node of the graph (one per data point)")
        return node.label
    if not isinstance(node, str):
        raise TypeError(f"check: node must be a Value or a label, got {type(node).__name__}")
    if node in labels:
        return node
    same = [n for n in labels if n.lower() == node.lower()]
    if len(same) == 1:
        return same[0]
    raise FormulaError(f"d/d{node}: no node named {node!r}; names: {', '.join(labels)}")


def _compare(root: Value, label: str, hand: HandFormula, pts: list[DataPoint], chosen: list[DataPoint]) -> CheckResult:
    """``hand`` set beside the engine's d term / d ``label`` at each chosen point, and diagnosed."""
    root_name = root.label if root.label is not None else "root"
    gradient = f"d{root_name}/d{label}"
    grads = {p.index: term_grads(p) for p in chosen}
    checks, scales = _point_checks(label, hand, pts, chosen, grads, gradient)
    f = [c.formula for c in checks]
    g = [c.engine for c in checks]
    factors = {p.index: PointFactors(p, root_name) for p in chosen}
    paths: dict[int, list[Path] | int] = {
        p.index: factors[p.index].paths_to(p.nodes[label]) if label in p.nodes else [] for p in chosen
    }
    first = paths[chosen[0].index]
    chain = () if isinstance(first, int) else tuple(
        (" × ".join(n for n, _, _ in path), " × ".join(t for _, _, t in path)) for path, _ in first
    )
    diagnoses: tuple[Diagnosis, ...] = ()
    if not all(c.agrees for c in checks):
        diagnoses = diagnose(Disagreement(
            root_name=root_name, gradient=gradient, label=label, checks=checks, f=f, g=g, scales=scales,
            pts=pts, chosen=chosen, grads=grads, paths=paths, factors=factors,
        ))
    return CheckResult(
        gradient, hand.text, tuple(checks), len(pts), float_sum(f), float_sum(g),
        _finite_difference(root, label, pts, chosen),
        {n: v.data for n, v in shared_leaves(pts).items()}, chain, diagnoses,
        first if isinstance(first, int) else 0,
    )


def _not_finite(p: DataPoint, node: Value, engine: float, gradient: str, many: bool) -> None:
    """``ValueError``: the engine's own value is nan or inf, so no formula can be checked against it."""
    at = f" at data point {p.index}" if many else ""
    cause = backward_cause(p.term, node)
    raise ValueError(
        f"check: the engine's {gradient}{at} is {engine}, not a number to check a formula against"
        + (f": {cause}" if cause else "") + "; check it where the numbers are smaller"
    )


def _point_checks(label: str, hand: HandFormula, pts: list[DataPoint], chosen: list[DataPoint],
                  grads: dict[int, dict[Value, float]], gradient: str) -> tuple[list[PointCheck], list[float]]:
    """The formula's value and the engine's term at each chosen point, whether they agree, and each
    point's own scale.

    They agree to round-off: ``close`` within the point's own scale, the sum of the |path products|
    its engine value sums (``term_magnitudes``), not the largest value of all the points. A nan
    or inf engine value is refused (``_not_finite``).
    """
    own = point_leaves(pts)
    checks: list[PointCheck] = []
    scales: list[float] = []
    for p in chosen:
        try:
            value = hand.value(p.values())
        except FormulaError as err:
            at = f"at data point {p.index}: " if len(pts) > 1 else ""
            raise FormulaError(at + str(err)) from None
        node = p.nodes.get(label)
        engine = 0.0 if node is None else grads[p.index].get(node, 0.0)
        if node is not None and not math.isfinite(engine):
            _not_finite(p, node, engine, gradient, len(pts) > 1)
        scale = 0.0 if node is None else term_magnitudes(p).get(node, 0.0)
        scales.append(scale)
        checks.append(PointCheck(p.index, {n: p.nodes[n].data for n in own}, value, engine,
                                 close(value, engine, scale)))
    return checks, scales


# ------------------------------------------------------------------ finite differences

@functools.cache
def _forward_rule(op: str) -> tuple[Callable[..., Value], float | None]:
    """The ``Value`` method that makes ``op``, and the exponent of ``x ** n`` (None for other ops)."""
    spec = spec_of(op)
    if spec is None:
        raise ValueError(f"no forward rule for op {op!r}")
    return getattr(Value, spec.method), float(op[2:]) if spec.name == POWER else None


def _dependents(order: Sequence[Value], node: Value) -> list[Value]:
    """The nodes of ``order`` that depend on ``node`` (``node`` itself excluded), in order."""
    moved = {node}
    out = []
    for n in order:
        for i in n.inputs:
            if i in moved:
                moved.add(n)
                out.append(n)
                break
    return out


def _rerun(dependents: list[Value], node: Value, value: float) -> float:
    """The last of ``dependents`` (the top) recomputed forward with ``node``'s value replaced by ``value``.

    Each node is recomputed by the engine's own op (its method, on two scratch leaves
    whose ``data`` is set to the inputs' numbers: no new leaf per input).
    """
    scratch = (Value(0.0), Value(0.0))
    vals: dict[Value, float] = {node: value}
    for n in dependents:
        method, exponent = _forward_rule(n.op)
        inputs = n.inputs
        for leaf, i in zip(scratch, inputs):
            leaf.data = vals.get(i, i.data)
        if exponent is not None:
            vals[n] = method(scratch[0], exponent).data
        else:
            vals[n] = method(*scratch[:len(inputs)]).data
    return vals[dependents[-1]] if dependents else value  # no dependents: the node is the top


def _finite_difference(root: Value, label: str, pts: list[DataPoint], chosen: list[DataPoint]) -> float | None:
    """Central difference (f(v + h) - f(v - h)) / 2h of the root (or the chosen point's term).

    A node of each point (``x1``) is moved at each point in turn and the differences
    added; a parameter all points share is moved once. None where the graph has no
    value at v +- h (a log of a negative number ...).
    """
    shared = label in shared_leaves(pts)
    pairs: list[tuple[Sequence[Value], Value]] = []  # (the order of the top, node)
    if shared and len(chosen) == len(pts):
        order = pts[0].order if len(pts) == 1 and pts[0].order else topological_order(root)
        pairs.append((order, pts[0].nodes[label]))
    else:
        pairs += [(p.order or topological_order(p.term), p.nodes[label]) for p in chosen if label in p.nodes]
    total = 0.0
    try:
        for order, node in pairs:
            moved = _dependents(order, node)
            if node is not order[-1] and (not moved or moved[-1] is not order[-1]):
                continue  # the top does not depend on the node: its difference is 0
            h = FD_STEP * max(1.0, abs(node.data))
            total += (_rerun(moved, node, node.data + h) - _rerun(moved, node, node.data - h)) / (2 * h)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return total if math.isfinite(total) else None
