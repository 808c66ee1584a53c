"""casim: a discrete-event simulation of diplomacy among the Central Asian states.

The public API: :func:`load_scenario` reads and validates a scenario file, :func:`run`
runs an ensemble and returns its tables as DataFrames.
"""

from casim._version import __version__
from casim.api import Result, run
from casim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Result", "Scenario", "ScenarioError", "__version__", "load_scenario", "run"]
