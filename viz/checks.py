"""The root a picture or an explanation starts from: an engine Value, and what to say when it is a model."""

from __future__ import annotations

from engine import Value
from engine.checks import check_value

__all__ = ["check_root", "check_instance"]


def check_root(root: object, func: str) -> Value:
    """``root`` if it is an engine ``Value``; otherwise a ``TypeError`` naming its type.

    An nn model (anything callable with ``named_parameters``; viz does not
    import nn) has no single graph to draw until it is run, so the message
    says what to pass instead: its output at an input, or a loss after backward.
    """
    if not isinstance(root, Value) and callable(root) and callable(getattr(root, "named_parameters", None)):
        raise TypeError(
            f"{func}: root must be an engine Value, got {type(root).__name__} (an nn model, whose graph exists"
            f" only once it is run): pass what it computes, {func}(model(0.5)) for one forward pass, or"
            f" {func}(loss) after loss.backward(), e.g. loss = nn.statquest.loss(model)"
        )
    return check_value(root, func, "root", "an engine Value")


def check_instance(x: object, kind: type, func: str, what: str) -> None:
    """``TypeError`` (``func: expected <what>, got <its type>``) unless ``x`` is a ``kind``
    (a class, or a runtime-checkable protocol)."""
    if not isinstance(x, kind):
        raise TypeError(f"{func}: expected {what}, got {type(x).__name__}")
