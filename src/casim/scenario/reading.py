"""Reading an input file (scenario, experiment, record, result table) in bounded time and
memory: only a regular file, at most a given size, UTF-8 (a leading byte-order mark is
accepted and dropped). Every refusal is one :class:`~casim.scenario.errors.ScenarioError`
naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from casim.scenario.errors import ScenarioError

__all__ = ["MAX_INPUT_BYTES", "check_path", "read_input_bytes", "read_input_text"]

#: The largest input file read (64 MiB): the shipped scenario is about 100 kB, the record
#: about 10 kB; a larger file is refused before it is read.
MAX_INPUT_BYTES = 64 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"


def check_path(path: Path | str, key: str = "") -> Path:
    """``path`` as a Path, refused if it cannot name a file (an embedded null byte)."""
    text = str(path)
    if "\x00" in text:
        shown = text.replace("\x00", "\\0")
        raise ScenarioError(shown, key, "a file name without a null byte", "a null byte")
    return Path(path)


def read_input_bytes(
    path: Path | str, *, key: str = "", max_bytes: int = MAX_INPUT_BYTES, what: str = "file"
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else (no such file, a
    directory, a FIFO, a device, a larger file) is a ScenarioError naming ``path``."""
    path = check_path(path, key)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(path, key, f"an existing {what}", "no such file") from None
    except OSError as err:
        raise ScenarioError(path, key, f"a readable {what}", err.strerror or str(err)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(path, key, f"a regular {what}", _kind(info.st_mode))
    if info.st_size > max_bytes:
        raise ScenarioError(
            path, key, f"a {what} of at most {max_bytes} bytes", f"{info.st_size} bytes"
        )
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since the check, opening
        # it does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise ScenarioError(path, key, f"a readable {what}", err.strerror or str(err)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ScenarioError(path, key, f"a regular {what}", "another kind of file")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ScenarioError(path, key, f"a {what} of at most {max_bytes} bytes", "a larger one")
    return data


def read_input_text(
    path: Path | str, *, key: str = "", max_bytes: int = MAX_INPUT_BYTES, what: str = "file"
) -> str:
    """The text of a UTF-8 file read by :func:`read_input_bytes` (a BOM is dropped)."""
    data = read_input_bytes(path, key=key, max_bytes=max_bytes, what=what)
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            path, key, "UTF-8 text", f"undecodable bytes at byte {err.start}"
        ) from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
