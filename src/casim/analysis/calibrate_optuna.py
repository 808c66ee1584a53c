"""The search of a calibration stage on Optuna (``[calibration] method = "optuna"``).

Each stage runs ``trials`` trials of a seeded Optuna sampler (TPE or CMA-ES) over the
stage's block of parameters (the others held at the current fit), through the ask-and-tell
interface: ``batch`` trials are asked together, run as one sweep (``replicates`` runs each,
common random numbers, so every trial is scored on the same streams as the Latin
hypercube's round 0), and told their ensemble Brier score. The values run are rounded to
four significant digits and clipped to the ranges, as the Latin hypercube's are, so that
the overlay holds exactly what was run. The sampler's seed is drawn from the file's seed
and the stage, so the same file gives the same trials, the same sweeps and the same fit;
each batch is a sweep under ``round-optuna-K``, so a stopped search resumes.

The final round (the best points run again) and the validation on fresh streams are those
of :mod:`casim.analysis.calibrate`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from casim.analysis.calibrate import _given_points, _round4, _Search, optuna_trials

if TYPE_CHECKING:
    import optuna

__all__ = ["optuna_rounds", "sampler_seed"]

#: Second entropy word of an Optuna sampler's seed ("optuna" in ASCII).
_OPTUNA_TAG = 0x6F7074756E61


def sampler_seed(seed: int, stage: int) -> int:
    """The seed of a stage's Optuna sampler, drawn from the calibration's seed."""
    return int(np.random.SeedSequence([seed, _OPTUNA_TAG, stage]).generate_state(1)[0])


def _sampler(kind: str, seed: int) -> optuna.samplers.BaseSampler:
    import optuna

    if kind == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    return optuna.samplers.TPESampler(seed=seed)


def optuna_rounds(
    search: _Search, stage: int, free: list[int], current: np.ndarray
) -> list[pd.DataFrame]:
    """A stage's trials, batch by batch, each batch swept and scored (one frame each)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    cal, names = search.cal, search.names
    seed = sampler_seed(cal.exp.spec.seed, stage)
    study = optuna.create_study(direction="minimize", sampler=_sampler(cal.spec.sampler, seed))
    dists: dict[str, optuna.distributions.BaseDistribution] = {
        names[i]: optuna.distributions.FloatDistribution(
            float(search.low[i]), float(search.high[i])
        )
        for i in free
    }
    total, size = optuna_trials(cal), cal.spec.batch
    reps = cal.exp.spec.replicates
    frames: list[pd.DataFrame] = []
    for k, first in enumerate(range(0, total, size)):
        n = min(size, total - first)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            trials = [study.ask(dists) for _ in range(n)]
        values = np.tile(current, (n, 1)).astype(float)
        for row, trial in enumerate(trials):
            for i in free:
                values[row, i] = trial.params[names[i]]
        values = np.clip(_round4(values), search.low, search.high)
        design = _given_points(search.first, names, values)
        label = f"optuna-{k}"
        search.say(f"{label}: {n} trials x {reps} runs ({cal.spec.sampler})")
        where = search.stage_dir(stage) / f"round-{label}"
        frame = search.evaluate(design, reps, where, label)
        _tell(study, trials, frame)
        frame.insert(0, "stage", stage)
        frames.append(frame)
        search.say(f"{label}: best Brier {frame['brier'].min():.4f}")
    return frames


def _tell(study: Any, trials: list[Any], frame: pd.DataFrame) -> None:
    """Tell each trial its point's objective, the Brier score plus the prior penalty (a
    failed trial when no run answered)."""
    import optuna

    scores = frame.sort_values("point")["objective"].to_numpy(dtype=float)
    for trial, score in zip(trials, scores, strict=True):
        if np.isnan(score):
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, float(score))
