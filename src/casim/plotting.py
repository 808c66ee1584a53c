"""Plots: a frame (and an optional Axes) in, the Axes out. Never runs a simulation.

Figures are built with :class:`matplotlib.figure.Figure` directly, so nothing here touches
pyplot's global state or chooses a backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["new_axes", "plot_trajectory", "save", "year_fraction"]


def year_fraction(date: dt.date) -> float:
    """A date as a fractional year (2022-07-02 is about 2022.5)."""
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def new_axes(width: float = 9.0, height: float = 5.0) -> Axes:
    """A fresh Axes on its own Figure (no pyplot)."""
    fig = Figure(figsize=(width, height), dpi=110)
    return fig.add_subplot()


def plot_trajectory(
    index: pd.DataFrame,
    *,
    pin_until: dt.date | None = None,
    known_until: dt.date | None = None,
    column: str = "index",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The integration index per year: one line for one run; median, 50% and 90% bands
    for several. Years up to the pin date (replayed history) are drawn in black, the free
    years in colour, and the branch date is marked."""
    ax = ax if ax is not None else new_axes()
    runs = index["run"].nunique()
    grouped = index.groupby("year")[column]
    years = np.array(sorted(index["year"].unique()), dtype=float)
    x = years + 0.5
    median = grouped.median().to_numpy()
    pinned = index.groupby("year")["pinned"].all().to_numpy(dtype=bool)
    colour = "tab:blue"
    if runs > 1:
        q = {p: grouped.quantile(p).to_numpy() for p in (0.05, 0.25, 0.75, 0.95)}
        ax.fill_between(x, q[0.05], q[0.95], color=colour, alpha=0.15, lw=0, label="90% band")
        ax.fill_between(x, q[0.25], q[0.75], color=colour, alpha=0.3, lw=0, label="50% band")
    free = ~pinned
    if free.any():
        start = max(int(np.argmax(free)) - 1, 0)
        label = "median of runs" if runs > 1 else "simulated"
        ax.plot(x[start:], median[start:], color=colour, lw=2, marker="o", ms=3, label=label)
    if pinned.any():
        ax.plot(
            x[pinned],
            median[pinned],
            color="black",
            lw=2.5,
            marker="s",
            ms=4,
            label="replayed history (pinned)",
        )
    if pin_until is not None:
        _mark(ax, pin_until, f" branch {pin_until.isoformat()}", "--", "0.3", 0.97, "top")
    if known_until is not None and known_until != pin_until:
        _mark(
            ax, known_until, f" known until {known_until.isoformat()}", ":", "0.5", 0.02, "bottom"
        )
    ax.set_ylim(0, 1)
    ax.set_xlim(years.min(), years.max() + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (each point summarises one calendar year)")
    ax.set_ylabel("integration index (0 = none, 1 = full)")
    n = f"{runs} runs" if runs > 1 else "1 run"
    ax.set_title(title or f"Central Asian integration index per year ({n})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def _mark(ax: Axes, date: dt.date, text: str, ls: str, colour: str, y: float, va: str) -> None:
    """A vertical line at a date, labelled at height y (axes fraction)."""
    x = year_fraction(date)
    ax.axvline(x, color=colour, ls=ls, lw=1)
    ax.text(x, y, text, fontsize=8, va=va, ha="left", transform=ax.get_xaxis_transform())


def save(ax: Axes, path: Any) -> None:
    """Save the Axes' figure as PNG or SVG without volatile metadata (byte-stable)."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.tight_layout()
    suffix = str(path).rsplit(".", 1)[-1].lower()
    metadata: dict[str, Any] = {"Software": None}
    if suffix == "svg":
        metadata = {"Date": None, "Creator": None}
    fig.savefig(path, metadata=metadata)
