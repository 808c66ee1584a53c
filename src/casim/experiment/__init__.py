"""Experiments: ensembles, parameter sweeps and sensitivity analysis over a scenario."""

from casim.experiment.spec import Experiment, load_experiment
from casim.experiment.sweep import SweepResult, sweep

__all__ = ["Experiment", "SweepResult", "load_experiment", "sweep"]
