"""The outcome table: every measure of a run, per run and year, read off the tables of
``casim run`` (events, panel, index). ``casim compare`` compares its columns between two
scenarios; an experiment names them as sweep outputs (``[outputs] measures``, filled from
the same :func:`casim.model.run_measures.outcome_rows`, run by run, without pandas).

Columns (after ``run`` and ``year``): the integration index, its components and
``trade_bn`` (USD bn); ``signed_<doc>_<state>`` (1 once the state has signed the
document); for each border pair ``settled_<pair>`` (1 once the line is settled, from the
start for a line the scenario starts settled) and ``major_clash_<pair>`` (1 if a major
clash took place that year); ``disposition_<state>`` (from the panel, when it was kept);
the format's measures (:data:`casim.model.run_measures.FORMAT_MEASURES`);
``incidents_<pair>`` (minor incidents that year) and ``stage_<pair>`` (0 open, 1
delimited, 2 demarcated); and ``c5x_heads_<state>`` (partner summits the state's head
attended that year).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from casim.model.indicators import COMPONENTS
from casim.model.measures import by_run
from casim.model.run_measures import outcome_names, outcome_rows
from casim.scenario.schema import Scenario

__all__ = ["outcome_columns", "outcome_table"]


def outcome_table(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    index: pd.DataFrame,
    scenario: Scenario,
    documents: Sequence[str],
    pairs: Sequence[str],
) -> pd.DataFrame:
    """One row per row of ``index`` (run and year): run, year, then the columns of
    :func:`casim.model.run_measures.outcome_names` (a state's disposition once it has a
    panel row)."""
    table, present = outcome_columns(events, panel, index, scenario, documents, pairs)
    names = outcome_names(scenario, documents, pairs, panel=len(panel) > 0)
    return table[["run", "year", *(n for n in names if n in present)]]


def outcome_columns(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    index: pd.DataFrame,
    scenario: Scenario,
    documents: Sequence[str],
    pairs: Sequence[str],
) -> tuple[pd.DataFrame, set[str]]:
    """The rows of :func:`outcome_table` with every column :func:`outcome_names` may name
    (``panel=True``; NaN where a row has no value), and the names of the columns some row
    has a value for: :func:`outcome_table` keeps those. Read chunk by chunk of runs, the
    chunks' rows, one after the other, are the whole table's, and its columns are those
    present in some chunk."""
    names = outcome_names(scenario, documents, pairs, panel=True)
    disposition: dict[int, dict[tuple[int, str], float]] = {}
    if len(panel):
        for run, year, state, value in panel[["run", "year", "state", "disposition"]].itertuples(
            index=False
        ):
            disposition.setdefault(int(run), {})[(int(year), state)] = float(value)
    years: dict[int, dict[int, dict[str, float]]] = {}
    values = ["run", "year", *COMPONENTS, "index", "trade_bn"]
    for run, year, *rest in index[values].itertuples(index=False):
        years.setdefault(int(run), {})[int(year)] = dict(zip(values[2:], rest, strict=True))
    events_by_run = {run: mine for run, _, mine in by_run(events)} if len(events) else {}
    rows = []
    for run, by_year in years.items():
        mine = events_by_run.get(run, [])
        table = outcome_rows(mine, by_year, disposition.get(run, {}), scenario, documents, pairs)
        rows += [
            {"run": run, "year": year, **row} for year, row in zip(by_year, table, strict=True)
        ]
    out = pd.DataFrame(rows)
    present = {n for n in names if n in out.columns}
    return out.reindex(columns=["run", "year", *names]), present
