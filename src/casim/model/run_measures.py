"""The measures of one run, in plain Python over its events (no pandas).

The one place each measure is computed: :mod:`casim.model.measures` and
:mod:`casim.model.outcomes` build their tables from these functions, run by run, and a
sweep fills its ``measures`` columns from :func:`outcome_rows` on the run's record (the
hot path of every sweep, hence no pandas here).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from casim.log import EventRow
from casim.model.indicators import COMPONENTS
from casim.scenario.schema import Scenario

__all__ = [
    "FORMAT_MEASURES",
    "STAGE_LEVEL",
    "Event",
    "alignment_rows",
    "border_rows",
    "document_scope",
    "events_of",
    "format_rows",
    "outcome_names",
    "outcome_rows",
    "outcome_states",
]

#: Measure columns of :func:`format_rows` (and of ``format_measures``, after run, seed, year).
FORMAT_MEASURES: tuple[str, ...] = (
    "held",
    "regularity",
    "heads_present",
    "documents_opened",
    "documents_in_force",
    "scope",
    "members",
)
#: The level of each border stage in the outcome table.
STAGE_LEVEL: dict[str, float] = {"open": 0.0, "delimited": 1.0, "demarcated": 2.0}

Row = dict[str, float | int | str]


class Event(NamedTuple):
    """One event of a run, as the measures read it."""

    year: int
    kind: str
    subject: str
    object: str
    outcome: str


def events_of(rows: Iterable[EventRow]) -> list[Event]:
    """The events of a run record, in log order."""
    return [Event(int(r.date[:4]), r.kind, r.subject, r.object, r.outcome) for r in rows]


def outcome_states(scenario: Scenario) -> list[str]:
    """The participants, then the other states of the scenario."""
    states = list(scenario.participants)
    return states + [code for code in scenario.states if code not in states]


def document_scope(events: Sequence[Event], scenario: Scenario) -> dict[str, list[str]]:
    """Document -> issue dimensions: the scenario's scope for a declared document, the
    dimensions its proposal names for a generated one."""
    scope: dict[str, list[str]] = {}
    for e in events:
        if e.kind == "document_proposed":
            spec = scenario.documents.get(e.object)
            dims = list(spec.scope) if spec is not None else e.outcome.split("+")
            scope[e.object] = [d for d in dims if d in scenario.dimensions]
    for e in events:
        opened = e.kind == "document_opened"
        if opened and e.object not in scope and e.object in scenario.documents:
            scope[e.object] = list(scenario.documents[e.object].scope)
    return scope


def format_rows(
    events: Sequence[Event], scenario: Scenario, years: Sequence[int], window: int = 3
) -> list[Row]:
    """Per year (in order): the :data:`FORMAT_MEASURES` (see
    :func:`casim.model.measures.format_measures`)."""
    scope = document_scope(events, scenario)
    held_by_year = Counter(e.year for e in events if e.kind == "summit_held")
    heads_by = [
        (e.year, e.subject) for e in events if e.kind == "summit_attended" and e.object == "head"
    ]
    joins = [(e.year, e.subject) for e in events if e.kind == "participant_join"]
    opened = [e.year for e in events if e.kind == "document_opened"]
    in_force = [(e.year, e.object) for e in events if e.kind == "treaty_in_force"]
    rows: list[Row] = []
    for year in years:
        held = [min(1, held_by_year.get(y, 0)) for y in range(year - window + 1, year + 1)]
        members = set(scenario.participants) | {s for y, s in joins if y <= year}
        heads = {s for y, s in heads_by if y == year} & members
        docs = {d for y, d in in_force if y <= year}
        dims = {d for doc in docs for d in scope.get(doc, [])}
        rows.append(
            {
                "held": held_by_year.get(year, 0),
                "regularity": sum(held) / window,
                "heads_present": len(heads) / len(members) if held[-1] else 0.0,
                "documents_opened": sum(1 for y in opened if y <= year),
                "documents_in_force": len(docs),
                "scope": len(dims) / len(scenario.dimensions),
                "members": len(members),
            }
        )
    return rows


def border_rows(
    events: Sequence[Event],
    scenario: Scenario,
    years: Sequence[int],
    pairs: Sequence[str] | None = None,
) -> list[Row]:
    """Per line of the scenario (those in ``pairs`` if given), then year: pair, year, stage,
    sections, incidents, clashes (see :func:`casim.model.measures.border_lines`)."""
    rows: list[Row] = []
    for pair, line in scenario.borders.items():
        if pairs is not None and pair not in pairs:
            continue
        of = [e for e in events if e.subject == pair]
        signed = [e.year for e in of if e.kind == "border_treaty_signed"]
        marked = [e.year for e in of if e.kind == "border_demarcated"]
        sections = [(e.year, e.outcome) for e in of if e.kind == "border_sections_agreed"]
        clashes = [(e.year, e.object) for e in of if e.kind == "border_clash"]
        for year in years:
            if marked and min(marked) <= year:
                stage = "demarcated"
            elif line.progress >= 1.0 or (signed and min(signed) <= year):
                stage = "delimited"
            else:
                stage = "open"
            agreed = [share for y, share in sections if y <= year]
            share = float(agreed[-1]) if agreed else line.progress
            rows.append(
                {
                    "pair": pair,
                    "year": year,
                    "stage": stage,
                    "sections": 1.0 if stage != "open" else min(1.0, share),
                    "incidents": sum(1 for y, o in clashes if y == year and o == "minor"),
                    "clashes": sum(1 for y, o in clashes if y == year and o == "major"),
                }
            )
    return rows


def alignment_rows(
    events: Sequence[Event],
    pull: Mapping[tuple[int, str], Sequence[float]],
    scenario: Scenario,
    years: Sequence[int],
) -> list[Row]:
    """Per year, then state: year, state, c5x_summits, c5x_heads, blocs, observer and
    pull_<partner> (``pull``: (year, state) -> one value per partner, NaN when absent; see
    :func:`casim.model.measures.alignment`)."""
    partners = list(scenario.partners)
    summits = Counter(e.year for e in events if e.kind == "partner_summit")
    went = Counter(
        (e.subject, e.year)
        for e in events
        if e.kind == "partner_summit_attended" and e.object == "head"
    )
    joins = [(e.subject, e.year, e.object, e.outcome) for e in events if e.kind == "bloc_join"]
    rows: list[Row] = []
    for year in years:
        for code in scenario.states:
            full = {b for b, bloc in scenario.blocs.items() if code in bloc.members}
            watch = {b for b, bloc in scenario.blocs.items() if code in bloc.observers}
            for subject, y, bloc, how in joins:
                if subject == code and y <= year:
                    (full if how == "member" else watch).add(bloc)
                    if how == "member":
                        watch.discard(bloc)
            values = pull.get((year, code), [math.nan] * len(partners))
            rows.append(
                {
                    "year": year,
                    "state": code,
                    "c5x_summits": summits.get(year, 0),
                    "c5x_heads": went.get((code, year), 0),
                    "blocs": len(full),
                    "observer": len(watch),
                    **{f"pull_{p}": float(v) for p, v in zip(partners, values, strict=True)},
                }
            )
    return rows


def outcome_names(
    scenario: Scenario, documents: Sequence[str], pairs: Sequence[str], *, panel: bool = True
) -> list[str]:
    """The outcome columns of :func:`outcome_rows`, in the table's order;
    ``disposition_<state>`` only with the panel (a state has it once it is a participant)."""
    names = [*COMPONENTS, "index", "trade_bn"]
    names += [f"signed_{doc}_{code}" for doc in documents for code in outcome_states(scenario)]
    for pair in pairs:
        names += [f"settled_{pair}", f"major_clash_{pair}"]
    if panel:
        names += [f"disposition_{code}" for code in scenario.states]
    names += list(FORMAT_MEASURES)
    lines = sorted(p for p in pairs if p in scenario.borders)
    names += [f"{m}_{pair}" for m in ("incidents", "stage") for pair in lines]
    names += [f"c5x_heads_{code}" for code in sorted(scenario.states)]
    return names


def outcome_rows(
    events: Sequence[Event],
    index: Mapping[int, Mapping[str, float]],
    disposition: Mapping[tuple[int, str], float],
    scenario: Scenario,
    documents: Sequence[str],
    pairs: Sequence[str],
) -> list[Row]:
    """Per year of ``index`` (year -> its components, ``index`` and ``trade_bn``): the
    outcome columns of :func:`outcome_names` (``disposition``: (year, state) -> the
    state's disposition at the year's end, from the panel)."""
    years = list(index)
    states = outcome_states(scenario)
    signed: dict[tuple[str, str], int] = {}
    settled: dict[str, int] = {}
    majors: set[tuple[str, int]] = set()
    for e in events:
        if e.kind == "treaty_signed":
            key = (e.object, e.subject)
            signed[key] = min(e.year, signed.get(key, e.year))
        elif e.kind == "border_treaty_signed":
            settled[e.subject] = min(e.year, settled.get(e.subject, e.year))
        elif e.kind == "border_clash" and e.object == "major":
            majors.add((e.subject, e.year))
    fmt = format_rows(events, scenario, years)
    lines = {
        (str(r["pair"]), int(r["year"])): r for r in border_rows(events, scenario, years, pairs)
    }
    heads = {
        (int(r["year"]), str(r["state"])): r["c5x_heads"]
        for r in alignment_rows(events, {}, scenario, years)
    }
    ordered = sorted(p for p in pairs if p in scenario.borders)
    rows: list[Row] = []
    for i, year in enumerate(years):
        row: Row = {c: index[year][c] for c in (*COMPONENTS, "index", "trade_bn")}
        for doc in documents:
            for code in states:
                first = signed.get((doc, code))
                row[f"signed_{doc}_{code}"] = float(first is not None and first <= year)
        for pair in pairs:
            line = scenario.borders.get(pair)
            if line is not None and line.progress >= 1.0:  # settled from the start
                row[f"settled_{pair}"] = 1.0
            else:
                first = settled.get(pair)
                row[f"settled_{pair}"] = float(first is not None and first <= year)
            row[f"major_clash_{pair}"] = float((pair, year) in majors)
        for code in scenario.states:
            if (year, code) in disposition:
                row[f"disposition_{code}"] = float(disposition[(year, code)])
        row.update(fmt[i])
        for pair in ordered:
            row[f"incidents_{pair}"] = float(lines[(pair, year)]["incidents"])
        for pair in ordered:
            row[f"stage_{pair}"] = STAGE_LEVEL[str(lines[(pair, year)]["stage"])]
        for code in sorted(scenario.states):
            row[f"c5x_heads_{code}"] = float(heads[(year, code)])
        rows.append(row)
    return rows
