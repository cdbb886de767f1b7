"""An explanation as LaTeX (amsmath) for a slide, or as Markdown with LaTeX for Jupyter.

``to_latex(e)`` writes d root / d leaf as an ``align*`` block: for each path
the product of its factors, each factor's formula, the numbers, the product;
then the sum over paths beside the engine's grad. ``to_markdown(e)`` puts the
same lines in ``$$\\begin{aligned} ... \\end{aligned}$$`` between sentences,
which Jupyter (MathJax) and GitHub render.

Names become math: a one-letter name with digits is subscripted (``w1`` ->
``w_{1}``), longer words are upright (``\\mathrm{predicted}``), ``sigmoid`` is
``\\sigma``; anything else goes into ``\\text{...}`` through ``viz.chainrule.tex_text``,
so a label can never break the LaTeX: ``to_latex`` is ASCII that pdflatex
compiles whatever the labels hold (``é`` -> ``\\'{e}``, a NUL -> ``\\u0000``),
``to_markdown`` keeps Unicode letters for MathJax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, cast, runtime_checkable

from engine import Value, topological_order
from viz.chainrule.formulas import Namer, node_name
from viz.chainrule.numbers import fmt
from viz.chainrule.tex_text import tex_text, wrap_tex
from viz.chainrule.visible import visible_text
from viz.checks import check_instance
from viz.graph.layout import MAX_NAME, shorten

__all__ = ["to_latex", "to_markdown", "tex_name", "tex_formula", "tex_number", "Derivation"]


class _Factor(Protocol):
    """What is read of a factor d(top)/d(bottom) of a path (``viz.chainrule.explanation.Factor``)."""

    @property
    def top(self) -> Value: ...
    @property
    def bottom(self) -> Value: ...
    @property
    def value(self) -> float: ...
    @property
    def formula(self) -> str | None: ...


class _Path(Protocol):
    """What is read of a path: its factors and their product (``ChainPath``)."""

    @property
    def factors(self) -> Sequence[_Factor]: ...
    @property
    def product(self) -> float: ...


@runtime_checkable
class Derivation(Protocol):
    """What the LaTeX and Markdown are written from: the fields of an ``Explanation`` (from ``explain``).

    A protocol rather than the class itself: ``Explanation.latex()`` calls this module,
    which so needs no import of the module that defines it.
    """

    @property
    def root(self) -> Value: ...
    @property
    def root_name(self) -> str: ...
    @property
    def leaf_name(self) -> str: ...
    @property
    def paths(self) -> Sequence[_Path]: ...
    @property
    def total(self) -> float: ...
    @property
    def grad(self) -> float: ...
    @property
    def precision(self) -> int: ...
    @property
    def names(self) -> Mapping[Value, str] | None: ...
    @property
    def agrees(self) -> bool: ...


# The functions formula text can hold, as LaTeX operators.
_FUNCTIONS = {
    "sigmoid": r"\sigma",
    "exp": r"\exp",
    "log": r"\log",
    "ln": r"\ln",
    "tanh": r"\tanh",
    "softplus": r"\operatorname{softplus}",
    "relu": r"\operatorname{relu}",
    "square": r"\operatorname{square}",
}
_OPERATORS = {"·": r" \cdot ", "×": r" \times ", "+": " + ", "-": " - ", "/": "/", ">": " > ",
              "(": "(", ")": ")", "[": "[", "]": "]", ",": ", "}
# A name: letters (and underscores), optional digits, optional [k] (the replay's data-point index).
_NAME = re.compile(r"([A-Za-z_][A-Za-z_]*?)(\d*)(\[\d+\])?")
_NUMBER = re.compile(r"\d+(\.\d*)?(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf|nan")
_TOKEN = re.compile(r"\s*(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|[A-Za-z_][A-Za-z_0-9]*(?:\[\d+\])?|.)")


class _Whole(str):
    """A token that is a whole label (kept from being split into pieces)."""


def tex_name(name: str, pdflatex: bool = True) -> str:
    """A node's name as math: ``w1`` -> ``w_{1}``, ``predicted`` -> ``\\mathrm{predicted}``,
    ``x1[2]`` -> ``x_{1}[2]``, ``_1`` -> ``\\mathrm{\\_}_{1}``; any other text -> ``\\text{...}``,
    escaped by ``viz.chainrule.tex_text.tex_text`` (ASCII for pdflatex; with ``pdflatex=False``, Unicode).
    A name longer than ``MAX_NAME`` (60) characters is cut, ending in ``…``, as the drawing's boxes are."""
    name = shorten(name, MAX_NAME)  # a slide has no room for more, nor TeX's memory for thousands
    m = _NAME.fullmatch(name)
    if m is None:
        return r"\text{" + tex_text(name, pdflatex) + "}"
    letters, digits, index = m.groups()
    # One letter is a math variable; a word, or any underscore (math's subscript), is upright text.
    base = letters if len(letters) == 1 and letters != "_" else r"\mathrm{" + letters.replace("_", r"\_") + "}"
    return base + (f"_{{{digits}}}" if digits else "") + (index or "")


def tex_number(x: float, precision: int = 3) -> str:
    """``fmt(x)`` as math: ``1.5e-05`` -> ``1.5 \\times 10^{-5}``, negatives as they come."""
    text = fmt(x, precision)
    mantissa, e, exponent = text.partition("e")
    if not e or not exponent.lstrip("+-").isdigit():
        return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}.get(text, text)
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _factor_number(x: float, precision: int) -> str:
    """A number inside a product: in parentheses when negative."""
    text = tex_number(x, precision)
    return f"({text})" if text.startswith("-") else text


def tex_formula(text: str, names: Iterable[str] = (), pdflatex: bool = True) -> str:
    """A formula of ``viz.chainrule.formulas`` (``-2·(observed - predicted)``, ``sigmoid(x1)``) as math.

    ``names`` are labels to keep whole although they are not plain names
    (``a$b``, ``loss [1]``): the graph's labels, which formulas quote as they are.
    ``pdflatex``: as in ``tex_name``.
    """
    odd = sorted({n for n in names if n and not _NAME.fullmatch(n)}, key=len, reverse=True)
    tokens: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        whole = next((n for n in odd if text.startswith(n, i)), None)
        if whole is not None:
            tokens.append(_Whole(whole))
            i += len(whole)
            continue
        m = _TOKEN.match(text, i)
        assert m is not None  # the last alternative matches any character
        if m.group(1).strip():
            tokens.append(m.group(1))
        i = m.end()
    out, _ = _tex_tokens(tokens, 0, None, pdflatex)
    return out.strip()


def _tex_tokens(tokens: list[str], i: int, stop: str | None, pdflatex: bool) -> tuple[str, int]:
    """Tokens from ``i`` up to the closing ``stop`` bracket, as LaTeX; returns (text, next index)."""
    out: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, _Whole):  # a label such as "+" or ")" is a name, not an operator
            out.append(tex_name(tok, pdflatex))
        elif tok == stop:
            return "".join(out), i
        elif tok == "^":  # the exponent: the next atom, or a bracketed group without its brackets
            i += 1
            if i < len(tokens) and tokens[i] == "(":
                inner, i = _tex_tokens(tokens, i + 1, ")", pdflatex)
            elif i + 1 < len(tokens) and tokens[i] in _FUNCTIONS and tokens[i + 1] == "(":
                name = _FUNCTIONS[tokens[i]]  # a^exp(b): the whole call is the exponent
                inner, i = _tex_tokens(tokens, i + 2, ")", pdflatex)
                inner = f"{name}({inner.strip()})"
            else:
                inner = _atom(tokens[i], pdflatex) if i < len(tokens) else ""
            out.append("^{" + inner.strip() + "}")
        elif tok == "(":
            inner, i = _tex_tokens(tokens, i + 1, ")", pdflatex)
            out.append("(" + inner.strip() + ")")
        elif tok == "-" and (not out or out[-1].endswith(("(", " "))):
            out.append("-")  # a sign, not a difference: -2, (-a)
        elif tok in _OPERATORS:
            out.append(_OPERATORS[tok])
        elif tok in _FUNCTIONS and i + 1 < len(tokens) and tokens[i + 1] != "(":
            out.append(_FUNCTIONS[tok] + " ")  # \\ln a, not \\lna
        else:
            out.append(_atom(tok, pdflatex))
        i += 1
    return "".join(out), i


def _atom(tok: str, pdflatex: bool) -> str:
    if tok in _FUNCTIONS and not isinstance(tok, _Whole):
        return _FUNCTIONS[tok]
    if _NUMBER.fullmatch(tok):
        return tok
    return tex_name(tok, pdflatex)


def _partial(top: str, bottom: str, pdflatex: bool) -> str:
    return rf"\frac{{\partial {tex_name(top, pdflatex)}}}{{\partial {tex_name(bottom, pdflatex)}}}"


def _lines(e: Derivation, pdflatex: bool) -> tuple[list[str], str, str]:
    """The aligned lines of the paths, the left side d root / d leaf, and the sum over paths
    (the labels in them ASCII for pdflatex, or Unicode for MathJax)."""
    p = e.precision
    namer = Namer(p, names=e.names)
    order: list[Value] = topological_order(e.root)
    labels = {n.label for n in order if n.label is not None} | set((e.names or {}).values())
    lhs = _partial(e.root_name, e.leaf_name, pdflatex)
    lines: list[str] = []
    for k, path in enumerate(e.paths, start=1):
        lines.append(rf"&\text{{path {k}:}}")
        if not path.factors:
            lines.append(rf"&\qquad {tex_name(e.leaf_name, pdflatex)} \text{{ is the root itself}} = 1")
            continue
        names = [_partial(node_name(f.top, namer, order), node_name(f.bottom, namer, order), pdflatex)
                 for f in path.factors]
        lines.append(r"&\qquad " + r" \times ".join(names))
        forms = [tex_formula(f.formula, labels, pdflatex) if f.formula is not None else _factor_number(f.value, p)
                 for f in path.factors]
        nums = [_factor_number(f.value, p) for f in path.factors]
        if forms != nums:
            lines.append(r"&\qquad = " + r" \times ".join(
                f"({form})" if len(forms) > 1 and f.formula is not None and _needs_brackets(f.formula, j == 0)
                else form
                for j, (form, f) in enumerate(zip(forms, path.factors))))
        if len(nums) > 1:
            lines.append(r"&\qquad = " + r" \times ".join(nums))
        lines.append(r"&\qquad = " + tex_number(path.product, p))
    products = [_factor_number(path.product, p) for path in e.paths]
    total = tex_number(e.total, p)
    sum_line = (" + ".join(products) + " = " + total) if len(products) > 1 else total
    return lines, lhs, sum_line


def _needs_brackets(formula: str, first: bool) -> bool:
    """Whether a factor's formula needs brackets inside a product: a sum or a difference at the
    top level (``1 - tanh(x)^2``) does, and so does a sign after ``×`` (``× (-a/b^2)``)."""
    if formula.startswith("-") and not first:
        return True
    depth = 0
    for i, ch in enumerate(formula):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in "+-" and i > 0 and formula[i - 1] == " ":  # binary, not a sign
            return True
    return False


def _verdict(e: Derivation) -> str:
    return "agree" if e.agrees else tex_text("DIFFER: call zero_grad() before backward()")


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds; control characters (a blank
    line would end the paragraph) as their Python escapes."""
    text = visible_text(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


def to_latex(explanation: object) -> str:
    """The explanation as an amsmath ``align*`` block (needs ``\\usepackage{amsmath}``), ending in a newline;
    ASCII that pdflatex compiles, whatever the labels hold."""
    check_instance(explanation, Derivation, "to_latex", "an Explanation (from explain)")
    e = cast(Derivation, explanation)
    lines, lhs, sum_line = _lines(e, pdflatex=True)
    grad = tex_number(e.grad, e.precision)
    leaf = tex_name(e.leaf_name)
    n = len(e.paths)
    head = (rf"{lhs} &= \sum_{{\text{{{n} path{'s' if n != 1 else ''}}}}}"
            r" \prod \text{local derivatives along the path}")
    body = [head, *lines, rf"{lhs} &= {sum_line}"
            rf" \qquad \text{{engine's grad: }} {leaf}.\mathrm{{grad}} = {grad}\ \text{{({_verdict(e)})}}"]
    # Long labels make long lines: wrap_tex breaks them where TeX reads the break as nothing.
    # No newline after \end{align*}: print() adds the line's end, as it does to str(explanation).
    return wrap_tex("\\begin{align*}\n" + " \\\\\n".join(body) + "\n\\end{align*}")


def to_markdown(explanation: object) -> str:
    """The explanation as Markdown: a sentence, the derivation in ``$$\\begin{aligned}...$$``, the check."""
    check_instance(explanation, Derivation, "to_markdown", "an Explanation (from explain)")
    e = cast(Derivation, explanation)
    lines, lhs, sum_line = _lines(e, pdflatex=False)
    n = len(e.paths)
    intro = (f"{_code(f'd{e.root_name}/d{e.leaf_name}')} is the sum over {n} path{'s' if n != 1 else ''}"
             f" from {_code(e.root_name)} down to {_code(e.leaf_name)} of the product of the local"
             " derivatives along each path:")
    math = "$$\n\\begin{aligned}\n" + " \\\\\n".join([*lines, rf"{lhs} &= {sum_line}"]) + "\n\\end{aligned}\n$$"
    grad, total = fmt(e.grad, e.precision), fmt(e.total, e.precision)
    check = f"Sum over paths: {total}; engine's {_code(e.leaf_name + '.grad')} = {grad} ({_verdict(e)})."
    return f"{intro}\n\n{math}\n\n{check}"
