"""Running a command line so that every way it can fail ends in one line on stderr and a status.

Every chaingrad command (``python -m viz``, ``python -m demos``, ``python -m
demos.replay`` ...) runs its body through ``run_command``:

- a bad argument, a file that cannot be written, a ``dot`` that fails, is
  missing or takes too long: ``prog: error: <one line>``, status 2;
- standard output closed (``>&-``) or full (``> /dev/full``): the same, said so;
- the reader of a pipe going away (``| head``): quietly, status 0;
- Ctrl-C: status 130.

No traceback reaches the user from any of these.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from viz.expression import ExpressionError
from viz.graph.dot_program import DotError, DotNotFoundError
from viz.replay.media import ToolNotFoundError

__all__ = ["ERRORS", "run_command", "say_error"]

#: What a command reports as ``prog: error: ...`` with status 2.
ERRORS: tuple[type[BaseException], ...] = (ExpressionError, ValueError, TypeError, OSError, DotError,
                                           DotNotFoundError, ToolNotFoundError)


def say_error(prog: str, err: BaseException | str) -> int:
    """Print ``prog: error: <message on one line>`` on stderr; returns 2, the usage-error status."""
    message = " ".join(str(err).split())  # one line, whatever the error text holds
    try:
        print(f"{prog}: error: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):  # stderr closed too: the status says it
        pass
    return 2


def _stdout_usable() -> bool:
    out = sys.stdout
    if out is None:
        return False
    try:
        os.fstat(out.fileno())
    except (OSError, ValueError, AttributeError):
        # No file descriptor: a captured stream (pytest, StringIO) is fine if it is open.
        return out is not None and not getattr(out, "closed", False)
    return True


def _silence_stdout() -> None:
    """Point stdout at devnull, so that the interpreter's final flush has nothing to complain about."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  # lives until the interpreter exits
    except OSError:
        pass


def run_command(prog: str, body: Callable[[], object],
                handle: Callable[[BaseException], int | None] | None = None) -> int:
    """``body()``'s status (an int it returns, else 0), every failure turned into one line and a status.

    ``handle(err)`` may claim an exception first (a demo's check mismatch: status 1);
    it returns the status, or None to leave the error to the rules above.
    """
    if not _stdout_usable():
        return say_error(prog, "standard output is closed; redirect it (> FILE or > /dev/null)")
    try:
        status = body()
        sys.stdout.flush()  # a full disk shows here, not in the interpreter's exit
    except BrokenPipeError:
        # The reader went away (`python -m demos | head`): stop quietly.
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        try:
            print(file=sys.stderr)
        except (OSError, ValueError, AttributeError):
            pass
        return 130
    except Exception as err:  # noqa: BLE001  # sorted below: ours to report, or a bug to show
        claimed = handle(err) if handle is not None else None
        if claimed is not None:
            return claimed
        if not isinstance(err, ERRORS):
            raise
        if isinstance(err, OSError) and _is_stdout_error(err):
            _silence_stdout()
            return say_error(prog, f"cannot write to standard output: {err.strerror or err}")
        return say_error(prog, err)
    return status if isinstance(status, int) else 0


def _is_stdout_error(err: OSError) -> bool:
    """Whether ``err`` came from writing stdout (no file name: a disk full, a closed descriptor)."""
    return err.filename is None and err.errno is not None
