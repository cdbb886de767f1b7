"""Keyword options declared once, as a dataclass, and taken as ``**options`` by the functions that share them.

``draw``, ``render``, ``draw_frame`` and the replay's frames take ``viz.graph.options.DrawOptions``;
``explore`` and ``explore_html`` take ``viz.page.options.PageOptions``; ``python -m viz`` builds
both from its flags. A new option is one field (and its check in ``viz.checks.OPTION_RULES``),
not one more parameter in each signature:

    @keyword_options(DrawOptions)
    def draw(root, **options): ...
    o = read_options(DrawOptions, options, "draw")   # unknown names refused, each value checked

``keyword_options`` gives the function the signature ``help()`` and ``inspect.signature``
show, the dataclass's fields as keyword-only parameters with their defaults.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from engine.checks import did_you_mean
from viz.checks import check_options

__all__ = ["keyword_options", "read_options", "as_keywords", "option_names"]

OptionsT = TypeVar("OptionsT")
F = TypeVar("F", bound=Callable[..., Any])


def option_names(kind: type) -> list[str]:
    """The options of ``kind`` (a dataclass), in the order it declares them."""
    return [f.name for f in dataclasses.fields(kind)]


def keyword_options(*kinds: type, exclude: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a function ``f(..., **options)`` the signature with each field of ``kinds`` as a keyword.

    The function's own parameters come first (``**options`` dropped), then every field of
    the dataclasses but those in ``exclude``, keyword-only with its default; the function
    itself is unchanged.
    """

    def decorate(func: F) -> F:
        own = [p for p in inspect.signature(func).parameters.values() if p.kind is not p.VAR_KEYWORD]
        taken = {p.name for p in own} | set(exclude)
        extra = []
        for kind in kinds:
            for field in dataclasses.fields(kind):
                if field.name not in taken:
                    taken.add(field.name)
                    extra.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                                   default=field.default, annotation=field.type))
        func.__signature__ = inspect.signature(func).replace(parameters=own + extra)  # type: ignore[attr-defined]
        return func

    return decorate


def read_options(kind: type[OptionsT], given: Mapping[str, Any], func: str) -> OptionsT:
    """``given`` (a function's ``**options``) as a ``kind``, every value checked (``viz.checks.check_options``).

    A name that is not an option is a ``TypeError`` naming it, the closest option and all of them.
    """
    known = option_names(kind)
    for name in given:
        if name not in known:
            what = getattr(kind, "WHAT", "option")
            raise TypeError(f"{func}: unknown {what} {name!r}; {did_you_mean(name, known)}"
                            f"the {what}s are {', '.join(known)}")
    options = kind(**given)
    check_options(options, func)
    return options


def as_keywords(options: object) -> dict[str, Any]:
    """An options dataclass as the keywords that make it (its fields' values, not copies)."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}  # type: ignore[arg-type]
