"""Scenario files: schema, loading (with ``extends``), validation and errors.

Imports nothing from the rest of casim but the log's vocabulary (:mod:`casim.log`).
"""

from casim.scenario.errors import ScenarioError
from casim.scenario.load import load_scenario, load_toml, with_window
from casim.scenario.schema import OBSERVED_KINDS, Scenario

__all__ = [
    "OBSERVED_KINDS",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "load_toml",
    "with_window",
]
