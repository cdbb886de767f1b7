"""Writing files for every package: an error names the function, the path and the real cause.

``write_text(path, text, "to_csv")`` writes or raises the ``OSError`` subclass
the system raised (``FileNotFoundError``, ``NotADirectoryError``,
``PermissionError`` ...) with one line such as::

    to_csv: cannot write 'out/a.csv': the directory 'out' does not exist (ENOENT)
    explore: cannot write 'notes.txt/p.html': 'notes.txt' is a file, not a directory (ENOTDIR)
    render: cannot write '/dev/full': No space left on device (ENOSPC)

The new error has no ``errno``/``filename`` of its own (those would change its
text); the system's error stays its ``__context__``. ``check_parent`` finds the
same causes before a long piece of work, so it is not lost at the end.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["as_path", "cause", "check_parent", "cannot", "make_dirs", "write_bytes", "write_text"]


def as_path(path: object, who: str, what: str = "path") -> Path:
    """``path`` as a Path; ``TypeError`` unless it is a non-empty str or an ``os.PathLike``."""
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: {what} must be a file name (str or Path), got {type(path).__name__}")
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"{who}: {what} must be a file name, got {path!r}")
    return Path(path)


def _blocker(path: Path) -> tuple[Path, str] | None:
    """The ancestor of ``path`` that stops it being made: ("a file", p) or ("missing", p), or None."""
    for parent in reversed(path.parents):  # from the top down: the first one that is wrong
        if str(parent) in ("", "."):
            continue
        try:
            if not parent.is_dir():
                return (parent, "a file") if parent.exists() else (parent, "missing")
        except OSError:  # e.g. a name too long to look at: the system's reason will do
            return None
    return None


def cause(err: OSError, path: Path, making: bool = False) -> str:
    """Why ``path`` could not be written (``making``: made as a directory, with its parents), from
    ``err``: a sentence and the errno's name (``(ENOSPC)``)."""
    code = errno.errorcode.get(err.errno, "") if err.errno is not None else ""
    tag = f" ({code})" if code else ""
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        blocker = _blocker(path)
        if blocker is not None and not (making and blocker[1] == "missing"):  # mkdir -p makes those
            where, what = blocker
            if what == "a file":
                return f"{str(where)!r} is a file, not a directory{tag}"
            return f"the directory {str(where)!r} does not exist{tag}"
    if err.errno == errno.EISDIR:
        return f"it is a directory; give a file name{tag}"
    return f"{err.strerror or err}{tag}"


def cannot(err: OSError, path: Path, who: str, verb: str = "write") -> OSError:
    """``err`` as the same kind of error, saying ``who: cannot <verb> 'path': <cause>``."""
    kind = type(err) if type(err) is not BrokenPipeError else OSError  # a pipe's reader: not stdout's
    return kind(f"{who}: cannot {verb} {str(path)!r}: {cause(err, path, verb != 'write')}")


def check_parent(path: str | os.PathLike[str], who: str) -> Path:
    """``path`` as a Path, its directory checked to exist (before the work, not after it):
    ``FileNotFoundError``/``NotADirectoryError`` naming the directory, ``IsADirectoryError``
    when ``path`` itself is a directory."""
    p = Path(path)
    try:
        is_dir = p.is_dir()
    except OSError as err:  # a name too long, a folder that cannot be searched
        raise cannot(err, p, who) from None
    if is_dir:
        raise IsADirectoryError(f"{who}: cannot write {str(p)!r}: it is a directory; give a file name")
    blocker = _blocker(p)
    if blocker is not None:
        where, what = blocker
        if what == "a file":
            raise NotADirectoryError(
                f"{who}: cannot write {str(p)!r}: {str(where)!r} is a file, not a directory (ENOTDIR)")
        raise FileNotFoundError(f"{who}: cannot write {str(p)!r}: the directory {str(where)!r} does not exist (ENOENT)")
    return p


def write_bytes(path: str | os.PathLike[str], data: bytes, who: str) -> Path:
    """Write ``data`` to ``path``; returns the Path. Errors as the module says."""
    p = Path(path)
    try:
        with open(p, "wb") as f:
            f.write(data)
    except OSError as err:
        raise cannot(err, p, who) from None
    return p


def write_text(path: str | os.PathLike[str], text: str, who: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8 (a lone surrogate, which UTF-8 cannot hold, as ``\\udc80``);
    returns the Path. Errors as the module says."""
    return write_bytes(path, text.encode("utf-8", "backslashreplace"), who)


def make_dirs(path: str | os.PathLike[str], who: str) -> Path:
    """Make the directory ``path`` and its parents (nothing when it exists); returns the Path.
    A file in the way, or any other failure: the error names it (``'x' is a file, not a directory``)."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise FileExistsError(f"{who}: cannot make the directory {str(p)!r}: it is a file")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise cannot(err, p, who, "make the directory") from None
    return p
