"""Shared fixtures: the shipped history scenario and a helper to write overlay files."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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


@pytest.fixture(scope="session")
def script() -> Callable[[str], ModuleType]:
    """Import a file of scripts/ as a module (its main() is not run)."""

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
