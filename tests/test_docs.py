"""The generated parameter table matches the shipped scenario."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from casim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_is_current(history: Scenario) -> None:
    spec = importlib.util.spec_from_file_location(
        "parameters_table", ROOT / "scripts" / "parameters_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(history, "scenarios/history.toml")
    committed = (ROOT / "docs" / "PARAMETERS.md").read_text(encoding="utf-8")
    assert committed == expected, "run: python scripts/parameters_table.py"
