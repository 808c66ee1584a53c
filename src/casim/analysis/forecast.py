"""Scoring a scenario against a record: an ensemble's probability for each row, its Brier
score per kind, and the climatology and persistence baselines beside it.

With an ``origin`` (a forecast from a pin date), the baselines are computed only from the
reference rows whose window closes by the origin (:func:`casim.analysis.scoring.
origin_climatology`), so that the forecast is judged against what was known on that day.

The ensemble runs on the sweep machinery (one design point, ``runs`` replicates with
common random numbers), so run ``r`` is run ``r`` of ``casim run --seed SEED`` and the
probabilities are the same whatever the backend or the number of processes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from casim.analysis.scoring import (
    before_origin,
    climatology,
    ensemble_probabilities,
    origin_climatology,
    persistence,
    scorable,
    skill,
)
from casim.experiment.backends import drain, in_flight_limit, open_backend
from casim.experiment.design import Design
from casim.experiment.outputs import OutputPlan
from casim.experiment.runner import chunks_of
from casim.experiment.worker import Chunk, Payload, Row
from casim.progress import Progress
from casim.record import (
    RECORD_KINDS,
    Question,
    RecordRow,
    brier_by_kind,
    question_cells,
)
from casim.scenario.errors import ScenarioError
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "Forecast",
    "RunFailed",
    "baseline_origin",
    "baselines",
    "ensemble_answers",
    "forecast",
    "forecast_csv",
    "judged",
    "score_table",
]


class RunFailed(RuntimeError):
    """A run of the ensemble raised; ``str()`` names the run and the error."""


@dataclass(frozen=True)
class Forecast:
    """An ensemble's answers to the scored rows of a record, and their scores."""

    rows: tuple[RecordRow, ...]  # the rows scored, in file order
    probabilities: tuple[float, ...]
    answered: tuple[int, ...]  # runs in which each row's question arose
    climatology: tuple[float, ...]  # per row: its kind's rate in the reference
    persistence: tuple[float, ...]  # per row: the latest earlier outcome in the reference
    rates: dict[str, float]  # climatology per kind
    runs: int
    seed: int
    pin_until: dt.date  # rows closing after it are scored
    until: dt.date  # ... and by it, the last simulated day
    closed: tuple[RecordRow, ...] = ()  # rows ending on or before the pin date
    beyond: tuple[RecordRow, ...] = ()  # rows ending after the last simulated day
    scores: dict[str, float] = field(default_factory=dict)
    scores_climatology: dict[str, float] = field(default_factory=dict)
    scores_persistence: dict[str, float] = field(default_factory=dict)
    origin: dt.date | None = None  # baselines from reference rows closing by it (None: all)
    reference_rows: int = 0  # reference rows the baselines were computed from

    def skill(self, baseline: str = "climatology") -> dict[str, float]:
        """Brier skill score per kind and overall against a baseline."""
        ref = self.scores_climatology if baseline == "climatology" else self.scores_persistence
        return {k: skill(v, ref[k]) for k, v in self.scores.items()}


def forecast(
    scenario: Scenario,
    record: Sequence[RecordRow],
    *,
    runs: int,
    seed: int,
    reference: Sequence[RecordRow],
    origin: dt.date | None = None,
    record_path: str | Path = "<record>",
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    progress: TextIO | None = None,
) -> Forecast:
    """Run ``runs`` replicates of ``scenario`` (its window applied) and answer the record.

    Only rows whose window closes after the pin date and by the last simulated day are
    scored (see :func:`casim.record.scorable`); raises ScenarioError when none is left.
    With ``origin``, the baselines (and the rate of a row no run answered) come from the
    ``reference`` rows closing by it only; without, from the whole reference.
    Raises RunFailed if a run raises.
    """
    pin, _known, until = resolved_window(scenario)
    scored, closed, beyond = _scorable_rows(record, pin, until, record_path)
    answers = ensemble_answers(
        scenario, scored, runs=runs, seed=seed, jobs=jobs, backend=backend,
        scheduler=scheduler, progress=progress, label="score",
    )  # fmt: skip
    _known_rows, rates = baselines(reference, origin, (r.kind for r in scored))
    probs, answered = ensemble_probabilities(scored, answers, rates)
    return judged(
        scored, probs, answered, reference=reference, origin=origin, runs=runs, seed=seed,
        pin_until=pin, until=until, closed=closed, beyond=beyond,
    )  # fmt: skip


def baselines(
    reference: Sequence[RecordRow], origin: dt.date | None, kinds: Iterable[str] = ()
) -> tuple[list[RecordRow], dict[str, float]]:
    """The reference rows a forecast is judged against and the climatology rate per kind.

    With ``origin``, only the rows closing by it, and every kind in ``kinds`` gets a rate
    (:func:`casim.analysis.scoring.origin_climatology`); without, the whole reference.
    """
    if origin is None:
        return list(reference), climatology(reference)
    return before_origin(reference, origin), origin_climatology(reference, origin, kinds)


def judged(
    rows: Sequence[RecordRow],
    probabilities: Sequence[float],
    answered: Sequence[int],
    *,
    reference: Sequence[RecordRow],
    origin: dt.date | None,
    runs: int,
    seed: int,
    pin_until: dt.date,
    until: dt.date,
    closed: Sequence[RecordRow] = (),
    beyond: Sequence[RecordRow] = (),
) -> Forecast:
    """Probabilities for rows with outcomes, scored: the Brier score per kind beside the
    climatology and persistence baselines of :func:`baselines` (``origin`` as there).

    What ``casim score`` computes after its runs, and what ``casim judge`` computes from a
    stored forecast."""
    known, rates = baselines(reference, origin, (r.kind for r in rows))
    clim = [rates.get(r.kind, 0.5) for r in rows]
    pers = persistence(rows, known, rates)
    return Forecast(
        rows=tuple(rows),
        probabilities=tuple(probabilities),
        answered=tuple(answered),
        climatology=tuple(clim),
        persistence=tuple(pers),
        rates=rates,
        runs=runs,
        seed=seed,
        pin_until=pin_until,
        until=until,
        closed=tuple(closed),
        beyond=tuple(beyond),
        scores=brier_by_kind(rows, probabilities),
        scores_climatology=brier_by_kind(rows, clim),
        scores_persistence=brier_by_kind(rows, pers),
        origin=origin,
        reference_rows=len(known),
    )


def ensemble_answers(
    scenario: Scenario,
    rows: Sequence[Question],
    *,
    runs: int,
    seed: int,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    progress: TextIO | None = None,
    label: str = "score",
) -> list[list[float]]:
    """Each run's answers to ``rows`` (0, 1, or NaN when the question does not arise), in
    run order: ``runs`` replicates of ``scenario`` on the sweep machinery, so run ``r`` is
    run ``r`` of ``casim run --seed SEED`` whatever ``jobs``. Raises RunFailed if a run
    raises."""
    payload = _ensemble_payload(scenario, rows, runs, seed)
    return _run_ensemble(payload, rows, jobs, backend, scheduler, progress, label)


def baseline_origin(scenario: Scenario, reference: Sequence[RecordRow]) -> dt.date | None:
    """The origin whose earlier rows give the baselines of a score, or None for the whole
    reference.

    A run that forecasts from a pin date (``pin_until`` set and equal to ``known_until``,
    as ``--branch`` sets them) is judged against the reference rows closing by that date,
    when there is at least one; a hindcast (drivers known after the pin date), a run with
    no pin date, or a branch before any reference row closes keeps the whole reference.
    """
    run = scenario.run
    if run.pin_until is None or run.pin_until != run.known_until:
        return None
    return run.pin_until if before_origin(reference, run.pin_until) else None


def _scorable_rows(
    record: Sequence[RecordRow], pin: dt.date, until: dt.date, record_path: str | Path
) -> tuple[list[RecordRow], list[RecordRow], list[RecordRow]]:
    """The record split as :func:`casim.record.scorable` does (scored, closed, beyond);
    raises ScenarioError when no row is left to score."""
    scored, closed, beyond = scorable(record, pin, until)
    if not scored:
        raise ScenarioError(
            record_path,
            "",
            f"rows whose window closes after the pin date {pin} and by {until}",
            f"none ({len(closed)} closed by the pin date, {len(beyond)} beyond the end)"
            + (
                "; to score the record's years, forecast from before them, e.g. --branch"
                " 2016-01-01, or use casim forecast for later years"
                if closed and not beyond
                else ""
            ),
        )
    return scored, closed, beyond


def _ensemble_payload(
    scenario: Scenario, scored: Sequence[Question], runs: int, seed: int
) -> Payload:
    """One design point (the scenario as it is), ``runs`` replicates on common random
    numbers, each run writing its answers to the ``scored`` rows and nothing else."""
    plan = OutputPlan(
        years=(),
        components=False,
        event_counts=(),
        signatures=(),
        settlements=(),
        record=tuple(scored),
        answers=True,
    )
    return Payload(
        scenario=scenario,
        design=Design("grid", (), (), (), np.zeros((1, 0)), {}),
        outputs=plan,
        seed=seed,
        replicates=runs,
        common_random_numbers=True,
    )


def _run_ensemble(
    payload: Payload,
    scored: Sequence[Question],
    jobs: int,
    backend: str,
    scheduler: str | None,
    progress: TextIO | None,
    label: str,
) -> list[list[float]]:
    """Each run's answers to the ``scored`` rows, in run order; raises RunFailed if a run
    raises."""
    runs, seed = payload.replicates, payload.seed
    first = 3 + payload.outputs.columns.index(f"answer_{scored[0].id}")
    answers: list[list[float]] = [[] for _ in range(runs)]

    bar = Progress(runs, 0, progress, label=label)

    def keep(chunk: Chunk, rows: list[Row]) -> None:
        for row in rows:
            if row[-1] is not None:
                raise RunFailed(f"run {row[1]} (seed {seed}) failed: {row[-1]}")
            values = row[first : first + len(scored)]
            answers[int(str(row[1]))] = [float(v) for v in values]  # type: ignore[arg-type]
        bar.update(len(rows))

    runner = open_backend(payload, backend, jobs, scheduler)
    with bar:
        drain(runner, chunks_of(runs), in_flight_limit(backend, jobs), keep)
    return answers


def forecast_csv(fc: Forecast) -> str:
    """One line per scored row: id, kind, subject, object, start, end, outcome, probability,
    runs_answered, climatology, persistence."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "id",
            "kind",
            "subject",
            "object",
            "start",
            "end",
            "outcome",
            "probability",
            "runs_answered",
            "climatology",
            "persistence",
        ]
    )
    for i, r in enumerate(fc.rows):
        w.writerow(
            [
                *question_cells(r),
                r.outcome,
                f"{fc.probabilities[i]:.6f}",
                fc.answered[i],
                f"{fc.climatology[i]:.6f}",
                f"{fc.persistence[i]:.6f}",
            ]
        )
    return buf.getvalue()


def score_table(fc: Forecast) -> str:
    """The printed table: rows and Brier per kind and overall, the baselines and the skill."""
    kinds = [k for k in RECORD_KINDS if k in fc.scores]
    counts = {k: sum(1 for r in fc.rows if r.kind == k) for k in kinds}
    bss_c, bss_p = fc.skill("climatology"), fc.skill("persistence")
    head = (
        f"{'kind':<22} {'rows':>4} {'brier':>7} {'climat.':>7} {'persist.':>8}"
        f" {'BSS clim':>8} {'BSS pers':>8}"
    )
    lines = [head, "-" * len(head)]

    def fmt(x: float) -> str:
        return "nan" if math.isnan(x) else f"{x:.3f}"

    for k in [*kinds, "overall"]:
        n = counts[k] if k in counts else len(fc.rows)
        lines.append(
            f"{k:<22} {n:>4} {fmt(fc.scores[k]):>7} {fmt(fc.scores_climatology[k]):>7}"
            f" {fmt(fc.scores_persistence[k]):>8} {fmt(bss_c[k]):>8} {fmt(bss_p[k]):>8}"
        )
    return "\n".join(lines)
