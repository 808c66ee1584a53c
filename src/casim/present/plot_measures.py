"""Figures of the measures: pair relations over time, the treaty network, border stages
per line (``casim plot`` kinds ``pairs``, ``treaties`` and ``borders``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from casim.present.plotting import _mark, new_axes

__all__ = ["border_stage_table", "plot_border_stages", "plot_pairs", "plot_treaties"]

_STAGE_LEVEL = {"open": 0.0, "delimited": 1.0, "demarcated": 2.0}


def _colourbar(ax: Axes, image: object, label: str) -> None:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.colorbar(image, ax=ax, label=label)  # type: ignore[arg-type]


def plot_pairs(
    dyads: pd.DataFrame,
    *,
    pin_until: dt.date | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Relations of each pair with a shared line over time: the mean year-end tension over
    runs, one line per pair; a marker where the two heads met bilaterally in at least half
    of the runs."""
    ax = ax if ax is not None else new_axes()
    lines = dyads[dyads["border"] == 1]
    pairs = sorted({f"{a}-{b}" for a, b in zip(lines["a"], lines["b"], strict=True)})
    framed = lines.assign(pair=lines["a"] + "-" + lines["b"])
    means = framed.groupby(["pair", "year"])[["tension", "visits"]].mean()
    for pair in pairs:
        part = means.loc[pair]
        x = part.index.to_numpy(dtype=float) + 0.5
        (drawn,) = ax.plot(x, part["tension"].to_numpy(dtype=float), label=pair, lw=1.5)
        met = part["visits"].to_numpy(dtype=float) >= 0.5
        ax.plot(x[met], part["tension"].to_numpy(dtype=float)[met], "o", ms=4,
                color=drawn.get_color())  # fmt: skip
    years = dyads["year"].to_numpy(dtype=float)
    span = (years.min(), years.max() + 1.0)
    if pin_until is not None:
        _mark(ax, span, pin_until, f" branch {pin_until.isoformat()}", "--", "0.3", 0.97, "top")
    ax.set_xlim(*span)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (dots: the heads met bilaterally in at least half of the runs)")
    ax.set_ylabel("tension on the pair's line at the year's end (mean of runs)")
    runs = dyads["run"].nunique()
    ax.set_title(title or f"Relations of neighbouring pairs, mean of {runs} run(s)")
    ax.legend(loc="upper right", fontsize=8, ncols=2)
    ax.grid(alpha=0.3)
    return ax


def plot_treaties(
    events: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """The treaty network: for each document opened in any run (rows, in order of first
    opening) and each state (columns), the share of runs in which the state signed it by
    the end of the run; documents never opened are left out."""
    ax = ax if ax is not None else new_axes(8.0, 7.0)
    runs = events["run"].nunique()
    opened = events[events["kind"] == "document_opened"]
    first = opened.groupby("object")["date"].min().sort_values()
    docs = list(first.index)
    signed = events[events["kind"] == "treaty_signed"].drop_duplicates(["run", "subject", "object"])
    states = sorted(events.loc[events["kind"] == "summit_attended", "subject"].unique())
    counts = signed.groupby(["object", "subject"]).size()
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


def border_stage_table(
    events: pd.DataFrame, start_progress: dict[str, float], years: list[int]
) -> pd.DataFrame:
    """Mean stage level (0 open, 1 delimited, 2 demarcated) per line (rows) and year
    (columns) over runs; a line that starts with progress 1 is delimited from the start."""
    ev = events.assign(year=pd.to_datetime(events["date"]).dt.year)
    runs = sorted(ev["run"].unique())
    signed = ev[ev["kind"] == "border_treaty_signed"].groupby(["run", "subject"])["year"].min()
    marked = ev[ev["kind"] == "border_demarcated"].groupby(["run", "subject"])["year"].min()
    table = {}
    for pair, progress in start_progress.items():
        row = []
        for year in years:
            total = 0.0
            for run in runs:
                if marked.get((run, pair), year + 1) <= year:
                    total += _STAGE_LEVEL["demarcated"]
                elif progress >= 1.0 or signed.get((run, pair), year + 1) <= year:
                    total += _STAGE_LEVEL["delimited"]
            row.append(total / max(1, len(runs)))
        table[pair] = row
    return pd.DataFrame.from_dict(table, orient="index", columns=years)


def plot_border_stages(
    events: pd.DataFrame,
    start_progress: dict[str, float],
    years: list[int],
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Border stages per line and year (mean over runs of 0 open, 1 delimited,
    2 demarcated), as a heatmap."""
    ax = ax if ax is not None else new_axes(10.0, 4.5)
    table = border_stage_table(events, start_progress, years)
    image = ax.imshow(table.to_numpy(dtype=float), vmin=0, vmax=2, cmap="Blues", aspect="auto")
    ax.set_yticks(range(len(table.index)), list(table.index))
    step = max(1, len(years) // 10)
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]])
    _colourbar(ax, image, "stage (0 open, 1 delimited, 2 demarcated), mean of runs")
    runs = events["run"].nunique()
    ax.set_title(title or f"Border stages per line at each year's end, {runs} run(s)")
    return ax
