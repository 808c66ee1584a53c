"""The short summary ``casim run`` prints: the integration index at a few years, who
signed which document and when, and which border lines were settled.

It reads the index and, of the event log, only how many runs first signed each document
or border treaty in each year (:func:`signatures`): a table whose size does not grow with
the runs, which a streamed run (:func:`casim.present.output.write_stream`) adds up chunk
by chunk (:func:`add_signatures`) instead of keeping its events.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from casim.api import Result
from casim.scenario.schema import Scenario

__all__ = ["SIGNATURES", "add_signatures", "run_summary", "signatures", "summary_lines"]

_MAX_DOCUMENTS = 8
#: The columns of :func:`signatures`: what is counted ("document": a document's first
#: signature by any state; "signatory": a state's first signature of a document;
#: "border": a border line's treaty), its name (the document or the pair), the signatory
#: (empty but for "signatory"), the year, and in how many runs that year was the first.
SIGNATURES = ["what", "name", "who", "year", "runs"]
_KEYS = SIGNATURES[:4]


def signatures(events: pd.DataFrame) -> pd.DataFrame:
    """Of the event log, what the summary reads (columns :data:`SIGNATURES`): per
    document, per document and signatory and per border line, in how many runs its first
    signature fell in each year. Read chunk by chunk of runs, the chunks' tables add up to
    the whole log's (:func:`add_signatures`)."""
    ev = events[events["kind"].isin(("treaty_signed", "border_treaty_signed"))]
    ev = ev.assign(year=pd.to_datetime(ev["date"]).dt.year.astype("int64"))
    treaties = ev[ev["kind"] == "treaty_signed"]
    borders = ev[ev["kind"] == "border_treaty_signed"]
    parts = [
        _counted(treaties, "document", ["object"]),
        _counted(treaties, "signatory", ["object", "subject"]),
        _counted(borders, "border", ["subject"]),
    ]
    return add_signatures(parts)


def _counted(rows: pd.DataFrame, what: str, keys: list[str]) -> pd.DataFrame:
    """Per value of ``keys`` and year: the runs whose first such row fell in that year."""
    first = rows.groupby([*keys, "run"])["year"].min().reset_index()
    counts = first.groupby([*keys, "year"]).size().reset_index(name="runs")
    return pd.DataFrame(
        {
            "what": what,
            "name": counts[keys[0]].astype(str),
            "who": counts[keys[1]].astype(str) if len(keys) > 1 else "",
            "year": counts["year"].astype("int64"),
            "runs": counts["runs"].astype("int64"),
        },
        columns=SIGNATURES,
    )


def add_signatures(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The sum of :func:`signatures` tables (of disjoint sets of runs)."""
    whole = pd.concat(list(tables), ignore_index=True)
    total = whole.groupby(_KEYS)["runs"].sum().reset_index()
    return total.astype({"year": "int64", "runs": "int64"})[SIGNATURES]


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


def _firsts(counts: pd.DataFrame, key: str) -> list[tuple[str, int, int]]:
    """Per value of ``key``: the median year of its first signature over the runs that
    have one (the median of the runs' years, truncated to a year), and in how many runs;
    ordered by that year."""
    out = []
    for name, g in counts.groupby(key):
        years, runs = g["year"].to_list(), g["runs"].to_list()
        out.append((str(name), _median(years, runs), sum(runs)))
    return sorted(out, key=lambda t: (t[1], t[0]))


def _median(years: list[int], runs: list[int]) -> int:
    """The median of ``years``, each counted ``runs`` times (the mean of the two middle
    ones for an even count), truncated to a year."""
    ordered = sorted(zip(years, runs, strict=True))
    n = sum(runs)

    def at(k: int) -> int:
        seen = 0
        for year, count in ordered:
            seen += count
            if k < seen:
                return year
        raise IndexError(k)

    return int((at((n - 1) // 2) + at(n // 2)) / 2)


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
    docs = _firsts(signed[signed["what"] == "document"], "name")
    if not docs:
        lines.append("  signed: nothing")
    signatories = signed[signed["what"] == "signatory"]
    for doc, _year, _n in docs[:_MAX_DOCUMENTS]:
        who = _firsts(signatories[signatories["name"] == doc], "who")
        lines.append(
            f"  signed {doc}: " + ", ".join(f"{s} {y}{_share(n, runs)}" for s, y, n in who)
        )
    if len(docs) > _MAX_DOCUMENTS:
        lines.append(f"  ... and {len(docs) - _MAX_DOCUMENTS} more documents (events.csv)")
    settled = _firsts(signed[signed["what"] == "border"], "name")
    done = {p for p, _y, _n in settled}
    borders = scenario.borders
    never = [p for p in borders if p not in done and borders[p].progress < 1.0]
    text = ", ".join(f"{p} {y}{_share(n, runs)}" for p, y, n in settled) or "none"
    if never:
        text += "; not settled: " + ", ".join(never)
    lines.append(f"  border lines settled: {text}")
    return lines
