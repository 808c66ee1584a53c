"""A forecast of open questions (``casim forecast``) and its judgement once outcomes are
known (``casim judge``).

A question file is in the record's format, ``outcome`` empty while it is not known
(:func:`casim.record.load_questions`). The forecast answers every row whose window opens
after the pin date and closes by the last simulated day with the share of runs in which
it happened (for ``summit_head_attended``, the share of the runs that held a meeting in
the window), on the same ensemble machinery as ``casim score``
(:func:`casim.analysis.forecast.ensemble_answers`). A row whose window opens on or before
the pin date is skipped and counted: part of its window is imposed history, so it is not a
forecast from that day.

The stored forecast (``FILE.csv`` and ``FILE.json``) is judged later against a file whose
rows have outcomes: the stored probabilities, not a new run, scored with the baselines a
forecaster had on the pin date (:func:`casim.analysis.forecast.judged`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from casim.analysis.forecast import Forecast, baselines, ensemble_answers, judged
from casim.analysis.scoring import ensemble_probabilities
from casim.record import Question, RecordRow, question_cells
from casim.scenario.errors import ScenarioError, format_found
from casim.scenario.reading import read_input_text
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "FORECAST_COLUMNS",
    "KIND",
    "Outlook",
    "StoredForecast",
    "forecast_questions",
    "forecastable",
    "judge",
    "outlook_csv",
    "read_forecast",
]

#: The columns of a stored forecast, FILE.csv.
FORECAST_COLUMNS = (
    "id",
    "kind",
    "subject",
    "object",
    "start",
    "end",
    "probability",
    "runs_answered",
)


#: The ``kind`` of FILE.json, by which ``casim judge`` and a later forecast recognise it.
KIND = "casim forecast"


@dataclass(frozen=True)
class Outlook:
    """An ensemble's probabilities for the open questions of a question file."""

    rows: tuple[Question, ...]  # the rows forecast, in file order
    probabilities: tuple[float, ...]
    answered: tuple[int, ...]  # runs in which each row's question arose
    rates: dict[str, float]  # per kind: the probability of a row no run answered
    runs: int
    seed: int
    pin_until: dt.date  # rows whose window opens after it are forecast
    until: dt.date  # ... and closes by it, the last simulated day
    opened: tuple[Question, ...] = ()  # rows whose window opens on or before the pin date
    beyond: tuple[Question, ...] = ()  # rows ending after the last simulated day


def forecastable(
    rows: Sequence[Question], pin_until: dt.date, until: dt.date
) -> tuple[list[Question], list[Question], list[Question]]:
    """Split question rows into (forecast, opened, beyond): a row is forecast when its
    window opens after the pin date and closes on or before the last simulated day;
    ``opened`` rows open on or before the pin date, ``beyond`` rows (the others) end after
    the last simulated day."""
    pin, last = pin_until.isoformat(), until.isoformat()
    opened = [r for r in rows if r.start <= pin]
    beyond = [r for r in rows if r.start > pin and r.end > last]
    ahead = [r for r in rows if r.start > pin and r.end <= last]
    return ahead, opened, beyond


def forecast_questions(
    scenario: Scenario,
    questions: Sequence[Question],
    *,
    runs: int,
    seed: int,
    reference: Sequence[RecordRow],
    questions_path: str | Path = "<questions>",
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    progress: TextIO | None = None,
) -> Outlook:
    """Run ``runs`` replicates of ``scenario`` (its window applied) and answer the rows of
    ``questions`` that :func:`forecastable` keeps; raises ScenarioError when none is left.

    A row no run answered (no meeting held in its window in any run) gets its kind's rate
    among the ``reference`` rows closing by the pin date (the model has no view on it).
    Raises :class:`casim.analysis.forecast.RunFailed` if a run raises.
    """
    pin, _known, until = resolved_window(scenario)
    ahead, opened, beyond = forecastable(questions, pin, until)
    if not ahead:
        raise ScenarioError(
            questions_path,
            "",
            f"rows whose window opens after the pin date {pin} and closes by {until}",
            f"none ({len(opened)} opening by the pin date, {len(beyond)} ending after {until})",
        )
    answers = ensemble_answers(
        scenario, ahead, runs=runs, seed=seed, jobs=jobs, backend=backend,
        scheduler=scheduler, progress=progress, label="forecast",
    )  # fmt: skip
    _known_rows, rates = baselines(reference, pin, (r.kind for r in ahead))
    probs, answered = ensemble_probabilities(ahead, answers, rates)
    return Outlook(
        rows=tuple(ahead),
        probabilities=tuple(probs),
        answered=tuple(answered),
        rates=rates,
        runs=runs,
        seed=seed,
        pin_until=pin,
        until=until,
        opened=tuple(opened),
        beyond=tuple(beyond),
    )


def outlook_csv(outlook: Outlook) -> str:
    """FILE.csv: one line per row forecast, in :data:`FORECAST_COLUMNS`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FORECAST_COLUMNS)
    for r, p, n in zip(outlook.rows, outlook.probabilities, outlook.answered, strict=True):
        w.writerow([*question_cells(r), f"{p:.6f}", n])
    return buf.getvalue()


@dataclass(frozen=True)
class StoredForecast:
    """A forecast read back from FILE.csv and FILE.json."""

    rows: tuple[Question, ...]
    probabilities: tuple[float, ...]
    answered: tuple[int, ...]
    runs: int
    seed: int
    pin_until: dt.date
    until: dt.date
    scenario_name: str


def read_forecast(path: str | Path) -> StoredForecast:
    """Read a stored forecast, FILE.csv and FILE.json beside it (as ``casim forecast``
    writes them); any defect is one ScenarioError line."""
    path = Path(path)
    text = read_input_text(path, what="forecast file")
    meta = _read_meta(path.with_suffix(".json"))
    reader = csv.DictReader(text.splitlines())
    try:
        if tuple(reader.fieldnames or ()) != FORECAST_COLUMNS:
            raise ScenarioError(
                path, "header", f"the columns {', '.join(FORECAST_COLUMNS)}",
                format_found(",".join(reader.fieldnames or ())),
            )  # fmt: skip
        rows, probs, answered = [], [], []
        seen: set[str] = set()
        for n, raw in enumerate(reader, start=2):
            row, p, k = _forecast_row(path, f"line {n}", raw, seen, meta["runs"])
            rows.append(row)
            probs.append(p)
            answered.append(k)
    except csv.Error as err:
        raise ScenarioError(
            path, f"line {reader.line_num + 1}", "a CSV row", format_found(str(err))
        ) from None
    if not rows:
        raise ScenarioError(path, "", "at least one row", "none")
    return StoredForecast(
        rows=tuple(rows),
        probabilities=tuple(probs),
        answered=tuple(answered),
        runs=meta["runs"],
        seed=meta["seed"],
        pin_until=meta["pin_until"],
        until=meta["until"],
        scenario_name=meta["scenario_name"],
    )


def _read_meta(path: Path) -> dict[str, Any]:
    """The runs, seed, window and scenario name of FILE.json, checked."""
    text = read_input_text(path, what="forecast manifest")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ScenarioError(path, "", "JSON", format_found(str(err))) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ScenarioError(path, "kind", repr(KIND), format_found(_get(data, "kind")))
    out: dict[str, Any] = {}
    for key in ("runs", "seed"):
        value = data.get(key)
        if type(value) is not int or value < (1 if key == "runs" else 0):
            raise ScenarioError(path, key, "a non-negative integer", format_found(value))
        out[key] = value
    window = data.get("window")
    for key in ("pin_until", "until"):
        value = window.get(key) if isinstance(window, dict) else None
        try:
            out[key] = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            out[key] = None
        if out[key] is None:
            raise ScenarioError(path, f"window.{key}", "an ISO date", format_found(value))
    name = data.get("scenario_name")
    out["scenario_name"] = name if isinstance(name, str) else ""
    return out


def _get(data: object, key: str) -> object:
    return data.get(key) if isinstance(data, dict) else data


def _forecast_row(
    path: Path, where: str, raw: dict[str, str | None], seen: set[str], runs: int
) -> tuple[Question, float, int]:
    """One row of FILE.csv, checked: a unique id, a probability in [0, 1] and a count of
    runs from 0 to the forecast's runs."""
    row_id = raw["id"] or ""
    if not row_id.strip() or row_id in seen:
        raise ScenarioError(path, f"{where}.id", "a unique id", format_found(raw["id"]))
    seen.add(row_id)
    try:
        p = float(raw["probability"] or "")
    except ValueError:
        p = math.nan
    if not 0.0 <= p <= 1.0:
        raise ScenarioError(
            path, f"{where}.probability", "a number from 0 to 1", format_found(raw["probability"])
        )
    text = raw["runs_answered"] or ""
    k = int(text) if text.isdigit() and len(text) <= 20 else -1
    if not 0 <= k <= runs:
        raise ScenarioError(
            path, f"{where}.runs_answered", f"an integer from 0 to {runs}", format_found(text)
        )
    fields = [raw[c] or "" for c in ("kind", "subject", "object", "start", "end")]
    return Question(row_id, *fields), p, k


def judge(
    stored: StoredForecast,
    outcomes: Sequence[Question],
    *,
    reference: Sequence[RecordRow],
    forecast_path: str | Path = "<forecast>",
    outcomes_path: str | Path = "<record>",
) -> tuple[Forecast, list[Question]]:
    """Score the stored probabilities against the rows of ``outcomes`` that have one (a
    :class:`RecordRow`), matched by id; baselines from the ``reference`` rows closing by
    the forecast's pin date. Return the scores and the forecast rows left unjudged (no
    outcome yet, or no row of that id). A matched row whose question differs from the
    forecast's (kind, subject, object or window) is refused; so is a file with no
    outcome for any forecast row."""
    known = {r.id: r for r in outcomes if isinstance(r, RecordRow)}
    rows: list[RecordRow] = []
    probs: list[float] = []
    answered: list[int] = []
    pending: list[Question] = []
    for q, p, n in zip(stored.rows, stored.probabilities, stored.answered, strict=True):
        row = known.get(q.id)
        if row is None:
            pending.append(q)
            continue
        asked = (row.kind, row.subject, row.object, row.start, row.end)
        if asked != (q.kind, q.subject, q.object, q.start, q.end):
            raise ScenarioError(
                outcomes_path, f"row {q.id}",
                f"the question the forecast answered ({', '.join((q.kind, q.subject, q.object, q.start, q.end))})",  # noqa: E501
                ", ".join(asked),
            )  # fmt: skip
        rows.append(row)
        probs.append(p)
        answered.append(n)
    if not rows:
        raise ScenarioError(
            outcomes_path, "", f"an outcome for at least one row of {forecast_path}",
            f"none of its {len(stored.rows)} rows",
        )  # fmt: skip
    fc = judged(
        rows, probs, answered, reference=reference, origin=stored.pin_until, runs=stored.runs,
        seed=stored.seed, pin_until=stored.pin_until, until=stored.until,
    )  # fmt: skip
    return fc, pending
