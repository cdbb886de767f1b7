"""engine.files: every write names the function, the path and the real cause; a real file is written right."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engine.files import as_path, cannot, cause, check_parent, make_dirs, write_bytes, write_text
from viz.cli.run import run_command


def test_writes_the_bytes_and_the_text(tmp_path):
    assert write_bytes(tmp_path / "a.bin", b"\x00\xff", "f").read_bytes() == b"\x00\xff"
    # UTF-8, a lone surrogate (a label made from undecodable bytes) as its escape: UTF-8 cannot hold it.
    path = write_text(str(tmp_path / "a.txt"), "é\udcff\n", "f")
    assert path == tmp_path / "a.txt" and path.read_bytes() == "é\\udcff\n".encode()


@pytest.mark.parametrize("code, says", [
    (errno.ENOSPC, "No space left on device (ENOSPC)"),
    (errno.EACCES, "Permission denied (EACCES)"),
    (errno.EROFS, "Read-only file system (EROFS)"),
    (errno.EISDIR, "it is a directory; give a file name (EISDIR)"),
    (errno.ENAMETOOLONG, "File name too long (ENAMETOOLONG)"),
])
def test_the_cause_is_the_systems_reason_and_its_errno_name(code, says, tmp_path):
    err = OSError(code, os.strerror(code))
    assert cause(err, tmp_path / "x") == says


def test_a_missing_directory_or_a_file_in_the_way_is_named(tmp_path):
    (tmp_path / "f").write_text("")
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory")
    no, f = str(tmp_path / "no"), str(tmp_path / "f")
    assert cause(missing, tmp_path / "no" / "such" / "x.svg") == f"the directory {no!r} does not exist (ENOENT)"
    not_dir = NotADirectoryError(errno.ENOTDIR, "Not a directory")
    assert cause(not_dir, tmp_path / "f" / "g" / "x.svg") == f"{f!r} is a file, not a directory (ENOTDIR)"
    # mkdir -p makes missing directories: then the missing one is not the cause, the system's reason is.
    assert cause(missing, tmp_path / "no" / "x", making=True) == "No such file or directory (ENOENT)"


@pytest.mark.parametrize("kind, code", [(PermissionError, errno.EACCES), (FileNotFoundError, errno.ENOENT),
                                        (OSError, errno.ENOSPC)])
def test_cannot_keeps_the_kind_and_has_no_errno_of_its_own(kind, code, tmp_path):
    err = cannot(kind(code, os.strerror(code)), tmp_path / "x.csv", "to_csv")
    assert type(err) is kind and str(err).startswith(f"to_csv: cannot write {str(tmp_path / 'x.csv')!r}: ")
    # No errno/filename: its text stays the message, and a command line does not take it for stdout's.
    assert err.errno is None and err.filename is None
    assert run_command("prog", lambda: (_ for _ in ()).throw(err)) == 2


def test_a_pipe_whose_reader_left_is_not_standard_outputs(tmp_path, capsys):
    err = cannot(BrokenPipeError(errno.EPIPE, "Broken pipe"), tmp_path / "fifo", "explore")
    assert type(err) is OSError  # a BrokenPipeError would end the command quietly, as `| head` does
    assert run_command("prog", lambda: (_ for _ in ()).throw(err)) == 2
    assert "explore: cannot write" in capsys.readouterr().err


def test_check_parent_before_the_work(tmp_path):
    (tmp_path / "f").write_text("")
    assert check_parent(tmp_path / "ok.svg", "render") == tmp_path / "ok.svg"
    with pytest.raises(IsADirectoryError, match="it is a directory; give a file name"):
        check_parent(tmp_path, "render")
    with pytest.raises(NotADirectoryError, match=r"'.*f' is a file, not a directory \(ENOTDIR\)"):
        check_parent(tmp_path / "f" / "x.svg", "render")
    with pytest.raises(FileNotFoundError, match=r"the directory '.*no' does not exist \(ENOENT\)"):
        check_parent(tmp_path / "no" / "deeper" / "x.svg", "render")
    with pytest.raises(OSError, match=r"^render: cannot write .*File name too long \(ENAMETOOLONG\)$"):
        check_parent(tmp_path / ("n" * 300) / "x.svg", "render")


def test_make_dirs(tmp_path):
    (tmp_path / "f").write_text("")
    assert make_dirs(tmp_path / "a" / "b", "w").is_dir()
    assert make_dirs(tmp_path / "a" / "b", "w").is_dir()  # again: nothing to do
    with pytest.raises(FileExistsError, match=r"^w: cannot make the directory '.*f': it is a file$"):
        make_dirs(tmp_path / "f", "w")
    with pytest.raises(NotADirectoryError, match=r"'.*f' is a file, not a directory \(ENOTDIR\)"):
        make_dirs(tmp_path / "f" / "g", "w")


@pytest.mark.parametrize("path, kind, says", [(3, TypeError, "f: path must be a file name (str or Path), got int"),
                                              (True, TypeError, "got bool"), (" ", ValueError, "got ' '")])
def test_as_path(path, kind, says):
    with pytest.raises(kind, match=says.replace("(", r"\(").replace(")", r"\)")):
        as_path(path, "f")
    assert as_path("x.csv", "f") == Path("x.csv")
