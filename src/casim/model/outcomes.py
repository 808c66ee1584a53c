"""The outcome table: every measure of a run, per run and year, read off the tables of
``casim run`` (events, panel, index). ``casim compare`` compares its columns between two
scenarios; an experiment names them as sweep outputs (``[outputs] measures``).

Columns (after ``run`` and ``year``): the integration index, its components and
``trade_bn`` (USD bn); ``signed_<doc>_<state>`` (1 once the state has signed the
document); for each border pair ``settled_<pair>`` (1 once the line is settled, from the
start for a line the scenario starts settled), ``major_clash_<pair>`` (1 if a major clash
took place that year), ``stage_<pair>`` (0 open, 1 delimited, 2 demarcated) and
``incidents_<pair>`` (minor incidents that year); ``disposition_<state>`` (from the
panel, when it was kept); the format's measures
(:data:`casim.model.outcome_columns.FORMAT_MEASURES`); and
``c5x_heads_<state>`` (partner summits the state's head attended that year).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from casim.model.indicators import COMPONENTS
from casim.model.measures import alignment, border_lines, format_measures
from casim.model.outcome_columns import outcome_names, outcome_states
from casim.scenario.schema import Scenario

__all__ = ["outcome_names", "outcome_table"]

_STAGE_LEVEL = {"open": 0.0, "delimited": 1.0, "demarcated": 2.0}


def outcome_table(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    index: pd.DataFrame,
    scenario: Scenario,
    documents: Sequence[str],
    pairs: Sequence[str],
) -> pd.DataFrame:
    """One row per run and year of ``index``: run, year, then the columns of
    :func:`casim.model.outcome_columns.outcome_names` (``events`` with ``date`` as datetime64, as
    :func:`casim.api.frames` gives them)."""
    table = index[["run", "year", *COMPONENTS, "index", "trade_bn"]].copy()
    ev = events
    states = outcome_states(scenario)
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
    lines = scenario.borders
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
    if len(panel):
        disposition = panel.pivot_table(
            index=["run", "year"], columns="state", values="disposition", aggfunc="first"
        )
        rows = pd.MultiIndex.from_frame(keys)
        for code in scenario.states:
            if code in disposition.columns:
                extra[f"disposition_{code}"] = disposition[code].reindex(rows).to_numpy(dtype=float)
    out = pd.concat([table.reset_index(drop=True), pd.DataFrame(extra)], axis=1)
    years = sorted(int(y) for y in index["year"].unique())
    return _with_measures(out, events, panel, scenario, years, pairs)


def _with_measures(
    out: pd.DataFrame,
    events: pd.DataFrame,
    panel: pd.DataFrame,
    scenario: Scenario,
    years: Sequence[int],
    pairs: Sequence[str],
) -> pd.DataFrame:
    """The outcome table joined with the format's measures, each line's stage and
    incidents, and each state's C5+X attendance (run and year keys)."""
    if out.empty:
        return out
    fmt = format_measures(events, scenario, years).drop(columns="seed")
    out = out.merge(fmt, on=["run", "year"], how="left")
    lines = border_lines(events, scenario, years)
    lines = lines[lines["pair"].isin(list(pairs))]
    if len(lines):
        wide = lines.assign(stage=lines["stage"].map(_STAGE_LEVEL)).pivot_table(
            index=["run", "year"], columns="pair", values=["stage", "incidents"]
        )
        wide.columns = [f"{col[0]}_{col[1]}" for col in wide.columns]
        out = out.merge(wide.reset_index(), on=["run", "year"], how="left")
    aligned = alignment(events, panel, scenario, years)
    if len(aligned):
        heads = aligned.pivot_table(index=["run", "year"], columns="state", values="c5x_heads")
        heads.columns = [f"c5x_heads_{c}" for c in heads.columns]
        out = out.merge(heads.reset_index(), on=["run", "year"], how="left")
    return out
