"""Running an experiment: chunks of runs on a backend, rows streamed to a Parquet dataset.

Beside ``DIR/results/`` a sweep writes, before its first run:

- ``experiment.toml``: the experiment file as written;
- ``design.csv``: one row per design point (``point`` and the parameter values);
- ``sweep.json``: the resolved experiment, scenario, design, output columns, seed
  derivation and versions, and a fingerprint that ``--resume`` checks;

and after its last: ``failures.csv`` (point, replicate, seed, error of each failed run).
Each invocation also appends a line to ``sessions.jsonl`` (command, backend, jobs, runs
computed, wall time), the one file that depends on how the sweep was run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from casim._version import __version__
from casim.experiment.backends import Backend, drain, in_flight_limit, open_backend
from casim.experiment.design import Design, build_design
from casim.experiment.outputs import OutputPlan
from casim.experiment.spec import Experiment, load_experiment
from casim.experiment.store import ResultStore, read_sweep_json, schema
from casim.experiment.worker import Chunk, Payload, Row
from casim.files import write_text_atomic
from casim.mechanisms import Mechanism, mechanism_names
from casim.progress import Progress
from casim.scenario.errors import ScenarioError
from casim.scenario.window import resolved_window

__all__ = ["SweepResult", "chunks_of", "payload_for", "plan_outputs", "sweep"]

_MAX_CHUNK = 64
_MIN_CHUNKS = 32


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did."""

    out: Path
    runs: int  # runs in the experiment
    stored_before: int  # runs already stored when this invocation began
    computed: int  # runs computed by this invocation
    failed: int  # failed runs stored in all
    seconds: float


def plan_outputs(exp: Experiment) -> OutputPlan:
    o = exp.spec.outputs
    return OutputPlan(
        years=exp.years,
        components=o.components,
        event_counts=tuple(o.event_counts),
        signatures=tuple(o.signatures),
        settlements=tuple(o.settlements),
        record=exp.record,
        answers=o.answers,
        measures=tuple(o.measures),
    )


def payload_for(
    exp: Experiment,
    *,
    design: Design | None = None,
    plan: OutputPlan | None = None,
    replicates: int | None = None,
) -> Payload:
    """What the workers of a sweep of ``exp`` need (``replicates`` overrides the file's:
    benchmarks and tests run one point's replicates in a single chunk)."""
    outputs = plan if plan is not None else plan_outputs(exp)
    return Payload(
        scenario=exp.scenario,
        design=design if design is not None else build_design(exp),
        outputs=outputs,
        seed=exp.spec.seed,
        replicates=replicates if replicates is not None else exp.spec.replicates,
        common_random_numbers=exp.spec.design.common_random_numbers,
        keep_panel=outputs.needs_panel,
        mechanisms=exp.mechanisms,
    )


def chunks_of(total: int) -> list[Chunk]:
    """Cut ``total`` runs into chunks: a function of the total alone (not of jobs)."""
    size = max(1, min(_MAX_CHUNK, math.ceil(total / _MIN_CHUNKS)))
    return [
        Chunk(i, first, min(size, total - first)) for i, first in enumerate(range(0, total, size))
    ]


def _design_csv(design: Design) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["point", *design.columns])
    for i, row in enumerate(design.values):
        w.writerow([i, *(repr(float(v)) for v in row)])
    return buf.getvalue()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"casim": __version__, "python": platform.python_version()}
    for dist in ("numpy", "simpy", "pydantic", "pyarrow", "SALib"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - all are core dependencies
            out[dist] = "absent"
    return out


def _fingerprint(exp: Experiment, design: Design) -> str:
    """The experiment's fingerprint and its design points (which a caller may supply)."""
    h = hashlib.sha256(exp.fingerprint().encode())
    h.update(json.dumps(list(design.paths)).encode())
    h.update(np.ascontiguousarray(design.values, dtype="<f8").tobytes())
    return h.hexdigest()[:16]


def _manifest(exp: Experiment, design: Design, plan: OutputPlan, chunk_runs: int) -> dict[str, Any]:
    pin, known, until = resolved_window(exp.scenario)
    spec = exp.spec
    return {
        "fingerprint": _fingerprint(exp, design),
        "experiment": exp.name,
        "experiment_file": str(exp.path),
        "scenario_file": str(exp.scenario_path),
        "seed": spec.seed,
        "replicates": spec.replicates,
        "points": design.points,
        "runs": design.points * spec.replicates,
        "chunk_runs": chunk_runs,
        "run_seeds": (
            "SeedSequence(seed).spawn(replicates)[replicate] (common random numbers)"
            if spec.design.common_random_numbers
            else "SeedSequence(seed, spawn_key=(point, replicate)), i.e. "
            "SeedSequence(seed).spawn(points)[point].spawn(replicates)[replicate]"
        ),
        "window": {
            "start": exp.scenario.start.isoformat(),
            "pin_until": pin.isoformat(),
            "known_until": known.isoformat(),
            "until": until.isoformat(),
        },
        "design": {
            "kind": design.kind,
            "columns": list(design.columns),
            "paths": list(design.paths),
            "ops": list(design.ops),
            "problem": design.problem,
            "second_order": spec.design.second_order,
            "levels": spec.design.levels,
            "samples": spec.design.samples,
        },
        "outputs": plan.columns,
        "analysis_outputs": list(spec.analysis.outputs),
        "experiment_spec": spec.model_dump(mode="json"),
        "versions": _versions(),
        "mechanisms": mechanism_names(exp.mechanisms),
        "scenario": exp.scenario.model_dump(mode="json"),
    }


def sweep(
    experiment: Experiment | str | Path,
    out: str | Path,
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    progress: TextIO | None = None,
    command: Sequence[str] = (),
    design: Design | None = None,
    mechanisms: Sequence[type[Mechanism]] = (),
) -> SweepResult:
    """Run every (point, replicate) of an experiment not yet stored under ``out``.

    ``design`` replaces the points the experiment file defines (calibration rounds pass
    their own). ``mechanisms`` are added to the built-in ones when the experiment is
    loaded here from its file (an :class:`Experiment` carries its own). Raises
    ScenarioError for a bad experiment, or for an output directory that holds another
    sweep (or this one, without ``resume``).
    """
    if isinstance(experiment, Experiment):
        exp = experiment
    else:
        exp = load_experiment(experiment, mechanisms=mechanisms)
    out = Path(out)
    design = design if design is not None else build_design(exp)
    plan = plan_outputs(exp)
    _check_analysis_outputs(exp, plan.columns)
    total = design.points * exp.spec.replicates
    chunks = chunks_of(total)
    manifest = _manifest(exp, design, plan, chunks[0].size if chunks else 0)
    store = ResultStore(out, schema(design.columns, plan.columns))
    done = store.done()
    _check_resume(out, manifest["fingerprint"], bool(done), resume)
    todo = [c for c in chunks if c.id not in done]
    stored_before = total - sum(c.size for c in todo)
    payload = payload_for(exp, design=design, plan=plan)
    # the backend first: a scheduler that cannot be reached leaves nothing behind
    runner = open_backend(payload, backend, jobs, scheduler) if todo else None
    out.mkdir(parents=True, exist_ok=True)
    store.prepare()
    write_text_atomic(out / "experiment.toml", exp.text)
    write_text_atomic(out / "design.csv", _design_csv(design))
    write_text_atomic(out / "sweep.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    began = time.perf_counter()
    computed = 0
    if runner is not None:
        bar = Progress(total, stored_before, progress, label="sweep")
        try:
            computed = _run_chunks(runner, todo, store, bar, in_flight_limit(backend, jobs))
        finally:
            bar.close()
    failed = _write_failures(store, out)
    seconds = time.perf_counter() - began
    session = {
        "command": list(command),
        "backend": backend,
        "jobs": jobs,
        "scheduler": scheduler,
        "computed": computed,
        "wall_time_s": round(seconds, 3),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with (out / "sessions.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(session) + "\n")
    return SweepResult(out, total, stored_before, computed, failed, seconds)


def _check_analysis_outputs(exp: Experiment, columns: list[str]) -> None:
    """Every column ``[analysis] outputs`` names is an output of the sweep."""
    for i, name in enumerate(exp.spec.analysis.outputs):
        if name not in columns:
            raise ScenarioError(
                exp.path, f"analysis.outputs[{i}]", f"an output column ({columns[0]}, ...)", name
            )


def _check_resume(out: Path, fingerprint: str, stored_runs: bool, resume: bool) -> None:
    """A directory that holds a sweep is continued only with ``resume``, and only if it
    holds this sweep (the same fingerprint)."""
    meta = out / "sweep.json"
    if not (meta.exists() or stored_runs):
        return
    if not resume:
        raise ScenarioError(
            out, "--out", "a directory without a sweep in it (or --resume)", "a stored sweep"
        )
    stored = read_sweep_json(meta) if meta.exists() else {}
    if stored.get("fingerprint") != fingerprint:
        raise ScenarioError(
            out,
            "sweep.json",
            f"the sweep of this experiment (fingerprint {fingerprint})",
            f"fingerprint {stored.get('fingerprint')}",
        )


def _run_chunks(
    runner: Backend, todo: list[Chunk], store: ResultStore, bar: Progress, limit: int
) -> int:
    """Run the chunks on the backend, storing each as it finishes; the runs computed."""
    computed = 0

    def keep(chunk: Chunk, rows: list[Row]) -> None:
        nonlocal computed
        store.write(chunk.id, rows)
        computed += len(rows)
        bar.update(len(rows))

    drain(runner, todo, limit, keep)
    return computed


def _write_failures(store: ResultStore, out: Path) -> int:
    table = store.read(columns=["point", "replicate", "seed", "error"])
    errors = table.column("error").to_pylist()
    points = table.column("point").to_pylist()
    reps = table.column("replicate").to_pylist()
    seeds = table.column("seed").to_pylist()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["point", "replicate", "seed", "error"])
    failed = 0
    for p, r, s, e in zip(points, reps, seeds, errors, strict=True):
        if e is not None:
            w.writerow([p, r, s, e])
            failed += 1
    write_text_atomic(out / "failures.csv", buf.getvalue())
    return failed
