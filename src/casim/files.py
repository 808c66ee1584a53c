"""Writing outputs so that a failure never leaves a half-written file: a text file through
a hidden temporary name, a set of files through a hidden staging directory, and a result
directory as a whole.

The rule for a result directory (``casim run``, ``compare`` and ``plot``): it is written
whole into a hidden staging directory beside it, then renamed into place. An existing
directory is replaced as a whole (nothing of the earlier output survives: a run's old
``plots/`` and ``report.html`` go with it) when it is empty or holds only what casim writes
there; a directory holding anything else is refused unless ``force``, and the current
directory, its parents and the home directory are never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from casim.scenario.errors import ScenarioError, format_found

__all__ = [
    "check_replaceable",
    "check_replaceable_file",
    "publish",
    "publish_dir",
    "write_text_atomic",
]


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, LF) to ``path`` through ``.<name>.tmp`` beside it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def publish(out: Path, names: Sequence[str], build: Callable[[Path], None]) -> list[Path]:
    """Let ``build`` write ``names`` into a hidden staging directory, then move them into
    ``out`` (created with its parents if needed), replacing files of those names; nothing
    reaches ``out`` if ``build`` fails. Other files in ``out`` are left alone."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "a file, not a directory", str(out))
    where = _nearest_directory(out)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=where))
    except OSError as err:  # name the directory asked for, not the staging one
        raise OSError(err.errno, err.strerror, str(out)) from None
    try:
        build(tmp)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            os.replace(tmp / name, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_replaceable(out: Path, owned: Collection[str], *, force: bool = False) -> None:
    """Raise ScenarioError unless ``out`` may be written as a whole: it does not exist, or
    it is a directory that is empty or holds only entries named in ``owned`` (what casim
    writes there), or ``force`` is given. Never the current directory, one of its
    parents or the home directory, nor a file."""
    out = Path(out)
    if not out.exists():
        return
    if not out.is_dir():
        raise ScenarioError("<command line>", "--out", "a directory", f"a file {str(out)!r}")
    here = out.resolve()
    cwd = Path.cwd().resolve()
    if here == cwd or here in cwd.parents or here == Path.home().resolve():
        raise ScenarioError(
            "<command line>",
            "--out",
            "a directory of its own (it is replaced as a whole)",
            f"{str(out)!r}, the current, a parent or the home directory",
        )
    foreign = sorted(p.name for p in out.iterdir() if p.name not in owned)
    if foreign and not force:
        raise ScenarioError(
            "<command line>",
            "--out",
            "a new directory or an earlier output of this command "
            "(--force replaces any directory as a whole)",
            f"{str(out)!r} holding {format_found(', '.join(foreign))}",
        )


def check_replaceable_file(
    path: Path, ours: Callable[[Path], bool], *, force: bool = False, flag: str = "--out"
) -> None:
    """Raise ScenarioError unless the file ``path`` may be replaced: it does not exist, or
    ``ours`` says it is an earlier output of this command, or ``force`` is given. Never a
    directory or anything else that is not a regular file."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise ScenarioError(
            "<command line>", flag, "a file it may write", f"{str(path)!r}, not a regular file"
        )
    if not force and not ours(path):
        raise ScenarioError(
            "<command line>",
            flag,
            "a new file or an earlier output of this command (--force replaces any file)",
            f"{str(path)!r}, another file",
        )


def publish_dir(
    out: Path,
    names: Sequence[str],
    build: Callable[[Path], None],
    *,
    owned: Collection[str] = (),
    force: bool = False,
) -> list[Path]:
    """Let ``build`` write ``names`` into a hidden staging directory beside ``out``, then
    put it in the place of ``out`` as a whole (see the module docstring for when an
    existing ``out`` may be replaced: ``owned`` names what this command writes there,
    besides ``names``). Nothing changes if ``build`` fails; return the paths written."""
    out = Path(out)
    check_replaceable(out, {*names, *owned}, force=force)
    parent = out.resolve().parent
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=_nearest_directory(parent)))
    old = tmp.parent / f"{tmp.name}.old"
    try:
        build(tmp)
        for name in names:
            if not (tmp / name).exists():
                raise FileNotFoundError(2, "not written", str(tmp / name))
        tmp.chmod(0o777 & ~_umask())
        parent.mkdir(parents=True, exist_ok=True)  # staged in an ancestor: out is new
        if out.exists():
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            if old.exists():
                os.replace(old, out)
            raise
        return [out / name for name in names]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _nearest_directory(path: Path) -> Path:
    """``path`` if it is a directory, else its nearest existing ancestor."""
    here = Path(path).resolve()
    while not here.is_dir():
        here = here.parent
    return here


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
