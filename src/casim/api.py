"""The Python API: run a scenario, get the event log, the panel and the index as DataFrames.

>>> import casim
>>> scenario = casim.load_scenario("scenarios/history.toml")
>>> result = casim.run(scenario, seed=1, runs=4)
>>> result.index.groupby("year")["index"].median()  # doctest: +SKIP

Rows are produced by :mod:`casim.engine` and turned into frames here, once.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
import pandas as pd

from casim._version import __version__
from casim.engine import Engine
from casim.log import EVENT_COLUMNS, INDEX_KEYS, PANEL_KEYS, RunRecord
from casim.mechanisms import Mechanism, mechanism_names
from casim.model.indicators import COMPONENTS, panel_columns
from casim.model.measures import dyads as pair_panel
from casim.progress import Progress
from casim.rng import run_seed_sequences
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = ["XARRAY_MISSING", "Result", "frames", "manifest", "run", "run_one"]


@dataclass(frozen=True)
class Result:
    """The tables of an ensemble of runs of one scenario, and what produced them."""

    scenario: Scenario
    seed: int
    runs: int
    events: pd.DataFrame
    panel: pd.DataFrame
    index: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """The years of the index table, in order."""
        return sorted(int(y) for y in self.index["year"].unique())

    @property
    def dyads(self) -> pd.DataFrame:
        """The pair panel (run, seed, year, a, b, then the measures of
        :func:`casim.model.measures.dyads`), read off the events and the panel."""
        return pair_panel(self.events, self.panel, self.scenario, self.years)

    def to_xarray(self) -> Any:
        """The panels as an ``xarray.Dataset`` with dimensions run x year x state (the
        state panel) and run x year x pair (the pair panel), plus run x year (the index and
        its components). Needs the ``xarray`` extra (``pip install casim[xarray]``)."""
        return _dataset(self)


#: The one-line message when the extra is not installed.
XARRAY_MISSING = "the xarray output needs the xarray extra: pip install 'casim[xarray]'"


def _numeric_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame indexed by ``keys`` with its numeric (and boolean, as 0/1) columns."""
    cols = [
        c
        for c in frame.columns
        if c not in keys
        and c != "seed"
        and (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]
    out = frame.set_index(keys)[cols]
    return out.astype(float)


def _dataset(result: Result) -> Any:
    """The index (run x year), state panel (run x year x state) and pair panel
    (run x year x pair) of a result as one ``xarray.Dataset``; the pair panel's variables
    are prefixed ``pair_``, the state panel's ``state_`` where a name would clash."""
    try:
        import xarray as xr
    except ImportError:
        raise ImportError(XARRAY_MISSING) from None
    index = _numeric_frame(result.index, ["run", "year"])
    ds = xr.Dataset.from_dataframe(index)
    if len(result.panel):
        panel = _numeric_frame(result.panel, ["run", "year", "state"])
        panel.columns = [f"state_{c}" if c in ds else c for c in panel.columns]
        ds = ds.merge(xr.Dataset.from_dataframe(panel))
    dyads = result.dyads
    if len(dyads):
        frame = dyads.assign(pair=dyads["a"] + "-" + dyads["b"]).drop(columns=["a", "b"])
        pairs = _numeric_frame(frame, ["run", "year", "pair"])
        pairs.columns = [f"pair_{c}" for c in pairs.columns]
        ds = ds.merge(xr.Dataset.from_dataframe(pairs))
    ds.attrs["scenario"] = result.scenario.name
    ds.attrs["seed"] = result.seed
    return ds


def run_one(
    scenario: Scenario,
    seq: np.random.SeedSequence,
    run: int,
    seed: int,
    mechanisms: Sequence[type[Mechanism]] = (),
) -> RunRecord:
    """Simulate one run from its own seed sequence (``mechanisms`` added to the built-in
    ones); returns plain rows."""
    return Engine(scenario, seq, run, seed, mechanisms=mechanisms).run()


def frames(scenario: Scenario, records: Iterable[RunRecord]) -> tuple[pd.DataFrame, ...]:
    """Turn run records into the (events, panel, index) frames, in run order; the events'
    ``date`` is a datetime64 column (midnight of the day)."""
    records = sorted(records, key=lambda r: r.run)
    ev = pd.DataFrame([row for r in records for row in r.events], columns=list(EVENT_COLUMNS))
    ev["date"] = pd.to_datetime(ev["date"], format="%Y-%m-%d")  # datetime64, midnight
    panel = pd.DataFrame(
        [row for r in records for row in r.panel],
        columns=[*PANEL_KEYS, *panel_columns(scenario)],
    )
    index = pd.DataFrame(
        [row for r in records for row in r.index],
        columns=[*INDEX_KEYS, *COMPONENTS, "trade_bn", "index"],
    )
    return ev, panel, index


def manifest(
    scenario: Scenario,
    seed: int,
    runs: int,
    command: Sequence[str] = (),
    mechanisms: Sequence[type[Mechanism]] = (),
) -> dict[str, Any]:
    """What produced an output: resolved scenario, window, seeds, mechanisms, versions,
    command."""
    pin, known, until = resolved_window(scenario)
    return {
        "casim_version": __version__,
        "scenario_name": scenario.name,
        "seed": seed,
        "runs": runs,
        "run_seeds": "numpy SeedSequence(seed).spawn(runs)[run]; streams by name",
        "window": {
            "start": scenario.start.isoformat(),
            "pin_until": pin.isoformat(),
            "known_until": known.isoformat(),
            "until": until.isoformat(),
        },
        "command": list(command),
        "mechanisms": mechanism_names(mechanisms),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "scenario": scenario.model_dump(mode="json"),
    }


def run(
    scenario: Scenario,
    *,
    seed: int = 1,
    runs: int = 1,
    pin_until: dt.date | None = None,
    known_until: dt.date | None = None,
    until: dt.date | None = None,
    mechanisms: Sequence[type[Mechanism]] = (),
    progress: TextIO | Progress | None = None,
) -> Result:
    """Run ``runs`` replicates of a scenario from ``seed`` and return their tables.

    Run ``r`` draws from ``SeedSequence(seed).spawn(runs)[r]``, so run ``r`` of two
    scenarios shares its random streams (common random numbers). ``mechanisms`` are
    :class:`~casim.mechanisms.Mechanism` subclasses added to the built-in ones (see
    ``docs/ARCHITECTURE.md``). ``progress``, a text stream, gets a bar (a terminal) or a
    line at every tenth of the runs; a :class:`~casim.progress.Progress` is counted on.
    For a large ensemble, :func:`casim.stream.run_chunks` yields the same tables a chunk of
    runs at a time.
    """
    from casim.scenario.load import with_window

    if runs < 1:
        raise ValueError(f"runs: expected a positive integer, found {runs}")
    scenario = with_window(scenario, pin_until=pin_until, known_until=known_until, until=until)
    seqs = run_seed_sequences(seed, runs)
    bar = progress if isinstance(progress, Progress) else Progress(runs, 0, progress, label="run")
    records = []
    for r in range(runs):
        records.append(run_one(scenario, seqs[r], r, seed, mechanisms))
        bar.update()
    if bar is not progress:
        bar.close()
    ev, panel, index = frames(scenario, records)
    return Result(
        scenario=scenario,
        seed=seed,
        runs=runs,
        events=ev,
        panel=panel,
        index=index,
        manifest=manifest(scenario, seed, runs, mechanisms=mechanisms),
    )
