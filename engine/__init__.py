"""chaingrad's engine: a scalar autograd whose local derivatives are data.

    >>> from engine import Value
    >>> w1, i, b1 = Value(3.34, "w1"), Value(0.5, "input"), Value(-1.43, "b1")
    >>> y1 = (i * w1 + b1).softplus()
    >>> y1.backward()
    >>> round(w1.grad, 4)   # dy1/dw1 = sigmoid(x1) * input
    0.2799
    >>> y1.inputs[0].local_grads   # d(x1)/d(input*w1), d(x1)/d(b1)
    (1.0, 1.0)
"""

from engine.functions import FUNCTIONS, Function
from engine.gradcheck import GradCheck, check_grad, numerical_grad
from engine.gradients import grad, hessian, hessian_vector_product
from engine.graph import topological_order
from engine.trace import GraphChangedError, Tape, trace
from engine.value import Value

# The call forms, one per op declared with @function in engine/value.py: exp, log, softplus ...
globals().update(FUNCTIONS)

__all__ = [
    "Value",
    "topological_order",
    "numerical_grad",
    "check_grad",
    "GradCheck",
    "grad",
    "hessian",
    "hessian_vector_product",
    *FUNCTIONS,
    "FUNCTIONS",
    "trace",
    "Tape",
    "GraphChangedError",
]


def __getattr__(name: str) -> Function:
    """For type checkers, which do not see the call forms made above: each is a ``Function``."""
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
