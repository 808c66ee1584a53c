"""Paired comparison of two scenarios: ``casim compare BASE OTHER``.

Both scenarios run ``runs`` times from the same seed, so run ``r`` of one and run ``r`` of
the other draw from the same named random streams (common random numbers): a difference
between them comes from the scenarios, not from sampling. For every outcome and year the
paired differences ``other_r - base_r`` give a mean effect with a 90% confidence interval
(mean +- 1.645 standard errors) and the 5-95% range of the per-run differences.

Outcomes per run and year: the integration index, its components and trade (USD bn); the
format's measures (meetings held, regularity, heads present, documents opened and in
force, scope, members: :func:`casim.model.measures.format_measures`); for each document
both scenarios define and each participant, whether it has signed by the year's end; for
each border pair, whether the line is settled by the year's end (a line settled from the
start reads settled), its stage (0 open, 1 delimited, 2 demarcated), its minor incidents
and whether a major clash took place in the year; for each state, its disposition at the
year's end (leader's line, experience and shocks; from the panel) and the partner summits
its head attended that year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np
import pandas as pd

from casim.api import Result, run
from casim.model.indicators import COMPONENTS
from casim.model.measures import alignment, border_lines, format_measures
from casim.progress import Progress
from casim.scenario.load import with_window
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "Comparison",
    "compare",
    "compare_scenarios",
    "outcome_table",
    "paired_differences",
]

_Z90 = 1.6448536269514722  # two-sided 90% normal quantile


@dataclass(frozen=True)
class Comparison:
    """Per-run outcomes of both scenarios and their paired differences."""

    base: pd.DataFrame  # run, year, outcome columns
    other: pd.DataFrame
    differences: pd.DataFrame  # outcome, year, base_mean, other_mean, diff_mean, ...
    base_scenario: Scenario  # as run (window applied)
    other_scenario: Scenario


def outcome_table(result: Result, documents: Sequence[str], pairs: Sequence[str]) -> pd.DataFrame:
    """One row per run and year: index, components, signed_<doc>_<state>,
    settled_<pair> (1 from the start for a line the scenario starts settled),
    major_clash_<pair> (0/1), disposition_<state> (when the panel was kept)."""
    ix = result.index
    table = ix[["run", "year", *COMPONENTS, "index", "trade_bn"]].copy()
    ev = result.events
    states = list(result.scenario.participants)
    for code in result.scenario.states:
        if code not in states:
            states.append(code)
    keys = table[["run", "year"]]
    extra: dict[str, np.ndarray] = {}

    def by_year_end(rows: pd.DataFrame) -> np.ndarray:
        """1 where the first such event of the run is on or before the year's end."""
        first = pd.to_datetime(rows.groupby("run")["date"].min()).dt.year
        y = keys["run"].map(first)
        return (y.notna() & (y <= keys["year"])).to_numpy(dtype=float)

    signed = ev[ev["kind"] == "treaty_signed"]
    for doc in documents:
        part = signed[signed["object"] == doc]
        for code in states:
            extra[f"signed_{doc}_{code}"] = by_year_end(part[part["subject"] == code])
    settled = ev[ev["kind"] == "border_treaty_signed"]
    clashes = ev[(ev["kind"] == "border_clash") & (ev["object"] == "major")]
    clash_years = clashes.assign(year=pd.to_datetime(clashes["date"]).dt.year)
    lines = result.scenario.borders
    for pair in pairs:
        if pair in lines and lines[pair].progress >= 1.0:  # settled from the start
            extra[f"settled_{pair}"] = np.ones(len(keys))
        else:
            extra[f"settled_{pair}"] = by_year_end(settled[settled["subject"] == pair])
        hit = set(
            zip(
                clash_years.loc[clash_years["subject"] == pair, "run"],
                clash_years.loc[clash_years["subject"] == pair, "year"],
                strict=True,
            )
        )
        extra[f"major_clash_{pair}"] = np.array(
            [float((r, y) in hit) for r, y in zip(keys["run"], keys["year"], strict=True)]
        )
    panel = result.panel
    if len(panel):
        disposition = panel.pivot_table(
            index=["run", "year"], columns="state", values="disposition", aggfunc="first"
        )
        rows = pd.MultiIndex.from_frame(keys)
        for code in result.scenario.states:
            if code in disposition.columns:
                extra[f"disposition_{code}"] = disposition[code].reindex(rows).to_numpy(dtype=float)
    out = pd.concat([table.reset_index(drop=True), pd.DataFrame(extra)], axis=1)
    return _with_measures(out, result, pairs)


_STAGE_LEVEL = {"open": 0.0, "delimited": 1.0, "demarcated": 2.0}


def _with_measures(out: pd.DataFrame, result: Result, pairs: Sequence[str]) -> pd.DataFrame:
    """The outcome table joined with the format's measures, each line's stage and
    incidents, and each state's C5+X attendance (run and year keys)."""
    years = result.years
    if out.empty:
        return out
    fmt = format_measures(result.events, result.scenario, years).drop(columns="seed")
    out = out.merge(fmt, on=["run", "year"], how="left")
    lines = border_lines(result.events, result.scenario, years)
    lines = lines[lines["pair"].isin(list(pairs))]
    if len(lines):
        wide = lines.assign(stage=lines["stage"].map(_STAGE_LEVEL)).pivot_table(
            index=["run", "year"], columns="pair", values=["stage", "incidents"]
        )
        wide.columns = [f"{col[0]}_{col[1]}" for col in wide.columns]
        out = out.merge(wide.reset_index(), on=["run", "year"], how="left")
    aligned = alignment(result.events, result.panel, result.scenario, years)
    if len(aligned):
        heads = aligned.pivot_table(index=["run", "year"], columns="state", values="c5x_heads")
        heads.columns = [f"c5x_heads_{c}" for c in heads.columns]
        out = out.merge(heads.reset_index(), on=["run", "year"], how="left")
    return out


def paired_differences(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Long table: outcome, year, n, base_mean, other_mean, diff_mean, ci90_low, ci90_high,
    diff_q05, diff_q95 (runs paired by run number)."""
    merged = base.merge(other, on=["run", "year"], suffixes=("@b", "@o"))
    outcomes = [c for c in base.columns if c not in ("run", "year") and c in other.columns]
    rows = []
    for year, g in merged.groupby("year", sort=True):
        for name in outcomes:
            b = g[f"{name}@b"].to_numpy(dtype=float)
            o = g[f"{name}@o"].to_numpy(dtype=float)
            d = o - b
            n = len(d)
            mean = float(d.mean())
            se = float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
            rows.append(
                {
                    "outcome": name,
                    "year": int(str(year)),
                    "n": n,
                    "base_mean": float(b.mean()),
                    "other_mean": float(o.mean()),
                    "diff_mean": mean,
                    "ci90_low": mean - _Z90 * se,
                    "ci90_high": mean + _Z90 * se,
                    "diff_q05": float(np.quantile(d, 0.05)),
                    "diff_q95": float(np.quantile(d, 0.95)),
                }
            )
    return pd.DataFrame(rows)


def compare(base: Result, other: Result) -> Comparison:
    """Outcomes of both results (same seed and runs) and their paired differences."""
    if base.seed != other.seed or base.runs != other.runs:
        raise ValueError("compare: both results need the same seed and number of runs")
    docs = [d for d in base.scenario.documents if d in other.scenario.documents]
    pairs = [p for p in base.scenario.borders if p in other.scenario.borders]
    b = outcome_table(base, docs, pairs)
    o = outcome_table(other, docs, pairs)
    return Comparison(b, o, paired_differences(b, o), base.scenario, other.scenario)


def compare_scenarios(
    base: Scenario, other: Scenario, *, seed: int, runs: int, progress: TextIO | None = None
) -> Comparison:
    """Run both scenarios ``runs`` times from ``seed`` and compare them. The base runs with
    the other's window (pin, known and end dates), so both branch from the same day.
    ``progress`` gets one bar (or plain lines) over the runs of both."""
    pin, known, until = resolved_window(other)
    base = with_window(base, pin_until=pin, known_until=known, until=until)
    with Progress(2 * runs, 0, progress, label="compare") as bar:
        first = run(base, seed=seed, runs=runs, progress=bar)
        second = run(other, seed=seed, runs=runs, progress=bar)
    return compare(first, second)
