"""A safe reader for small programs of expressions: ``ast`` against a whitelist, never ``eval``.

    >>> from viz.expression import evaluate
    >>> prog = evaluate("x1 = input*w1 + b1; y1 = softplus(x1)", {"input": 0.5, "w1": 3.34, "b1": -1.43})
    >>> prog.root.label, round(prog.root.data, 4)
    ('y1', 0.8185)

Allowed: numbers, names, ``+ - * / **``, unary ``-``/``+``, parentheses, calls
of the engine's functions (``engine.FUNCTIONS``: every op declared with
``@function`` in ``engine/value.py``, such as ``softplus``) with one argument,
and statements ``name = expression`` separated by ``;`` or newlines. The last
statement is the root. Each assigned name labels its node; every other name
is a leaf whose value must be given. Anything else (attribute
access, subscripts, other calls, lambdas, comprehensions, imports, ...) is
refused with an ``ExpressionError`` naming the construct.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from engine import FUNCTIONS, Value

__all__ = ["ExpressionError", "Program", "evaluate", "parse", "ALLOWED_HELP", "MAX_SOURCE_CHARS"]

#: Longer programs are refused before parsing (a command line is not a file format).
MAX_SOURCE_CHARS = 10_000

ALLOWED_HELP = (
    "allowed: numbers, names, + - * / **, unary -, parentheses, "
    "name = expression statements separated by ';', and the functions "
    + ", ".join(sorted(FUNCTIONS))
    + " with one argument"
)

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# Names of refused constructs, for messages a learner can act on.
_REFUSED = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehensions",
    ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "conditional expressions (a if c else b)",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "the walrus operator (:=)",
    ast.Starred: "starred arguments",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.FunctionDef: "function definitions",
    ast.AsyncFunctionDef: "function definitions",
    ast.ClassDef: "class definitions",
    ast.For: "loops",
    ast.While: "loops",
    ast.If: "if statements",
    ast.With: "with statements",
    ast.Try: "try statements",
    ast.Delete: "del",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.AugAssign: "augmented assignment (+= ...)",
    ast.AnnAssign: "annotated assignment",
    ast.Return: "return",
    ast.Raise: "raise",
    ast.Assert: "assert",
    ast.Pass: "pass",
    ast.MatMult: "the @ operator",
    ast.FloorDiv: "the // operator",
    ast.Mod: "the % operator",
    ast.BitAnd: "the & operator",
    ast.BitOr: "the | operator",
    ast.BitXor: "the ^ operator (use ** for powers)",
    ast.LShift: "the << operator",
    ast.RShift: "the >> operator",
    ast.Not: "not",
    ast.Invert: "the ~ operator",
}


class ExpressionError(ValueError):
    """The expression is malformed, uses something outside the whitelist, or lacks a value."""


@dataclass
class Program:
    """A parsed program: its statements, the names it assigns and the free names (leaves) it reads."""

    statements: list[ast.stmt]
    assigned: list[str] = field(default_factory=list)
    free: list[str] = field(default_factory=list)  # in order of first use
    root: Value = None  # type: ignore[assignment]  # set by evaluate
    values: dict[str, Value] = field(default_factory=dict)  # every name -> its node


def _refuse(node: ast.AST, source: str) -> ExpressionError:
    what = _REFUSED.get(type(node)) or type(node).__name__
    where = ""
    segment = ast.get_source_segment(source, node) if hasattr(node, "lineno") else None
    if segment:
        where = f" in {segment[:40]!r}"
    return ExpressionError(f"refused {what}{where}: not allowed here; {ALLOWED_HELP}")


def _where(err: SyntaxError, typed: list[str]) -> str:
    """`` (line L, column C)`` of a syntax error, counted in the lines as typed (1-based).

    The parser sees each line with its indentation stripped, so the column is moved back by
    the spaces taken off; the line is left out when the program has one line.
    """
    line, column = err.lineno, err.offset
    if line is None or not 1 <= line <= len(typed):
        return ""
    where = [f"line {line}"] if len(typed) > 1 else []
    if column is not None and column > 0:
        text = typed[line - 1]
        where.append(f"column {column + len(text) - len(text.lstrip())}")
    return f" ({', '.join(where)})" if where else ""


def parse(source: str) -> Program:
    """Check ``source`` against the whitelist and list its assigned and free names."""
    if not isinstance(source, str):
        raise ExpressionError(f"the expression must be text, got {type(source).__name__}")
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionError(
            f"the expression has {len(source)} characters, more than {MAX_SOURCE_CHARS}"
        )
    if not source.strip():
        raise ExpressionError("the expression is empty")
    # No statement here opens a block, so indentation means nothing: a program typed
    # over several indented lines (or with a leading space) reads as written.
    typed = source.splitlines()
    source = "\n".join(line.strip() for line in typed)
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as err:
        raise ExpressionError(f"cannot parse the expression: {err.msg}{_where(err, typed)}") from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise ExpressionError(f"cannot parse the expression: {err}") from None
    prog = Program(list(tree.body))
    try:
        for i, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    raise ExpressionError(
                        "refused: only 'name = expression' assignments are allowed"
                        f" (in {ast.get_source_segment(source, stmt)!r})"
                    )
                target = stmt.targets[0].id
                _check_expr(stmt.value, source, prog)
                if target in FUNCTIONS:
                    raise ExpressionError(f"cannot assign to {target!r}: it is one of the engine's functions")
                if target in prog.assigned:
                    raise ExpressionError(f"{target!r} is assigned twice; use a new name for each node")
                if target in prog.free:
                    raise ExpressionError(f"{target!r} is used before it is assigned")
                if isinstance(stmt.value, ast.Name):
                    raise ExpressionError(
                        f"'{target} = {stmt.value.id}' only renames a node; give it an expression"
                    )
                prog.assigned.append(target)
            elif isinstance(stmt, ast.Expr):
                if i != len(tree.body) - 1:
                    raise ExpressionError(
                        "only the last statement may be a bare expression; name the others (name = ...)"
                    )
                _check_expr(stmt.value, source, prog)
            else:
                raise _refuse(stmt, source)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    return prog


def _check_expr(node: ast.AST, source: str, prog: Program) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(
                f"refused: the constant {node.value!r} is not a number; {ALLOWED_HELP}"
            )
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id!r} is a function: call it, as in {node.id}(x)")
        if node.id not in prog.assigned and node.id not in prog.free:
            prog.free.append(node.id)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            raise _refuse(node.op, source) if type(node.op) in _REFUSED else ExpressionError(
                f"refused: operator {type(node.op).__name__}; {ALLOWED_HELP}"
            )
        _check_expr(node.left, source, prog)
        _check_expr(node.right, source, prog)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExpressionError(f"refused: {_REFUSED.get(type(node.op), 'this operator')}; {ALLOWED_HELP}")
        _check_expr(node.operand, source, prog)
        return
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name):
            raise ExpressionError(
                f"refused: calling {ast.get_source_segment(source, func)!r} is not allowed; {ALLOWED_HELP}"
            )
        if func.id not in FUNCTIONS:
            raise ExpressionError(
                f"refused: {func.id!r} is not one of the functions that can be called; {ALLOWED_HELP}"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(f"{func.id}() takes exactly one argument, as in {func.id}(x)")
        _check_expr(node.args[0], source, prog)
        return
    raise _refuse(node, source)


def evaluate(source: str, values: Mapping[str, float]) -> Program:
    """Parse ``source``, make a leaf ``Value(values[name], name)`` per free name, and build the graph.

    Every assigned name labels its node. Missing values, and values for names
    the program does not use, raise ``ExpressionError`` naming them.
    """
    prog = parse(source)
    missing = [n for n in prog.free if n not in values]
    if missing:
        raise ExpressionError(
            "no value for " + ", ".join(missing) + "; give each with --set NAME=VALUE"
        )
    unused = [n for n in values if n not in prog.free]
    if unused:
        hint = " (it is assigned in the expression)" if any(n in prog.assigned for n in unused) else ""
        raise ExpressionError("--set names not used as inputs: " + ", ".join(unused) + hint)
    for n in prog.free:
        prog.values[n] = Value(_number(values[n], n), n)
    try:
        result = None
        for stmt in prog.statements:
            result = _eval(stmt.value, prog.values)  # type: ignore[attr-defined]
            if isinstance(stmt, ast.Assign):
                name = cast(ast.Name, stmt.targets[0]).id  # parse() allows only 'name = ...'
                if not isinstance(result, Value):
                    result = Value(result, name)  # a named number becomes a labelled leaf
                elif any(result is v for v in prog.values.values()):
                    raise ExpressionError(f"'{name} = ...' only renames an existing node; give it an expression")
                prog.values[name] = result.relabel(name)
    except ExpressionError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as err:
        raise ExpressionError(f"cannot evaluate the expression: {err}") from None
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    if not isinstance(result, Value):
        raise ExpressionError("the expression is a plain number; use at least one name")
    prog.root = result
    return prog


def _number(x: object, name: str) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ExpressionError(f"the value of {name!r} must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise ExpressionError(f"the value of {name!r} must be finite, got {x!r}")
    return v


def _eval(node: ast.AST, env: dict[str, Value]) -> Value | float:
    """Walk a checked expression. Numbers stay floats until they meet a Value."""
    if isinstance(node, ast.Constant):
        v = float(cast(float, node.value))  # ints become floats: float powers overflow quickly instead of hanging
        if not math.isfinite(v):
            raise OverflowError(f"the number {node.value!r} is too large")
        return v
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env), _eval(node.right, env)
        op = _BINOPS[type(node.op)]
        if op == "+":
            r: Value | float = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        elif op == "/":
            if not isinstance(a, Value) and not isinstance(b, Value) and b == 0.0:
                raise ZeroDivisionError("/: division by zero")
            r = a / b
        else:
            try:
                power: Value | float | complex = a**b
            except OverflowError:
                raise OverflowError(f"**: {a!r} ** {b!r} is too large for a float") from None
            if isinstance(power, complex):
                raise ValueError(f"**: {a!r} ** {b!r} has no real value")
            r = power
        if isinstance(r, float) and not math.isfinite(r):
            raise OverflowError(f"{op}: the result is too large")
        return r
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return FUNCTIONS[cast(ast.Name, node.func).id](_eval(node.args[0], env))  # parse() allows only f(x)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # parse() refuses these
