"""``casim plot RESULT_DIR``: the figures of a ``casim run`` output directory, read from
its ``events.csv``, ``panel.csv``, ``index.csv``, ``dyads.csv`` (for the ``pairs`` kind) and
``manifest.json`` (which holds the resolved scenario: index weights, the lines' starting
progress and the branch date). The tables are read a block of whole runs at a time
(:mod:`casim.present.run_dir`), keeping only what the figures draw: memory grows with the
runs only by the index and a few numbers per run, state and year, not with the tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes

from casim.files import publish_dir
from casim.present.plot_measures import plot_border_stages, plot_pairs, plot_treaties
from casim.present.plotting import (
    plot_components,
    plot_relations,
    plot_stances,
    plot_timeline,
    plot_trajectory,
    save,
)
from casim.present.run_dir import CHUNK_ROWS, PLOT_KINDS, RunDir, read_result_dir
from casim.scenario.errors import ScenarioError

__all__ = ["PLOT_KINDS", "RunDir", "draw", "plot_result_dir", "read_result_dir"]

#: kinds drawn from a table a run directory may lack (older outputs), with that table
_OPTIONAL = {"pairs": "dyads.csv"}


def draw(data: RunDir, kind: str, *, run: int, year: int, named: bool = True) -> Axes:
    """One figure of a run directory (a kind of ``PLOT_KINDS``); ``named`` puts the
    scenario's name in the title, else the plotting function's own title is kept. The
    timeline is of ``data.run`` and the relations of ``data.year``, the run and year
    :func:`read_result_dir` read (``run`` and ``year`` must be those)."""
    if (kind == "timeline" and run != data.run) or (kind == "relations" and year != data.year):
        raise ValueError(f"draw: {kind} of run {data.run} and year {data.year} only were read")
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
        return plot_stances(data.stances, pin_until=pin, title=title)
    if kind == "timeline":
        title = f"{name}: events of run {run}" if named else None
        return plot_timeline(data.timeline, run=run, pin_until=pin, title=title)
    if kind == "pairs":
        if data.pairs is None:
            raise ScenarioError(data.path, "dyads.csv", "the pair panel of casim run", "no file")
        title = f"{name}: relations of neighbouring pairs (mean of runs)" if named else None
        return plot_pairs(data.pairs, pin_until=pin, title=title)
    if kind == "treaties":
        title = f"{name}: the treaty network" if named else None
        return plot_treaties(data.treaties, title=title)
    if kind == "borders":
        title = f"{name}: border stages per line" if named else None
        return plot_border_stages(data.borders, title=title)
    return plot_relations(data.relations, year=year)


def plot_result_dir(
    result_dir: Path,
    out: Path,
    *,
    kinds: Sequence[str] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    run: int = 0,
    year: int | None = None,
    force: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> list[Path]:
    """Draw each kind of figure (default: each the directory holds the tables of) into the
    directory ``out`` as ``<kind>.<format>``; the directory is replaced as a whole (a
    directory holding anything but figures only with ``force``); return the paths. The
    tables are read ``chunk_rows`` rows at a time."""
    data = read_result_dir(Path(result_dir), run=run, year=year, chunk_rows=chunk_rows)
    kinds = list(data.kinds) if kinds is None else kinds
    for kind in kinds:
        if kind not in data.kinds:
            raise ScenarioError(
                result_dir, kind, f"a run directory with {_OPTIONAL[kind]}", "an older output"
            )
    if data.timeline.empty:  # not a run of events.csv
        raise ScenarioError(result_dir, "--run", f"a run of 0..{data.last_run}", str(run))
    years, year = data.years, data.year
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
