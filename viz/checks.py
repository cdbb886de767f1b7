"""Every check of viz's public arguments, in one place: each raises one line naming the function.

A public function checks what it is given here, once; the functions it calls trust it.
Options are checked by name (``OPTION_RULES``): ``precision`` is checked the same way
wherever it is an option (``draw``, ``explore``, ``explain``), so a new option is one
rule. What can only be checked against the graph (``highlight=`` names a node of it,
``params=`` holds its leaves) is checked where the graph is first walked, with the
same words.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from engine import Value
from engine.checks import check_bool, check_int, check_str, check_value
from engine.files import check_parent
from viz.chainrule.numbers import fmt
from viz.graph.options import MAX_DPI, MIN_DPI, RANKDIRS

__all__ = [
    "OPTION_RULES", "check_root", "check_instance", "check_options", "check_option", "check_names",
    "check_param_values", "check_param_leaves", "check_point", "check_dot_source", "check_file_path",
    "check_frame_grads", "check_focus", "check_focus_edge",
]


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


# ------------------------------------------------------------------ options, by name


def _rankdir(x: object, func: str, arg: str) -> None:
    if x not in RANKDIRS:
        raise ValueError(f"{func}: {arg} must be 'LR', 'TB', 'RL' or 'BT', got {x!r}")


def _collection_of_values(x: object, func: str, arg: str) -> None:
    # Members are checked where the collection is read (once: it may be a generator).
    if isinstance(x, (str, bytes, Value)) or not isinstance(x, Iterable):
        example = "model.parameters()" if arg == "params" else "nodes of the graph"
        raise TypeError(f"{func}: {arg} must be a collection of Values ({example}), "
                        f"got {type(x).__name__} {x!r:.60}")


def _mapping_of_names(x: object, func: str, arg: str) -> None:
    if not isinstance(x, Mapping):
        raise TypeError(f"{func}: {arg} must be a mapping Value -> str, got {type(x).__name__}")


def _against_the_graph(x: object, func: str, arg: str) -> None:
    """A node or its name (``highlight=``, ``leaf=``): found, or refused, in the graph (``engine.graph.find_node``)."""


def _forward_output(x: object, func: str, arg: str) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"{func}: {arg} must be a Value, the output of the forward graph a gradient reads"
                        f" (the loss of grad(loss, ..., create_graph=True)), got {type(x).__name__}")


Rule = Callable[[object, str, str], object]
_FLAG: Rule = check_bool
_PRECISION: Rule = lambda x, func, arg: check_int(x, func, arg, 1, 17)  # noqa: E731 - a table of rules
_LIMIT: Rule = lambda x, func, arg: check_int(x, func, arg, 1)  # noqa: E731
_DPI: Rule = lambda x, func, arg: check_int(x, func, arg, MIN_DPI, MAX_DPI)  # noqa: E731
_TEXT: Rule = check_str

#: The check of each option, by its name: the same rule wherever the option is taken.
#: An option whose default is None also takes None.
OPTION_RULES: dict[str, Rule] = {
    "show_grads": _FLAG, "formulas": _FLAG, "legend": _FLAG, "compact": _FLAG, "slide": _FLAG,
    "precision": _PRECISION,
    "max_nodes": _LIMIT, "max_layout": _LIMIT, "max_paths": _LIMIT, "max_frames": _LIMIT,
    "rankdir": _rankdir, "dpi": _DPI,
    "title": _TEXT, "subtitle": _TEXT,
    "params": _collection_of_values, "fade": _collection_of_values,
    "names": _mapping_of_names,
    "highlight": _against_the_graph, "leaf": _against_the_graph,
    "forward": _forward_output,
}


def check_option(name: str, value: object, func: str) -> None:
    """``value`` checked by the rule for option ``name`` (``OPTION_RULES``)."""
    OPTION_RULES[name](value, func, name)


def check_options(options: object, func: str) -> None:
    """Each field of an options dataclass (``DrawOptions``, ``PageOptions``) checked by its rule, in order."""
    for field in dataclasses.fields(options):  # type: ignore[arg-type]
        value = getattr(options, field.name)
        if value is None and field.default is None:
            continue
        check_option(field.name, value, func)


# ------------------------------------------------------------------ against the graph


def check_names(names: Mapping[Value, object], order: Sequence[Value], func: str) -> dict[Value, str | None]:
    """The entries of ``names=`` for the graph's nodes, values checked (str, or None: no name).

    Constants are left out: a constant's box and formulas show its number.
    """
    given: dict[Value, str | None] = {}
    for node in order:
        if node.is_constant or node not in names:
            continue
        name = names[node]
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{func}: names values must be str, got {type(name).__name__} {name!r}")
        given[node] = name
    return given


def check_param_values(params: Iterable[object], func: str, arg: str = "params") -> set[Value]:
    """``params=`` (or ``fade=``) of a drawing as a set, each member a ``Value``."""
    chosen = list(params)
    for p in chosen:
        if not isinstance(p, Value):
            raise TypeError(f"{func}: {arg} must hold Values, got {type(p).__name__}")
    return set(chosen)  # type: ignore[arg-type]  # every member was checked above


def check_param_leaves(params: Iterable[object], order: Sequence[Value], func: str) -> list[Value]:
    """``params=`` of a page: labelled leaves of the graph made by the user, each once, in the order given."""
    chosen = list(params)
    members = set(order)
    for p in chosen:
        if not isinstance(p, Value):
            raise TypeError(f"{func}: params must hold Values, got {type(p).__name__}")
        if p not in members:
            raise ValueError(f"{func}: the parameter {p!r} is not in the graph of the root")
        if not p.is_leaf or p.is_constant:
            raise ValueError(f"{func}: the parameter {p!r} is not a leaf made by the user; only leaves can be changed")
        if p.label is None:
            raise ValueError(f"{func}: the parameter {p!r} has no label; give it one (Value(x, 'w1') or .relabel)")
    return list(dict.fromkeys(chosen))  # type: ignore[arg-type]  # as given, each once


def check_point(k: object, n_points: int, func: str, arg: str) -> int:
    """A data point's number, 1..``n_points`` (``ValueError``: ``points must be data points 1..3``)."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n_points:
        what = "a data point" if arg == "point" else "data points"
        raise ValueError(f"{func}: {arg} must be {what} 1..{n_points}, got {k!r}")
    return k


def check_dot_source(digraph: object, func: str) -> str:
    """What ``to_svg`` and ``to_png`` render: DOT text, or the ``.source`` of a drawn graph."""
    if isinstance(digraph, str):
        if digraph.lstrip().startswith("<"):
            # SVG (or other XML) is already a rendered picture: dot would report a syntax error.
            kind = "SVG" if "<svg" in digraph[:2000] else "XML/HTML"
            raise ValueError(
                f"{func}: got {kind} text; it takes DOT source (digraph {{ ... }}) or the "
                "graphviz.Digraph that viz.draw returns (to_svg(draw(root)), to_png(draw(root)))"
            )
        return digraph
    source = getattr(digraph, "source", None)
    if not isinstance(source, str):
        raise TypeError(
            f"{func}: expected a graphviz.Digraph (from viz.draw) or DOT text, got {type(digraph).__name__}"
        )
    return source


def check_file_path(path: object, func: str, what: str) -> Path:
    """``path`` as a ``Path`` to write: a str or a path-like (else ``TypeError``: ``path must be <what>``),
    not a directory, in a directory that exists (``engine.files.check_parent``)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{func}: path must be {what}, got {type(path).__name__} {path!r}")
    return check_parent(path, func)


def check_frame_grads(grads: object, func: str) -> None:
    """A frame's ``grads=``: None, or a mapping Value -> the grad shown (None: a blank cell)."""
    if grads is None:
        return
    if not isinstance(grads, Mapping):
        raise TypeError(f"{func}: grads must be a mapping Value -> float | None, got {type(grads).__name__}")
    for g in grads.values():
        if g is not None and (isinstance(g, bool) or not isinstance(g, (int, float))):
            raise TypeError(f"{func}: grads values must be numbers or None, got {type(g).__name__}")


def check_focus(focus: object, index: Mapping[Value, int], func: str) -> Value | None:
    """A frame's ``focus=``: None, or a node of the graph being drawn."""
    if focus is not None and (not isinstance(focus, Value) or focus not in index):
        raise ValueError(f"{func}: focus must be a node of the graph being drawn")
    return focus


def check_focus_edge(focus_edge: object, index: Mapping[Value, int], shown: Mapping[Value, str],
                     func: str) -> tuple[Value, int]:
    """``focus_edge=(consumer, i)`` of a frame: a node of the graph and one of its input positions."""
    if not (isinstance(focus_edge, tuple) and len(focus_edge) == 2):
        raise TypeError(f"{func}: focus_edge must be a pair (consumer, input index), got {focus_edge!r}")
    consumer, i = focus_edge
    if not isinstance(consumer, Value) or consumer not in index:
        raise ValueError(f"{func}: focus_edge's consumer must be a node of the graph being drawn")
    n = len(consumer.inputs)
    if n == 0:  # no index can be right: say why rather than quote an empty range
        if consumer in shown:
            what = repr(shown[consumer])
        elif consumer.is_constant:
            what = f"(the constant {fmt(consumer.data)})"
        else:
            what = f"(the unnamed leaf holding {fmt(consumer.data)})"
        raise ValueError(f"{func}: focus_edge: the consumer {what} is a leaf: it has no input edges")
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
        raise ValueError(
            f"{func}: focus_edge's input index must be an int in 0..{n - 1} "
            f"(the consumer has {n} inputs), got {i!r}"
        )
    return consumer, i
