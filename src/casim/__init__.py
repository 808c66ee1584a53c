"""casim: a discrete-event simulation of diplomacy among the Central Asian states.

The public API: :func:`load_scenario` reads and validates a scenario file, :func:`run`
runs an ensemble and returns its tables as DataFrames, :func:`run_chunks` yields them a
chunk of runs at a time (memory that does not grow with the runs). ``run``, ``Result``,
``run_chunks`` and ``Chunk`` are imported on first use, so that worker processes, which
need only the engine, never load pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casim._version import __version__
from casim.scenario import Scenario, ScenarioError, load_scenario

if TYPE_CHECKING:
    from casim.api import Result, run
    from casim.stream import Chunk, run_chunks

__all__ = [
    "Chunk",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "run_chunks",
]


def __getattr__(name: str) -> Any:
    if name in ("Result", "run"):
        from casim import api

        return getattr(api, name)
    if name in ("Chunk", "run_chunks"):
        from casim import stream

        return getattr(stream, name)
    raise AttributeError(f"module 'casim' has no attribute {name!r}")
