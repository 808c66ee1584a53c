"""Rolling-origin backtests, out of sample: ``casim backtest BACKTEST``.

A backtest file names a scenario (the prior), a record, origins and a calibration file
used as a template. For each origin O, in order:

1. **fit** on the record rows that close by O only (with ``origin_state``, the default,
   also on the state of the lines at O read from the scenario's dated events:
   :mod:`casim.analysis.origin_state`), written to ``OUT/origin-O/record.csv``: the
   template's calibration (the same parameters, ranges, blocks, search and seed) with its
   window and record replaced, either
   ``fit = "hindcast"`` (the default: outcomes free from the scenario's start, the
   exogenous drivers known up to O, ``pin_until = start, known_until = until = O``) or
   ``fit = "free"`` (free runs from the start, every driver drawn, ``branch = start,
   until = O``). The derived calibration file and the overlay it writes are kept in
   ``OUT/origin-O/`` (``calibration.toml``, ``fit.toml``), its rounds in
   ``OUT/origin-O/calibration/``;
2. **forecast** from O with the history before it imposed (the overlay with
   ``pin_until = known_until = O``), ``[forecast] runs`` runs on common random numbers;
3. **score** the rows closing after O and by the forecast's last day, against climatology
   and persistence computed from the rows closing by O only
   (:func:`casim.analysis.scoring.origin_climatology`).

Each origin's result is kept in ``OUT/origin-O/result.json`` once complete, so a stopped
backtest continues with ``resume`` (a calibration stopped midway continues its sweeps).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casim.analysis.origin_state import STATE_PREFIX, record_text, state_rows
from casim.experiment.spec import PlainName
from casim.record import RecordRow, check_record, load_record
from casim.scenario.errors import ScenarioError
from casim.scenario.load import load_scenario, load_toml, raise_validation, with_window
from casim.scenario.schema import Scenario

__all__ = [
    "Backtest",
    "BacktestFile",
    "OriginResult",
    "load_backtest",
    "run_backtest",
    "toml_text",
]


class _Strict(BaseModel):
    """Strict types, as experiment files: no coercion of text or booleans to numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ForecastSpec(_Strict):
    """The forecast made from each origin."""

    runs: int = Field(400, ge=1, le=1_000_000, description="runs of the forecast")
    seed: int = Field(1, ge=0, lt=2**63, description="base seed of the forecast's runs")
    until: dt.date | None = Field(
        None, description="its last day (default: the last day a record row closes)"
    )


class BacktestFile(_Strict):
    """The keys of a backtest file."""

    name: PlainName | None = None
    description: str = ""
    scenario: str = Field(description="the scenario fitted (the prior), relative to the file")
    record: str = Field(description="the record fitted and scored, relative to the file")
    calibration: str = Field(
        description="a calibration file whose parameters, search and seed each origin's fit "
        "uses (its scenario, window, record and overlay are replaced)"
    )
    origins: list[dt.date] = Field(min_length=1, max_length=100)
    fit: Literal["hindcast", "free"] = Field(
        "hindcast",
        description="hindcast: drivers known up to the origin; free: every driver drawn",
    )
    origin_state: bool = Field(
        True,
        description="the fit also knows the state of the lines at the origin (open or "
        "settled, a major clash or none), read from the scenario's dated events, as record "
        "rows from the start to the origin (casim.analysis.origin_state)",
    )
    forecast: ForecastSpec = Field(default_factory=ForecastSpec)


@dataclass(frozen=True)
class Backtest:
    """A validated backtest file: its resolved inputs and one derived calibration (as a
    TOML table) per origin."""

    path: Path
    spec: BacktestFile
    scenario_path: Path
    scenario: Scenario
    record_path: Path
    record: tuple[RecordRow, ...]
    template_path: Path
    calibrations: dict[dt.date, dict[str, Any]]  # origin -> the calibration file's table
    until: dt.date
    fit_records: dict[dt.date, str]  # origin -> the text of the record its fit reads

    @property
    def name(self) -> str:
        return self.spec.name or self.path.stem

    def fingerprint(self) -> str:
        """A digest of everything that decides the results."""
        h = hashlib.sha256()
        h.update(json.dumps(self.spec.model_dump(mode="json"), sort_keys=True).encode())
        h.update(json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True).encode())
        h.update(repr(self.record).encode())
        for origin, table in sorted(self.calibrations.items()):
            h.update(origin.isoformat().encode())
            portable = {k: v for k, v in table.items() if k not in ("scenario", "outputs")}
            h.update(toml_text(portable).encode())  # the files' contents are hashed above
            h.update(self.fit_records[origin].encode())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class OriginResult:
    """One origin's fit, forecast and scores (``brier`` etc. are the mean over kinds)."""

    origin: dt.date
    rows_fitted: int
    fit_brier: float  # the fit on its own streams
    fit_validation: float  # the fit on fresh streams
    fitted: dict[str, float]
    edges: list[str]  # fitted values at the edge of their range
    rows_scored: int
    reference_rows: int  # rows closing by the origin, the baselines' source
    brier: float
    climatology: float
    persistence: float

    @property
    def skill_climatology(self) -> float:
        return _skill(self.brier, self.climatology)

    @property
    def skill_persistence(self) -> float:
        return _skill(self.brier, self.persistence)

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin.isoformat(),
            "rows_fitted": self.rows_fitted,
            "fit_brier": self.fit_brier,
            "fit_validation": self.fit_validation,
            "fitted": self.fitted,
            "edges": self.edges,
            "rows_scored": self.rows_scored,
            "reference_rows": self.reference_rows,
            "brier": self.brier,
            "climatology": self.climatology,
            "persistence": self.persistence,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OriginResult:
        return cls(**{**data, "origin": dt.date.fromisoformat(str(data["origin"]))})


def _skill(score: float, reference: float) -> float:
    return 1.0 - score / reference if reference > 0 else math.nan


# ---------------------------------------------------------------- the file


def _relative(base: Path, text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else Path(os.path.normpath(base.parent / path))


def load_backtest(path: str | Path) -> Backtest:
    """Read and check a backtest file and every origin's derived calibration; any defect
    is one ScenarioError line, raised before anything runs."""
    path = Path(path)
    try:
        spec = BacktestFile.model_validate(load_toml(path))
    except ValidationError as err:
        raise_validation(err, path, "")
    scenario_path = _existing(path, "scenario", spec.scenario)
    record_path = _existing(path, "record", spec.record)
    template_path = _existing(path, "calibration", spec.calibration)
    scenario = load_scenario(scenario_path)
    record = load_record(record_path)
    check_record(record, scenario, record_path)
    until = spec.forecast.until or dt.date.fromisoformat(max(r.end for r in record))
    _check_origins(path, spec.origins, scenario, record, until)
    template = load_toml(template_path)
    calibrations = {
        o: _derived(template, spec, scenario_path, scenario.start, o) for o in spec.origins
    }
    fit_records = {o: _fit_record(spec, scenario, record, o) for o in spec.origins}
    for origin, table in calibrations.items():
        _check_derived(path, origin, table, fit_records[origin])
    return Backtest(
        path,
        spec,
        scenario_path,
        scenario,
        record_path,
        record,
        template_path,
        calibrations,
        until,
        fit_records,
    )


#: The file beside an origin's derived calibration that holds the record its fit reads.
FIT_RECORD = "record.csv"


def _fit_record(
    spec: BacktestFile, scenario: Scenario, record: Sequence[RecordRow], origin: dt.date
) -> str:
    """The record an origin's fit reads: the rows closing by the origin, and with
    ``origin_state`` the rows of the state of the lines at it (:func:`state_rows`)."""
    day = origin.isoformat()
    rows = [r for r in record if r.end <= day]
    if spec.origin_state:
        rows += state_rows(scenario, record, origin)
    note = f"derived: the state of the line at the origin {day}, from the scenario's events"
    return record_text(rows, note)


def _existing(path: Path, key: str, text: str) -> Path:
    found = _relative(path, text)
    if not found.is_file():
        raise ScenarioError(path, key, "an existing file", str(found))
    return found


def _check_origins(
    path: Path,
    origins: Sequence[dt.date],
    scenario: Scenario,
    record: Sequence[RecordRow],
    until: dt.date,
) -> None:
    """Origins increase, fall after the scenario's start and before the forecast's last
    day, and each has rows to fit before it and rows to score after it."""
    if list(origins) != sorted(set(origins)):
        found = ", ".join(o.isoformat() for o in origins)
        raise ScenarioError(path, "origins", "dates in increasing order, each once", found)
    if until > scenario.end:
        raise ScenarioError(
            path, "forecast.until", f"a day by the scenario's end {scenario.end}", str(until)
        )
    start = scenario.start.isoformat()
    for i, origin in enumerate(origins):
        day = origin.isoformat()
        if not scenario.start < origin < until:
            raise ScenarioError(
                path, f"origins[{i}]", f"a date after {scenario.start} and before {until}", day
            )
        if not any(start < r.end <= day for r in record):
            raise ScenarioError(path, f"origins[{i}]", "record rows closing by it to fit", day)
        if not any(day < r.end <= until.isoformat() for r in record):
            raise ScenarioError(
                path, f"origins[{i}]", f"record rows closing after it and by {until}", day
            )


def _derived(
    template: Mapping[str, Any],
    spec: BacktestFile,
    scenario_path: Path,
    start: dt.date,
    origin: dt.date,
) -> dict[str, Any]:
    """The calibration file of one origin: the template with the backtest's scenario, the
    fit's window, and the record (``record.csv``) and overlay (``fit.toml``) beside it."""
    table: dict[str, Any] = _with_dates(json.loads(json.dumps(template, default=str)), template)
    name = spec.name or "backtest"
    table["name"] = f"{name}_fit_{origin.isoformat()}"
    table["description"] = (
        f"the calibration of {Path(spec.calibration).name} fitted on the rows closing by "
        f"{origin} ({spec.fit})"
    )
    table["scenario"] = scenario_path.resolve().as_posix()
    if spec.fit == "hindcast":
        table["run"] = {"pin_until": start, "known_until": origin, "until": origin}
    else:
        table["run"] = {"branch": start, "until": origin}
    table.setdefault("outputs", {})["record"] = FIT_RECORD  # written beside it
    table.setdefault("calibration", {})["overlay"] = "fit.toml"
    return table


def _with_dates(copy: Any, original: Any) -> Any:
    """``copy`` (a JSON round trip of ``original``) with the dates of ``original`` back."""
    if isinstance(original, dt.date):
        return original
    if isinstance(original, dict):
        return {k: _with_dates(copy[k], v) for k, v in original.items()}
    if isinstance(original, list):
        return [_with_dates(c, v) for c, v in zip(copy, original, strict=True)]
    return copy


def _check_derived(path: Path, origin: dt.date, table: Mapping[str, Any], fit_record: str) -> None:
    """Load the derived calibration as ``casim calibrate`` would; a defect names the
    backtest file, the origin and the template's message."""
    from casim.analysis.calibrate import load_calibration

    with tempfile.TemporaryDirectory(prefix=".casim-backtest-") as tmp:
        (Path(tmp) / FIT_RECORD).write_text(fit_record, encoding="utf-8", newline="\n")
        derived = Path(tmp) / "calibration.toml"
        derived.write_text(toml_text(table), encoding="utf-8", newline="\n")
        try:
            load_calibration(derived)
        except ScenarioError as err:
            raise ScenarioError(
                path, "calibration", f"a calibration that fits the rows by {origin}", str(err)
            ) from None


# ---------------------------------------------------------------- writing TOML


def toml_text(table: Mapping[str, Any]) -> str:
    """A TOML text of a table of strings, numbers, booleans, dates, lists, tables and
    arrays of tables (the keys of experiment files), written by ``tomli_w``; read back, it
    is ``table``."""
    text = tomli_w.dumps(table)
    if tomllib.loads(text) != table:  # a guard: what is written is what was meant
        raise ValueError("the TOML written does not read back as the table")
    return text


# ---------------------------------------------------------------- running


def origin_dir(out: Path, origin: dt.date) -> Path:
    """Where one origin's files are written."""
    return out / f"origin-{origin.isoformat()}"


def run_backtest(
    bt: Backtest,
    out: str | Path,
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    progress: TextIO | None = None,
    command: Sequence[str] = (),
) -> list[OriginResult]:
    """Fit, forecast and score each origin in turn (see the module docstring); write
    ``backtest.json`` (the manifest) first and each origin's ``result.json`` when done.
    Raises ScenarioError for a directory that holds another backtest (or this one,
    without ``resume``)."""
    from casim.analysis.backtest_out import manifest

    out = Path(out)
    _check_out(out, bt.fingerprint(), resume)
    out.mkdir(parents=True, exist_ok=True)
    meta = manifest(bt, command)
    (out / "backtest.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    options: dict[str, Any] = {"jobs": jobs, "backend": backend, "scheduler": scheduler}
    results = []
    for origin in bt.spec.origins:
        here = origin_dir(out, origin)
        done = here / "result.json"
        if resume and done.is_file():
            results.append(OriginResult.from_json(json.loads(done.read_text(encoding="utf-8"))))
            _say(progress, f"origin {origin}: stored, skipped")
            continue
        result = _one_origin(bt, origin, here, options, resume, progress, command)
        done.write_text(
            json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        results.append(result)
    return results


def _say(progress: TextIO | None, text: str) -> None:
    if progress is not None:
        progress.write(f"backtest: {text}\n")
        progress.flush()


def _check_out(out: Path, fingerprint: str, resume: bool) -> None:
    """An output directory is new or empty, or holds this backtest and ``resume`` is on."""
    if out.exists() and not out.is_dir():
        raise ScenarioError("<command line>", "--out", "a directory", f"{out} is a file")
    if not out.is_dir() or not any(out.iterdir()):
        return
    meta = out / "backtest.json"
    if not resume:
        raise ScenarioError(
            out, "--out", "a new or empty directory (or --resume)", "a directory with files"
        )
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    found = stored.get("fingerprint") if isinstance(stored, dict) else None
    if found != fingerprint:
        raise ScenarioError(
            out, "backtest.json", f"this backtest (fingerprint {fingerprint})", str(found)
        )


def _one_origin(
    bt: Backtest,
    origin: dt.date,
    here: Path,
    options: dict[str, Any],
    resume: bool,
    progress: TextIO | None,
    command: Sequence[str],
) -> OriginResult:
    """Fit on the rows closing by ``origin``, forecast from it, score the rows after it."""
    from casim.analysis.calibrate import at_edge, calibrate, load_calibration
    from casim.analysis.forecast import forecast, forecast_csv

    here.mkdir(parents=True, exist_ok=True)
    (here / FIT_RECORD).write_text(bt.fit_records[origin], encoding="utf-8", newline="\n")
    derived = here / "calibration.toml"
    derived.write_text(toml_text(bt.calibrations[origin]), encoding="utf-8", newline="\n")
    cal = load_calibration(derived)
    derived_rows = sum(r.id.startswith(STATE_PREFIX) for r in cal.exp.record)
    _say(
        progress,
        f"origin {origin}: fitting on {len(cal.exp.record)} rows "
        f"({derived_rows} of them the state of the lines at the origin)",
    )
    fit = calibrate(
        cal,
        here / "calibration",
        resume=resume,
        progress=progress,
        command=[*command, f"(origin {origin})"],
        update=True,  # the derived file's overlay is this origin's own fit.toml
        **options,
    )
    overlay = cal.overlay  # the fitted overlay, OUT/origin-O/fit.toml
    scenario = with_window(
        load_scenario(overlay), pin_until=origin, known_until=origin, until=bt.until
    )
    spec = bt.spec.forecast
    _say(progress, f"origin {origin}: forecasting, {spec.runs} runs")
    fc = forecast(
        scenario,
        bt.record,
        runs=spec.runs,
        seed=spec.seed,
        reference=bt.record,
        origin=origin,
        record_path=bt.record_path,
        progress=progress,
        **options,
    )
    (here / "forecast.csv").write_text(forecast_csv(fc), encoding="utf-8", newline="\n")
    return OriginResult(
        origin=origin,
        rows_fitted=len(cal.exp.record),
        fit_brier=fit.score,
        fit_validation=fit.validation["overall"],
        fitted=fit.fitted,
        edges=at_edge(cal.exp.spec.parameters, fit.fitted),
        rows_scored=len(fc.rows),
        reference_rows=fc.reference_rows,
        brier=fc.scores["overall"],
        climatology=fc.scores_climatology["overall"],
        persistence=fc.scores_persistence["overall"],
    )
