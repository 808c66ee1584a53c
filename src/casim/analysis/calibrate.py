"""Fitting free parameters to a record: ``casim calibrate CALIBRATION``.

A calibration file is an experiment file with an ``lhs`` design over the parameters to
fit, ``[outputs] record`` naming the rows to fit, and a ``[calibration]`` table. The
search minimises the ensemble Brier score (mean over kinds) of each design point:

1. round 0: the file's Latin hypercube, ``replicates`` runs per point;
2. rounds 1..R: a Latin hypercube of ``refine_samples`` points in the box spanned by the
   ``keep`` best points so far, widened by ``margin`` of its width and clipped to the
   file's ranges (values rounded to four significant digits, so that the overlay holds
   exactly what was run);
3. the ``finalists`` best points of all rounds are run again with ``final_replicates``
   runs each; the best of them is the fit;
4. the fit is run once more, ``final_replicates`` runs on fresh random streams (a seed
   drawn from the file's seed): the score it was chosen on is optimistic, since it won on
   its own streams; this one is what to expect.

With ``blocks`` (block-coordinate search), steps 1-3 run for each block of parameters in
turn, ``cycles`` times over: the block's parameters are searched over their ranges while
the others are held at the current fit (their base values at first), and the block's final
round also runs the current fit again, so a stage never trades a good fit for a lucky one.
Fewer dimensions per search means fewer points to find the good region; the objective is
always the overall score, so a block still answers to every kind of row.

Every round is a sweep (resumable, on any backend) under ``OUT/round-K``, ``OUT/final``
(with blocks, ``OUT/stage-S/round-K`` and ``OUT/stage-S/final``) and ``OUT/validation``.
All runs use common random numbers, so points are compared on the same random streams.
Only the rows a run can answer honestly are fitted: those whose window closes after the
pin date and by the last simulated day. The result is a scenario overlay that ``extends``
the experiment's scenario with the fitted values and their provenance, and a report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
import tomli_w

from casim._version import __version__
from casim.analysis.scoring import (
    climatology,
    ensemble_probabilities,
    scorable,
)
from casim.experiment.design import Design, build_design
from casim.experiment.overrides import Segments, apply_values, leaves, nodes_along
from casim.experiment.runner import sweep
from casim.experiment.spec import (
    CalibrationSpec,
    Experiment,
    ExperimentFile,
    ParameterSpec,
    load_experiment,
)
from casim.files import write_text_atomic
from casim.paths import default_record
from casim.record import (
    RECORD_KINDS,
    RecordRow,
    brier_by_kind,
    load_record,
)
from casim.scenario.errors import ScenarioError
from casim.scenario.load import scenario_files
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "EDGE_SHARE",
    "Calibration",
    "CalibrationResult",
    "at_edge",
    "calibrate",
    "load_calibration",
    "optuna_trials",
    "point_scores",
    "search_runs",
    "validation_seed",
]

#: Third entropy word of a refinement round's design seed ("refine" in ASCII).
_REFINE_TAG = 0x726566696E65
#: Second entropy word of the validation runs' seed ("fresh" in ASCII).
_FRESH_TAG = 0x6672657368


#: A fitted value within this share of its range from an end is reported at the edge.
EDGE_SHARE = 0.02


def at_edge(
    parameters: Sequence[ParameterSpec], fitted: dict[str, float], share: float = EDGE_SHARE
) -> list[str]:
    """The fitted values within ``share`` of their range from its low or high end, each as
    ``name = value (low end L)``: the search would have gone further, so the range (or the
    mechanism) is to be questioned before the value is trusted."""
    out = []
    for p in parameters:
        if p.low is None or p.high is None or p.column not in fitted:
            continue
        value, slack = fitted[p.column], share * (p.high - p.low)
        for end, bound in (("low", p.low), ("high", p.high)):
            if abs(value - bound) <= slack:
                out.append(f"{p.column} = {value:.4g} ({end} end {bound:g})")
                break
    return out


def validation_seed(seed: int) -> int:
    """The base seed of the fit's validation runs: drawn from the calibration's seed, so
    that its streams are none of the search's."""
    return int(np.random.SeedSequence([seed, _FRESH_TAG]).generate_state(1)[0])


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file."""

    exp: Experiment  # record restricted to the fitted rows; answers kept; CRN on
    spec: CalibrationSpec
    overlay: Path
    record_path: Path
    not_fitted: int  # rows of the record outside the window

    @property
    def name(self) -> str:
        return self.exp.name


@dataclass(frozen=True)
class CalibrationResult:
    """What a calibration found and wrote."""

    fitted: dict[str, float]  # parameter column -> value
    score: float  # ensemble Brier of the fit, final_replicates runs
    scores: dict[str, float]  # per kind and overall
    validation: dict[str, float]  # the same on fresh streams (validation_seed)
    climatology: dict[str, float]  # the baseline's Brier on the same rows
    points: pd.DataFrame  # every evaluated point
    written: list[Path]
    summary: list[str]


def _int_leaf(scenario: Scenario, segments: Segments) -> bool:
    node = nodes_along(scenario, segments)[-1]
    return isinstance(node, int) and not isinstance(node, bool)


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file; any defect is one ScenarioError line."""
    path = Path(path)
    exp = load_experiment(path)
    cal = _check_calibration_table(path, exp.spec)
    _check_parameters(path, exp)
    _check_blocks(path, [p.column for p in exp.spec.parameters], cal.blocks)
    record_path = _record_path(path, exp.spec)
    fitted, not_fitted = _fitted_rows(path, exp)
    overlay = _overlay_path(path, exp.spec, cal)
    _check_method(path, cal)
    return Calibration(_fitting(exp, fitted), cal, overlay, record_path, not_fitted)


def _check_calibration_table(path: Path, spec: ExperimentFile) -> CalibrationSpec:
    """The file's ``[calibration]`` table, once the file is checked to have one, an
    ``lhs`` design (the first round) and at least one parameter."""
    if spec.calibration is None:
        raise ScenarioError(path, "calibration", "a [calibration] table", "none")
    if spec.design.kind != "lhs":
        raise ScenarioError(path, "design.kind", '"lhs" (the first round)', spec.design.kind)
    if not spec.parameters:
        raise ScenarioError(path, "parameters", "at least one parameter to fit", "none")
    return spec.calibration


def _check_method(path: Path, cal: CalibrationSpec) -> None:
    """An Optuna search needs optuna (and its CMA-ES sampler, cmaes) installed."""
    import importlib.util

    if cal.method != "optuna":
        return
    needed = ["optuna"] + (["cmaes"] if cal.sampler == "cmaes" else [])
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        raise ScenarioError(
            path,
            "calibration.method",
            "optuna installed (pip install 'casim[calibrate]')",
            f"no module named {', '.join(missing)}",
        )


def _stages(cal: Calibration) -> int:
    """The stages of the search: passes over the blocks times the blocks (one without)."""
    return cal.spec.cycles * len(cal.spec.blocks or [[]])


def optuna_trials(cal: Calibration) -> int:
    """Optuna's trials per stage: the file's ``trials``, by default the runs the Latin
    hypercube search of a stage spends divided by ``replicates`` (the same run budget)."""
    if cal.spec.trials is not None:
        return cal.spec.trials
    spec, reps = cal.spec, cal.exp.spec.replicates
    lhs = cal.exp.spec.design.samples * reps
    lhs += spec.rounds * spec.refine_samples * (spec.refine_replicates or reps)
    return max(1, lhs // reps)


def search_runs(cal: Calibration) -> int:
    """The runs the search spends before its final round and validation (which every
    method spends alike): its run budget."""
    spec, reps = cal.spec, cal.exp.spec.replicates
    if spec.method == "optuna":
        return _stages(cal) * optuna_trials(cal) * reps
    per_stage = cal.exp.spec.design.samples * reps
    per_stage += spec.rounds * spec.refine_samples * (spec.refine_replicates or reps)
    return _stages(cal) * per_stage


def _check_parameters(path: Path, exp: Experiment) -> None:
    """Each parameter is a real-valued leaf outside the events."""
    for i, p in enumerate(exp.spec.parameters):
        where = f"parameters[{i}]"
        if p.path.startswith("events."):
            raise ScenarioError(
                path, f"{where}.path", "a parameter outside events (an overlay sets it)", p.path
            )
        if any(_int_leaf(exp.scenario, seg) for seg, _ in leaves(exp.scenario, p.path)):
            raise ScenarioError(
                path, f"{where}.path", "a real-valued parameter (not a whole number)", p.path
            )


def _check_blocks(path: Path, columns: list[str], blocks: list[list[str]] | None) -> None:
    """The blocks, if any, are non-empty and name every parameter exactly once."""
    if blocks is None:
        return
    named = [n for block in blocks for n in block]
    unknown = sorted(set(named) - set(columns))
    if unknown or sorted(named) != sorted(columns) or not all(blocks):
        raise ScenarioError(
            path,
            "calibration.blocks",
            "non-empty groups naming every parameter exactly once",
            _blocks_found(columns, named, unknown) or "an empty group",
        )


def _blocks_found(columns: list[str], named: list[str], unknown: list[str]) -> str:
    """What is wrong with the names in the blocks: unknown, missing and repeated names."""
    missing = sorted(set(columns) - set(named))
    twice = sorted({n for n in named if named.count(n) > 1})
    return "; ".join(
        f"{what} {', '.join(names)}"
        for what, names in (("unknown", unknown), ("missing", missing), ("twice", twice))
        if names
    )


def _record_path(path: Path, spec: ExperimentFile) -> Path:
    """The record to fit (``[outputs] record``, relative to the calibration file)."""
    if spec.outputs.record is None:
        raise ScenarioError(path, "outputs.record", "the record file to fit", "none")
    record_path = Path(spec.outputs.record)
    if not record_path.is_absolute():
        record_path = Path(os.path.normpath(path.parent / record_path))
    return record_path


def _fitted_rows(path: Path, exp: Experiment) -> tuple[list[RecordRow], int]:
    """The record's rows a run can answer honestly, and how many others it has."""
    pin, _known, until = resolved_window(exp.scenario)
    fitted, closed, beyond = scorable(exp.record, pin, until)
    if not fitted:
        raise ScenarioError(
            path,
            "outputs.record",
            f"rows whose window closes after {pin} and by {until}",
            f"none ({len(closed)} closed, {len(beyond)} beyond)",
        )
    return fitted, len(closed) + len(beyond)


def _fitting(exp: Experiment, fitted: list[RecordRow]) -> Experiment:
    """The experiment as the search runs it: the fitted rows only, their answers kept, no
    index years, common random numbers on."""
    spec = exp.spec
    outputs = spec.outputs.model_copy(update={"index_years": [], "answers": True})
    design = spec.design.model_copy(update={"common_random_numbers": True})
    spec = spec.model_copy(update={"outputs": outputs, "design": design})
    return dataclasses.replace(exp, spec=spec, years=(), record=tuple(fitted))


def _overlay_path(path: Path, spec: ExperimentFile, cal: CalibrationSpec) -> Path:
    """The overlay to write (relative to the calibration file): a .toml file in an
    existing directory."""
    overlay = Path(cal.overlay)
    if not overlay.is_absolute():
        overlay = path.parent / overlay
    if overlay.suffix != ".toml" or not overlay.parent.is_dir():
        raise ScenarioError(
            path, "calibration.overlay", "a .toml file in an existing directory", cal.overlay
        )
    # the overlay extends the experiment's scenario: writing it over that scenario, a file
    # it extends or the calibration file itself would destroy what the fit starts from
    scenario = Path(spec.scenario)
    scenario = scenario if scenario.is_absolute() else path.parent / scenario
    inputs = [path.resolve(), *scenario_files(scenario)]
    if overlay.resolve() in inputs:
        raise ScenarioError(
            path, "calibration.overlay",
            "a file other than the calibration file, its scenario and the files it extends",
            cal.overlay,
        )  # fmt: skip
    return overlay


def point_scores(
    results: pd.DataFrame, rows: Sequence[RecordRow], fallback: dict[str, float]
) -> pd.DataFrame:
    """Per design point: the ensemble Brier per kind and overall, and the runs used.

    Failed runs (a non-empty ``error``) are left out and counted."""
    cols = [f"answer_{r.id}" for r in rows]
    out = []
    for point, g in results.groupby("point", sort=True):
        ok = g[g["error"].isna()]
        probs, _ = ensemble_probabilities(rows, ok[cols].to_numpy(dtype=float).tolist(), fallback)
        scores = brier_by_kind(rows, probs) if len(ok) else {"overall": math.nan}
        rec: dict[str, Any] = {
            "point": int(str(point)),
            "runs": len(ok),
            "failed": len(g) - len(ok),
        }
        rec.update({f"brier_{k}": scores.get(k, math.nan) for k in RECORD_KINDS})
        rec["brier"] = scores["overall"]
        out.append(rec)
    return pd.DataFrame(out)


def _base_value(scenario: Scenario, p: ParameterSpec) -> float:
    """A parameter's value in the base scenario (a scaled path's base is the factor 1)."""
    return 1.0 if p.op == "scale" else float(next(iter(leaves(scenario, p.path)))[1])


def _centre(exp: Experiment, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The parameters' base values, each clipped to its range: where a search starts, and
    the centre of its prior."""
    base = [_base_value(exp.scenario, p) for p in exp.spec.parameters]
    return np.asarray(np.clip(base, low, high), dtype=float)


def prior_penalty(
    exp: Experiment, values: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Per point (row of ``values``): the mean over the parameters of
    ((value - base value) / (high - low))^2, the base value clipped to the range. Times the
    calibration's ``prior_weight`` it is added to the Brier score the search minimises: a
    Gaussian prior centred on the scenario's values, which decides where the record cannot
    (a parameter the rows barely inform stays near its sourced value instead of drifting to
    wherever replicate noise puts the best score)."""
    base = _centre(exp, low, high)
    width = np.where(high > low, high - low, 1.0)
    z = (np.atleast_2d(values) - base) / width
    return np.asarray(np.mean(z * z, axis=1), dtype=float)


def _round4(x: np.ndarray) -> np.ndarray:
    """Four significant digits, elementwise."""
    return np.array([float(f"{v:.4g}") for v in x.ravel()]).reshape(x.shape)


def _box_design(
    first: Design,
    key: Sequence[int],
    lo: np.ndarray,
    hi: np.ndarray,
    clip: tuple[np.ndarray, ...],
    n: int,
    *,
    free: Sequence[int] | None = None,
    held: np.ndarray | None = None,
) -> Design:
    """A Latin hypercube of ``n`` points in [lo, hi] over the ``free`` columns (default:
    all; the others take their ``held`` values), rounded to four significant digits and
    clipped to the parameters' ranges ``clip`` (low, high). ``key`` seeds the sample."""
    from SALib.sample import latin

    cols = list(range(len(first.columns))) if free is None else list(free)
    bounds = [[float(lo[i]), float(hi[i])] for i in cols]
    sub = {"num_vars": len(cols), "names": [first.columns[i] for i in cols], "bounds": bounds}
    rng = np.random.default_rng(np.random.SeedSequence([*key]))
    sample = _round4(latin.sample(sub, n, seed=rng))
    values = np.tile(held if held is not None else lo, (n, 1)).astype(float)
    values[:, cols] = sample
    values = np.clip(values, *clip)
    problem = {
        **first.problem,
        "bounds": [[float(a), float(b)] for a, b in zip(lo, hi, strict=True)],
    }
    return dataclasses.replace(first, values=np.ascontiguousarray(values), problem=problem)


def _given_points(first: Design, names: list[str], values: np.ndarray) -> Design:
    """A design of the given points (rows of parameter values), run as they are."""
    return dataclasses.replace(
        first,
        kind="grid",
        values=np.ascontiguousarray(values),
        problem={"num_vars": len(names), "names": names, "bounds": []},
    )


@dataclass(frozen=True)
class _Search:
    """What every round of a calibration shares: its work directory, the first round's
    design (later rounds keep its parameter columns), the parameters' ranges, the
    probabilities that stand in for a question no run answered, and the sweep options."""

    cal: Calibration
    out: Path
    first: Design
    low: np.ndarray
    high: np.ndarray
    fallback: dict[str, float]
    run: dict[str, Any]  # keyword arguments of every sweep (progress among them)

    @property
    def names(self) -> list[str]:
        """The parameters' columns, in the file's order."""
        return [p.column for p in self.cal.exp.spec.parameters]

    @property
    def staged(self) -> bool:
        """Whether the search runs by blocks (each stage under its own directory)."""
        return self.cal.spec.blocks is not None

    def stage_dir(self, stage: int) -> Path:
        """Where a stage's rounds are written."""
        return self.out / f"stage-{stage}" if self.staged else self.out

    def design_key(self, stage: int) -> list[int]:
        """The seed words of a stage's sampled designs (the round number follows)."""
        seed = self.cal.exp.spec.seed
        return [seed, _REFINE_TAG, stage] if self.staged else [seed, _REFINE_TAG]

    def say(self, text: str) -> None:
        """One line of progress, if progress is reported."""
        progress: TextIO | None = self.run["progress"]
        if progress is not None:
            progress.write(f"calibrate: {text}\n")
            progress.flush()

    def evaluate(
        self,
        design: Design,
        replicates: int,
        out: Path,
        label: str,
        seed: int | None = None,
    ) -> pd.DataFrame:
        """Sweep ``design`` under ``out`` and score each point: its values, its Brier per
        kind and overall, under ``round = label``."""
        update: dict[str, int] = {"replicates": replicates}
        if seed is not None:
            update["seed"] = seed
        cal = self.cal
        exp = dataclasses.replace(cal.exp, spec=cal.exp.spec.model_copy(update=update))
        sweep(exp, out, design=design, **self.run)
        results = pd.read_parquet(out / "results")
        scores = point_scores(results, cal.exp.record, self.fallback)
        values = pd.DataFrame(design.values, columns=list(design.columns))
        values.insert(0, "point", range(design.points))
        frame = values.merge(scores, on="point")
        frame["objective"] = frame["brier"] + self.cal.spec.prior_weight * prior_penalty(
            self.cal.exp, frame[self.names].to_numpy(dtype=float), self.low, self.high
        )
        frame.insert(0, "round", label)
        return frame


@dataclass(frozen=True)
class _Fit:
    """What the search found: the fit, its scores and every point evaluated."""

    fitted: dict[str, float]  # parameter column -> value
    scores: dict[str, float]  # per kind and overall, final_replicates runs
    validation: dict[str, float]  # the same on fresh streams
    climatology: dict[str, float]  # the baseline's Brier on the same rows
    points: pd.DataFrame


def calibrate(
    cal: Calibration,
    out: str | Path,
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    progress: TextIO | None = None,
    command: Sequence[str] = (),
    update: bool = False,
) -> CalibrationResult:
    """Run the search, write the overlay and the report into ``out``; see the module
    docstring. ``update`` also writes the overlay where the calibration file names it
    (``[calibration] overlay``, the shipped one under ``scenarios/fitted/``)."""
    run: dict[str, Any] = {
        "jobs": jobs,
        "backend": backend,
        "scheduler": scheduler,
        "resume": resume,
        "progress": progress,
        "command": command,
    }
    search = _open_search(cal, Path(out), run)
    frames, best_row = _run_stages(search)
    validation = _validate(search, best_row[search.names].to_numpy(dtype=float))
    record = cal.exp.record
    fit = _Fit(
        fitted={n: float(best_row[n]) for n in search.names},
        scores=_scores(best_row),
        validation=validation,
        climatology=brier_by_kind(record, [search.fallback.get(r.kind, 0.5) for r in record]),
        points=pd.concat(frames, ignore_index=True),
    )
    written = _write_outputs(cal, search.out, fit, command, update)
    return CalibrationResult(
        fit.fitted,
        fit.scores["overall"],
        fit.scores,
        fit.validation,
        fit.climatology,
        fit.points,
        written,
        _summary(cal, fit, written),
    )


def _open_search(cal: Calibration, out: Path, run: dict[str, Any]) -> _Search:
    """The shared state of a search: ranges, fallback probabilities, the first design."""
    params = cal.exp.spec.parameters
    low = np.array([p.low for p in params], dtype=float)
    high = np.array([p.high for p in params], dtype=float)
    fallback = climatology(load_record(default_record()))
    first = build_design(cal.exp)  # round 0; later rounds keep its parameter columns
    return _Search(cal, out, first, low, high, fallback, run)


def _run_stages(search: _Search) -> tuple[list[pd.DataFrame], pd.Series]:
    """Every stage in turn (a single one without blocks), each holding the parameters
    outside its block at the fit so far (at first their base values). Returns the scored
    points of every round and the best row of the last stage's final round: the fit."""
    spec, exp, names = search.cal.spec, search.cal.exp, search.names
    blocks = [[names.index(n) for n in b] for b in spec.blocks or [names]]
    current = _centre(exp, search.low, search.high)
    best_row: pd.Series | None = None
    frames: list[pd.DataFrame] = []
    for stage in range(spec.cycles * len(blocks)):
        free = blocks[stage % len(blocks)]
        if search.staged:
            search.say(f"stage {stage}: {', '.join(names[i] for i in free)}")
        if spec.method == "optuna":
            from casim.analysis.calibrate_optuna import optuna_rounds

            rounds = optuna_rounds(search, stage, free, current)
        else:
            rounds = _search_rounds(search, stage, free, current)
        final = _final_round(search, stage, rounds, current)
        frames += [*rounds, final]
        best_row = final.sort_values(["objective", "point"], kind="stable").iloc[0]
        current = best_row[names].to_numpy(dtype=float)
        search.say(f"final: best Brier {best_row['brier']:.4f}")
    assert best_row is not None
    return frames, best_row


def _search_rounds(
    search: _Search, stage: int, free: list[int], current: np.ndarray
) -> list[pd.DataFrame]:
    """A stage's round 0 and refinement rounds, each swept and scored."""
    spec, exp = search.cal.spec, search.cal.exp
    mine: list[pd.DataFrame] = []
    for k in range(spec.rounds + 1):
        design = _round_design(search, stage, k, free, current, mine)
        reps = exp.spec.replicates if k == 0 else spec.refine_replicates or exp.spec.replicates
        search.say(f"round {k}: {design.points} points x {reps} runs")
        frame = search.evaluate(design, reps, search.stage_dir(stage) / f"round-{k}", str(k))
        frame.insert(0, "stage", stage)
        mine.append(frame)
        search.say(f"round {k}: best Brier {frame['brier'].min():.4f}")
    return mine


def _round_design(
    search: _Search,
    stage: int,
    k: int,
    free: list[int],
    current: np.ndarray,
    earlier: list[pd.DataFrame],
) -> Design:
    """The points of round ``k`` of a stage: without blocks, round 0 is the file's own
    Latin hypercube; with blocks, a Latin hypercube of the block over its whole ranges;
    later rounds sample the box around the stage's best points so far (``earlier``).
    The parameters outside ``free`` keep their ``current`` values."""
    first, low, high = search.first, search.low, search.high
    if k == 0 and not search.staged:  # the file's own Latin hypercube
        return dataclasses.replace(first, values=np.clip(_round4(first.values), low, high))
    if k == 0:  # the block over its whole ranges
        lo, hi, n = low, high, first.points
    else:  # the box around this stage's best points so far
        lo, hi = _refined_box(search, earlier)
        n = search.cal.spec.refine_samples
    key = [*search.design_key(stage), k]
    return _box_design(first, key, lo, hi, (low, high), n, free=free, held=current)


def _refined_box(search: _Search, earlier: list[pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """The box spanned by the ``keep`` best points scored so far, widened by ``margin`` of
    its width each side (of the range's, where the box is flat), within the ranges."""
    spec, low, high = search.cal.spec, search.low, search.high
    seen = pd.concat(earlier, ignore_index=True).dropna(subset=["objective"])
    top = seen.nsmallest(spec.keep, "objective")[search.names].to_numpy(dtype=float)
    lo, hi = top.min(axis=0), top.max(axis=0)
    width = np.where(hi > lo, hi - lo, high - low)
    return np.maximum(low, lo - spec.margin * width), np.minimum(high, hi + spec.margin * width)


def _final_round(
    search: _Search, stage: int, rounds: list[pd.DataFrame], current: np.ndarray
) -> pd.DataFrame:
    """The stage's ``finalists`` best distinct points, and after the first stage the current
    fit, run again with ``final_replicates`` runs each and scored."""
    spec, names = search.cal.spec, search.names
    points = pd.concat(rounds, ignore_index=True)
    top_rows = (
        points.dropna(subset=["objective"])
        .sort_values(["objective", "round", "point"], kind="stable")
        .drop_duplicates(subset=names)
        .head(spec.finalists)
    )
    candidates = top_rows[names].to_numpy(dtype=float)
    if stage > 0:  # the current fit defends its place
        candidates = np.unique(np.vstack([current[None, :], candidates]), axis=0)
    search.say(f"final: {len(candidates)} points x {spec.final_replicates} runs")
    finalists = _given_points(search.first, names, candidates)
    where = search.stage_dir(stage) / "final"
    final = search.evaluate(finalists, spec.final_replicates, where, "final")
    final.insert(0, "stage", stage)
    return final


def _validate(search: _Search, fit: np.ndarray) -> dict[str, float]:
    """The fit's Brier per kind and overall, ``final_replicates`` runs on fresh streams."""
    runs = search.cal.spec.final_replicates
    fresh = validation_seed(search.cal.exp.spec.seed)
    search.say(f"validation: the fit x {runs} runs on fresh streams (seed {fresh})")
    the_fit = _given_points(search.first, search.names, fit[None, :])
    held = search.evaluate(the_fit, runs, search.out / "validation", "validation", seed=fresh)
    validation = _scores(held.iloc[0])
    search.say(f"validation: Brier {validation['overall']:.4f}")
    return validation


def _summary(cal: Calibration, fit: _Fit, written: list[Path]) -> list[str]:
    """The lines ``casim calibrate`` prints."""
    spec, exp = cal.spec, cal.exp
    names = [p.column for p in exp.spec.parameters]
    stages = spec.cycles * len(spec.blocks or [names])
    return [
        f"casim {__version__}: calibrated {len(names)} parameter(s) of {exp.scenario.name} on "
        f"{len(exp.record)} rows of {cal.record_path} ({cal.not_fitted} outside the window)",
        f"  evaluated {len(fit.points)} points in {stages} stage(s) of {_search_text(cal)} "
        f"({search_runs(cal)} runs) and a final round",
        f"  fit: Brier {fit.scores['overall']:.4f} ({spec.final_replicates} runs), "
        f"{fit.validation['overall']:.4f} on fresh streams; "
        f"climatology {fit.climatology['overall']:.4f}",
        *(f"  {n} = {fit.fitted[n]:.4g}" for n in names),
        *(
            f"  at the edge of its range (within {EDGE_SHARE:.0%}): {e}"
            for e in at_edge(exp.spec.parameters, fit.fitted)
        ),
        *(f"  wrote {p}" for p in written),
    ]


def _search_text(cal: Calibration) -> str:
    """What one stage's search was, in words."""
    spec = cal.spec
    prior = f", prior weight {spec.prior_weight:g}" if spec.prior_weight else ""
    if spec.method == "optuna":
        return (
            f"{optuna_trials(cal)} Optuna trials ({spec.sampler}, batches of {spec.batch}){prior}"
        )
    return f"{spec.rounds + 1} Latin hypercube round(s){prior}"


def _scores(row: pd.Series) -> dict[str, float]:
    """A scored point's Brier per kind (the kinds it has rows of) and overall."""
    scores = {k: float(row[f"brier_{k}"]) for k in RECORD_KINDS}
    scores = {k: v for k, v in scores.items() if not math.isnan(v)}
    scores["overall"] = float(row["brier"])
    return scores


# ---------------------------------------------------------------- outputs


def _sources_anchor(scenario: Scenario, segments: Segments) -> tuple[Segments, str] | None:
    """The deepest table on the path that has a ``sources`` table, and the key under it."""
    anchor: tuple[Segments, str] | None = None
    for i, node in enumerate(nodes_along(scenario, segments)[:-1]):
        if isinstance(getattr(node, "sources", None), dict):
            anchor = (segments[:i], segments[i])
    return anchor


def overlay_text(
    base: Path,
    overlay: Path,
    scenario: Scenario,
    leaves_set: dict[Segments, float],
    header: Sequence[str],
    source: str,
) -> str:
    """A scenario file that extends ``base`` and sets each leaf, with ``source`` beside it
    (TOML written by ``tomli_w`` under a comment header)."""
    doc: dict[str, Any] = {}

    def table(path: Segments) -> dict[str, Any]:
        node = doc
        for segment in path:
            node = node.setdefault(segment, {})
        return node

    rel = os.path.relpath(base.resolve(), overlay.resolve().parent)
    doc["extends"] = Path(rel).as_posix()
    doc["name"] = overlay.stem
    for segments, value in sorted(leaves_set.items()):
        table(segments[:-1])[segments[-1]] = float(value)
    for segments in sorted(leaves_set):
        anchor = _sources_anchor(scenario, segments)
        if anchor is not None:
            where, key = anchor
            table((*where, "sources"))[key] = source
    lines = [*(f"# {h}" if h else "#" for h in header), ""]
    return "\n".join(lines) + "\n" + tomli_w.dumps(doc)


def _write_outputs(
    cal: Calibration, out: Path, fit: _Fit, command: Sequence[str], update: bool = False
) -> list[Path]:
    """Write the overlay (into ``out``, and with ``update`` where the calibration file
    names it), ``calibration.csv`` (every point), ``report.md`` and ``calibration.png``;
    return their paths in that order."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    cmd = " ".join(command) or f"casim calibrate {cal.exp.path}"
    overlays = [out / cal.overlay.name, *([cal.overlay] if update else [])]
    return [
        *(_write_overlay(cal, fit, cmd, today, where) for where in overlays),
        _write_points(out, fit.points),
        _write_report(cal, out, fit, cmd),
        _write_figure(cal, out, fit),
    ]


def _write_overlay(cal: Calibration, fit: _Fit, cmd: str, today: str, where: Path) -> Path:
    """The scenario overlay holding the fit, with its provenance in the header and beside
    each fitted value, written to ``where`` (it extends the base by a path relative to
    that place)."""
    exp = cal.exp
    params = exp.spec.parameters
    ops: dict[str, str] = {p.path: str(p.op) for p in params}
    values = {p.path: fit.fitted[p.column] for p in params}
    scenario = apply_values(exp.scenario, values, ops)
    leaves_set: dict[Segments, float] = {}
    for p in params:
        for segments, value in leaves(scenario, p.path):
            leaves_set[segments] = value
    pin, _known, until = resolved_window(exp.scenario)
    source = (
        f"fitted: casim calibrate {exp.path.name} on {cal.record_path.name} "
        f"(rows closing {pin} to {until}; Brier {fit.scores['overall']:.4f}, "
        f"climatology {fit.climatology['overall']:.4f}; {today})"
    )
    header = _overlay_header(cal, fit, cmd, today)
    text = overlay_text(exp.scenario_path, where, scenario, leaves_set, header, source)
    write_text_atomic(where, text)
    return where


def _overlay_header(cal: Calibration, fit: _Fit, cmd: str, today: str) -> list[str]:
    """The overlay's header comment: what fitted it, on which rows, and the scores."""
    exp, runs = cal.exp, cal.spec.final_replicates
    digest = hashlib.sha256(cal.record_path.read_bytes()).hexdigest()
    pin, _known, until = resolved_window(exp.scenario)
    return [
        f"casim: {cal.overlay.stem}, fitted by casim calibrate (casim {__version__}), {today}.",
        "",
        f"Calibration file: {exp.path}",
        f"Command: {cmd}",
        f"Search: {_search_text(cal)} per stage, {search_runs(cal)} runs before the final round.",
        f"Record: {cal.record_path} (sha256 {digest[:16]}), {len(exp.record)} rows fitted:",
        f"  windows closing after {pin} and by {until}.",
        f"Score of the fit: ensemble Brier {fit.scores['overall']:.4f} (mean over kinds, "
        f"{runs} runs, seed {exp.spec.seed});",
        f"  on fresh streams {fit.validation['overall']:.4f} ({runs} runs, "
        f"seed {validation_seed(exp.spec.seed)}; the score to expect);",
        f"  climatology on the same rows {fit.climatology['overall']:.4f}.",
        *(
            f"At the edge of its range (within {EDGE_SHARE:.0%}): {e}."
            for e in at_edge(exp.spec.parameters, fit.fitted)
        ),
        "Do not edit by hand: run the command again.",
    ]


def _write_points(out: Path, points: pd.DataFrame) -> Path:
    """``calibration.csv``: every point evaluated, its round and its scores."""
    table = out / "calibration.csv"
    points.to_csv(table, index=False, float_format="%.6g", lineterminator="\n")
    return table


def _write_report(cal: Calibration, out: Path, fit: _Fit, cmd: str) -> Path:
    """``report.md``: the rows fitted, the parameters and the scores."""
    exp = cal.exp
    pin, _known, until = resolved_window(exp.scenario)
    md = [
        f"# Calibration of {exp.scenario.name}: {exp.name}",
        "",
        f"Fitted on {len(exp.record)} rows of `{cal.record_path}` "
        f"(windows closing after {pin} and by {until}); command `{cmd}`.",
        "",
        f"Search: {_search_text(cal)} per stage.",
        "",
        *_parameter_table(exp, fit.fitted),
        "",
        *_edge_lines(exp, fit.fitted),
        *_score_table(fit),
        "",
        "![score against each parameter](calibration.png)",
        "",
    ]
    report = out / "report.md"
    report.write_text("\n".join(md), encoding="utf-8", newline="\n")
    return report


def _parameter_table(exp: Experiment, fitted: dict[str, float]) -> list[str]:
    """The report's table of parameters: path, op, range, base value and fitted value."""
    params = exp.spec.parameters
    base = {p.column: _base_value(exp.scenario, p) for p in params}
    return [
        "| parameter | key path | op | range | base value | fitted |",
        "|---|---|---|---|---|---|",
        *(
            f"| {p.column} | `{p.path}` | {p.op} | {p.low:g} to {p.high:g} | "
            f"{base[p.column]:.4g} | {fitted[p.column]:.4g} |"
            for p in params
        ),
    ]


def _edge_lines(exp: Experiment, fitted: dict[str, float]) -> list[str]:
    """The report's list of fitted values at the edge of their range (and a blank line)."""
    edges = at_edge(exp.spec.parameters, fitted)
    lines = [f"- at the edge of its range (within {EDGE_SHARE:.0%}): {e}" for e in edges]
    return [*lines, ""] if lines else []


def _score_table(fit: _Fit) -> list[str]:
    """The report's table of scores per kind and overall, beside the fresh streams' and
    the climatology's."""
    return [
        "| kind | Brier of the fit | on fresh streams | climatology |",
        "|---|---|---|---|",
        *(
            f"| {k} | {fit.scores[k]:.4f} | {fit.validation.get(k, math.nan):.4f} | "
            f"{fit.climatology.get(k, math.nan):.4f} |"
            for k in [*RECORD_KINDS, "overall"]
            if k in fit.scores
        ),
    ]


def _write_figure(cal: Calibration, out: Path, fit: _Fit) -> Path:
    """``calibration.png``: the score of every point against each parameter."""
    from casim.present.plotting import plot_calibration, save_figure

    exp = cal.exp
    fig = plot_calibration(
        fit.points.dropna(subset=["brier"]),
        [p.column for p in exp.spec.parameters],
        best=fit.fitted,
        title=f"Calibration of {exp.scenario.name}: ensemble Brier against each parameter",
    )
    png = out / "calibration.png"
    save_figure(fig, png)
    return png
