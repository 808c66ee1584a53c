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
from typing import Any, Protocol, TextIO

import numpy as np
import pandas as pd

from casim.api import Result, run
from casim.model import outcomes
from casim.progress import Progress
from casim.scenario.load import with_window
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "Comparison",
    "Paired",
    "aligned",
    "compare",
    "compare_scenarios",
    "difference_row",
    "outcome_table",
    "paired_differences",
    "shared",
]

_Z90 = 1.6448536269514722  # two-sided 90% normal quantile


class Paired(Protocol):
    """What the printed summary, the manifest and the plot of a comparison read: the
    paired differences and both scenarios as run (a :class:`Comparison`, or the result of
    a streamed comparison, :mod:`casim.analysis.compare_stream`)."""

    @property
    def differences(self) -> pd.DataFrame: ...

    @property
    def base_scenario(self) -> Scenario: ...

    @property
    def other_scenario(self) -> Scenario: ...


@dataclass(frozen=True)
class Comparison:
    """Per-run outcomes of both scenarios and their paired differences."""

    base: pd.DataFrame  # run, year, outcome columns
    other: pd.DataFrame
    differences: pd.DataFrame  # outcome, year, base_mean, other_mean, diff_mean, ...
    base_scenario: Scenario  # as run (window applied)
    other_scenario: Scenario


def outcome_table(result: Result, documents: Sequence[str], pairs: Sequence[str]) -> pd.DataFrame:
    """One row per run and year: the columns of :func:`casim.model.outcomes.outcome_table`
    (index, components, trade, signed_<doc>_<state>, settled_<pair>, major_clash_<pair>,
    disposition_<state> when the panel was kept, the format's measures, stage_<pair>,
    incidents_<pair>, c5x_heads_<state>)."""
    return outcomes.outcome_table(
        result.events, result.panel, result.index, result.scenario, documents, pairs
    )


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
            rows.append(difference_row(name, int(str(year)), b, o))
    return pd.DataFrame(rows)


def difference_row(name: str, year: int, b: np.ndarray, o: np.ndarray) -> dict[str, Any]:
    """One row of :func:`paired_differences`: the outcome ``name`` in ``year``, from its
    values in the base and the other scenario (float64, one per run, in run order)."""
    d = o - b
    n = len(d)
    mean = float(d.mean())
    se = float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return {
        "outcome": name,
        "year": year,
        "n": n,
        "base_mean": float(b.mean()),
        "other_mean": float(o.mean()),
        "diff_mean": mean,
        "ci90_low": mean - _Z90 * se,
        "ci90_high": mean + _Z90 * se,
        "diff_q05": float(np.quantile(d, 0.05)),
        "diff_q95": float(np.quantile(d, 0.95)),
    }


def compare(base: Result, other: Result) -> Comparison:
    """Outcomes of both results (same seed and runs) and their paired differences."""
    if base.seed != other.seed or base.runs != other.runs:
        raise ValueError("compare: both results need the same seed and number of runs")
    docs, pairs = shared(base.scenario, other.scenario)
    b = outcome_table(base, docs, pairs)
    o = outcome_table(other, docs, pairs)
    return Comparison(b, o, paired_differences(b, o), base.scenario, other.scenario)


def compare_scenarios(
    base: Scenario, other: Scenario, *, seed: int, runs: int, progress: TextIO | None = None
) -> Comparison:
    """Run both scenarios ``runs`` times from ``seed`` and compare them. The base runs with
    the other's window (pin, known and end dates), so both branch from the same day.
    ``progress`` gets one bar (or plain lines) over the runs of both."""
    base = aligned(base, other)
    with Progress(2 * runs, 0, progress, label="compare") as bar:
        first = run(base, seed=seed, runs=runs, progress=bar)
        second = run(other, seed=seed, runs=runs, progress=bar)
    return compare(first, second)


def shared(base: Scenario, other: Scenario) -> tuple[list[str], list[str]]:
    """The documents and the border pairs both scenarios define, in the base's order: the
    ones whose outcomes are compared."""
    documents = [d for d in base.documents if d in other.documents]
    pairs = [p for p in base.borders if p in other.borders]
    return documents, pairs


def aligned(base: Scenario, other: Scenario) -> Scenario:
    """The base scenario with the other's window (pin, known and end dates), so that both
    branch from the same day."""
    pin, known, until = resolved_window(other)
    return with_window(base, pin_until=pin, known_until=known, until=until)
