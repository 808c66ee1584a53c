"""The short summary ``casim run`` prints: the integration index at a few years, who
signed which document and when, and which border lines were settled.

It reads the index and only the signatures of the event log (:func:`signatures`: the
first year each state signed each document or border treaty, per run), so a streamed run
(:func:`casim.present.output.write_stream`) keeps those and nothing else of its events.
"""

from __future__ import annotations

import pandas as pd

from casim.api import Result
from casim.scenario.schema import Scenario

__all__ = ["SIGNATURE_KINDS", "run_summary", "signatures", "summary_lines"]

_MAX_DOCUMENTS = 8
#: The kinds of event the summary reads.
SIGNATURE_KINDS = ("treaty_signed", "border_treaty_signed")
#: The columns of :func:`signatures`.
_SIGNATURE_COLUMNS = ["kind", "object", "subject", "run", "year"]


def signatures(events: pd.DataFrame) -> pd.DataFrame:
    """The rows of the event log the summary reads: kind, object, subject, run and year
    (of ``date``) of each signature (:data:`SIGNATURE_KINDS`), the first of each kind,
    object, subject and run only. Read chunk by chunk, the chunks' rows, one after the
    other, are those of the whole log."""
    rows = events[events["kind"].isin(SIGNATURE_KINDS)]
    rows = rows.assign(year=pd.to_datetime(rows["date"]).dt.year)[_SIGNATURE_COLUMNS]
    first = rows.groupby(["kind", "object", "subject", "run"], sort=False)["year"].min()
    return first.reset_index()[_SIGNATURE_COLUMNS]


def _index_line(index: pd.DataFrame, runs: int) -> str:
    """The median index (and its 5-95% range over runs) at about five years."""
    by_year = index.groupby("year")["index"]
    years = sorted(index["year"].unique())
    if not years:
        return "  index: no complete year"
    step = max(1, (len(years) - 1) // 4)
    shown = sorted({*years[::step], years[-1]})
    median = by_year.median()
    parts = []
    for y in shown:
        text = f"{y} {median[y]:.2f}"
        if runs > 1:
            lo, hi = by_year.quantile(0.05)[y], by_year.quantile(0.95)[y]
            text += f" [{lo:.2f}-{hi:.2f}]"
        parts.append(text)
    return "  index: " + ", ".join(parts)


def _firsts(rows: pd.DataFrame, key: str, runs: int) -> list[tuple[str, int, int]]:
    """Per value of ``key``: the median year of its first such event over the runs that
    have one, and in how many runs; ordered by that year."""
    if rows.empty:
        return []
    first = rows.groupby([key, "run"])["year"].min().reset_index()
    out = [
        (str(name), int(g["year"].median()), int(g["run"].nunique()))
        for name, g in first.groupby(key, sort=False)
    ]
    return sorted(out, key=lambda t: (t[1], t[0]))


def _share(n: int, runs: int) -> str:
    return "" if runs == 1 else f" ({n}/{runs})"


def run_summary(result: Result) -> list[str]:
    """Lines describing what happened in the runs of ``result`` (medians over runs; a
    count ``(k/n)`` says in how many of ``n`` runs a signature or a settlement happened)."""
    return summary_lines(result.scenario, result.runs, result.index, signatures(result.events))


def summary_lines(
    scenario: Scenario, runs: int, index: pd.DataFrame, signed: pd.DataFrame
) -> list[str]:
    """The lines of :func:`run_summary` from the parts it reads: the scenario (as run),
    the number of runs, the index table (at least its run, year and index columns) and
    the :func:`signatures` of the event log."""
    head = "summary" if runs == 1 else f"summary (median over {runs} runs, 5-95% in brackets)"
    lines = [f"{head}:", _index_line(index, runs)]
    treaties = signed[signed["kind"] == "treaty_signed"]
    docs = _firsts(treaties.assign(doc=treaties["object"]), "doc", runs)
    if not docs:
        lines.append("  signed: nothing")
    for doc, _year, _n in docs[:_MAX_DOCUMENTS]:
        part = treaties[treaties["object"] == doc]
        who = _firsts(part, "subject", runs)
        lines.append(
            f"  signed {doc}: " + ", ".join(f"{s} {y}{_share(n, runs)}" for s, y, n in who)
        )
    if len(docs) > _MAX_DOCUMENTS:
        lines.append(f"  ... and {len(docs) - _MAX_DOCUMENTS} more documents (events.csv)")
    settled = _firsts(signed[signed["kind"] == "border_treaty_signed"], "subject", runs)
    done = {p for p, _y, _n in settled}
    borders = scenario.borders
    never = [p for p in borders if p not in done and borders[p].progress < 1.0]
    text = ", ".join(f"{p} {y}{_share(n, runs)}" for p, y, n in settled) or "none"
    if never:
        text += "; not settled: " + ", ".join(never)
    lines.append(f"  border lines settled: {text}")
    return lines
