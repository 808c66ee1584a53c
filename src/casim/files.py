"""Writing outputs so that a failure never leaves a half-written file: a text file through
a hidden temporary name, a set of files through a hidden staging directory."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["publish", "write_text_atomic"]


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
    ``out`` (created if needed); nothing reaches ``out`` if ``build`` fails. The staging
    directory is inside ``out`` when it exists, else beside it (same file system)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "a file, not a directory", str(out))
    where = out if out.is_dir() else out.resolve().parent
    try:
        where.mkdir(parents=True, exist_ok=True)
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
