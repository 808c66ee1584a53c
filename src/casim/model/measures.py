"""The measures of integration, read off an event log (and the panel): pure functions of
the tables ``casim run`` writes, so a hand-made log can be measured as well as a run.

- :func:`format_measures`: the consultative format's institutionalisation per run and
  year (meetings held, regularity over a window, heads present, documents opened and in
  force, their scope, membership);
- :func:`treaty_network`: per run and document, its issue areas, signatures,
  ratifications, entry into force, time to sign and the holdouts with their stated
  objection;
- :func:`border_lines`: per run, year and line, the stage (open, delimited, demarcated),
  sections agreed, incidents and clashes;
- :func:`dyads`: per run, year and pair of states, the relations panel (tension on a
  shared line, visits, bilateral agreements, clashes, both heads at the format);
- :func:`alignment`: per run, year and state, the external alignment (C5+X summits
  attended by the head, bloc ties, pull toward each partner).

Each function returns a DataFrame whose columns are listed in its docstring and in
``docs/MODEL.md`` (section 3.3, Measures).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd

from casim.model.run_measures import (
    FORMAT_MEASURES,
    Event,
    alignment_rows,
    border_rows,
    document_scope,
    format_rows,
)
from casim.scenario.schema import Scenario

__all__ = [
    "DYAD_KEYS",
    "DYAD_MEASURES",
    "FORMAT_MEASURES",
    "STAGES",
    "alignment",
    "border_lines",
    "dyads",
    "format_measures",
    "treaty_network",
]

#: Border stages, in order.
STAGES: tuple[str, ...] = ("open", "delimited", "demarcated")
#: Leading columns of ``dyads.csv``.
DYAD_KEYS: tuple[str, ...] = ("run", "seed", "year", "a", "b")
#: Measure columns of ``dyads.csv`` (after ``DYAD_KEYS``).
DYAD_MEASURES: tuple[str, ...] = (
    "border",
    "tension",
    "visits",
    "agreements",
    "clashes",
    "heads_met",
)


def _with_year(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a ``year`` column (``date`` may be text or datetime)."""
    ev = events.copy()
    ev["date"] = pd.to_datetime(ev["date"])
    ev["year"] = ev["date"].dt.year
    ev["object"] = ev["object"].fillna("").astype(str)
    ev["outcome"] = ev["outcome"].fillna("").astype(str)
    return ev


def _runs(events: pd.DataFrame) -> list[tuple[int, int]]:
    """(run, seed) of each run of the log, in run order."""
    pairs = events[["run", "seed"]].drop_duplicates().sort_values("run")
    return [(int(r), int(s)) for r, s in zip(pairs["run"], pairs["seed"], strict=True)]


def by_run(events: pd.DataFrame) -> list[tuple[int, int, list[Event]]]:
    """(run, seed, its events in log order) for each run of the log, in run order."""
    ev = _with_year(events)
    runs = _runs(ev)
    grouped: dict[int, list[Event]] = {run: [] for run, _ in runs}
    for run, year, kind, subject, obj, outcome in zip(
        ev["run"], ev["year"], ev["kind"], ev["subject"], ev["object"], ev["outcome"], strict=True
    ):
        grouped[int(run)].append(Event(int(year), kind, subject, obj, outcome))
    return [(run, seed, grouped[run]) for run, seed in runs]


def _document_scope(ev: pd.DataFrame, scenario: Scenario) -> dict[tuple[int, str], list[str]]:
    """(run, document) -> issue dimensions (:func:`casim.model.run_measures.document_scope`)."""
    return {
        (run, doc): dims
        for run, _, mine in by_run(ev)
        for doc, dims in document_scope(mine, scenario).items()
    }


def format_measures(
    events: pd.DataFrame, scenario: Scenario, years: Sequence[int], window: int = 3
) -> pd.DataFrame:
    """Per run and year: run, seed, year, held (meetings that year), regularity (mean of
    held, capped at 1, over the year and the ``window - 1`` before), heads_present (share
    of the members whose head attended that year's meetings), documents_opened and
    documents_in_force (so far), scope (share of the scenario's issue dimensions covered
    by a document in force), members (participants at the year's end)."""
    rows = [
        {"run": run, "seed": seed, "year": year, **row}
        for run, seed, mine in by_run(events)
        for year, row in zip(years, format_rows(mine, scenario, years, window), strict=True)
    ]
    return pd.DataFrame(rows, columns=["run", "seed", "year", *FORMAT_MEASURES])


def treaty_network(events: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Per run and opened document: run, seed, document, kind (treaty, declaration or
    generated), areas (its issue dimensions joined by '+'), opened (date), signed,
    ratified (counts of states), in_force (date or empty), days_to_sign (mean days from
    opening to each signature, empty with none), holdouts (each member that never signed,
    as STATE:objection with its last stated objection, joined by ' ')."""
    ev = _with_year(events)
    scope = _document_scope(ev, scenario)
    rows = []
    for run, seed in _runs(ev):
        mine = ev[ev["run"] == run]
        members = set(scenario.participants) | set(
            mine.loc[mine["kind"] == "participant_join", "subject"]
        )
        opened = mine[mine["kind"] == "document_opened"]
        for doc, day in zip(opened["object"], opened["date"], strict=True):
            of = mine[mine["object"] == doc]
            signed = of[of["kind"] == "treaty_signed"]
            force = of.loc[of["kind"] == "treaty_in_force", "date"]
            deferred = of[of["kind"] == "treaty_deferred"]
            holdouts = []
            for code in sorted(members - set(signed["subject"])):
                said = deferred.loc[deferred["subject"] == code, "outcome"]
                holdouts.append(f"{code}:{said.iloc[-1] if len(said) else 'absent'}")
            waits = (signed["date"] - day).dt.days
            spec = scenario.documents.get(doc)
            rows.append(
                {
                    "run": run,
                    "seed": seed,
                    "document": doc,
                    "kind": spec.kind if spec is not None else "generated",
                    "areas": "+".join(scope.get((run, doc), [])),
                    "opened": day.date().isoformat(),
                    "signed": int(signed["subject"].nunique()),
                    "ratified": int(of.loc[of["kind"] == "treaty_ratified", "subject"].nunique()),
                    "in_force": force.min().date().isoformat() if len(force) else "",
                    "days_to_sign": float(waits.mean()) if len(waits) else float("nan"),
                    "holdouts": " ".join(holdouts),
                }
            )
    return pd.DataFrame(rows)


def border_lines(events: pd.DataFrame, scenario: Scenario, years: Sequence[int]) -> pd.DataFrame:
    """Per run, year and line: run, seed, year, pair, stage (open, delimited or
    demarcated at the year's end; a line the scenario starts settled is delimited from the
    start), sections (share of the line agreed so far, 1 once delimited), incidents and
    clashes (minor and major clashes that year)."""
    rows = []
    for run, seed, mine in by_run(events):
        for row in border_rows(mine, scenario, years):
            rows.append({"run": run, "seed": seed, **row})
    columns = ["run", "seed", "year", "pair", "stage", "sections", "incidents", "clashes"]
    return pd.DataFrame(rows, columns=columns)


def dyads(
    events: pd.DataFrame, panel: pd.DataFrame, scenario: Scenario, years: Sequence[int]
) -> pd.DataFrame:
    """The pair panel, per run, year and pair of states (a < b): run, seed, year, a, b,
    border (1 if they share a line), tension (on their line at the year's end, from the
    panel; empty without a line or a panel row), visits (meetings of the two heads that
    year), agreements (bilateral agreements so far: border treaty, section agreements,
    ceasefires), clashes (major clashes that year), heads_met (1 if both heads attended
    that year's consultative meeting)."""
    ev = _with_year(events)
    codes = sorted(scenario.states)
    tension = {}
    if len(panel):
        for run, year, state, *values in panel[
            ["run", "year", "state", *(f"tension_{c}" for c in codes)]
        ].itertuples(index=False):
            tension[(int(run), int(year), state)] = dict(zip(codes, values, strict=True))
    bilateral = ("border_treaty_signed", "border_sections_agreed", "ceasefire")
    rows = []
    for run, seed in _runs(ev):
        mine = ev[ev["run"] == run]
        visits = mine[mine["kind"] == "state_visit"].groupby(["subject", "year"]).size()
        agreed = mine[mine["kind"].isin(bilateral)]
        majors = mine[(mine["kind"] == "border_clash") & (mine["object"] == "major")]
        majors_by = majors.groupby(["subject", "year"]).size()
        heads = mine[(mine["kind"] == "summit_attended") & (mine["object"] == "head")]
        heads_by_year = heads.groupby("year")["subject"].apply(set).to_dict()
        for a, b in itertools.combinations(codes, 2):
            pair = f"{a}-{b}"
            line = pair in scenario.borders
            mine_agreed = agreed.loc[agreed["subject"] == pair, "year"]
            for year in years:
                t = tension.get((run, year, a), {}).get(b, float("nan")) if line else None
                present = heads_by_year.get(year, set())
                rows.append(
                    {
                        "run": run,
                        "seed": seed,
                        "year": year,
                        "a": a,
                        "b": b,
                        "border": int(line),
                        "tension": float("nan") if t is None else float(t),
                        "visits": int(visits.get((pair, year), 0)),
                        "agreements": int((mine_agreed <= year).sum()),
                        "clashes": int(majors_by.get((pair, year), 0)),
                        "heads_met": int(a in present and b in present),
                    }
                )
    return pd.DataFrame(rows, columns=[*DYAD_KEYS, *DYAD_MEASURES])


def alignment(
    events: pd.DataFrame, panel: pd.DataFrame, scenario: Scenario, years: Sequence[int]
) -> pd.DataFrame:
    """Per run, year and state: run, seed, year, state, c5x_summits (partner summits held
    that year), c5x_heads (of them, those the state's head attended), blocs (blocs it is a
    full member of at the year's end), observer (blocs it observes), then pull_<partner>
    from the panel (empty without a panel row)."""
    partners = list(scenario.partners)
    pull: dict[int, dict[tuple[int, str], list[float]]] = {}
    if len(panel):
        cols = [f"pull_{p}" for p in partners]
        for run, year, state, *values in panel[["run", "year", "state", *cols]].itertuples(
            index=False
        ):
            pull.setdefault(int(run), {})[(int(year), state)] = [float(v) for v in values]
    rows = []
    for run, seed, mine in by_run(events):
        for row in alignment_rows(mine, pull.get(run, {}), scenario, years):
            rows.append({"run": run, "seed": seed, **row})
    columns = ["run", "seed", "year", "state", "c5x_summits", "c5x_heads", "blocs", "observer"]
    return pd.DataFrame(rows, columns=[*columns, *(f"pull_{p}" for p in partners)])
