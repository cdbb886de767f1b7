"""What is wrong with a hand formula that disagrees with the engine: the diagnoses of ``viz.practice.check``.

Given the formula's value f_k and the engine's term g_k at each data point k, most
specific first:

- the opposite sign: f_k = -g_k at every point;
- one chain-rule factor missing: f equals g with one factor F of the gradient's paths
  divided out (g_k - P_k + P_k / F_k, P_k the products of the paths through F), or one
  factor of the graph too many (g_k F_k); factors are compared by name (``dy1/dx1``);
- a constant factor: f_k = c g_k with c a small fraction (2, 1/2, -2 ...);
- the gradient of another node: f_k = d term_k / d other_k;
- otherwise, the points where f and g differ.

Every diagnosis that fits is returned, the most specific first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from engine import Value
from engine.numeric import float_sum
from viz.chainrule.numbers import fmt
from viz.practice.chain_factors import Path, PointFactors
from viz.practice.points import DataPoint

__all__ = ["PointCheck", "Diagnosis", "Disagreement", "diagnose", "close", "Path", "AGREE_TOL", "DIGITS"]

#: Formula and engine agree within this relative difference (only round-off separates them).
AGREE_TOL = 1e-6
#: Significant digits of the numbers in the messages.
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


def close(a: float, b: float, scale: float) -> bool:
    """a = b to round-off: within AGREE_TOL relative, or near 0 within 1e-12 of ``scale``.

    ``scale`` belongs to the one data point compared: the size of the terms the engine's
    value there sums (``viz.practice.points.term_magnitudes``), so that paths which cancel to 0
    may leave round-off, and a large value at another point excuses nothing here.
    """
    return abs(a - b) <= AGREE_TOL * max(abs(a), abs(b)) + 1e-12 * scale


def _nice(c: float) -> str | None:
    """``c`` as a small fraction (``2``, ``1/2``, ``-4/3``), or None when it is not one."""
    fr = Fraction(c).limit_denominator(4)
    if fr != 0 and abs(fr.numerator) <= 12 and math.isclose(float(fr), c, rel_tol=AGREE_TOL):
        return str(fr)
    return None


@dataclass(frozen=True, kw_only=True)
class Disagreement:
    """A formula that disagrees with the engine at some point: everything the diagnoses compare.

    ``f[k]`` is the formula's value and ``g[k]`` the engine's term at ``chosen[k]`` (the checked
    points; ``pts`` are all of them), ``checks`` the same per point with their verdicts, ``scales[k]``
    point k's own scale (what "close to 0" is measured against there, see ``close``); ``grads[i]``
    maps every node of point ``i`` to d term_i / d node, ``paths[i]`` the engine's paths from the
    term down to the node ``label`` as named factors (their number when too many to list), and
    ``factors[i]`` the point's chain-rule factors. ``gradient`` is ``d<root_name>/d<label>``.
    """

    root_name: str
    gradient: str
    label: str
    checks: list[PointCheck]
    f: list[float]
    g: list[float]
    scales: list[float]
    pts: list[DataPoint]
    chosen: list[DataPoint]
    grads: dict[int, dict[Value, float]]
    paths: dict[int, list[Path] | int]
    factors: dict[int, PointFactors]

    @property
    def sums(self) -> str:
        """The two values set side by side in every message: the sums, or the one point's values."""
        if len(self.checks) == 1:
            return f"{fmt(self.f[0], DIGITS)} against {fmt(self.g[0], DIGITS)}"
        return f"sum {fmt(float_sum(self.f), DIGITS)} against {fmt(float_sum(self.g), DIGITS)}"


def diagnose(d: Disagreement) -> tuple[Diagnosis, ...]:
    """Every diagnosis that fits ``d``, the most specific first (the module docstring lists them)."""
    found = _sign_diagnoses(d) + _factor_diagnoses(d) + _ratio_diagnoses(d) + _other_gradient(d)
    if not found:
        found.append((6, _differs(d)))
    found.sort(key=lambda t: t[0])
    return tuple(diagnosis for _, diagnosis in found)


def _every(d: Disagreement) -> str:
    return "at every point " if len(d.checks) > 1 else ""


def _sign_diagnoses(d: Disagreement) -> list[tuple[int, Diagnosis]]:
    """The opposite sign: f = -g at every point (and g is not 0 everywhere)."""
    nonzero = any(not close(x, 0.0, s) for x, s in zip(d.g, d.scales))
    if nonzero and all(close(a, -b, s) for a, b, s in zip(d.f, d.g, d.scales)):
        return [(0, Diagnosis(
            "opposite sign",
            f"the opposite sign: {_every(d)}your formula gives minus the engine's value ({d.sums}); "
            f"gradient descent with it would increase {d.root_name}",
        ))]
    return []


def _ratio_diagnoses(d: Disagreement) -> list[tuple[int, Diagnosis]]:
    """A constant factor c (other than -1) with f = c g at every point; a small fraction ranks higher."""
    ratio = _ratio(d.f, d.g, d.scales)
    if ratio is None or math.isclose(ratio, -1.0, rel_tol=AGREE_TOL):
        return []
    nice = _nice(ratio)
    if nice is None and len(d.checks) == 1:
        return []
    c = nice if nice is not None else fmt(ratio, 4)
    return [(2 if nice is not None else 5, Diagnosis(
        "constant factor",
        f"off by a constant factor {c}: {_every(d)}your formula gives {c} times the engine's value ({d.sums})",
    ))]


def _other_gradient(d: Disagreement) -> list[tuple[int, Diagnosis]]:
    """The gradient of another labelled node: f = d term / d other at every point."""
    for other in sorted({n for p in d.chosen for n in p.nodes} - {d.label}):
        values = [d.grads[p.index].get(p.nodes[other], 0.0) if other in p.nodes else 0.0 for p in d.chosen]
        if any(not close(v, b, s) for v, b, s in zip(values, d.g, d.scales)) and all(
            close(a, v, s) for a, v, s in zip(d.f, values, d.scales)
        ):
            return [(3, Diagnosis(
                "other gradient",
                f"the gradient of another node: your formula gives d{d.root_name}/d{other}, "
                f"not {d.gradient} ({d.sums})",
            ))]
    return []


def _differs(d: Disagreement) -> Diagnosis:
    """Nothing more specific fits: the points where the values differ."""
    where = "; ".join(
        _at(c, len(d.pts) > 1) + f" yours {fmt(c.formula, DIGITS)}, the engine's {fmt(c.engine, DIGITS)}"
        for c in d.checks if not c.agrees
    )
    agree = [str(c.index) for c in d.checks if c.agrees]
    tail = f"; they agree at point {', '.join(agree)}" if agree else ""
    return Diagnosis("differs", f"the values differ: {where}{tail}")


def _at(c: PointCheck, many: bool) -> str:
    if not many:
        return ""
    data = ", ".join(f"{n} = {fmt(v, DIGITS)}" for n, v in c.data.items())
    return f"at data point {c.index}" + (f" ({data})" if data else "") + ":"


def _ratio(f: list[float], g: list[float], scales: list[float]) -> float | None:
    """The one ``c`` with f = c g at every point, or None."""
    ratios = [a / b for a, b, s in zip(f, g, scales) if not close(b, 0.0, s)]
    if not ratios or any(not close(a, 0.0, s) for a, b, s in zip(f, g, scales) if close(b, 0.0, s)):
        return None
    c = ratios[0]
    return c if all(math.isclose(r, c, rel_tol=AGREE_TOL, abs_tol=1e-12) for r in ratios) else None


def _factor_diagnoses(d: Disagreement) -> list[tuple[int, Diagnosis]]:
    """One chain-rule factor of the gradient's paths missing, or one factor of the graph extra.

    A point whose paths are too many to list (``d.paths[k]`` is their number) is not compared.
    """
    found: list[tuple[int, Diagnosis]] = []
    listed = {k: ps for k, ps in d.paths.items() if not isinstance(ps, int)}
    # name -> formula, and per point the value of each named factor on the gradient's paths
    names: dict[str, str] = {}
    for ps in listed.values():
        for path_factors, _ in ps:
            for name, _, text in path_factors:
                names.setdefault(name, text)
    for name, text in names.items():
        expected: list[float | None] = []
        for p, b in zip(d.chosen, d.g):
            with_it = [(prod, v) for fs, prod in listed.get(p.index, []) for n, v, _ in fs if n == name]
            if not with_it or any(v == 0.0 for _, v in with_it):
                expected.append(None)  # without the factor the value here is unknown: not compared
                continue
            expected.append(b - sum(prod for prod, _ in with_it) + sum(prod / v for prod, v in with_it))
        if _matches(d.f, d.g, expected, d.scales):
            found.append((1, Diagnosis(
                "missing factor", f"one chain-rule factor missing: your formula lacks {name} = {text} ({d.sums})"
            )))
    said: set[str] = set()  # dx1/dw1 = input and dx2/dw2 = input are the same extra factor
    for name, (text, per_point) in _graph_factors(d.chosen, d.factors).items():
        expected = [b * per_point[p.index] if p.index in per_point else None for p, b in zip(d.chosen, d.g)]
        if None in expected or text in said:
            continue
        if _matches(d.f, d.g, expected, d.scales):
            said.add(text)
            found.append((1, Diagnosis(
                "extra factor",
                f"one chain-rule factor too many: your formula has an extra {name} = {text} ({d.sums})",
            )))
    return found


def _matches(f: list[float], g: list[float], expected: list[float | None], scales: list[float]) -> bool:
    """f equals ``expected`` wherever it is known, and that differs from g somewhere."""
    known = [(a, e, b, s) for a, e, b, s in zip(f, expected, g, scales) if e is not None]
    return bool(known) and all(close(a, e, s) for a, e, _, s in known) and any(
        not close(e, b, s) for _, e, b, s in known
    )


def _graph_factors(
    chosen: list[DataPoint], factors: dict[int, PointFactors],
) -> dict[str, tuple[str, dict[int, float]]]:
    """Every chain-rule factor between labelled nodes at each point: name -> (formula, point -> value)."""
    out: dict[str, tuple[str, dict[int, float]]] = {}
    dropped: set[str] = set()
    for p in chosen:
        for name, value, text in factors[p.index].every_factor():
            if name in dropped:
                continue
            entry = out.setdefault(name, (text, {}))
            if p.index in entry[1] and not math.isclose(entry[1][p.index], value):
                dropped.add(name)  # two different factors of one name at a point: ambiguous
                del out[name]
                continue
            entry[1][p.index] = value
    return out
