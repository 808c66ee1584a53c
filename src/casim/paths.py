"""Where the shipped scenarios and records are: the repository (editable install) or the
wheel's copy."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_questions", "default_record", "default_scenario"]


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


def default_record() -> Path:
    """The shipped historical record, 2016-2022 (the default climatology reference)."""
    here = Path(__file__).resolve().parent
    candidates = [
        here.parents[1] / "records" / "record_2016_2022.csv",
        here / "_records" / "record_2016_2022.csv",
        Path.cwd() / "records" / "record_2016_2022.csv",
    ]
    for path in candidates:
        if path.is_file():
            return path
    return candidates[-1]


def default_questions() -> Path:
    """The shipped questions of the forecast from 2022-12-31, 2023-2030."""
    here = Path(__file__).resolve().parent
    candidates = [
        here.parents[1] / "records" / "questions_2023_2030.csv",
        here / "_records" / "questions_2023_2030.csv",
        Path.cwd() / "records" / "questions_2023_2030.csv",
    ]
    for path in candidates:
        if path.is_file():
            return path
    return candidates[-1]
