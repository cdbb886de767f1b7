"""A formula as a learner writes it by hand, read against ``viz.expression``'s whitelist and evaluated in floats.

    >>> f = read_formula("-2 * (Observed - Predicted) * w3 * (e^x1 / (1 + e^x1))",
    ...                  ["observed", "predicted", "w3", "x1"])
    >>> round(f.value({"observed": 1.0, "predicted": 0.5, "w3": 0.36, "x1": 0.0}), 4)
    -0.18

As the articles write formulas: node names case-insensitively (``Predicted``), ``^``
and ``**`` as powers, ``e^x`` (``e`` or ``E`` is Euler's number unless a node is
called so), ``exp``, ``log`` (also ``ln``), ``softplus``, ``sigmoid`` and the engine's other
functions, ``+ - * /`` and parentheses. The text is checked by ``viz.expression.parse`` (an
``ast`` whitelist; never ``eval``); anything else is a ``FormulaError`` with one line.

Labels with dots, as nn names its parameters (``L1.n2.w1``), are names too.
``split_gradient("dSSR/dw3 = ...")`` separates the gradient's two names from the formula.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine import FUNCTIONS, Value
from engine.checks import did_you_mean
from viz.expression import ALLOWED_HELP, ExpressionError, parse

__all__ = ["FormulaError", "HandFormula", "read_formula", "split_gradient", "FORMULA_HELP"]

FORMULA_HELP = (
    "allowed: numbers, node names, + - * /, ^ or ** for powers, e^x, unary -, parentheses, and the functions "
    + ", ".join(sorted(FUNCTIONS)).replace("log", "log (ln)")
    + " with one argument"
)

# ln is the articles' log; the engine's functions by their own names.
_FUNCTION_NAMES = {**{name: name for name in FUNCTIONS}, "ln": "log"}

_GRADIENT = re.compile(
    r"\s*d\s*(?:\(\s*(?P<top_p>[^()=/]+?)\s*\)|(?P<top>[A-Za-z_][\w.]*))\s*/\s*"
    r"d\s*(?:\(\s*(?P<node_p>[^()=/]+?)\s*\)|(?P<node>[A-Za-z_][\w.]*))\s*=(?P<rhs>.*)",
    re.S,
)


class FormulaError(ExpressionError):
    """A formula that cannot be read or evaluated: syntax, an unknown name, a refused construct."""


def split_gradient(text: str) -> tuple[str, str, str]:
    """``"dSSR/dw3 = -2 * (Predicted - Observed) * y1"`` -> ``("SSR", "w3", "-2 * ...")``.

    ``d(predicted)`` is read as ``dpredicted``. ``FormulaError`` when the text does not
    start with ``d<name>/d<name> =``.
    """
    if not isinstance(text, str):
        raise FormulaError(f"the gradient must be text, got {type(text).__name__}")
    m = _GRADIENT.fullmatch(text)
    if m is None:
        raise FormulaError(
            f"write the gradient, then its formula, as in \"dSSR/dw3 = -2*(observed - predicted)*y1\"; got {text!r}"
        )
    top = m.group("top_p") or m.group("top")
    node = m.group("node_p") or m.group("node")
    return top, node, m.group("rhs").strip()


@dataclass(frozen=True)
class HandFormula:
    """A checked formula: ``text`` as written, ``names`` (name as written -> node label or ``e``)."""

    text: str
    tree: ast.expr
    names: Mapping[str, str]

    def value(self, values: Mapping[str, float]) -> float:
        """The formula's value with each node label's number from ``values``.

        ``FormulaError`` when it has none there (division by zero, log of a negative
        number, a result too large for a float, a label missing from ``values``).
        """
        try:
            result = _eval(self.tree, self.names, values)
        except FormulaError:
            raise
        except OverflowError:
            raise FormulaError(f"cannot evaluate {self.text!r}: a number too large for a float") from None
        except (ValueError, ZeroDivisionError, TypeError) as err:
            raise FormulaError(f"cannot evaluate {self.text!r}: {err}") from None
        if not math.isfinite(result):
            raise FormulaError(f"cannot evaluate {self.text!r}: the result is {result!r}")
        return result

    @property
    def labels(self) -> list[str]:
        """The node labels the formula uses, in order of first use."""
        return [label for label in dict.fromkeys(self.names.values()) if label != _EULER]


_EULER = "\0e"  # the names entry of e when it means Euler's number (never a node label)


def _functions_lowercased(text: str) -> str:
    """``Softplus(x)`` -> ``softplus(x)``, ``LN(x)`` -> ``log(x)``: function names before '('."""

    def repl(m: re.Match[str]) -> str:
        name = _FUNCTION_NAMES.get(m.group(1).lower())
        return name if name is not None else m.group(1)

    return re.sub(r"(?<![\w.])([A-Za-z_]\w*)(?=\s*\()", repl, text)


# A dotted name such as nn's L1.n2.w1 (not a call such as math.exp(x), which stays refused).
_DOTTED = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?![\w.]|\s*\()")


def _dotted_names(source: str, labels: list[str]) -> tuple[str, dict[str, str]]:
    """``source`` with each dotted name replaced by an identifier of its own, and identifier -> name.

    Python would read ``L1.n2.w1`` as attribute access, which the whitelist refuses: in
    a graph whose labels have dots, a dotted word is a name (an unknown one gets the
    closest labels); elsewhere (``y1.real``) it stays attribute access, refused as such.
    """
    written: dict[str, str] = {}
    if not any("." in label for label in labels):
        return source, written

    def repl(m: re.Match[str]) -> str:
        key = next((k for k, v in written.items() if v == m.group(0)), f"_dotted{len(written)}_")
        written[key] = m.group(0)
        return key

    return _DOTTED.sub(repl, source), written


def read_formula(text: str, labels: Iterable[str], *, ambiguous: Iterable[str] = ()) -> HandFormula:
    """Check ``text`` against the whitelist and resolve its names among the node ``labels``.

    A name matches a label exactly, or else case-insensitively when that picks one
    label; ``e`` is Euler's number unless a label is ``e``. One expression only.
    ``ambiguous``: labels of several nodes, which a formula cannot name (said so).
    """
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, got {type(text).__name__}")
    labels = list(labels)
    if ";" in text or re.search(r"(?<![=!<>])=(?!=)", text):
        raise FormulaError(f"the formula must be one expression, without '=' or ';': {text!r}")
    source, dotted = _dotted_names(_functions_lowercased(text.replace("^", "**")), labels)
    try:
        prog = parse(source)
    except ExpressionError as err:
        message = str(err).replace(ALLOWED_HELP, FORMULA_HELP)
        for key, name in dotted.items():
            message = message.replace(key, name)
        raise FormulaError(message) from None
    if len(prog.statements) != 1 or not isinstance(prog.statements[0], ast.Expr):
        raise FormulaError(f"the formula must be one expression, without '=' or ';': {text!r}")
    names: dict[str, str] = {}
    lower: dict[str, list[str]] = {}
    for label in labels:
        lower.setdefault(label.lower(), []).append(label)
    for key in prog.free:
        name = dotted.get(key, key)
        if name in labels:
            names[key] = name
        elif len(lower.get(name.lower(), [])) == 1:
            names[key] = lower[name.lower()][0]
        elif name.lower() in lower:
            raise FormulaError(f"{name!r} could be any of {', '.join(lower[name.lower()])}: write it exactly")
        elif name.lower() in {a.lower() for a in ambiguous}:
            raise FormulaError(
                f"{name!r} labels several nodes of one data point; the formula cannot say which one it means"
            )
        elif name.lower() == "e":
            names[key] = _EULER
        else:
            hint = did_you_mean(name, sorted(labels, key=str.lower))
            raise FormulaError(
                f"unknown name {name!r} in the formula; {hint}names: {', '.join(sorted(labels, key=str.lower))}"
            )
    return HandFormula(text.strip(), prog.statements[0].value, names)


def _eval(node: ast.AST, names: Mapping[str, str], values: Mapping[str, float]) -> float:
    """Walk a tree that ``parse`` has checked, in floats; the functions are the engine's."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name):
        label = names[node.id]
        if label == _EULER:
            return math.e
        if label not in values:
            raise FormulaError(f"{label!r} has no value here")
        return float(values[label])
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, names, values)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, names, values), _eval(node.right, names, values)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            if b == 0.0:
                raise ZeroDivisionError("division by zero")
            return a / b
        if a < 0.0 and not b.is_integer():
            raise ValueError(f"{a:g} ^ {b:g} has no real value")
        if a == 0.0 and b < 0.0:
            raise ZeroDivisionError(f"0 ^ {b:g}")
        return float(a**b)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        result: Value = FUNCTIONS[node.func.id](_eval(node.args[0], names, values))
        return result.data
    raise FormulaError(f"refused: {type(node).__name__}")  # parse() let nothing else through
