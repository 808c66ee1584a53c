"""Figures of the measures: pair relations over time, the treaty network, border stages
per line (``casim plot`` kinds ``pairs``, ``treaties`` and ``borders``).

Each figure takes its table (``dyads`` or ``events``) or what it draws of it, added up a
block of whole runs at a time (:class:`PairMeans` keeps the pairs' rows it draws, a few
numbers per run, year and pair; :class:`TreatyCounts` and :class:`BorderStages` keep
counts): ``casim plot`` reads a run directory's tables that way, so that its memory grows
with the runs only by those rows. A table is the same figure either way."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from casim.present.plotting import _mark, new_axes

__all__ = [
    "BorderStages",
    "PairMeans",
    "TreatyCounts",
    "border_stage_table",
    "plot_border_stages",
    "plot_pairs",
    "plot_treaties",
]

_STAGE_LEVEL = {"open": 0.0, "delimited": 1.0, "demarcated": 2.0}


def _colourbar(ax: Axes, image: object, label: str) -> None:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.colorbar(image, ax=ax, label=label)  # type: ignore[arg-type]


class PairMeans:
    """What :func:`plot_pairs` draws of a pair panel (``dyads``), added a block of whole runs
    at a time (:meth:`add`; a run's rows in one block): the rows of the pairs with a shared
    line (year, tension, visits per pair, in the order read), the runs and the years."""

    def __init__(self) -> None:
        self.runs = 0
        self.first: int | None = None  # the first and last year of any row
        self.last: int | None = None
        self._rows: dict[tuple[str, str], list[pd.DataFrame]] = {}

    def add(self, dyads: pd.DataFrame) -> None:
        """Add the rows of whole runs of a pair panel (none of them added before)."""
        if dyads.empty:
            return
        self.runs += int(dyads["run"].nunique())
        low, high = int(dyads["year"].min()), int(dyads["year"].max())
        self.first = low if self.first is None else min(self.first, low)
        self.last = high if self.last is None else max(self.last, high)
        lines = dyads[dyads["border"] == 1]
        for (a, b), part in lines.groupby(["a", "b"], sort=False):
            self._rows.setdefault((str(a), str(b)), []).append(part[["year", "tension", "visits"]])

    def means(self) -> dict[str, pd.DataFrame]:
        """Per pair (``A-B``, in order): the mean tension and visits per year over runs."""
        means = {}
        for (a, b), parts in self._rows.items():
            rows = pd.concat(parts, ignore_index=True)
            means[f"{a}-{b}"] = rows.groupby("year")[["tension", "visits"]].mean()
        return dict(sorted(means.items()))

    @classmethod
    def of(cls, dyads: pd.DataFrame) -> PairMeans:
        """The means of a whole pair panel."""
        means = cls()
        means.add(dyads)
        return means


def plot_pairs(
    dyads: pd.DataFrame | PairMeans,
    *,
    pin_until: dt.date | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Relations of each pair with a shared line over time: the mean year-end tension over
    runs, one line per pair; a marker where the two heads met bilaterally in at least half
    of the runs."""
    ax = ax if ax is not None else new_axes()
    data = dyads if isinstance(dyads, PairMeans) else PairMeans.of(dyads)
    for pair, part in data.means().items():
        x = part.index.to_numpy(dtype=float) + 0.5
        (drawn,) = ax.plot(x, part["tension"].to_numpy(dtype=float), label=pair, lw=1.5)
        met = part["visits"].to_numpy(dtype=float) >= 0.5
        ax.plot(x[met], part["tension"].to_numpy(dtype=float)[met], "o", ms=4,
                color=drawn.get_color())  # fmt: skip
    if data.first is not None and data.last is not None:
        span = (float(data.first), data.last + 1.0)
        if pin_until is not None:
            label = f" branch {pin_until.isoformat()}"
            _mark(ax, span, pin_until, label, "--", "0.3", 0.97, "top")
        ax.set_xlim(*span)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (dots: the heads met bilaterally in at least half of the runs)")
    ax.set_ylabel("tension on the pair's line at the year's end (mean of runs)")
    runs = data.runs
    ax.set_title(title or f"Relations of neighbouring pairs, mean of {runs} run(s)")
    ax.legend(loc="upper right", fontsize=8, ncols=2)
    ax.grid(alpha=0.3)
    return ax


class TreatyCounts:
    """What :func:`plot_treaties` draws of an event log, added a block of whole runs at a
    time (:meth:`add`; a run's rows in one block): the runs, the first opening of each
    document, the runs in which each state signed each document, the states that attended
    a summit."""

    def __init__(self) -> None:
        self.runs = 0
        self.opened: dict[str, str] = {}  # document: the first date it was opened
        self.signed: Counter[tuple[str, str]] = Counter()  # (document, state): runs
        self.states: set[str] = set()

    def add(self, events: pd.DataFrame) -> None:
        """Add the events of whole runs (none of them added before)."""
        self.runs += int(events["run"].nunique())
        opened = events[events["kind"] == "document_opened"]
        for doc, date in opened.groupby("object")["date"].min().items():
            self.opened[str(doc)] = min(self.opened.get(str(doc), str(date)), str(date))
        signed = events[events["kind"] == "treaty_signed"].drop_duplicates(
            ["run", "subject", "object"]
        )
        sizes = signed.groupby(["object", "subject"]).size()
        for (doc, state), n in zip(sizes.index.tolist(), sizes.tolist(), strict=True):
            self.signed[(str(doc), str(state))] += int(n)
        self.states.update(events.loc[events["kind"] == "summit_attended", "subject"].unique())

    @classmethod
    def of(cls, events: pd.DataFrame) -> TreatyCounts:
        """The counts of a whole event log."""
        counts = cls()
        counts.add(events)
        return counts


def plot_treaties(
    events: pd.DataFrame | TreatyCounts, *, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """The treaty network: for each document opened in any run (rows, in order of first
    opening) and each state (columns), the share of runs in which the state signed it by
    the end of the run; documents never opened are left out."""
    ax = ax if ax is not None else new_axes(8.0, 7.0)
    data = events if isinstance(events, TreatyCounts) else TreatyCounts.of(events)
    runs = data.runs
    # the first openings, already the earliest per document: ordered by date, ties by name
    first = pd.Series(data.opened).sort_index().sort_values()
    docs = list(first.index)
    states = sorted(data.states)
    counts = data.signed
    values = np.array([[counts.get((d, s), 0) / runs for s in states] for d in docs], dtype=float)
    if not docs:
        values = np.zeros((1, max(1, len(states))))
    image = ax.imshow(values, vmin=0, vmax=1, cmap="Greens", aspect="auto")
    for i in range(len(docs)):
        for j in range(len(states)):
            v = values[i, j]
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 else "black")  # fmt: skip
    ax.set_xticks(range(len(states)), states)
    ax.set_yticks(range(len(docs)), docs, fontsize=7)
    _colourbar(ax, image, "share of runs in which the state signed")
    ax.set_title(title or f"The treaty network: signatures per document, {runs} run(s)")
    return ax


class BorderStages:
    """What :func:`plot_border_stages` draws of an event log, added a block of whole runs
    at a time (:meth:`add`; a run's rows in one block): per line and year, the runs in
    which the line was delimited and those in which it was demarcated by the year's end."""

    def __init__(self, start_progress: dict[str, float], years: Sequence[int]) -> None:
        self.start_progress = dict(start_progress)
        self.years = [int(y) for y in years]
        self.runs = 0
        # per line: twice the runs demarcated plus the runs delimited, per year
        self._levels = {pair: np.zeros(len(self.years), dtype=np.int64) for pair in start_progress}

    def add(self, events: pd.DataFrame) -> None:
        """Add the events of whole runs (none of them added before)."""
        runs = np.sort(events["run"].unique())
        self.runs += len(runs)
        years = np.array(self.years, dtype=np.int64)
        never = years.max(initial=0) + 1

        def first_year(kind: str) -> pd.Series:
            rows = events[events["kind"] == kind]
            rows = rows.assign(year=pd.to_datetime(rows["date"]).dt.year)
            return rows.groupby(["run", "subject"])["year"].min()

        signed, marked = first_year("border_treaty_signed"), first_year("border_demarcated")
        for pair, progress in self.start_progress.items():
            done = _per_run(marked, pair, runs, never)[:, None] <= years[None, :]
            drawn = _per_run(signed, pair, runs, never)[:, None] <= years[None, :]
            delimited = ~done & (drawn | (progress >= 1.0))
            level = int(_STAGE_LEVEL["demarcated"]) * done.sum(axis=0) + delimited.sum(axis=0)
            self._levels[pair] += level.astype(np.int64)

    @classmethod
    def of(
        cls, events: pd.DataFrame, start_progress: dict[str, float], years: Sequence[int]
    ) -> BorderStages:
        """The stages of a whole event log."""
        stages = cls(start_progress, years)
        stages.add(events)
        return stages

    def table(self) -> pd.DataFrame:
        """Mean stage level per line (rows) and year (columns) over the runs."""
        runs = max(1, self.runs)
        table = {pair: [int(v) / runs for v in level] for pair, level in self._levels.items()}
        return pd.DataFrame.from_dict(table, orient="index", columns=self.years)


def _per_run(first: pd.Series, pair: str, runs: np.ndarray, never: int) -> np.ndarray:
    """Per run of ``runs``: the first year of ``first`` (by run and line) for ``pair``, else
    ``never``."""
    if first.empty:
        return np.full(len(runs), never, dtype=np.int64)
    rows = first.xs(pair, level="subject") if pair in first.index.get_level_values(1) else None
    if rows is None:
        return np.full(len(runs), never, dtype=np.int64)
    return rows.reindex(runs, fill_value=never).to_numpy(dtype=np.int64)


def border_stage_table(
    events: pd.DataFrame, start_progress: dict[str, float], years: list[int]
) -> pd.DataFrame:
    """Mean stage level (0 open, 1 delimited, 2 demarcated) per line (rows) and year
    (columns) over runs; a line that starts with progress 1 is delimited from the start."""
    return BorderStages.of(events, start_progress, years).table()


def plot_border_stages(
    events: pd.DataFrame | BorderStages,
    start_progress: dict[str, float] | None = None,
    years: list[int] | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Border stages per line and year (mean over runs of 0 open, 1 delimited,
    2 demarcated), as a heatmap; of an event log, with each line's progress at the start
    and the years, or of their :class:`BorderStages`."""
    ax = ax if ax is not None else new_axes(10.0, 4.5)
    if isinstance(events, BorderStages):
        stages = events
    elif start_progress is None or years is None:
        raise TypeError("plot_border_stages: an event log needs start_progress and years")
    else:
        stages = BorderStages.of(events, start_progress, years)
    table, years = stages.table(), stages.years
    image = ax.imshow(table.to_numpy(dtype=float), vmin=0, vmax=2, cmap="Blues", aspect="auto")
    ax.set_yticks(range(len(table.index)), list(table.index))
    step = max(1, len(years) // 10)
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]])
    _colourbar(ax, image, "stage (0 open, 1 delimited, 2 demarcated), mean of runs")
    ax.set_title(title or f"Border stages per line at each year's end, {stages.runs} run(s)")
    return ax
