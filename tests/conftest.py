"""Shared fixtures: the shipped history scenario and a helper to write overlay files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import casim
from casim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"


@pytest.fixture(scope="session")
def history_path() -> Path:
    return HISTORY


@pytest.fixture(scope="session")
def history() -> Scenario:
    return casim.load_scenario(HISTORY)


@pytest.fixture
def overlay(tmp_path: Path) -> Callable[[str], Path]:
    """Write a scenario file that extends the history scenario; return its path."""

    def write(body: str, name: str = "overlay.toml") -> Path:
        path = tmp_path / name
        path.write_text(f'extends = "{HISTORY.as_posix()}"\n{body}', encoding="utf-8")
        return path

    return write
