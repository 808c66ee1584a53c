"""The generated parameter table matches the shipped scenario."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from casim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_is_current(history: Scenario, script: Callable[[str], ModuleType]) -> None:
    expected = script("parameters_table").render(history, "scenarios/history.toml")
    committed = (ROOT / "docs" / "PARAMETERS.md").read_text(encoding="utf-8")
    assert committed == expected, "run: python scripts/parameters_table.py"
