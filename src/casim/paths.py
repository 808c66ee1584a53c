"""Where the shipped scenarios are: the repository (editable install) or the wheel's copy."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_scenario"]


def default_scenario() -> Path:
    """The history scenario shipped with casim."""
    here = Path(__file__).resolve().parent
    candidates = [
        here.parents[1] / "scenarios" / "history.toml",  # src layout, editable install
        here / "_scenarios" / "history.toml",  # installed wheel
        Path.cwd() / "scenarios" / "history.toml",
    ]
    for path in candidates:
        if path.is_file():
            return path
    return candidates[-1]
