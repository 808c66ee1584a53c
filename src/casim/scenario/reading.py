"""Reading an input file (scenario, experiment, record, result table) in bounded time and
memory: only a regular file, at most a given size (or, for a table read a part at a time,
of lines at most a given length), UTF-8 (a leading byte-order mark is accepted and
dropped). Every refusal is one :class:`~casim.scenario.errors.ScenarioError`
naming the file.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from casim.scenario.errors import ScenarioError

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_LINE_BYTES",
    "check_path",
    "open_input",
    "open_input_lines",
    "read_input_bytes",
    "read_input_text",
]

#: The largest input file read (64 MiB): the shipped scenario is about 100 kB, the record
#: about 10 kB; a larger file is refused before it is read.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: The longest line of a file read a part at a time (:func:`open_input_lines`; 16 KiB):
#: the longest line casim writes into a table, a row of the panel, is about 500 bytes.
MAX_LINE_BYTES = 16 * 1024

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
    with open_input(path, key=key, max_bytes=max_bytes, what=what) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ScenarioError(path, key, f"a {what} of at most {max_bytes} bytes", "a larger one")
    return data


def open_input(
    path: Path | str, *, key: str = "", max_bytes: int | None = None, what: str = "file"
) -> BinaryIO:
    """A regular file opened for reading (binary), refused as :func:`read_input_bytes`
    refuses it; ``max_bytes`` None: of any size (the caller reads it a part at a time)."""
    path = check_path(path, key)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(path, key, f"an existing {what}", "no such file") from None
    except OSError as err:
        raise ScenarioError(path, key, f"a readable {what}", err.strerror or str(err)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(path, key, f"a regular {what}", _kind(info.st_mode))
    if max_bytes is not None and info.st_size > max_bytes:
        raise ScenarioError(
            path, key, f"a {what} of at most {max_bytes} bytes", f"{info.st_size} bytes"
        )
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since the check, opening
        # it does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise ScenarioError(path, key, f"a readable {what}", err.strerror or str(err)) from None
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise ScenarioError(path, key, f"a regular {what}", "another kind of file")
    return fh


def open_input_lines(
    path: Path | str, *, key: str = "", max_line: int = MAX_LINE_BYTES, what: str = "file"
) -> TextIO:
    """A regular file of any size opened as UTF-8 text (a BOM is dropped, line ends are
    kept as they are), to be read a part at a time: a line of more than ``max_line``
    bytes is a ScenarioError naming ``path`` when the reading reaches it, so that a file
    without line breaks is never held whole. Undecodable bytes raise UnicodeDecodeError
    when they are read."""
    raw = _LineCapped(open_input(path, key=key, what=what), path, key, max_line, what)
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")


class _LineCapped(io.RawIOBase):
    """A binary file read through, refused as soon as a line is longer than ``limit``."""

    def __init__(self, fh: BinaryIO, path: Path | str, key: str, limit: int, what: str):
        super().__init__()
        self._fh, self._path, self._key, self._limit, self._what = fh, path, key, limit, what
        self._since = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._fh.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            self._check(self._since + end - start)
            self._since, start = 0, end + 1
        self._since += n - start
        self._check(self._since)
        return n

    def _check(self, length: int) -> None:
        if length > self._limit:
            raise ScenarioError(
                self._path,
                self._key,
                f"a {self._what} of lines of at most {self._limit} bytes",
                "a longer line",
            )

    def close(self) -> None:
        self._fh.close()
        super().close()


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
