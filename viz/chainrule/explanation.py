"""The chain rule written out: d root / d leaf as a sum over paths of products.

``explain(ssr, w1)`` lists every path from the root down to the leaf. Each path
is a product of factors, one per step between *labelled* nodes (unlabelled
intermediate nodes are multiplied into the factor around them), so a network
whose nodes are labelled like the articles' reads::

    dSSR/dpredicted × dpredicted/dy1 × dy1/dx1 × dx1/dw1
    = -2·(observed - predicted) × w3 × sigmoid(x1) × input

The sum of the path products is set beside the engine's ``grad`` of the leaf.
``names=`` writes nodes by other names, as ``draw(names=)`` does: with the replay's
``viz.chainrule.names.node_names`` the paths read ``dsq[1]/dresidual[1]`` like its boxes.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import overload

from engine import Value, topological_order
from engine.backward_steps import fresh_grads
from engine.graph import Edge, count_paths, find_node, iter_paths
from engine.numeric import float_sum
from viz.chainrule.formulas import Formula, Namer, edge_formula, formula_text, multiply, node_name
from viz.chainrule.latex import to_latex, to_markdown
from viz.chainrule.nonfinite import backward_cause
from viz.chainrule.numbers import fmt
from viz.checks import check_names, check_option, check_root

__all__ = ["explain", "Explanation", "ChainPath", "Factor", "TooManyPathsError", "DEFAULT_MAX_PATHS"]

#: ``explain`` refuses graphs with more root-to-leaf paths than this (``max_paths=`` to change).
DEFAULT_MAX_PATHS = 64

#: explain(..., format=name) -> the text that format gives.
FORMATS: dict[str, Callable[[Explanation], str]] = {
    "text": str,
    "latex": lambda e: to_latex(e),
    "markdown": lambda e: to_markdown(e),
}

#: The explanation's header is wrapped to this many columns.
TEXT_WIDTH = 80

#: A factor of more local derivatives than this shows its number, not a formula (which
#: would be unreadable, and cost a formula per edge of a chain of a million steps).
MAX_FORMULA_STEPS = 1000

#: The verdict when the sum over paths and the engine's grad agree.
AGREE = "agree"


class TooManyPathsError(ValueError):
    """More root-to-leaf paths than ``max_paths``; ``count`` holds how many there are."""

    def __init__(self, message: str, count: int) -> None:
        super().__init__(message)
        self.count = count


@dataclass(frozen=True)
class Factor:
    """One factor d(top)/d(bottom) of a path: the product of the local derivatives between them."""

    name: str  # "dSSR/dpredicted"
    top: Value
    bottom: Value
    value: float
    formula: str | None  # "-2·(observed - predicted)", None when only the number is known
    steps: int  # how many edges (local derivatives) were multiplied


@dataclass(frozen=True)
class ChainPath:
    """A path from the root down to the leaf, as its chain-rule factors."""

    factors: tuple[Factor, ...]
    product: float  # the product of all local derivatives along the path


@dataclass(frozen=True)
class Explanation:
    """d root / d leaf = sum over ``paths`` of their ``product``; ``str()`` is the written-out text."""

    root: Value
    leaf: Value
    root_name: str
    leaf_name: str
    paths: tuple[ChainPath, ...]
    total: float  # sum of the path products
    grad: float  # the engine's leaf.grad, for comparison
    precision: int = 3
    names: Mapping[Value, str] | None = None  # explain's names=: shown instead of labels
    verdict: str = ""  # "agree", or why not (explain says); "" when made by hand: judged from agrees

    @property
    def agrees(self) -> bool:
        """True when the sum over paths equals the engine's grad (to rounding: see ``_close``)."""
        return _close(self.total, self.grad, _size(self.paths))

    def __str__(self) -> str:
        p = self.precision
        d = f"d{self.root_name}/d{self.leaf_name}"
        n = len(self.paths)
        # Wrapped for an 80-column terminal, never inside a name such as d(w1·x + b1)/dw1
        # (its spaces are held as NUL while wrapping); the paths below are as wide as their factors.
        keep = lambda text: text.replace(" ", "\0")  # noqa: E731 - local shorthand
        header = (
            f"{keep(d)} = sum over {n} path{'s' if n != 1 else ''} from {keep(self.root_name)} down to "
            f"{keep(self.leaf_name)} of the product of the local derivatives along each path"
        )
        wrapped = textwrap.wrap(header, TEXT_WIDTH, subsequent_indent="  ", break_on_hyphens=False,
                                break_long_words=False)
        lines = [line.replace("\0", " ") for line in wrapped] + [""]
        for i, path in enumerate(self.paths, 1):
            names = [f.name for f in path.factors]
            forms = [f.formula if f.formula is not None else fmt(f.value, p) for f in path.factors]
            nums = [fmt(f.value, p) for f in path.factors]
            widths = [max(len(a), len(b), len(c)) for a, b, c in zip(names, forms, nums)]
            head = f"path {i}: "
            pad = " " * (len(head) - 2)
            if not path.factors:  # the leaf is the root: d root / d root = 1
                lines += [head + f"{self.leaf_name} is the root itself", pad + "= 1", ""]
                continue
            lines.append(head + " × ".join(s.ljust(w) for s, w in zip(names, widths)).rstrip())
            if forms != nums:
                lines.append(pad + "= " + " × ".join(s.ljust(w) for s, w in zip(forms, widths)).rstrip())
            if len(nums) > 1:
                lines.append(pad + "= " + " × ".join(s.ljust(w) for s, w in zip(nums, widths)).rstrip())
            lines.append(pad + "= " + fmt(path.product, p))
            lines.append("")
        lines.append(f"sum over paths   {d} = {fmt(self.total, p)}")
        verdict = self.verdict or (AGREE if self.agrees else ACCUMULATED)
        lines.append(f"engine's grad    {self.leaf_name}.grad = {fmt(self.grad, p)}   ({verdict})")
        return "\n".join(lines)

    def latex(self) -> str:
        """The derivation as an amsmath ``align*`` block, for a slide (``\\usepackage{amsmath}``)."""
        return to_latex(self)

    def markdown(self) -> str:
        """The derivation as Markdown with LaTeX (``$$\\begin{aligned}...$$``)."""
        return to_markdown(self)

    def _repr_markdown_(self) -> str:
        """Jupyter shows an explanation as Markdown with its formulas typeset."""
        return to_markdown(self)


@overload
def explain(
    root: Value, leaf: Value | str, *, precision: int = 3, max_paths: int = DEFAULT_MAX_PATHS,
    names: Mapping[Value, str] | None = None, format: None = None
) -> Explanation: ...


@overload
def explain(
    root: Value, leaf: Value | str, *, precision: int = 3, max_paths: int = DEFAULT_MAX_PATHS,
    names: Mapping[Value, str] | None = None, format: str
) -> str: ...


def explain(
    root: Value,
    leaf: Value | str,
    *,
    precision: int = 3,
    max_paths: int = DEFAULT_MAX_PATHS,
    names: Mapping[Value, str] | None = None,
    format: str | None = None,
) -> Explanation | str:
    """The chain rule for d root / d leaf, path by path, beside the engine's ``leaf.grad``.

    Returns an ``Explanation`` (``str()`` of it is the text); with ``format``
    the text itself: ``"text"``, ``"latex"`` (amsmath, for a slide) or
    ``"markdown"`` (Markdown with LaTeX, for a notebook).

    ``leaf`` is a node of the graph (a Value, or a label that names exactly one
    node). Each path from ``root`` down to ``leaf`` contributes the product of the
    local derivatives on its edges; their sum is d root / d leaf, which equals
    ``leaf.grad`` after ``root.backward()``. Paths are counted first (dynamic
    programming); more than ``max_paths`` raises ``TooManyPathsError`` with the count.

    ``names``: a mapping Value -> the name to write instead of its label, in the
    factors, formulas and sums, as ``draw(names=)`` shows it in the boxes
    (``viz.chainrule.names.node_names`` gives the replay's ``sq[1]``, ``x1[2]``); a string
    ``leaf`` is looked up by it. Constants keep their number; factors still run
    between labelled nodes, so only the names change.
    """
    check_root(root, "explain")
    check_option("precision", precision, "explain")
    check_option("max_paths", max_paths, "explain")
    if format is not None and format not in FORMATS:
        raise ValueError(f"explain: format must be one of {', '.join(map(repr, FORMATS))} (or None),"
                         f" got {format!r}")
    order = topological_order(root)
    shown = _shown_names(order, names)
    # By its shown name (names= or its label), as draw's highlight= is found.
    target = find_node(root, leaf, "explain", "leaf", order=order, names=shown if names is not None else None,
                       says="labelled")
    count = count_paths(root, target, order=order)  # paths from each node down to the target
    total_paths = count.get(root, 0)
    name = Namer(precision, names=shown)
    root_name = node_name(root, name, order)
    leaf_name = node_name(target, name, order)
    if total_paths > max_paths:
        raise TooManyPathsError(
            f"explain: there are {total_paths} paths from {root_name} down to {leaf_name}, "
            f"more than max_paths={max_paths}; pass max_paths={total_paths} to list them all",
            total_paths,
        )

    paths = tuple(_factors(edges, target, name, order) for edges in iter_paths(root, target, count=count))
    # Correctly rounded; inf + -inf is nan, said so by the verdict (math.fsum would raise).
    total = float_sum(p.product for p in paths)
    verdict = _verdict(root, target, total, _size(paths), root_name=root_name, leaf_name=leaf_name,
                       name=lambda n: node_name(n, name, order))
    e = Explanation(root, target, root_name, leaf_name, paths, total, target.grad, precision,
                    None if names is None else shown, verdict)
    return e if format is None else FORMATS[format](e)


#: Why a finite leaf grad differs from the sum over paths when a fresh backward() gives the sum.
ACCUMULATED = "DIFFER: leaves accumulate over backward() calls; call zero_grad() before backward()"


def _close(total: float, grad: float, size: float) -> bool:
    """Equal within 1e-9 relative, or near 0 within 1e-12 of ``size``, the paths' sum of |products|.

    The absolute term is on the explanation's own scale: paths that cancel to 0 may leave
    round-off, while a grad of 6e-14 against a sum of 3e-14 is twice it, not "close to 0".
    """
    return math.isclose(total, grad, rel_tol=1e-9, abs_tol=1e-12 * size)


def _size(paths: tuple[ChainPath, ...]) -> float:
    return float_sum(abs(p.product) for p in paths)


def _verdict(root: Value, target: Value, total: float, size: float, *, root_name: str, leaf_name: str,
             name: Callable[[Value], str]) -> str:
    """``agree``, or what makes the engine's grad and the sum over paths differ, or leave the float range.

    A nan or inf that one fresh ``backward()`` makes is named where it first appears
    (``viz.chainrule.nonfinite``); a grad that a fresh pass would not give was left by other
    calls: leaves accumulate over them, an interior node keeps the last root's grad.
    """
    grad = target.grad
    if math.isfinite(total) and math.isfinite(grad) and _close(total, grad, size):
        return AGREE
    cause = backward_cause(root, target, name)
    if cause is not None:
        return f"not finite: {cause}"
    fresh = fresh_grads(root)[target]  # finite: the pass stays in range
    if not math.isfinite(total):
        return ("DIFFER: a path's product is beyond the float range; backward(), which sums at each node"
                f" before multiplying further, stays within it: {leaf_name}.grad = {fmt(fresh, 6)}")
    if not _close(total, fresh, size):
        return "DIFFER by rounding: the paths cancel, and backward() sums them node by node"
    if target.is_leaf and grad != 0.0:
        return ACCUMULATED
    if target.is_leaf or grad == 0.0:
        return f"DIFFER: {leaf_name}.grad is {fmt(grad, 3)}: call {root_name}.backward() first"
    return f"DIFFER: {leaf_name}.grad is from a backward() of another root; call {root_name}.backward()"


def _shown_names(order: list[Value], names: Mapping[Value, str] | None) -> dict[Value, str]:
    """``names`` checked, for the graph's nodes that it names (constants keep their number)."""
    if names is None:
        return {}
    check_option("names", names, "explain")
    return {node: name for node, name in check_names(names, order, "explain").items() if name is not None}


def _factors(edges: list[Edge], target: Value, name: Namer, order: list[Value]) -> ChainPath:
    """Group a path's edges into factors between labelled nodes."""
    factors: list[Factor] = []
    product = 1.0
    top: Value | None = None
    locals_: list[float] = []
    forms: list[Formula] | None = []  # None once the factor's formula is unknown or too long
    for node, k in edges:
        if top is None:
            top = node
        local = node.local_grads[k]
        product *= local
        locals_.append(local)
        if forms is not None:
            form = edge_formula(node, k, name) if len(forms) < MAX_FORMULA_STEPS else None
            if form is None:
                forms = None  # the product's formula is unknown: the edges left need none
            else:
                forms.append(form)
        below = node.inputs[k]
        if below is target or below.label is not None:
            value = math.prod(locals_)
            factors.append(
                Factor(
                    name=f"d{node_name(top, name, order)}/d{node_name(below, name, order)}",
                    top=top,
                    bottom=below,
                    value=value,
                    formula=None if forms is None else formula_text(multiply(forms), name.precision),
                    steps=len(locals_),
                )
            )
            top, locals_, forms = below, [], []
    return ChainPath(tuple(factors), product)
