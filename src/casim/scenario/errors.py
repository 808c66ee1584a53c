"""The one error type a bad scenario or experiment file raises.

Nothing here knows the schema; it only formats one line that names the file, the key path,
what was expected and what was found.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ScenarioError", "format_found"]


def format_found(value: object, limit: int = 60) -> str:
    """A short, one-line rendering of an offending value."""
    if value is None:
        return "nothing"
    text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ScenarioError(ValueError):
    """A scenario file failed to load or validate.

    ``str(err)`` is one line: ``FILE: KEY.PATH: expected ..., found ...``.
    """

    def __init__(self, file: Path | str, path: str, expected: str, found: str) -> None:
        self.file = str(file)
        self.path = path or "(top level)"
        self.expected = expected
        self.found = found
        super().__init__(f"{self.file}: {self.path}: expected {expected}, found {found}")
