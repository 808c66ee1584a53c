"""Reading a ``casim run`` output directory for ``casim plot`` and ``casim report``: its
manifest, and its tables (``index.csv``, ``panel.csv``, ``events.csv``, ``dyads.csv``)
a block of whole runs at a time, keeping of each block only what the figures and the
report's tables draw. The memory this takes grows with the runs only by the index and a
few numbers per run, state and year (the participants' dispositions, the pairs'
tensions), not with the tables' size: an output of 10,000 runs of the history scenario is
read in under 500 MB.

The tables are read as ``casim run`` writes them: a header line, then the rows in run
order (a run's rows together). A table that is not (a missing column, a row that does not
parse, a run or a year that is not a whole number, runs out of order) is refused with one
:class:`~casim.scenario.errors.ScenarioError` naming the file, whichever block it is in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casim.model.indicators import COMPONENTS
from casim.present.plot_measures import BorderStages, PairMeans, TreatyCounts
from casim.scenario.errors import ScenarioError
from casim.scenario.reading import open_input_lines, read_input_text

__all__ = [
    "CHUNK_ROWS",
    "MAX_RUN_ROWS",
    "PLOT_KINDS",
    "EventTally",
    "RunDir",
    "check_result_dir",
    "read_result_dir",
    "table_blocks",
]

#: The figures ``casim plot`` draws, in its default order.
PLOT_KINDS = (
    "fan",
    "components",
    "stances",
    "timeline",
    "relations",
    "pairs",
    "treaties",
    "borders",
)
#: the files a run directory must hold
_NEEDS = ("events.csv", "panel.csv", "index.csv", "manifest.json")
#: Rows of a table parsed at a time: some 1.5 MB of ``events.csv``, whose rows are the
#: longest kept (a block of whole runs is at most this plus one run's rows).
CHUNK_ROWS = 20_000
#: The most rows one run may have in a table: a run of the history scenario has some 700
#: events; a run is held whole while it is read.
MAX_RUN_ROWS = 500_000

#: the columns read from each table (a table without one is refused), the columns read
#: when present, and those that must be numbers
_COLUMNS = {
    "events.csv": ("run", "date", "kind", "subject", "object", "outcome", "origin"),
    "panel.csv": ("run", "year", "state", "disposition"),
    "index.csv": ("run", "year", "pinned", "index"),
    "dyads.csv": ("run", "year", "a", "b", "border", "tension", "visits"),
}
_OPTIONAL: dict[str, Callable[[str], bool]] = {
    "events.csv": lambda c: False,
    "panel.csv": lambda c: c == "participant" or c.startswith("tension_"),
    "index.csv": lambda c: c in COMPONENTS,
    "dyads.csv": lambda c: False,
}
_NUMBERS: dict[str, Callable[[str], bool]] = {
    "events.csv": lambda c: False,
    "panel.csv": lambda c: c == "disposition" or c.startswith("tension_"),
    "index.csv": lambda c: c == "index" or c in COMPONENTS,
    "dyads.csv": lambda c: c in ("border", "tension", "visits"),
}


def table_blocks(
    path: Path, *, dtype: dict[str, Any] | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The rows of a table of a run directory (its columns that the figures read), in
    blocks of whole runs, in order: ``chunk_rows`` rows are parsed at a time, and the rows
    of the run they end in go with the next block. Any fault is a ScenarioError naming
    ``path``; the blocks before it have been yielded."""
    name = path.name
    wanted, optional = set(_COLUMNS[name]), _OPTIONAL[name]
    rows = 0
    last: int | None = None  # the last run of the rows parsed so far
    carry: pd.DataFrame | None = None  # the rows of run ``last`` not yet yielded
    with open_input_lines(path, what="CSV file") as fh:
        for chunk in _chunks(path, fh, wanted, optional, dtype, chunk_rows):
            _check_chunk(path, chunk, rows == 0)
            rows += len(chunk)
            if chunk.empty:
                continue
            runs = chunk["run"].to_numpy()
            start = runs[0] if last is None else last
            if runs[0] < start or (np.diff(runs) < 0).any():
                steps = np.concatenate([[start], runs])
                at = int(np.argmax(np.diff(steps) < 0))
                found = f"run {steps[at + 1]} after run {steps[at]}"
                raise ScenarioError(path, "run", "rows in run order, as casim run writes", found)
            if carry is not None:
                chunk = pd.concat([carry, chunk], ignore_index=True)
                runs = chunk["run"].to_numpy()
            last = int(runs[-1])
            cut = int(np.searchsorted(runs, last, side="left"))
            if len(chunk) - cut > MAX_RUN_ROWS:
                raise ScenarioError(
                    path, "run", f"at most {MAX_RUN_ROWS} rows a run", f"more in run {last}"
                )
            carry = chunk.iloc[cut:]
            if cut:
                yield chunk.iloc[:cut]
    if rows == 0:
        raise ScenarioError(path, "", "a table written by casim run", "no rows")
    if carry is not None and len(carry):
        yield carry


def _chunks(
    path: Path,
    fh: Any,
    wanted: set[str],
    optional: Callable[[str], bool],
    dtype: dict[str, Any] | None,
    chunk_rows: int,
) -> Iterator[pd.DataFrame]:
    """The table's chunks of ``chunk_rows`` rows as pandas parses them, with the columns
    read, its faults as a ScenarioError. (Every column is parsed: pandas reading only some
    would take a row of more fields than the header.)"""
    try:
        for chunk in pd.read_csv(fh, chunksize=chunk_rows, dtype=dtype):
            yield chunk[[c for c in chunk.columns if c in wanted or optional(c)]]
    except ScenarioError:
        raise
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "UTF-8 text", "undecodable bytes") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        found = " ".join(str(err).split()) or "unreadable CSV"
        raise ScenarioError(path, "", "a table written by casim run", found[:80]) from None


def _check_chunk(path: Path, chunk: pd.DataFrame, first: bool) -> None:
    """Refuse a chunk without a column the figures read, or with a run or a year that is
    not a whole number, or a number that is not one."""
    if first:
        missing = [c for c in _COLUMNS[path.name] if c not in chunk.columns]
        if missing:
            raise ScenarioError(path, "header", "a table written by casim run", f"no {missing[0]}")
    if chunk.empty:
        return
    for col in ("run", "year"):
        if col in chunk.columns and not pd.api.types.is_integer_dtype(chunk[col]):
            raise ScenarioError(path, col, "whole numbers", "other values")
    numbers = _NUMBERS[path.name]
    for col in chunk.columns:
        if numbers(col) and not pd.api.types.is_numeric_dtype(chunk[col]):
            raise ScenarioError(path, col, "numbers", "other values")


class EventTally:
    """What the report's tables count of an event log, added a block of whole runs at a
    time: the events per kind and origin; per document and state the signatures and the
    first year of one."""

    def __init__(self) -> None:
        self.kinds: Counter[tuple[str, str]] = Counter()  # (kind, origin): events
        self.signed: Counter[tuple[str, str]] = Counter()  # (document, state): signatures
        self.first: dict[tuple[str, str], str] = {}  # (document, state): first year signed

    def add(self, events: pd.DataFrame) -> None:
        """Add the events of whole runs (none of them added before)."""
        sizes = events.groupby(["kind", "origin"]).size()
        for (kind, origin), n in zip(sizes.index.tolist(), sizes.tolist(), strict=True):
            self.kinds[(str(kind), str(origin))] += int(n)
        signed = events[events["kind"] == "treaty_signed"]
        years = signed.assign(year=signed["date"].astype(str).str[:4])
        per = years.groupby(["object", "subject"])["year"].agg(runs="count", first="min")
        rows = zip(per.index.tolist(), per["runs"].tolist(), per["first"].tolist(), strict=True)
        for (doc, state), n, first in rows:
            key = (str(doc), str(state))
            self.signed[key] += int(n)
            self.first[key] = min(self.first.get(key, str(first)), str(first))


@dataclass(frozen=True)
class RunDir:
    """A ``casim run`` output directory as the figures and the report read it: its
    manifest, and of its tables what they draw (each read a block of whole runs at a
    time; see :func:`read_result_dir`)."""

    path: Path
    manifest: dict[str, Any]
    #: index.csv's run, year, pinned, index and components columns, every row
    index: pd.DataFrame
    #: the years of panel.csv
    years: tuple[int, ...]
    #: panel.csv's run, year, state and disposition of the states taking part
    stances: pd.DataFrame
    #: the year of ``relations`` and panel.csv's rows of that year (none: not a year of it)
    year: int
    relations: pd.DataFrame
    #: the run of ``timeline``, its rows of events.csv (none: not a run of it), and the
    #: first and last run of events.csv
    run: int
    timeline: pd.DataFrame
    first_run: int
    last_run: int
    treaties: TreatyCounts
    borders: BorderStages
    tally: EventTally
    #: of dyads.csv, None for an older output without it
    pairs: PairMeans | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of ``PLOT_KINDS`` this directory holds the tables of."""
        return tuple(k for k in PLOT_KINDS if k != "pairs" or self.pairs is not None)

    @property
    def start_progress(self) -> dict[str, float]:
        """Each border line's delimitation progress at the start (1: settled)."""
        return _start_progress(self.manifest)

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario_name", "scenario"))

    @property
    def pin(self) -> dt.date:
        return dt.date.fromisoformat(self.manifest["window"]["pin_until"])

    @property
    def known(self) -> dt.date:
        return dt.date.fromisoformat(self.manifest["window"]["known_until"])

    @property
    def weights(self) -> dict[str, float]:
        """The index weights of the resolved scenario, per component of the index table
        (the components are read from ``index.csv``'s columns, so a new component needs
        no edit here; a component without a weight in the manifest gets weight 0)."""
        table = self.manifest["scenario"]["parameters"]["index"]
        given = {k: float(v) for k, v in table.items() if k != "sources"}
        return {c: given.get(c, 0.0) for c in COMPONENTS if c in self.index.columns}

    @property
    def default_year(self) -> int:
        """The year the relations figure shows by default: the last pinned year."""
        return _default_year(self.pin, self.years)


def _check_events(path: Path, events: pd.DataFrame) -> None:
    """Refuse events whose date is not a date (YYYY-MM-DD) or whose subject is empty: the
    timeline and the border stages read both."""
    dates = pd.to_datetime(events["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        bad = events["date"][dates.isna()].iloc[0]
        raise ScenarioError(path, "date", "dates YYYY-MM-DD", repr(bad))
    if events["subject"].isna().any():
        raise ScenarioError(path, "subject", "a state, a pair or ALL", "an empty field")


def _start_progress(manifest: dict[str, Any]) -> dict[str, float]:
    lines = manifest["scenario"].get("borders", {})
    return {pair: float(line.get("progress", 0.0)) for pair, line in lines.items()}


def _default_year(pin: dt.date, years: tuple[int, ...]) -> int:
    return min(pin.year, max(years))


def check_result_dir(result_dir: Path) -> None:
    """Refuse a directory without the files of a ``casim run`` output."""
    for name in _NEEDS:
        if not (Path(result_dir) / name).is_file():
            raise ScenarioError(
                result_dir, name, "a casim run output directory (events, panel, index, manifest)",
                f"no {name}",
            )  # fmt: skip


def read_result_dir(
    result_dir: Path,
    *,
    run: int | None = None,
    year: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> RunDir:
    """Read a ``casim run`` output directory for its figures and report, each table
    ``chunk_rows`` rows at a time: ``run`` is the run whose events are kept for the
    timeline (default: the first), ``year`` the year of the relations (default: the last
    pinned year, :attr:`RunDir.default_year`)."""
    result_dir = Path(result_dir)
    check_result_dir(result_dir)
    manifest = _manifest(result_dir / "manifest.json")
    pin = dt.date.fromisoformat(manifest["window"]["pin_until"])
    index = _read_index(result_dir / "index.csv", chunk_rows)
    years, stances, year, relations = _read_panel(result_dir / "panel.csv", pin, year, chunk_rows)
    index_years = sorted(int(y) for y in index["year"].unique())
    treaties = TreatyCounts()
    borders = BorderStages(_start_progress(manifest), index_years)
    tally = EventTally()
    timeline: list[pd.DataFrame] = []
    first = last = -1
    dtype = {"object": str, "outcome": str}
    for block in table_blocks(result_dir / "events.csv", dtype=dtype, chunk_rows=chunk_rows):
        _check_events(result_dir / "events.csv", block)
        block = block.assign(object=block["object"].fillna(""))
        if first < 0:
            first = int(block["run"].iloc[0])
            run = first if run is None else run
        last = int(block["run"].iloc[-1])
        rows = block[block["run"] == run]
        if len(rows) or not timeline:  # the first block's, for the columns, if none
            timeline.append(rows)
        treaties.add(block)
        borders.add(block)
        tally.add(block)
    pairs = None
    if (result_dir / "dyads.csv").is_file():
        pairs = PairMeans()
        for block in table_blocks(result_dir / "dyads.csv", chunk_rows=chunk_rows):
            pairs.add(block)
    return RunDir(
        path=result_dir,
        manifest=manifest,
        index=index,
        years=years,
        stances=stances,
        year=year,
        relations=relations,
        run=first if run is None else run,
        timeline=pd.concat(timeline, ignore_index=True),
        first_run=first,
        last_run=last,
        treaties=treaties,
        borders=borders,
        tally=tally,
        pairs=pairs,
    )


def _manifest(path: Path) -> dict[str, Any]:
    """The manifest of a run directory, checked to hold what the figures read."""
    try:
        manifest = json.loads(read_input_text(path, what="JSON file"))
    except (json.JSONDecodeError, RecursionError):
        raise ScenarioError(path, "", "the JSON manifest of casim run", "invalid JSON") from None
    ok = isinstance(manifest, dict) and isinstance(manifest.get("window"), dict)
    try:
        if ok:
            dt.date.fromisoformat(manifest["window"]["pin_until"])
            dt.date.fromisoformat(manifest["window"]["known_until"])
            table = manifest["scenario"]["parameters"]["index"]
            ok = all(isinstance(v, float | int) for k, v in table.items() if k != "sources")
            lines = manifest["scenario"].get("borders", {})
            ok = ok and isinstance(lines, dict)
            ok = ok and all(
                isinstance(line, dict) and isinstance(line.get("progress", 0.0), float | int)
                for line in lines.values()
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise ScenarioError(path, "scenario", "the manifest of casim run", "another file")
    return dict(manifest)


def _read_index(path: Path, chunk_rows: int) -> pd.DataFrame:
    """index.csv's columns the figures read, every row (a few numbers a run and year)."""
    blocks = list(table_blocks(path, chunk_rows=chunk_rows))
    for block in blocks:
        if not pd.api.types.is_bool_dtype(block["pinned"]):
            raise ScenarioError(path, "pinned", "True or False", "other values")
    return pd.concat(blocks, ignore_index=True)


def _read_panel(
    path: Path, pin: dt.date, year: int | None, chunk_rows: int
) -> tuple[tuple[int, ...], pd.DataFrame, int, pd.DataFrame]:
    """panel.csv's years, the participants' dispositions, the year of the relations and
    the rows of that year. Without a ``year``, the rows of the pin date's year and of the
    last year read so far are kept until the end, when the default year is one of them."""
    years: set[int] = set()
    stances: list[pd.DataFrame] = []
    kept: dict[int, list[pd.DataFrame]] = {}
    empty: pd.DataFrame | None = None
    for block in table_blocks(path, chunk_rows=chunk_rows):
        empty = block.iloc[:0] if empty is None else empty
        mine = {int(y) for y in block["year"].unique()}
        years |= mine
        wanted = {year} if year is not None else {pin.year, max(years)}
        for y in [y for y in kept if y not in wanted]:
            del kept[y]
        for y in sorted(wanted & mine):
            kept.setdefault(y, []).append(block[block["year"] == y])
        part = block
        if "participant" in block:
            part = block[block["participant"].astype(str) == "True"]
        stances.append(part[["run", "year", "state", "disposition"]])
    assert empty is not None  # table_blocks refuses a table without rows
    shown = year if year is not None else _default_year(pin, tuple(years))
    rows = kept.get(shown, [empty])
    return (
        tuple(sorted(years)),
        pd.concat(stances, ignore_index=True),
        shown,
        pd.concat(rows, ignore_index=True),
    )
