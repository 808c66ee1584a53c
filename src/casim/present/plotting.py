"""Plots: a frame (and an optional Axes) in, the Axes out. Never runs a simulation.

Figures are built with :class:`matplotlib.figure.Figure` directly, so nothing here touches
pyplot's global state or chooses a backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator, MultipleLocator

from casim.log import RECORD_KINDS

__all__ = [
    "new_axes",
    "plot_calibration",
    "plot_comparison",
    "plot_components",
    "plot_fan",
    "plot_forecast_rows",
    "plot_heatmap",
    "plot_relations",
    "plot_reliability",
    "plot_sensitivity",
    "plot_stances",
    "plot_timeline",
    "plot_trajectory",
    "save",
    "save_figure",
    "year_fraction",
]


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
    if index.empty:  # a run that ends inside its first year has no yearly index
        ax.text(0.5, 0.5, "no complete year to show", ha="center", va="center")
        ax.set_axis_off()
        ax.set_title(title or "Central Asian integration index per year")
        return ax
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
    span = (years.min(), years.max() + 1)
    if pin_until is not None:
        _mark(ax, span, pin_until, f" branch {pin_until.isoformat()}", "--", "0.3", 0.97, "top")
    if known_until is not None and known_until != pin_until:
        label = f" known until {known_until.isoformat()}"
        _mark(ax, span, known_until, label, ":", "0.5", 0.02, "bottom")
    ax.set_ylim(0, 1)
    ax.set_xlim(*span)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (each point summarises one calendar year)")
    ax.set_ylabel("integration index (0 = none, 1 = full)")
    n = f"{runs} runs" if runs > 1 else "1 run"
    ax.set_title(title or f"Central Asian integration index per year ({n})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def _mark(
    ax: Axes,
    span: tuple[float, float] | None,
    date: dt.date,
    text: str,
    ls: str,
    colour: str,
    y: float,
    va: str,
) -> None:
    """A vertical line at a date, labelled at height y (axes fraction); nothing for a date
    outside the years drawn (a run stopped before its branch date)."""
    x = year_fraction(date)
    if span is not None and not span[0] <= x <= span[1]:
        return
    ax.axvline(x, color=colour, ls=ls, lw=1)
    ax.text(x, y, text, fontsize=8, va=va, ha="left", transform=ax.get_xaxis_transform())


def save(ax: Axes, path: Any, fmt: str | None = None) -> None:
    """Lay out the Axes' figure and save it with :func:`save_figure`."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.tight_layout()
    save_figure(fig, path, fmt)


def save_figure(fig: Figure, path: Any, fmt: str | None = None) -> None:
    """Save a figure as PNG or SVG, byte-stable: no volatile metadata, and SVG element ids
    from a fixed salt (matplotlib otherwise salts them per process).

    ``path`` is a file name or a binary stream; ``fmt`` ("png" or "svg") defaults to the
    path's suffix."""
    from matplotlib import rc_context

    suffix = fmt or str(path).rsplit(".", 1)[-1].lower()
    metadata: dict[str, Any] = {"Software": None}
    if suffix == "svg":
        metadata = {"Date": None, "Creator": None}
    with rc_context({"svg.hashsalt": "casim"}):
        fig.savefig(path, format=suffix, metadata=metadata)


def plot_fan(
    rows: pd.DataFrame,
    *,
    prefix: str = "index_",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A fan chart from sweep rows (one row per run, columns ``<prefix><year>``): the
    median per year and the 50% and 90% bands across runs."""
    ax = ax if ax is not None else new_axes()
    cols = [c for c in rows.columns if c.startswith(prefix) and c[len(prefix) :].isdigit()]
    years = np.array([int(c[len(prefix) :]) for c in cols], dtype=float)
    data = rows[cols].to_numpy(dtype=float)
    data = data[~np.isnan(data).all(axis=1)]
    x = years + 0.5
    colour = "tab:blue"
    if len(data) > 1:
        q = np.nanquantile(data, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(x, q[0], q[4], color=colour, alpha=0.15, lw=0, label="90% band")
        ax.fill_between(x, q[1], q[3], color=colour, alpha=0.3, lw=0, label="50% band")
        median = q[2]
    else:
        median = data[0] if len(data) else np.full(len(x), np.nan)
    ax.plot(x, median, color=colour, lw=2, marker="o", ms=2.5, label="median")
    ax.set_ylim(0, 1)
    if len(years):
        ax.set_xlim(years.min(), years.max() + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.set_xlabel("year")
    ax.set_ylabel("integration index (0-1)")
    ax.set_title(title or f"integration index per year ({len(data)} runs)", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_heatmap(
    rows: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    bins: int = 8,
    others: Sequence[str] = (),
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The mean of ``value`` over two parameters: one cell per grid value, or ``bins``
    equal bins per axis when there are more distinct values than that (sampled designs).
    ``others`` are the design's other parameters, which each cell averages over: the title
    says so, and which axes are binned."""
    ax = ax if ax is not None else new_axes(7.0, 5.5)
    frame = rows[[x, y, value]].dropna()

    def cells(col: str) -> pd.Series:
        values = frame[col]
        if values.nunique() <= bins:
            return values.round(6)
        return pd.cut(values, bins=bins).map(lambda iv: round(iv.mid, 3)).astype(float)

    table = frame.assign(_x=cells(x), _y=cells(y)).pivot_table(
        index="_y", columns="_x", values=value, aggfunc="mean", observed=True
    )
    grid = table.to_numpy(dtype=float)
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns], fontsize=8)
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index], fontsize=8)
    lo, hi = float(np.nanmin(grid)), float(np.nanmax(grid))
    for (i, j), v in np.ndenumerate(grid):
        if not np.isnan(v):
            # the upper viridis is yellow-green: dark text there
            light = (v - lo) / (hi - lo) > 0.6 if hi > lo else False
            ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=7,
                    color="black" if light else "white")  # fmt: skip
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.colorbar(image, ax=ax, label=f"mean {value}")
    binned = [axis for axis, c in (("x", x), ("y", y)) if frame[c].nunique() > bins]
    notes = []
    if binned:
        axes = "both axes" if len(binned) == 2 else f"the {binned[0]} axis"
        notes.append(f"{axes} in {bins} equal bins")
    if others:
        notes.append(f"each cell averages over the other {len(others)} parameter(s)")
    note = f"\n{'; '.join(notes)}" if notes else ""
    ax.set_title((title or f"mean {value}\nover {x} and {y}") + note, fontsize=9)
    return ax


def plot_sensitivity(
    table: pd.DataFrame, *, method: str, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """Sensitivity bars from ``casim analyze``'s table: Sobol S1 and ST with their
    confidence intervals, or Morris mu* with its interval and sigma, per parameter and
    output."""
    ax = ax if ax is not None else new_axes()
    measures: list[tuple[str, str | None, str]]
    if method == "sobol":
        measures = [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")]
        ylabel = "Sobol index (share of output variance)"
    else:
        measures = [("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")]
        ylabel = "Morris elementary effect (output units)"
    outputs = list(dict.fromkeys(table["output"]))
    params = list(dict.fromkeys(table["parameter"]))
    groups = [(o, m) for o in outputs for m in measures]
    width = 0.8 / len(groups)
    base = np.arange(len(params), dtype=float)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for k, (output, (col, conf, label)) in enumerate(groups):
        part = table[table["output"] == output].set_index("parameter").reindex(params)
        err = part[conf].to_numpy(dtype=float) if conf else None
        ax.bar(
            base + (k - (len(groups) - 1) / 2) * width,
            part[col].to_numpy(dtype=float),
            width,
            yerr=err,
            capsize=2,
            color=colours[k % len(colours)],
            label=f"{label}, {output}",
        )
    ax.set_xticks(base, params, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_title(title or f"{method.capitalize()} sensitivity of {', '.join(outputs)}")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    return ax


#: A colour per record kind (the record format's kinds, casim.log.RECORD_KINDS).
_KIND_COLOURS = dict(
    zip(RECORD_KINDS, ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:red"), strict=True)
)


def plot_reliability(
    forecasts: pd.DataFrame,
    table: Sequence[tuple[float, float, float, int]],
    *,
    bins: int,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Reliability diagram from a ``casim score`` CSV (``probability``, ``outcome``,
    ``kind``) and its reliability table (per bin of forecast probability: bin middle, mean
    forecast, observed frequency, rows, over ``bins`` bins; see
    :func:`casim.analysis.scoring.reliability`):
    the observed frequency against the mean forecast, with marker size by rows and a dashed
    diagonal of perfect reliability. Each row is also shown as a tick at its probability,
    above (outcome 1) or below."""
    ax = ax if ax is not None else new_axes(7.0, 6.0)
    p = forecasts["probability"].to_numpy(dtype=float)
    o = forecasts["outcome"].to_numpy(dtype=int)
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="perfect reliability")
    if table:
        mean_p = [t[1] for t in table]
        freq = [t[2] for t in table]
        n = [t[3] for t in table]
        ax.plot(mean_p, freq, color="tab:blue", lw=1.5)
        ax.scatter(
            mean_p,
            freq,
            s=[30 + 12 * k for k in n],
            color="tab:blue",
            zorder=3,
            label=f"observed frequency per bin ({bins} bins; size = rows)",
        )
        for x, y, k in zip(mean_p, freq, n, strict=True):
            ax.annotate(str(k), (x, y), textcoords="offset points", xytext=(6, -10), fontsize=8)
    for kind, colour in _KIND_COLOURS.items():
        mask = forecasts["kind"].to_numpy() == kind
        if mask.any():
            ys = np.where(o[mask] == 1, 1.04, -0.04)
            ax.scatter(p[mask], ys, marker="|", s=120, color=colour, label=f"rows: {kind}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.08, 1.08)
    ax.set_xlabel("forecast probability (share of runs)")
    ax.set_ylabel("observed frequency of outcome 1")
    ax.set_title(title or "Reliability of the forecast against the record")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    return ax


#: the most record rows the per-row figure draws (its width grows with the rows)
MAX_ROWS_DRAWN = 300


def plot_forecast_rows(
    forecasts: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """Per record row, grouped by kind: the model's probability (dot), the climatology
    baseline (grey bar) and the outcome (open square at 0 or 1). Of more than
    ``MAX_ROWS_DRAWN`` rows, that many evenly spaced rows are drawn, and the title says so."""
    total = len(forecasts)
    if total > MAX_ROWS_DRAWN:
        keep = np.unique(np.linspace(0, total - 1, MAX_ROWS_DRAWN).round().astype(int))
        forecasts = forecasts.iloc[keep].reset_index(drop=True)
        shown = f"{len(forecasts)} of {total} rows, evenly spaced"
        title = f"{title} ({shown})" if title else f"Forecast per record row ({shown})"
    n = len(forecasts)
    ax = ax if ax is not None else new_axes(max(9.0, 0.16 * n + 3.0), 5.5)
    x = np.arange(n, dtype=float)
    colours = [_KIND_COLOURS.get(k, "0.3") for k in forecasts["kind"]]
    ax.bar(
        x,
        forecasts["climatology"].to_numpy(dtype=float),
        0.8,
        color="0.85",
        label="climatology (kind's rate in the reference)",
    )
    ax.scatter(
        x,
        forecasts["probability"].to_numpy(dtype=float),
        color=colours,
        s=28,
        zorder=3,
        label="model probability",
    )
    ax.scatter(
        x,
        forecasts["outcome"].to_numpy(dtype=float),
        marker="s",
        s=36,
        facecolors="none",
        edgecolors="k",
        zorder=4,
        label="outcome (record)",
    )
    kinds = list(dict.fromkeys(forecasts["kind"]))
    for kind in kinds:
        idx = np.flatnonzero(forecasts["kind"].to_numpy() == kind)
        ax.axvspan(idx[0] - 0.5, idx[-1] + 0.5, color=_KIND_COLOURS.get(kind, "0.5"), alpha=0.06)
        ax.text(
            idx.mean(), 1.1, kind, ha="center", fontsize=8, color=_KIND_COLOURS.get(kind, "0.3")
        )
    ax.set_xticks(x, list(forecasts["id"]), rotation=90, fontsize=6)
    ax.set_xlim(-0.8, n - 0.2)
    ax.set_ylim(-0.05, 1.18)
    ax.set_ylabel("probability of outcome 1")
    ax.set_title(title or "Forecast per record row against the outcome")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return ax


def plot_calibration(
    points: pd.DataFrame,
    parameters: list[str],
    *,
    score: str = "brier",
    best: dict[str, float] | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per fitted parameter: each evaluated point's ensemble score against the
    parameter's value, coloured by calibration round (by stage of a block search), with
    the chosen value marked."""
    k = len(parameters)
    cols = min(3, k)
    rows = (k + cols - 1) // cols
    fig = Figure(figsize=(4.2 * cols, 3.3 * rows + 0.6), dpi=110)
    by = "stage" if "stage" in points and points["stage"].nunique() > 1 else "round"
    groups = sorted(points[by].unique(), key=str)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for i, name in enumerate(parameters):
        ax = fig.add_subplot(rows, cols, i + 1)
        for j, r in enumerate(groups):
            part = points[points[by] == r]
            ax.scatter(
                part[name],
                part[score],
                s=9,
                alpha=0.6,
                color=colours[j % len(colours)],
                label=f"{by} {r}",
            )
        if best is not None and name in best:
            ax.axvline(best[name], color="k", lw=1.2, ls="--", label="fitted value")
        ax.set_xlabel(name, fontsize=8)
        ax.set_ylabel(f"ensemble {score} (lower is better)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if i == 0:
            ax.legend(fontsize=7)
    fig.suptitle(title or f"Calibration: ensemble {score} score against each parameter")
    fig.tight_layout()
    return fig


def plot_comparison(
    differences: pd.DataFrame,
    *,
    outcome: str = "index",
    base_name: str = "base",
    other_name: str = "other",
    branch: dt.date | None = None,
    unit: str = "0-1",
) -> Figure:
    """Two panels from ``casim compare``'s table for one outcome: the mean of each
    scenario by year, and their paired difference with its 90% confidence interval and
    the 5-95% range of the per-run differences."""
    part = differences[differences["outcome"] == outcome].sort_values("year")
    years = part["year"].to_numpy(dtype=float) + 0.5  # as plot_trajectory: mid-year
    fig = Figure(figsize=(9.0, 7.0), dpi=110)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(years, part["base_mean"], color="tab:blue", lw=2, label=f"{base_name} (mean)")
    top.plot(years, part["other_mean"], color="tab:red", lw=2, label=f"{other_name} (mean)")
    name = "integration index" if outcome == "index" else outcome
    top.set_ylabel(f"{name} ({unit})")
    top.set_title(f"{outcome}: {other_name} against {base_name}, runs paired on the same streams")
    bottom.fill_between(
        years,
        part["diff_q05"],
        part["diff_q95"],
        color="tab:purple",
        alpha=0.15,
        label="5-95% of per-run differences",
    )
    bottom.fill_between(
        years,
        part["ci90_low"],
        part["ci90_high"],
        color="tab:purple",
        alpha=0.4,
        label="90% confidence interval of the mean",
    )
    bottom.plot(years, part["diff_mean"], color="tab:purple", lw=2, label="mean difference")
    bottom.axhline(0, color="0.3", lw=0.8)
    bottom.set_ylabel(f"{other_name} - {base_name}")
    bottom.set_xlabel("year (each point summarises one calendar year)")
    for ax in (top, bottom):
        if branch is not None:
            ax.axvline(
                year_fraction(branch),
                color="0.4",
                ls="--",
                lw=1,
                label="branch date" if ax is top else None,
            )
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


_COMPONENT_COLOURS = {
    "format": "tab:blue",
    "treaties": "tab:green",
    "borders": "tab:purple",
    "calm": "tab:orange",
    "trade": "tab:brown",
}


def plot_components(
    index: pd.DataFrame,
    weights: dict[str, float],
    *,
    pin_until: dt.date | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The index as stacked contributions, weight x component (mean over runs) per year;
    the stack's top is the mean index."""
    ax = ax if ax is not None else new_axes()
    means = index.groupby("year")[list(weights)].mean()
    x = means.index.to_numpy(dtype=float) + 0.5
    layers = [means[c].to_numpy(dtype=float) * w for c, w in weights.items()]
    labels = [f"{c} (weight {w:g})" for c, w in weights.items()]
    colours = [_COMPONENT_COLOURS.get(c, "0.5") for c in weights]
    ax.stackplot(x, *layers, labels=labels, colors=colours, alpha=0.8)
    span = (x.min() - 0.5, x.max() + 0.5)
    if pin_until is not None:
        _mark(ax, span, pin_until, f" branch {pin_until.isoformat()}", "--", "0.3", 0.97, "top")
    ax.set_ylim(0, 1)
    ax.set_xlim(*span)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (each point summarises one calendar year)")
    ax.set_ylabel("contribution to the integration index (0-1)")
    runs = index["run"].nunique()
    ax.set_title(title or f"Components of the integration index, mean of {runs} run(s)")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


#: (colour, line style, marker) of the states of plot_stances, in alphabetical order
_STANCE_STYLES: tuple[tuple[str, Any, str], ...] = (
    ("tab:blue", "-", "o"),
    ("tab:orange", "--", "s"),
    ("tab:green", "-.", "^"),
    ("tab:red", ":", "D"),
    ("tab:purple", (0, (4, 2)), "v"),
    ("tab:brown", (0, (1, 1, 4, 1)), "P"),
)


def plot_stances(
    panel: pd.DataFrame,
    *,
    column: str = "disposition",
    pin_until: dt.date | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One stance per state and year from a run's panel: the median over runs, with the
    25-75% band when there are several runs."""
    ax = ax if ax is not None else new_axes()
    part = panel[panel["participant"].astype(str) == "True"] if "participant" in panel else panel
    for k, (state, g) in enumerate(part.groupby("state", sort=True)):
        by_year = g.groupby("year")[column]
        x = np.array(sorted(g["year"].unique()), dtype=float) + 0.5
        colour, style, marker = _STANCE_STYLES[k % len(_STANCE_STYLES)]
        # each state its own dash and marker, and each later one thinner and on top, so
        # that a line under another still shows on both sides of it
        ax.plot(x, by_year.median().to_numpy(), color=colour, lw=max(3.4 - 0.45 * k, 1.2),
                ls=style, marker=marker, ms=4, markevery=(k % 3, 3), label=str(state),
                zorder=3 + k)  # fmt: skip
        if g["run"].nunique() > 1:
            ax.fill_between(
                x,
                by_year.quantile(0.25).to_numpy(),
                by_year.quantile(0.75).to_numpy(),
                color=colour,
                alpha=0.15,
                lw=0,
            )
    if pin_until is not None:
        span = (float(part["year"].min()), float(part["year"].max()) + 1.0)
        label = f" branch {pin_until.isoformat()}"
        _mark(ax, span, pin_until, label, "--", "0.3", 0.97, "top")
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (state at the year's end)")
    ax.set_ylabel(f"{column} (score, 0-1)")
    ax.set_title(title or f"{column.capitalize()} of each state (median of runs, 50% band)")
    ax.legend(fontsize=8, ncol=3, loc="lower right")
    ax.grid(alpha=0.3)
    return ax


#: The event kinds of the timeline (casim.log.KINDS), a row each, with their labels.
_TIMELINE_ROWS = (
    ("summit_held", "meeting held (host)"),
    ("summit_postponed", "meeting postponed"),
    ("treaty_signed", "treaty signed"),
    ("treaty_ratified", "treaty ratified"),
    ("border_treaty_signed", "border treaty"),
    ("border_clash", "major border clash"),
    ("leader_change", "leader change"),
)


def plot_timeline(
    events: pd.DataFrame,
    *,
    run: int = 0,
    pin_until: dt.date | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The events of one run on a time line, a row per kind: meetings (marker colour = the
    share of heads of state present), signatures, ratifications, border treaties, major
    clashes and leader changes; each labelled with its subject. Observed (imposed) events
    are drawn filled, the model's open."""
    ax = ax if ax is not None else new_axes(11.0, 5.5)
    ev = events[events["run"] == run]
    ev = ev.assign(date=pd.to_datetime(ev["date"]).dt.date)
    heads = ev[ev["kind"] == "summit_attended"]
    years = [d.year for d in ev["date"]]
    span = (min(years), max(years) + 1) if years else (0, 1)
    char = 0.11 * (span[1] - span[0]) / 20.0  # a 6-point character, in years of the axis
    # the spans of labels in the band under each row (band r + 1 is above row r)
    bands: list[list[tuple[float, float]]] = [[] for _ in range(len(_TIMELINE_ROWS) + 1)]
    for row, (kind, _label) in enumerate(_TIMELINE_ROWS):
        part = ev[ev["kind"] == kind]
        if kind == "border_clash":
            part = part[part["object"] == "major"]
        # one marker and one label per day: the states signing together share them
        for date, day in part.groupby("date", sort=True):
            x = year_fraction(date)  # type: ignore[arg-type]
            colour: Any = "tab:blue"
            if kind == "summit_held":
                present = heads[heads["date"] == date]
                share = float((present["object"] == "head").mean()) if len(present) else 0.0
                colour = _heads_colour(share)
            elif kind == "border_clash":
                colour = "tab:red"
            filled = bool((day["origin"] != "model").any())  # imposed or a driver
            ax.scatter([x], [row], s=60, marker="o", color=colour if filled else "white",
                       edgecolors=colour, linewidths=1.5, zorder=3)  # fmt: skip
            subjects = " ".join(dict.fromkeys(str(v) for v in day["subject"]))
            side = timeline_label_side(x, len(subjects) * 0.87 * char, bands[row + 1], bands[row])
            if side is None:
                continue  # no room beside its neighbours' labels: the marker stays
            above = side == 0
            ax.annotate(subjects, (x, row), textcoords="offset points",
                        xytext=(0, 7 if above else -8), ha="left" if above else "right",
                        va="bottom" if above else "top", fontsize=6, rotation=30)  # fmt: skip
    if pin_until is not None:
        drawn = (float(span[0]), float(span[1]))
        _mark(ax, drawn, pin_until, f" branch {pin_until.isoformat()}", "--", "0.3", 0.99, "top")
    ax.set_yticks(range(len(_TIMELINE_ROWS)), [label for _, label in _TIMELINE_ROWS])
    ax.set_ylim(-0.8, len(_TIMELINE_ROWS) - 0.2)
    ax.set_xlim(*span)
    step = 1 if span[1] - span[0] <= 25 else 2
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}")
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("date (a tick at each year's start)")
    ax.scatter([], [], s=60, color="tab:blue", edgecolors="tab:blue", linewidths=1.5,
               label="recorded (imposed or exogenous)")  # fmt: skip
    ax.scatter([], [], s=60, color="white", edgecolors="tab:blue", linewidths=1.5,
               label="decided by the model")  # fmt: skip
    ax.scatter([], [], s=60, color="tab:red", edgecolors="tab:red", linewidths=1.5,
               label="major border clash")  # fmt: skip
    for share, text in ((1.0, "meeting: all heads present"), (0.5, "meeting: half the heads")):
        c = _heads_colour(share)
        ax.scatter([], [], s=60, color=c, edgecolors=c, linewidths=1.5, label=text)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5)
    ax.set_title(title or f"Events of run {run}")
    ax.grid(axis="x", alpha=0.3)
    return ax


def timeline_label_side(
    x: float, width: float, above: list[tuple[float, float]], below: list[tuple[float, float]]
) -> int | None:
    """Where a label of ``width`` (axis units) at ``x`` goes on a timeline row: 0 above
    (it extends right of ``x``), 1 below (it extends left), or None when both places
    overlap a label already there. ``above`` and ``below`` are the spans taken in the
    bands above and below the row (a band is shared with the neighbouring row); the
    chosen one gets the new span."""
    for side, band, span in ((0, above, (x, x + width)), (1, below, (x - width, x))):
        if all(span[1] <= lo or span[0] >= hi for lo, hi in band):
            band.append(span)
            return side
    return None


def _heads_colour(share: float) -> tuple[float, float, float, float]:
    """Colour of a meeting marker by the share of heads of state present (0-1)."""
    from matplotlib import colormaps

    return tuple(colormaps["viridis"](0.15 + 0.8 * share))  # type: ignore[return-value]


def _text_colour(value: float) -> str:
    """Text on a cell of the Reds colour map (0-1): white where the red is dark."""
    return "white" if value > 0.55 else "black"


def plot_relations(
    panel: pd.DataFrame, *, year: int, title: str | None = None, ax: Axes | None = None
) -> Axes:
    """Relations among the states in one year: the mean border tension between each pair
    (0 = calm, 1 = fighting) over runs, as a heatmap; pairs without a border are hatched
    grey and say so. Numbers are white on dark cells, black on light ones."""
    ax = ax if ax is not None else new_axes(7.0, 6.0)
    part = panel[panel["year"] == year]
    if "participant" in part:  # only the states taking part that year
        part = part[part["participant"].astype(str) == "True"]
    states = sorted(part["state"].unique())
    cols = [f"tension_{s}" for s in states]
    grid = part.groupby("state")[[c for c in cols if c in part]].mean().reindex(states)
    values = grid.reindex(columns=cols).to_numpy(dtype=float)
    image = ax.imshow(values, vmin=0, vmax=1, cmap="Reds")
    for i in range(len(states)):
        for j in range(len(states)):
            v = values[i, j]
            if not np.isnan(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                        color=_text_colour(v))  # fmt: skip
                continue
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="0.93",
                                   edgecolor="0.75", hatch="///", lw=0))  # fmt: skip
            if i != j:
                ax.text(j, i, "no\nborder", ha="center", va="center", fontsize=7, color="0.35")
    ax.set_xticks(range(len(states)), states)
    ax.set_yticks(range(len(states)), states)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    fig.colorbar(image, ax=ax, label="border tension (0 = calm, 1 = fighting)")
    ax.set_xlim(-0.5, len(states) - 0.5)
    ax.set_ylim(len(states) - 0.5, -0.5)
    runs = part["run"].nunique()
    ax.set_title(title or f"Border tension between states, end of {year} (mean of {runs} runs)")
    return ax
