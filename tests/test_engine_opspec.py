"""Each op declared once (engine.ops.OPS): the declaration is right, and every consumer covers every op.

The derivative texts are checked against the engine's local derivatives by
evaluating them as Python; each consumer (FUNCTIONS, viz.chainrule.formulas, python -m viz's
reader) is walked over all of OPS, so an op added to value.py alone is covered
or a test here fails naming it.
"""

import math
import re

import pytest

import engine
from engine import FUNCTIONS, Value
from engine.ops import OPS, POWER, OpSpec, function, operator, spec_of
from viz.chainrule.formulas import Namer, covers, edge_formula, expression_of, formula_text
from viz.expression import evaluate


def make(spec: OpSpec, exponent: float = 3.0) -> tuple[Value, dict[str, Value]]:
    """A node of ``spec``'s op from labelled leaves, and its inputs by placeholder."""
    a, b = Value(0.7, "a"), Value(1.3, "b")
    if spec.name == POWER:
        node = a**exponent
    elif spec.name == "**":
        node = a**b
    else:
        method = getattr(Value, spec.method)
        node = method(a) if spec.arity == 1 else method(a, b)
    return node, dict(zip(spec.placeholders, node.inputs))


def test_every_op_is_declared():
    assert set(OPS) == {"+", "-", "*", "/", "neg", POWER, "**", "exp", "log", "softplus", "sigmoid", "tanh", "relu",
                        "square"}


@pytest.mark.parametrize("spec", OPS.values(), ids=list(OPS))
def test_the_method_makes_nodes_of_the_declared_op(spec):
    node, _ = make(spec)
    assert spec_of(node.op) is spec
    assert len(node.inputs) == len(node.local_grads) == spec.arity == len(spec.derivatives)
    assert spec.placeholders == (("x",) if spec.arity == 1 else ("a", "b"))


def as_python(text: str) -> str:
    """A declared text as Python: ``sigmoid({x})·(1 - sigmoid({x}))`` -> ``sigmoid(x)*(1 - sigmoid(x))``."""
    text = text.replace("{n-1}", "(n-1)").replace("{", "").replace("}", "")
    text = re.sub(r"ln (\w+)", r"log(\1)", text)
    return text.replace("·", "*").replace("^", "**").replace("[", "(").replace("]", ")")


# The functions by formula, for the texts to call; an op with none here (a new one) is
# evaluated by the engine's own call form, which still checks its derivative text.
def by_engine(name):
    return lambda x: FUNCTIONS[name](x).data


MATH = {
    **{name: by_engine(name) for name in FUNCTIONS},
    "exp": math.exp, "log": math.log, "tanh": math.tanh, "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "softplus": lambda x: math.log1p(math.exp(x)), "relu": lambda x: max(x, 0.0), "square": lambda x: x * x,
}


@pytest.mark.parametrize("spec", OPS.values(), ids=list(OPS))
@pytest.mark.parametrize("exponent", [3.0, 0.5, -2.0, 1.0])
def test_derivative_texts_are_the_engines_local_derivatives(spec, exponent):
    node, inputs = make(spec, exponent)
    env = {**MATH, "n": exponent, **{k: v.data for k, v in inputs.items()}}
    for i, text in enumerate(spec.derivatives):
        assert float(eval(as_python(text), env)) == pytest.approx(node.local_grads[i], rel=1e-12), text
    assert eval(as_python(spec.expression).replace("neg", ""), env) == pytest.approx(node.data, rel=1e-12)


# ------------------------------------------------------------------ the consumers


def test_functions_are_exactly_the_declared_call_forms():
    assert list(FUNCTIONS) == [s.name for s in OPS.values() if s.function]
    for name, fn in FUNCTIONS.items():
        assert getattr(engine, name) is fn and name in engine.__all__
        assert fn.__name__ == name and fn.__doc__ == getattr(Value, OPS[name].method).__doc__


@pytest.mark.parametrize("spec", OPS.values(), ids=list(OPS))
def test_formulas_name_every_op_and_every_edge(spec):
    assert covers(spec)
    node, inputs = make(spec)
    name = Namer(3)
    assert name(node) is not None  # the node's expression
    for i in range(spec.arity):
        formula = edge_formula(node, i, name)
        assert formula is not None
        assert formula_text(formula) is not None or formula.factors == () and formula.coef == node.local_grads[i]


@pytest.mark.parametrize("spec", OPS.values(), ids=list(OPS))
def test_the_command_line_reader_accepts_every_op(spec):
    values = {"a": 0.7, "b": 1.3} if spec.arity == 2 else {"a": 0.7}
    source = {
        "neg": "-a",
        POWER: "a ** 3",
    }.get(spec.name, f"{spec.name}(a)" if spec.function else f"a {spec.name} b")
    root = evaluate(source, values).root
    assert spec_of(root.op) is spec


# Edge texts written out by hand for an input that is a difference (o - p), which
# needs parentheses wherever a product, quotient or power holds it.
U = Value(2.0, "o") - Value(0.5, "p")
W = Value(1.5, "w")
EDGES = [
    (U * W, ["w", "o - p"]),
    (U / W, ["1/w", "-(o - p)/w^2"]),
    (U**3, ["3·(o - p)^2"]),
    (U**2, ["2·(o - p)"]),
    (U**0.5, ["0.5·(o - p)^-0.5"]),
    (U**W, ["w·(o - p)^(w - 1)", "(o - p)^w·ln (o - p)"]),
    (U.exp(), ["exp(o - p)"]),
    (U.log(), ["1/(o - p)"]),
    (U.softplus(), ["sigmoid(o - p)"]),
    (U.sigmoid(), ["sigmoid(o - p)·(1 - sigmoid(o - p))"]),
    (U.tanh(), ["1 - tanh(o - p)^2"]),
    (U.relu(), ["[o - p > 0]"]),
    (U.square(), ["2·(o - p)"]),
    (3 / U, ["1/(o - p)", "-3/(o - p)^2"]),
    (U * 3, [None, "o - p"]),  # the constant 3 is shown as its number
]
NAMES = [
    (U + W, "o - p + w"), (U - W, "o - p - w"), (W - U, "w - (o - p)"), (U * W, "(o - p)·w"),
    (-U, "-(o - p)"), (U**3, "(o - p)^3"), (U**W, "(o - p)^w"), (U.tanh(), "tanh(o - p)"),
]


@pytest.mark.parametrize("node, texts", EDGES, ids=[n.op for n, _ in EDGES])
def test_edge_texts(node, texts):
    name = Namer(3)
    assert [formula_text(edge_formula(node, i, name)) for i in range(len(node.inputs))] == texts


@pytest.mark.parametrize("node, text", NAMES, ids=[n.op for n, _ in NAMES])
def test_node_names(node, text):
    assert Namer(3)(node).text == text


@pytest.mark.parametrize("node, text", NAMES, ids=[n.op for n, _ in NAMES])
def test_expression_of_a_node_from_its_inputs_names(node, text):
    name = Namer(3)
    assert expression_of(node, [name(i) for i in node.inputs]).text == text


def test_a_leaf_has_no_expression():
    assert expression_of(W, []) is None


def other(self):
    return self


def test_an_op_cannot_be_declared_twice():
    with pytest.raises(ValueError, match=r"op 'softplus' is declared twice \(softplus, other\)"):
        function("softplus", "sigmoid({x})")(other)
    with pytest.raises(ValueError, match="one derivative per input"):
        operator("triple", "1", "1", "1", expression="{a}")(lambda self: self)
    assert "triple" not in OPS
