"""Experiments: ensembles, parameter sweeps and sensitivity analysis over a scenario.

Imported on first use, so that worker processes load only what a run needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casim.experiment.runner import SweepResult, sweep
    from casim.experiment.spec import Experiment, load_experiment

__all__ = ["Experiment", "SweepResult", "load_experiment", "sweep"]


def __getattr__(name: str) -> Any:
    if name in ("Experiment", "load_experiment"):
        from casim.experiment import spec

        return getattr(spec, name)
    if name in ("SweepResult", "sweep"):
        from casim.experiment import runner as module

        return getattr(module, name)
    raise AttributeError(f"module 'casim.experiment' has no attribute {name!r}")
