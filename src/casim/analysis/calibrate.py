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
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from casim._version import __version__
from casim.analysis.scoring import (
    climatology,
    ensemble_probabilities,
    scorable,
)
from casim.experiment.design import Design, build_design
from casim.experiment.overrides import Segments, apply_values, leaves, nodes_along
from casim.experiment.runner import sweep
from casim.experiment.spec import CalibrationSpec, Experiment, ParameterSpec, load_experiment
from casim.files import write_text_atomic
from casim.paths import default_record
from casim.record import (
    RECORD_KINDS,
    RecordRow,
    brier_by_kind,
    load_record,
)
from casim.scenario.errors import ScenarioError
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "Calibration",
    "CalibrationResult",
    "calibrate",
    "load_calibration",
    "point_scores",
    "validation_seed",
]

#: Third entropy word of a refinement round's design seed ("refine" in ASCII).
_REFINE_TAG = 0x726566696E65
#: Second entropy word of the validation runs' seed ("fresh" in ASCII).
_FRESH_TAG = 0x6672657368


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
    spec = exp.spec
    if spec.calibration is None:
        raise ScenarioError(path, "calibration", "a [calibration] table", "none")
    if spec.design.kind != "lhs":
        raise ScenarioError(path, "design.kind", '"lhs" (the first round)', spec.design.kind)
    if not spec.parameters:
        raise ScenarioError(path, "parameters", "at least one parameter to fit", "none")
    for i, p in enumerate(spec.parameters):
        where = f"parameters[{i}]"
        if p.path.startswith("events."):
            raise ScenarioError(
                path, f"{where}.path", "a parameter outside events (an overlay sets it)", p.path
            )
        if any(_int_leaf(exp.scenario, seg) for seg, _ in leaves(exp.scenario, p.path)):
            raise ScenarioError(
                path, f"{where}.path", "a real-valued parameter (not a whole number)", p.path
            )
    blocks = spec.calibration.blocks
    if blocks is not None:
        columns = [p.column for p in spec.parameters]
        named = [n for block in blocks for n in block]
        unknown = sorted(set(named) - set(columns))
        if unknown or sorted(named) != sorted(columns) or not all(blocks):
            missing = sorted(set(columns) - set(named))
            twice = sorted({n for n in named if named.count(n) > 1})
            found = "; ".join(
                f"{what} {', '.join(names)}"
                for what, names in (("unknown", unknown), ("missing", missing), ("twice", twice))
                if names
            )
            raise ScenarioError(
                path,
                "calibration.blocks",
                "non-empty groups naming every parameter exactly once",
                found or "an empty group",
            )
    if spec.outputs.record is None:
        raise ScenarioError(path, "outputs.record", "the record file to fit", "none")
    record_path = Path(spec.outputs.record)
    if not record_path.is_absolute():
        record_path = Path(os.path.normpath(path.parent / record_path))
    pin, _known, until = resolved_window(exp.scenario)
    fitted, closed, beyond = scorable(exp.record, pin, until)
    if not fitted:
        raise ScenarioError(
            path,
            "outputs.record",
            f"rows whose window closes after {pin} and by {until}",
            f"none ({len(closed)} closed, {len(beyond)} beyond)",
        )
    outputs = spec.outputs.model_copy(update={"index_years": [], "answers": True})
    design = spec.design.model_copy(update={"common_random_numbers": True})
    spec = spec.model_copy(update={"outputs": outputs, "design": design})
    exp = dataclasses.replace(exp, spec=spec, years=(), record=tuple(fitted))
    cal = spec.calibration
    assert cal is not None
    overlay = Path(cal.overlay)
    if not overlay.is_absolute():
        overlay = path.parent / overlay
    if overlay.suffix != ".toml" or not overlay.parent.is_dir():
        raise ScenarioError(
            path, "calibration.overlay", "a .toml file in an existing directory", cal.overlay
        )
    return Calibration(exp, cal, overlay, record_path, len(closed) + len(beyond))


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


def _evaluate(
    cal: Calibration,
    design: Design,
    replicates: int,
    out: Path,
    label: str,
    fallback: dict[str, float],
    seed: int | None = None,
    **run: Any,
) -> pd.DataFrame:
    update: dict[str, int] = {"replicates": replicates}
    if seed is not None:
        update["seed"] = seed
    exp = dataclasses.replace(cal.exp, spec=cal.exp.spec.model_copy(update=update))
    sweep(exp, out, design=design, **run)
    results = pd.read_parquet(out / "results")
    scores = point_scores(results, cal.exp.record, fallback)
    values = pd.DataFrame(design.values, columns=list(design.columns))
    values.insert(0, "point", range(design.points))
    frame = values.merge(scores, on="point")
    frame.insert(0, "round", label)
    return frame


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
) -> CalibrationResult:
    """Run the search, write the overlay and the report; see the module docstring."""
    out = Path(out)
    spec, exp = cal.spec, cal.exp
    params = exp.spec.parameters
    names = [p.column for p in params]
    low = np.array([p.low for p in params], dtype=float)
    high = np.array([p.high for p in params], dtype=float)
    reference = load_record(default_record())
    fallback = climatology(reference)
    run: dict[str, Any] = {
        "jobs": jobs,
        "backend": backend,
        "scheduler": scheduler,
        "resume": resume,
        "progress": progress,
        "command": command,
    }

    def say(text: str) -> None:
        if progress is not None:
            progress.write(f"calibrate: {text}\n")
            progress.flush()

    first = build_design(exp)  # round 0; later rounds keep its parameter columns
    blocks = [[names.index(n) for n in b] for b in spec.blocks or [names]]
    staged = spec.blocks is not None
    base = np.clip([_base_value(exp.scenario, p) for p in params], low, high)
    current, best_row = np.asarray(base, dtype=float), None
    frames: list[pd.DataFrame] = []
    for stage in range(spec.cycles * len(blocks)):
        free = blocks[stage % len(blocks)]
        where = out / f"stage-{stage}" if staged else out
        key = [exp.spec.seed, _REFINE_TAG, stage] if staged else [exp.spec.seed, _REFINE_TAG]
        if staged:
            say(f"stage {stage}: {', '.join(names[i] for i in free)}")
        mine: list[pd.DataFrame] = []
        for k in range(spec.rounds + 1):
            if k == 0 and not staged:  # the file's own Latin hypercube
                design = dataclasses.replace(
                    first, values=np.clip(_round4(first.values), low, high)
                )
            else:
                if k == 0:  # the block over its whole ranges
                    lo, hi, n = low, high, first.points
                else:  # the box around this stage's best points so far
                    seen = pd.concat(mine, ignore_index=True).dropna(subset=["brier"])
                    top = seen.nsmallest(spec.keep, "brier")[names].to_numpy(dtype=float)
                    lo, hi = top.min(axis=0), top.max(axis=0)
                    width = np.where(hi > lo, hi - lo, high - low)
                    lo = np.maximum(low, lo - spec.margin * width)
                    hi = np.minimum(high, hi + spec.margin * width)
                    n = spec.refine_samples
                design = _box_design(
                    first, [*key, k], lo, hi, (low, high), n, free=free, held=current
                )
            reps = exp.spec.replicates if k == 0 else spec.refine_replicates or exp.spec.replicates
            say(f"round {k}: {design.points} points x {reps} runs")
            frame = _evaluate(cal, design, reps, where / f"round-{k}", str(k), fallback, **run)
            frame.insert(0, "stage", stage)
            mine.append(frame)
            say(f"round {k}: best Brier {frame['brier'].min():.4f}")
        points = pd.concat(mine, ignore_index=True)
        top_rows = (
            points.dropna(subset=["brier"])
            .sort_values(["brier", "round", "point"], kind="stable")
            .drop_duplicates(subset=names)
            .head(spec.finalists)
        )
        candidates = top_rows[names].to_numpy(dtype=float)
        if stage > 0:  # the current fit defends its place
            candidates = np.unique(np.vstack([current[None, :], candidates]), axis=0)
        say(f"final: {len(candidates)} points x {spec.final_replicates} runs")
        finalists = _given_points(first, names, candidates)
        final = _evaluate(
            cal, finalists, spec.final_replicates, where / "final", "final", fallback, **run
        )
        final.insert(0, "stage", stage)
        frames += [*mine, final]
        best_row = final.sort_values(["brier", "point"], kind="stable").iloc[0]
        current = best_row[names].to_numpy(dtype=float)
        say(f"final: best Brier {best_row['brier']:.4f}")
    assert best_row is not None
    points = pd.concat(frames, ignore_index=True)
    fitted = {n: float(best_row[n]) for n in names}
    scores = _scores(best_row)
    fresh = validation_seed(exp.spec.seed)
    say(f"validation: the fit x {spec.final_replicates} runs on fresh streams (seed {fresh})")
    the_fit = _given_points(first, names, current[None, :])
    held = _evaluate(
        cal, the_fit, spec.final_replicates, out / "validation", "validation", fallback,
        seed=fresh, **run,
    )  # fmt: skip
    validation = _scores(held.iloc[0])
    say(f"validation: Brier {validation['overall']:.4f}")
    clim = brier_by_kind(exp.record, [fallback.get(r.kind, 0.5) for r in exp.record])

    written = _write_outputs(cal, out, points, fitted, scores, validation, clim, command)
    summary = [
        f"casim {__version__}: calibrated {len(names)} parameter(s) of {exp.scenario.name} on "
        f"{len(exp.record)} rows of {cal.record_path} ({cal.not_fitted} outside the window)",
        f"  evaluated {len(points)} points in {spec.cycles * len(blocks)} stage(s) of "
        f"{spec.rounds + 1} round(s) and a final round",
        f"  fit: Brier {scores['overall']:.4f} ({spec.final_replicates} runs), "
        f"{validation['overall']:.4f} on fresh streams; climatology {clim['overall']:.4f}",
        *(f"  {n} = {fitted[n]:.4g}" for n in names),
        *(f"  wrote {p}" for p in written),
    ]
    return CalibrationResult(
        fitted, scores["overall"], scores, validation, clim, points, written, summary
    )


def _scores(row: pd.Series) -> dict[str, float]:
    """A scored point's Brier per kind (the kinds it has rows of) and overall."""
    scores = {k: float(row[f"brier_{k}"]) for k in RECORD_KINDS}
    scores = {k: v for k, v in scores.items() if not math.isnan(v)}
    scores["overall"] = float(row["brier"])
    return scores


# ---------------------------------------------------------------- outputs

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(segment: str) -> str:
    return segment if _BARE.match(segment) else json.dumps(segment)


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
    """A scenario file that extends ``base`` and sets each leaf, with ``source`` beside it."""
    tables: dict[Segments, dict[str, str]] = {}
    for segments, value in leaves_set.items():
        tables.setdefault(segments[:-1], {})[segments[-1]] = repr(float(value))
        anchor = _sources_anchor(scenario, segments)
        if anchor is not None:
            where, key = anchor
            tables.setdefault((*where, "sources"), {})[key] = json.dumps(source)
    rel = os.path.relpath(base.resolve(), overlay.resolve().parent)
    lines = [*(f"# {h}" if h else "#" for h in header), ""]
    lines += [f"extends = {json.dumps(Path(rel).as_posix())}"]
    lines += [f"name = {json.dumps(overlay.stem)}"]
    for table in sorted(tables, key=lambda t: (t[-1] == "sources", t)):
        lines += ["", f"[{'.'.join(_key(s) for s in table)}]"]
        lines += [f"{_key(k)} = {v}" for k, v in sorted(tables[table].items())]
    return "\n".join(lines) + "\n"


def _write_outputs(
    cal: Calibration,
    out: Path,
    points: pd.DataFrame,
    fitted: dict[str, float],
    scores: dict[str, float],
    validation: dict[str, float],
    clim: dict[str, float],
    command: Sequence[str],
) -> list[Path]:
    from casim.present.plotting import plot_calibration, save_figure

    exp = cal.exp
    params = exp.spec.parameters
    ops: dict[str, str] = {p.path: str(p.op) for p in params}
    values = {p.path: fitted[p.column] for p in params}
    scenario = apply_values(exp.scenario, values, ops)
    leaves_set: dict[Segments, float] = {}
    for p in params:
        for segments, value in leaves(scenario, p.path):
            leaves_set[segments] = value
    digest = hashlib.sha256(cal.record_path.read_bytes()).hexdigest()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    pin, _known, until = resolved_window(exp.scenario)
    cmd = " ".join(command) or f"casim calibrate {exp.path}"
    header = [
        f"casim: {cal.overlay.stem}, fitted by casim calibrate (casim {__version__}), {today}.",
        "",
        f"Calibration file: {exp.path}",
        f"Command: {cmd}",
        f"Record: {cal.record_path} (sha256 {digest[:16]}), {len(exp.record)} rows fitted:",
        f"  windows closing after {pin} and by {until}.",
        f"Score of the fit: ensemble Brier {scores['overall']:.4f} (mean over kinds, "
        f"{cal.spec.final_replicates} runs, seed {exp.spec.seed});",
        f"  on fresh streams {validation['overall']:.4f} ({cal.spec.final_replicates} runs, "
        f"seed {validation_seed(exp.spec.seed)}; the score to expect);",
        f"  climatology on the same rows {clim['overall']:.4f}.",
        "Do not edit by hand: run the command again.",
    ]
    source = (
        f"fitted: casim calibrate {exp.path.name} on {cal.record_path.name} "
        f"(rows closing {pin} to {until}; Brier {scores['overall']:.4f}, "
        f"climatology {clim['overall']:.4f}; {today})"
    )
    text = overlay_text(exp.scenario_path, cal.overlay, scenario, leaves_set, header, source)
    paths: list[Path] = []
    write_text_atomic(cal.overlay, text)
    paths.append(cal.overlay)

    table = out / "calibration.csv"
    points.to_csv(table, index=False, float_format="%.6g", lineterminator="\n")
    paths.append(table)
    base = {p.column: _base_value(exp.scenario, p) for p in params}
    md = [
        f"# Calibration of {exp.scenario.name}: {exp.name}",
        "",
        f"Fitted on {len(exp.record)} rows of `{cal.record_path}` "
        f"(windows closing after {pin} and by {until}); command `{cmd}`.",
        "",
        "| parameter | key path | op | range | base value | fitted |",
        "|---|---|---|---|---|---|",
        *(
            f"| {p.column} | `{p.path}` | {p.op} | {p.low:g} to {p.high:g} | "
            f"{base[p.column]:.4g} | {fitted[p.column]:.4g} |"
            for p in params
        ),
        "",
        "| kind | Brier of the fit | on fresh streams | climatology |",
        "|---|---|---|---|",
        *(
            f"| {k} | {scores[k]:.4f} | {validation.get(k, math.nan):.4f} | "
            f"{clim.get(k, math.nan):.4f} |"
            for k in [*RECORD_KINDS, "overall"]
            if k in scores
        ),
        "",
        "![score against each parameter](calibration.png)",
        "",
    ]
    report = out / "report.md"
    report.write_text("\n".join(md), encoding="utf-8", newline="\n")
    paths.append(report)
    fig = plot_calibration(
        points.dropna(subset=["brier"]),
        [p.column for p in params],
        best=fitted,
        title=f"Calibration of {exp.scenario.name}: ensemble Brier against each parameter",
    )
    png = out / "calibration.png"
    save_figure(fig, png)
    paths.append(png)
    return paths
