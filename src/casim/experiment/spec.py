"""Experiment files: which scenario, which parameters vary and how, what to keep per run.

An experiment is validated completely before any run: its keys, its scenario (loaded and
checked as ``casim validate`` would), every parameter path, every grid value and the ends
of every sampled range (applied to the scenario and validated again), and every output.
Every failure is one :class:`~casim.scenario.errors.ScenarioError` naming the experiment
file, the key path, what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from casim.experiment.overrides import PathError, apply_values, leaves
from casim.log import EventKind
from casim.mechanisms import Mechanism, kinds_of, mechanism_names
from casim.model.indicators import COMPONENTS
from casim.model.run_measures import FORMAT_MEASURES, outcome_names
from casim.record import RecordRow, check_record, load_record
from casim.scenario.errors import ScenarioError, format_found
from casim.scenario.load import load_scenario, load_toml, raise_validation, with_window
from casim.scenario.reading import check_path, read_input_text
from casim.scenario.schema import Scenario
from casim.scenario.validate import check_scenario
from casim.scenario.window import resolved_window

__all__ = [
    "MAX_SEED",
    "DesignSpec",
    "Experiment",
    "ExperimentFile",
    "OutputsSpec",
    "ParameterSpec",
    "PlainName",
    "load_experiment",
    "plain_name",
    "set_checked",
]


class _Strict(BaseModel):
    """Base of the experiment file's tables: immutable, unknown keys refused, strict types
    (``"2"`` is not an integer, ``2.5`` is not an integer; an integer is a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def plain_name(text: str) -> str:
    """A name that is one path component: no separator, no '..', no leading dot or dash."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", text) or ".." in text:
        raise ValueError(
            "a plain name (letters, digits, '_', '-', '.'; at most 100; not starting with "
            "'.' or '-'; no '..')"
        )
    return text


#: A name that becomes one directory under out/ (checked by :func:`plain_name`).
PlainName = Annotated[str, AfterValidator(plain_name)]

#: The most design points of an experiment (the design is held in memory), and the most
#: runs of a sweep (its chunks are listed in memory before they stream to disk).
MAX_POINTS = 1_000_000
MAX_SWEEP_RUNS = 10_000_000

#: The largest seed: seeds are stored in 64-bit signed integer columns.
MAX_SEED = 2**63 - 1


class ParameterSpec(_Strict):
    """One varied parameter: a key path, and its grid values or its sampled range."""

    path: str = Field(description="key path in the scenario, e.g. states.TKM.neutrality")
    name: str | None = Field(None, description="column name (default: the path)")
    op: Literal["set", "scale"] = Field(
        "set", description="set the value, or scale every number the path names by it"
    )
    values: list[float] | None = Field(
        None, min_length=1, max_length=100_000, description="grid values"
    )
    low: float | None = Field(None, description="lower end of a sampled range")
    high: float | None = Field(None, description="upper end of a sampled range")

    @property
    def column(self) -> str:
        return self.name or self.path


class DesignSpec(_Strict):
    """How design points are chosen."""

    kind: Literal["grid", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(
        64, ge=1, le=1_000_000, description="base sample size of lhs, sobol and morris designs"
    )
    levels: int = Field(4, ge=2, le=64, description="grid levels of a morris design")
    second_order: bool = Field(False, description="sobol: also the second-order indices")
    common_random_numbers: bool = Field(
        False,
        description="replicate r of every point uses the same random streams "
        "(SeedSequence(seed).spawn(replicates)[r], as `casim run`); "
        "default: independent streams per point and replicate",
    )


class RunSpec(_Strict):
    """The run window, as on the ``casim run`` command line."""

    branch: dt.date | None = None
    pin_until: dt.date | None = None
    known_until: dt.date | None = None
    until: dt.date | None = None

    @model_validator(mode="after")
    def _branch_alone(self) -> RunSpec:
        if self.branch is not None and (self.pin_until or self.known_until):
            raise ValueError("branch without pin_until or known_until beside it")
        free = self.branch or self.pin_until
        if free is not None and self.until is not None and self.until < free:
            raise ValueError(f"until on or after the branch or pin date {free}")
        return self


class OutputsSpec(_Strict):
    """What each run keeps (one row per run; columns named below)."""

    index_years: list[int] | Literal["all"] = Field(
        "all", description="index_<year> columns: the integration index at each year's end"
    )
    components: bool = Field(False, description="also <component>_<year> for each index year")
    event_counts: list[str] = Field(
        default_factory=list,
        description="n_<kind> columns: events of each kind in the run; "
        "'kind:object' counts only that object (e.g. border_clash:major)",
    )
    signatures: list[str] = Field(
        default_factory=list, description="signed_<doc>: states that signed the document"
    )
    settlements: list[str] = Field(
        default_factory=list,
        description="settled_<pair>: year of the border treaty (NaN when none in the run)",
    )
    measures: list[str] = Field(
        default_factory=list,
        description="<measure>_<year> columns for each index year: any outcome casim compare "
        "compares but the index and its components (e.g. regularity, heads_present, trade_bn, "
        "documents_in_force, stage_KGZ-TJK, signed_ca_2040_TKM, c5x_heads_KAZ)",
    )
    record: str | None = Field(
        None,
        description="a record file (relative to the experiment file): record_brier and "
        "record_brier_<kind>, the run's Brier score on its rows (per kind, mean over kinds)",
    )
    answers: bool = Field(
        False,
        description="with a record: also answer_<row id>, the run's answer to each row "
        "(1, 0, or NaN when the question does not arise in the run)",
    )


class AnalysisSpec(_Strict):
    """Defaults of ``casim analyze``."""

    outputs: list[str] = Field(default_factory=list, description="output columns to analyse")


class CalibrationSpec(_Strict):
    """How ``casim calibrate`` searches: the file's LHS design is round 0; each refinement
    round samples a Latin hypercube in the box spanned by the best points so far; the
    best points of all rounds are then run again with more replicates, and the best of
    them is the fit. With ``blocks``, this search runs for each block of parameters in
    turn (the others held at the current fit), ``cycles`` times over."""

    rounds: int = Field(2, ge=0, le=10, description="refinement rounds after the first LHS")
    refine_samples: int = Field(64, ge=2, le=100_000, description="points per refinement round")
    refine_replicates: int | None = Field(
        None, ge=1, le=100_000, description="replicates per refinement point (default: the file's)"
    )
    keep: int = Field(8, ge=2, le=10_000, description="best points that bound the next box")
    margin: float = Field(
        0.1, ge=0, le=1, description="the box is widened by this share of its width each side"
    )
    finalists: int = Field(5, ge=1, le=1_000, description="best points run again at the end")
    final_replicates: int = Field(200, ge=1, le=100_000, description="replicates per finalist")
    blocks: list[list[str]] | None = Field(
        None,
        description="block-coordinate search: groups of parameter names, fitted in turn with "
        "the others held at their current fit (default: one block of all)",
    )
    cycles: int = Field(1, ge=1, le=10, description="passes over the blocks")
    prior_weight: float = Field(
        0.0,
        ge=0,
        le=10,
        description="the search minimises the Brier score plus prior_weight times the mean "
        "over the parameters of ((value - base value) / range width)^2: a Gaussian prior "
        "centred on the scenario's values (0: the Brier score alone)",
    )
    method: Literal["lhs", "optuna"] = Field(
        "lhs",
        description="the search of each stage: iterated Latin hypercubes (rounds, "
        "refine_samples, keep, margin), or an Optuna sampler (sampler, trials, batch); "
        "the final round and the validation are the same",
    )
    sampler: Literal["tpe", "cmaes"] = Field("tpe", description="optuna: the sampler (seeded)")
    trials: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="optuna: trials per stage, each run `replicates` times (default: the "
        "runs the lhs search of a stage spends, divided by `replicates`)",
    )
    batch: int = Field(
        16, ge=1, le=10_000, description="optuna: trials asked together and run as one sweep"
    )
    overlay: str = Field(
        description="the fitted scenario to write (relative to the calibration file); it "
        "extends the experiment's scenario"
    )


class ExperimentFile(_Strict):
    """The keys of an experiment file."""

    scenario: str = Field(description="scenario file, relative to the experiment file")
    name: PlainName | None = Field(
        None,
        description="the name of the output directory out/<name> (default: the file's stem): "
        "letters, digits, '_', '-' and '.', not starting with '.' or '-'",
    )
    description: str = ""
    seed: int = Field(ge=0, le=MAX_SEED, description="experiment seed")
    replicates: int = Field(1, ge=1, le=10_000_000, description="runs per design point")
    run: RunSpec = Field(default_factory=RunSpec)
    design: DesignSpec = Field(default_factory=DesignSpec)
    parameters: list[ParameterSpec] = Field(default_factory=list)
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    calibration: CalibrationSpec | None = Field(
        None, description="casim calibrate only: the search and the fitted overlay"
    )


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: its file, its scenario (window applied), its years."""

    path: Path
    spec: ExperimentFile
    scenario_path: Path
    scenario: Scenario
    years: tuple[int, ...]  # index years kept
    text: str  # the experiment file as written
    record: tuple[RecordRow, ...] = ()  # rows of outputs.record, if any
    mechanisms: tuple[type[Mechanism], ...] = ()  # added to the built-in ones

    @property
    def name(self) -> str:
        return self.spec.name or self.path.stem

    def fingerprint(self) -> str:
        """A digest of everything that decides the rows (file, resolved scenario)."""
        h = hashlib.sha256()
        h.update(json.dumps(self.spec.model_dump(mode="json"), sort_keys=True).encode())
        h.update(json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True).encode())
        h.update(repr(self.record).encode())
        if self.mechanisms:
            h.update(json.dumps(mechanism_names(self.mechanisms)).encode())
        return h.hexdigest()[:16]


def load_experiment(path: str | Path, *, mechanisms: Sequence[type[Mechanism]] = ()) -> Experiment:
    """Read and validate an experiment file; raise ScenarioError on any defect.

    ``mechanisms`` are added to the built-in ones in every run of the experiment; the
    event kinds they declare may be counted (``outputs.event_counts``).
    """
    path = check_path(path)
    raw = load_toml(path)
    try:
        spec = ExperimentFile.model_validate(raw)
    except ValidationError as err:
        raise_validation(err, path, "")
    scenario_path = Path(spec.scenario)
    if not scenario_path.is_absolute():
        scenario_path = path.parent / scenario_path
    if not scenario_path.is_file():
        raise ScenarioError(path, "scenario", "an existing scenario file", str(scenario_path))
    base = load_scenario(scenario_path)
    r = spec.run
    pin, known = (r.branch, r.branch) if r.branch else (r.pin_until, r.known_until)
    scenario = with_window(base, pin_until=pin, known_until=known, until=r.until, source=str(path))
    _check_parameters(path, spec, scenario)
    years = _check_outputs(path, spec, scenario, kinds_of(mechanisms))
    record: tuple[RecordRow, ...] = ()
    if spec.outputs.record is not None:
        record_path = Path(spec.outputs.record)
        if not record_path.is_absolute():
            record_path = path.parent / record_path
        if not record_path.is_file():
            raise ScenarioError(path, "outputs.record", "an existing record file", str(record_path))
        record = load_record(record_path)
        check_record(record, scenario, record_path)
    text = read_input_text(path, what="TOML file")
    return Experiment(path, spec, scenario_path, scenario, years, text, record, tuple(mechanisms))


def _check_parameters(path: Path, spec: ExperimentFile, scenario: Scenario) -> None:
    kind = spec.design.kind
    seen: set[str] = set()
    for i, p in enumerate(spec.parameters):
        where = f"parameters[{i}]"
        if p.column in seen:
            raise ScenarioError(path, f"{where}.path", "a parameter not varied twice", p.column)
        seen.add(p.column)
        _require_path(scenario, p.path, path, f"{where}.path")
        if kind == "grid":
            if p.values is None:
                raise ScenarioError(path, f"{where}.values", "grid values (a list)", "nothing")
            trial = p.values
            # the scenario's bounds are ranges: its extreme values decide for all of them
            trial = sorted({min(p.values), max(p.values)})
        else:
            if p.low is None or p.high is None or not p.low < p.high:
                found = f"low={p.low}, high={p.high}"
                raise ScenarioError(path, f"{where}", f"low < high for a {kind} design", found)
            trial = [p.low, p.high]
        for value in trial:
            _check_value(path, where, scenario, p, value)
    n = spec.design.samples
    if kind == "sobol" and n & (n - 1):
        raise ScenarioError(path, "design.samples", "a power of two for sobol", str(n))
    if kind != "grid" and not spec.parameters:
        raise ScenarioError(path, "parameters", f"at least one parameter for {kind}", "none")
    points = design_points(spec)
    if points > MAX_POINTS:
        raise ScenarioError(path, "design", f"at most {MAX_POINTS} design points", str(points))
    if points * spec.replicates > MAX_SWEEP_RUNS:
        raise ScenarioError(
            path, "replicates", f"at most {MAX_SWEEP_RUNS} runs in all (points x replicates)",
            f"{points} x {spec.replicates}",
        )  # fmt: skip


def design_points(spec: ExperimentFile) -> int:
    """How many design points the file's design has (before it is drawn)."""
    d, n, kind = len(spec.parameters), spec.design.samples, spec.design.kind
    if kind == "grid":
        return math.prod(len(p.values or []) for p in spec.parameters)
    if kind == "sobol":
        return n * (2 * d + 2 if spec.design.second_order else d + 2)
    if kind == "morris":
        return n * (d + 1)
    return n


def _require_path(scenario: Scenario, key: str, file: Path | str, where: str) -> None:
    """A ScenarioError naming ``file`` and ``where`` unless ``key`` names a number."""
    try:
        list(leaves(scenario, key))
    except PathError as err:
        raise ScenarioError(
            file, where, "a key path to a number of the scenario", str(err)
        ) from None


def _check_value(path: Path, where: str, scenario: Scenario, p: ParameterSpec, v: float) -> None:
    """Apply one value and validate the scenario that results, naming the experiment key."""
    set_checked(scenario, p.path, v, op=p.op, file=path, where=where)


def set_checked(
    scenario: Scenario,
    key: str,
    value: float,
    *,
    op: str = "set",
    file: Path | str = "<command line>",
    where: str = "",
) -> Scenario:
    """The scenario with ``key`` set (or scaled) to ``value``, validated: a key that names
    no number, or a value that leaves the scenario unsound, is a ScenarioError naming
    ``file`` and ``where`` (the key itself by default)."""
    where = where or key
    _require_path(scenario, key, file, where)
    changed = apply_values(scenario, {key: value}, {key: op})
    try:
        checked = Scenario.model_validate(changed.model_dump())
    except ValidationError as err:
        first = err.errors()[0]
        expected = str(first["msg"]).removeprefix("Input should be ")
        loc = ".".join(str(x) for x in first["loc"])
        raise ScenarioError(
            file, where, f"values that keep {loc} valid ({expected})", format_found(value)
        ) from None
    problem = check_scenario(checked)
    if problem is not None:
        _, expected, found = problem
        raise ScenarioError(
            file, where, f"a value that keeps the scenario sound: {expected}", found
        )
    return changed


def _check_outputs(
    path: Path, spec: ExperimentFile, scenario: Scenario, kinds: Mapping[str, EventKind]
) -> tuple[int, ...]:
    o = spec.outputs
    _, _, until = resolved_window(scenario)
    span = range(scenario.start.year, until.year + 1)
    if o.index_years == "all":
        years = tuple(span)
    else:
        for i, y in enumerate(o.index_years):
            if y not in span:
                raise ScenarioError(
                    path,
                    f"outputs.index_years[{i}]",
                    f"a year from {span.start} to {span.stop - 1}",
                    str(y),
                )
        years = tuple(sorted(set(o.index_years)))
    for i, item in enumerate(o.event_counts):
        kind = item.split(":", 1)[0]
        if kind not in kinds:
            raise ScenarioError(
                path, f"outputs.event_counts[{i}]", "an event kind of the log", repr(item)
            )
    for i, doc in enumerate(o.signatures):
        if doc not in scenario.documents:
            known = ", ".join(scenario.documents)
            raise ScenarioError(
                path, f"outputs.signatures[{i}]", f"a document id ({known})", repr(doc)
            )
    for i, pair in enumerate(o.settlements):
        if pair not in scenario.borders:
            raise ScenarioError(
                path, f"outputs.settlements[{i}]", "a border pair of the scenario", repr(pair)
            )
    accepted = set(measure_names(scenario))
    for i, name in enumerate(o.measures):
        if name not in accepted:
            sample = ", ".join(
                [*FORMAT_MEASURES[:3], "trade_bn", "stage_<pair>", "signed_<doc>_<state>", "..."]
            )
            raise ScenarioError(
                path, f"outputs.measures[{i}]", f"a measure name ({sample})", format_found(name)
            )
    dupes = sorted({m for m in o.measures if o.measures.count(m) > 1})
    if dupes:
        raise ScenarioError(path, "outputs.measures", "each measure once", format_found(dupes[0]))
    return years


def measure_names(scenario: Scenario) -> list[str]:
    """The names ``outputs.measures`` accepts: the outcome columns of ``casim compare``
    for the scenario, but the index and its components (``index_years``, ``components``)."""
    skip = {*COMPONENTS, "index"}
    names = outcome_names(scenario, list(scenario.documents), list(scenario.borders))
    return [n for n in names if n not in skip]
