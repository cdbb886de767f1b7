"""Which public function an error names: a check writes ``CALLER``, the entry point its own name.

nn's checks are shared by several public functions (``train`` and
``gradient_descent`` check the same learning rate; ``Neuron``, ``Layer`` and
``MLP`` the same samples), so a check does not know whose argument it checks.
Its message begins with ``CALLER``, and ``@public("train")`` on an entry point
puts ``train`` in its place as the error leaves it::

    <caller>: learning rate lr must be a positive finite number, got 0
    train: learning rate lr must be a positive finite number, got 0

A public function called from inside another (``ssr`` as ``train``'s loss)
names itself, as it did when called alone: its own ``@public`` renames first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["CALLER", "public"]

#: What a check writes for the function's name (``engine.checks``' ``func``); ``public`` replaces it.
CALLER = "<caller>"

F = TypeVar("F", bound=Callable[..., Any])


def public(name: str) -> Callable[[F], F]:
    """Decorate a public entry point: an error raised inside it that begins with ``CALLER`` begins with ``name``.

    The error keeps its class and attributes (``NonFiniteLossError.ledger``);
    only its message changes. Other errors (the user's own) pass unchanged.
    """

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def entry(*args: Any, **kwargs: Any) -> Any:
            try:
                return f(*args, **kwargs)
            except Exception as e:  # re-raised, renamed or not
                message = e.args[0] if e.args else None
                if isinstance(message, str) and message.startswith(CALLER):
                    e.args = (name + message[len(CALLER):], *e.args[1:])
                    if isinstance(e, ImportError):  # its str() is .msg, not .args
                        e.msg = e.args[0]
                raise

        return entry  # type: ignore[return-value]  # the same signature, through functools.wraps

    return decorate
