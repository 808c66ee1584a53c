"""``casim plot RESULT_DIR``: the figures of a ``casim run`` output directory, read from
its ``events.csv``, ``panel.csv``, ``index.csv``, ``dyads.csv`` (for the ``pairs`` kind) and
``manifest.json`` (which holds the resolved scenario: index weights, the lines' starting
progress and the branch date)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from casim.files import publish_dir
from casim.model.indicators import COMPONENTS
from casim.present.plot_measures import plot_border_stages, plot_pairs, plot_treaties
from casim.present.plotting import (
    plot_components,
    plot_relations,
    plot_stances,
    plot_timeline,
    plot_trajectory,
    save,
)
from casim.scenario.errors import ScenarioError
from casim.scenario.reading import read_input_text

__all__ = ["PLOT_KINDS", "RunDir", "draw", "plot_result_dir", "read_result_dir"]

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
#: kinds drawn from a table a run directory may lack (older outputs), with that table
_OPTIONAL = {"pairs": "dyads.csv"}
_NEEDS = ("events.csv", "panel.csv", "index.csv", "manifest.json")


@dataclass(frozen=True)
class RunDir:
    """A ``casim run`` output directory: its tables, manifest and what the figures need."""

    path: Path
    manifest: dict[str, Any]
    events: pd.DataFrame
    panel: pd.DataFrame
    index: pd.DataFrame
    dyads: pd.DataFrame | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of ``PLOT_KINDS`` this directory holds the tables of."""
        return tuple(k for k in PLOT_KINDS if k != "pairs" or self.dyads is not None)

    @property
    def start_progress(self) -> dict[str, float]:
        """Each border line's delimitation progress at the start (1: settled)."""
        lines = self.manifest["scenario"].get("borders", {})
        return {pair: float(line.get("progress", 0.0)) for pair, line in lines.items()}

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
        return min(self.pin.year, int(self.panel["year"].max()))


def read_result_dir(result_dir: Path) -> RunDir:
    """The manifest, events, panel and index of a ``casim run`` output directory."""
    result_dir = Path(result_dir)
    for name in _NEEDS:
        if not (result_dir / name).is_file():
            raise ScenarioError(
                result_dir, name, "a casim run output directory (events, panel, index, manifest)",
                f"no {name}",
            )  # fmt: skip
    manifest = _manifest(result_dir / "manifest.json")
    events = _table(result_dir / "events.csv", dtype={"object": str, "outcome": str})
    events["object"] = events["object"].fillna("")
    panel = _table(result_dir / "panel.csv")
    index = _table(result_dir / "index.csv")
    dyads = _table(result_dir / "dyads.csv") if (result_dir / "dyads.csv").is_file() else None
    return RunDir(result_dir, manifest, events, panel, index, dyads)


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
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise ScenarioError(path, "scenario", "the manifest of casim run", "another file")
    return dict(manifest)


#: the columns the figures read from each table of a run directory
_COLUMNS = {
    "events.csv": ("run", "date", "kind", "subject", "object", "outcome", "origin"),
    "panel.csv": ("run", "year", "state", "disposition"),
    "index.csv": ("run", "year", "index"),
    "dyads.csv": ("run", "year", "a", "b", "border", "tension", "visits"),
}


def _table(path: Path, dtype: dict[str, Any] | None = None) -> pd.DataFrame:
    """A CSV table of a run directory with the columns the figures read, and rows."""
    text = read_input_text(path, what="CSV file")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=dtype)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        found = " ".join(str(err).split()) or "unreadable CSV"
        raise ScenarioError(path, "", "a table written by casim run", found[:80]) from None
    missing = [c for c in _COLUMNS[path.name] if c not in frame.columns]
    if missing:
        raise ScenarioError(path, "header", "a table written by casim run", f"no {missing[0]}")
    if frame.empty:
        raise ScenarioError(path, "", "a table written by casim run", "no rows")
    for col in ("run", "year"):
        if col in frame.columns and not pd.api.types.is_integer_dtype(frame[col]):
            raise ScenarioError(path, col, "whole numbers", "other values")
    return frame


def draw(data: RunDir, kind: str, *, run: int, year: int, named: bool = True) -> Axes:
    """One figure of a run directory (a kind of ``PLOT_KINDS``); ``named`` puts the
    scenario's name in the title, else the plotting function's own title is kept."""
    name = data.name
    pin = data.pin
    if kind == "fan":
        title = f"{name}: integration index" if named else None
        return plot_trajectory(data.index, pin_until=pin, known_until=data.known, title=title)
    if kind == "components":
        title = f"{name}: components of the index (mean of runs)" if named else None
        return plot_components(data.index, data.weights, pin_until=pin, title=title)
    if kind == "stances":
        title = f"{name}: leaders' disposition per state" if named else None
        return plot_stances(data.panel, pin_until=pin, title=title)
    if kind == "timeline":
        title = f"{name}: events of run {run}" if named else None
        return plot_timeline(data.events, run=run, pin_until=pin, title=title)
    if kind == "pairs":
        if data.dyads is None:
            raise ScenarioError(data.path, "dyads.csv", "the pair panel of casim run", "no file")
        title = f"{name}: relations of neighbouring pairs (mean of runs)" if named else None
        return plot_pairs(data.dyads, pin_until=pin, title=title)
    if kind == "treaties":
        title = f"{name}: the treaty network" if named else None
        return plot_treaties(data.events, title=title)
    if kind == "borders":
        title = f"{name}: border stages per line" if named else None
        years = sorted(int(y) for y in data.index["year"].unique())
        return plot_border_stages(data.events, data.start_progress, years, title=title)
    return plot_relations(data.panel, year=year)


def plot_result_dir(
    result_dir: Path,
    out: Path,
    *,
    kinds: Sequence[str],
    formats: Sequence[str] = ("png", "svg"),
    run: int = 0,
    year: int | None = None,
    force: bool = False,
) -> list[Path]:
    """Draw each kind of figure into the directory ``out`` as ``<kind>.<format>``; the
    directory is replaced as a whole (a directory holding anything but figures only with
    ``force``); return the paths."""
    data = read_result_dir(Path(result_dir))
    for kind in kinds:
        if kind not in data.kinds:
            raise ScenarioError(
                result_dir, kind, f"a run directory with {_OPTIONAL[kind]}", "an older output"
            )
    events, panel = data.events, data.panel
    if run not in set(events["run"]):
        raise ScenarioError(result_dir, "--run", f"a run of 0..{events['run'].max()}", str(run))
    years = sorted(panel["year"].unique())
    year = year if year is not None else data.default_year
    if year not in years:
        raise ScenarioError(result_dir, "--year", f"a year of {years[0]}..{years[-1]}", str(year))

    def build(tmp: Path) -> None:
        for kind in kinds:
            ax = draw(data, kind, run=run, year=year)
            for fmt in formats:
                save(ax, tmp / f"{kind}.{fmt}")

    names = [f"{k}.{f}" for k in kinds for f in formats]
    owned = [f"{k}.{f}" for k in PLOT_KINDS for f in ("png", "svg")]
    return publish_dir(Path(out), names, build, owned=owned, force=force)
