"""The stances act: each stance set low and high from 2023 moves the outcome it must move,
in the right direction and by a clearly visible amount (the cases of
``scripts/stance_effects.py``, whose table the README shows, here on fewer runs)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from casim.scenario.load import load_scenario

RUNS = 60


def _module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "stance_effects.py"
    spec = importlib.util.spec_from_file_location("stance_effects", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("stance_effects", module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


MODULE = _module()
ALL_CASES = MODULE.cases(load_scenario(MODULE.HISTORY))
#: One case per kind of stance (the script's table runs every case on more runs): the
#: doctrine, sovereignty, a dispute settled, a hostile partner turned supportive, and a
#: partner's pull.
CASES = [
    c
    for c in ALL_CASES
    if c.stance.startswith(("Turkmenistan's neutrality", "Tajikistan's sovereignty", "the "))
    or c.stance.startswith("Russia's stance")
    or c.stance.startswith("European Union's pull")
]


def test_every_named_stance_has_a_case() -> None:
    stances = " ".join(c.stance for c in ALL_CASES)
    for word in ("neutrality", "sovereignty", "disposition", "dispute", "pull", "stance on"):
        assert word in stances


@pytest.mark.parametrize("case", CASES, ids=[f"{c.stance} / {c.outcome}" for c in CASES])
def test_stance_moves_its_outcome(case: object) -> None:
    row = MODULE.measure(case, runs=RUNS, seed=11)
    assert row["as_expected"], row
