"""Check a gradient derived by hand against the engine, point by point, and say what is wrong.

    >>> from engine import Value
    >>> w, x = Value(2.0, "w"), Value(0.5, "x")
    >>> y = (w * x).square().relabel("y")
    >>> check(y, "w", "2 * w * x * x").agrees
    True
    >>> print(check(y, "w", "w * x * x").diagnosis)
    off by a constant factor 1/2: your formula gives 1/2 times the engine's value (0.5 against 1)

The formula is written for one data point, as the articles write theirs, and summed
over the data (``viz.points``: a root that adds one term per data point). For each
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
import math
import operator
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine import FUNCTIONS, Value, topological_order
from viz.explain import explain
from viz.hand_formula import FormulaError, HandFormula, read_formula, split_gradient
from viz.points import DataPoint, data_points, point_leaves, shared_leaves, term_grads
from viz.text import fmt

__all__ = ["check", "CheckResult", "PointCheck", "Diagnosis", "FormulaError", "AGREE_TOL", "FD_STEP"]

#: Formula and engine agree within this relative difference (only round-off separates them).
AGREE_TOL = 1e-6
#: Relative step of the central finite difference.
FD_STEP = 1e-6
DIGITS = 6


@dataclass(frozen=True)
class PointCheck:
    """One data point: its own leaves (``input``, ``observed``), the formula's value and the engine's term."""

    index: int
    data: dict[str, float]
    formula: float
    engine: float
    agrees: bool


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong: ``kind`` is one of ``opposite sign``, ``missing factor``, ``extra factor``,
    ``constant factor``, ``other gradient``, ``differs``; ``message`` says it with the numbers."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


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
    chain: str  # the engine's factors at the first checked point, names = formulas
    diagnoses: tuple[Diagnosis, ...]

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
        names, _, forms = self.chain.partition(" = ")
        chain = f"  the engine's chain rule: {names}"
        if len(chain) + len(forms) + 3 <= 80 or not forms:
            lines.append(chain + (f" = {forms}" if forms else ""))
        else:
            lines += [chain, " " * 26 + f"= {forms}"]
        lines.append("")
        if self.agrees:
            every = " at every point" if len(self.points) > 1 else ""
            lines.append(f"agrees: your formula gives the engine's {self.gradient}{every}")
        else:
            lines += _wrap(f"disagrees: {self.diagnoses[0]}", "")
            for d in self.diagnoses[1:]:
                lines += _wrap(f"also: {d}", "  ")
        return "\n".join(lines)


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
    if not isinstance(root, Value):
        raise TypeError(f"check: root must be an engine Value, got {type(root).__name__}")
    if not isinstance(formula, str):
        raise TypeError(f"check: formula must be a str, got {type(formula).__name__}")
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
        if isinstance(point, bool) or not isinstance(point, int) or not 1 <= point <= len(pts):
            raise ValueError(f"check: point must be a data point 1..{len(pts)}, got {point!r}")
    chosen = pts if point is None else [pts[point - 1]]
    hand = read_formula(rhs, labels)
    gradient = f"d{root_name}/d{label}"
    result = _compare(root, root_name, gradient, label, hand, pts, chosen)
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


def _compare(
    root: Value, root_name: str, gradient: str, label: str, hand: HandFormula,
    pts: list[DataPoint], chosen: list[DataPoint],
) -> CheckResult:
    own = point_leaves(pts)
    grads = {p.index: term_grads(p) for p in chosen}
    checks: list[PointCheck] = []
    engine: dict[int, float] = {}
    for p in chosen:
        try:
            value = hand.value(p.values())
        except FormulaError as err:
            at = f"at data point {p.index}: " if len(pts) > 1 else ""
            raise FormulaError(at + str(err)) from None
        node = p.nodes.get(label)
        engine[p.index] = 0.0 if node is None else grads[p.index].get(node, 0.0)
        checks.append(PointCheck(p.index, {n: p.nodes[n].data for n in own}, value, engine[p.index], False))
    scale = max([abs(c.formula) for c in checks] + [abs(c.engine) for c in checks])
    checks = [PointCheck(c.index, c.data, c.formula, c.engine, _close(c.formula, c.engine, scale)) for c in checks]
    f = [c.formula for c in checks]
    g = [c.engine for c in checks]
    paths = {p.index: _paths(p, label, root_name) for p in chosen}
    first = paths[chosen[0].index]
    chain = " + ".join(" × ".join(n for n, _, _ in path) + " = " + " × ".join(t for _, _, t in path)
                       for path, _ in first) or "0 (no path)"
    diagnoses: tuple[Diagnosis, ...] = ()
    if not all(c.agrees for c in checks):
        diagnoses = _diagnose(root_name, gradient, label, checks, f, g, scale, pts, chosen, grads, paths)
    return CheckResult(
        gradient, hand.text, tuple(checks), len(pts), math.fsum(f), math.fsum(g),
        _finite_difference(root, label, pts, chosen),
        {n: v.data for n, v in shared_leaves(pts).items()}, chain, diagnoses,
    )


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= AGREE_TOL * max(abs(a), abs(b)) + 1e-12 * scale


Path = tuple[list[tuple[str, float, str]], float]  # [(factor name, value, formula)], product


def _paths(p: DataPoint, label: str, root_name: str) -> list[Path]:
    """The engine's paths from the point's term down to its node ``label``, as named factors."""
    node = p.nodes.get(label)
    if node is None:
        return []
    exp = explain(p.term, node, precision=4)
    head = f"d{exp.root_name}/"
    out: list[Path] = []
    for path in exp.paths:
        factors = []
        for f in path.factors:
            name = f"d{root_name}/" + f.name[len(head):] if f.name.startswith(head) else f.name
            factors.append((name, f.value, f.formula if f.formula is not None else fmt(f.value, 4)))
        out.append((factors, path.product))
    return out


# ------------------------------------------------------------------ diagnoses


def _nice(c: float) -> str | None:
    """``c`` as a small fraction (``2``, ``1/2``, ``-4/3``), or None when it is not one."""
    fr = Fraction(c).limit_denominator(4)
    if fr != 0 and abs(fr.numerator) <= 12 and math.isclose(float(fr), c, rel_tol=AGREE_TOL):
        return str(fr)
    return None


def _diagnose(
    root_name: str, gradient: str, label: str, checks: list[PointCheck], f: list[float], g: list[float],
    scale: float, pts: list[DataPoint], chosen: list[DataPoint], grads: dict[int, dict[Value, float]],
    paths: dict[int, list[Path]],
) -> tuple[Diagnosis, ...]:
    sums = f"sum {fmt(math.fsum(f), DIGITS)} against {fmt(math.fsum(g), DIGITS)}"
    if len(checks) == 1:
        sums = f"{fmt(f[0], DIGITS)} against {fmt(g[0], DIGITS)}"
    every = "at every point " if len(checks) > 1 else ""
    found: list[tuple[int, Diagnosis]] = []
    nonzero = any(not _close(x, 0.0, scale) for x in g)
    if nonzero and all(_close(a, -b, scale) for a, b in zip(f, g)):
        found.append((0, Diagnosis(
            "opposite sign",
            f"the opposite sign: {every}your formula gives minus the engine's value ({sums}); "
            f"gradient descent with it would increase {root_name}",
        )))
    found += _factor_diagnoses(f, g, scale, chosen, paths, root_name, sums)
    ratio = _ratio(f, g, scale)
    if ratio is not None and not math.isclose(ratio, -1.0, rel_tol=AGREE_TOL):
        nice = _nice(ratio)
        if nice is not None or len(checks) > 1:
            c = nice if nice is not None else fmt(ratio, 4)
            found.append((2 if nice is not None else 5, Diagnosis(
                "constant factor",
                f"off by a constant factor {c}: {every}your formula gives {c} times"
                f" the engine's value ({sums})",
            )))
    for other in sorted({n for p in chosen for n in p.nodes} - {label}):
        values = [grads[p.index].get(p.nodes[other], 0.0) if other in p.nodes else 0.0 for p in chosen]
        if any(not _close(v, b, scale) for v, b in zip(values, g)) and all(
            _close(a, v, scale) for a, v in zip(f, values)
        ):
            found.append((3, Diagnosis(
                "other gradient",
                f"the gradient of another node: your formula gives d{root_name}/d{other}, not {gradient} ({sums})",
            )))
            break
    if not found:
        differ = [c for c in checks if not c.agrees]
        where = "; ".join(
            _at(c, len(pts) > 1) + f" yours {fmt(c.formula, DIGITS)}, the engine's {fmt(c.engine, DIGITS)}"
            for c in differ
        )
        agree = [str(c.index) for c in checks if c.agrees]
        tail = f"; they agree at point {', '.join(agree)}" if agree else ""
        found.append((6, Diagnosis("differs", f"the values differ: {where}{tail}")))
    found.sort(key=lambda t: t[0])
    return tuple(d for _, d in found)


def _at(c: PointCheck, many: bool) -> str:
    if not many:
        return ""
    data = ", ".join(f"{n} = {fmt(v, DIGITS)}" for n, v in c.data.items())
    return f"at data point {c.index}" + (f" ({data})" if data else "") + ":"


def _ratio(f: list[float], g: list[float], scale: float) -> float | None:
    """The one ``c`` with f = c g at every point, or None."""
    ratios = [a / b for a, b in zip(f, g) if not _close(b, 0.0, scale)]
    if not ratios or any(not _close(a, 0.0, scale) for a, b in zip(f, g) if _close(b, 0.0, scale)):
        return None
    c = ratios[0]
    return c if all(math.isclose(r, c, rel_tol=AGREE_TOL, abs_tol=1e-12) for r in ratios) else None


def _factor_diagnoses(
    f: list[float], g: list[float], scale: float, chosen: list[DataPoint],
    paths: dict[int, list[Path]], root_name: str, sums: str,
) -> list[tuple[int, Diagnosis]]:
    """One chain-rule factor of the gradient's paths missing, or one factor of the graph extra."""
    found: list[tuple[int, Diagnosis]] = []
    # name -> formula, and per point the value of each named factor on the gradient's paths
    names: dict[str, str] = {}
    for ps in paths.values():
        for factors, _ in ps:
            for name, _, text in factors:
                names.setdefault(name, text)
    for name, text in names.items():
        expected: list[float | None] = []
        for p, b in zip(chosen, g):
            with_it = [(prod, v) for factors, prod in paths[p.index] for n, v, _ in factors if n == name]
            if not with_it or any(v == 0.0 for _, v in with_it):
                expected.append(None)  # without the factor the value here is unknown: not compared
                continue
            expected.append(b - sum(prod for prod, _ in with_it) + sum(prod / v for prod, v in with_it))
        if _matches(f, g, expected, scale):
            found.append((1, Diagnosis(
                "missing factor", f"one chain-rule factor missing: your formula lacks {name} = {text} ({sums})"
            )))
    extra = _graph_factors(chosen, root_name)
    said: set[str] = set()  # dx1/dw1 = input and dx2/dw2 = input are the same extra factor
    for name, (text, per_point) in extra.items():
        expected = [b * per_point[p.index] if p.index in per_point else None for p, b in zip(chosen, g)]
        if None in expected or text in said:
            continue
        if _matches(f, g, expected, scale):
            said.add(text)
            found.append((1, Diagnosis(
                "extra factor", f"one chain-rule factor too many: your formula has an extra {name} = {text} ({sums})"
            )))
    return found


def _matches(f: list[float], g: list[float], expected: list[float | None], scale: float) -> bool:
    """f equals ``expected`` wherever it is known, and that differs from g somewhere."""
    known = [(a, e, b) for a, e, b in zip(f, expected, g) if e is not None]
    return bool(known) and all(_close(a, e, scale) for a, e, _ in known) and any(
        not _close(e, b, scale) for _, e, b in known
    )


def _graph_factors(chosen: list[DataPoint], root_name: str) -> dict[str, tuple[str, dict[int, float]]]:
    """Every chain-rule factor between labelled nodes at each point: name -> (formula, point -> value)."""
    out: dict[str, tuple[str, dict[int, float]]] = {}
    dropped: set[str] = set()
    for p in chosen:
        for other in p.nodes:
            for factors, _ in _paths(p, other, root_name):
                for name, value, text in factors:
                    if name in dropped:
                        continue
                    entry = out.setdefault(name, (text, {}))
                    if p.index in entry[1] and not math.isclose(entry[1][p.index], value):
                        dropped.add(name)  # two different factors of one name at a point: ambiguous
                        del out[name]
                        continue
                    entry[1][p.index] = value
    return out


# ------------------------------------------------------------------ finite differences

_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
}


def _apply(op: str, args: list[float]) -> float:
    """The engine's forward rule of ``op`` on plain numbers (through new Values)."""
    vals = [Value(a) for a in args]
    if op in _BINARY:
        return _BINARY[op](vals[0], vals[1]).data
    if op == "neg":
        return (-vals[0]).data
    if op.startswith("**"):
        return (vals[0] ** float(op[2:])).data
    if op in FUNCTIONS:
        return FUNCTIONS[op](vals[0]).data
    raise ValueError(f"no forward rule for op {op!r}")


def _rerun(top: Value, node: Value, value: float) -> float:
    """``top`` recomputed forward with ``node``'s value replaced by ``value``."""
    vals: dict[Value, float] = {}
    for n in topological_order(top):
        vals[n] = value if n is node else (n.data if not n.inputs else _apply(n.op, [vals[i] for i in n.inputs]))
    return vals[top]


def _finite_difference(root: Value, label: str, pts: list[DataPoint], chosen: list[DataPoint]) -> float | None:
    """Central difference (f(v + h) - f(v - h)) / 2h of the root (or the chosen point's term).

    A node of each point (``x1``) is moved at each point in turn and the differences
    added; a parameter all points share is moved once. None where the graph has no
    value at v +- h (a log of a negative number ...).
    """
    shared = label in shared_leaves(pts)
    pairs: list[tuple[Value, Value]] = []  # (top, node)
    if shared and len(chosen) == len(pts):
        pairs.append((root, pts[0].nodes[label]))
    else:
        pairs += [(p.term, p.nodes[label]) for p in chosen if label in p.nodes]
    total = 0.0
    try:
        for top, node in pairs:
            h = FD_STEP * max(1.0, abs(node.data))
            total += (_rerun(top, node, node.data + h) - _rerun(top, node, node.data - h)) / (2 * h)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return total
