"""Cross-reference checks that a schema alone cannot make.

:func:`check_scenario` returns the first problem as ``(key path, expected, found)`` or
``None``. Event key paths start with ``("events", <event id>, ...)``; the loader turns the
id back into the file and list position that defined the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from casim.scenario.errors import format_found
from casim.scenario.schema import (
    BlocJoin,
    BorderClash,
    BorderSections,
    BorderTreaty,
    EventBase,
    LeaderChange,
    ParticipantJoin,
    PartnerSummit,
    Scenario,
    Shock,
    Sourced,
    StanceChange,
    StateVisit,
    Summit,
    SummitPostponed,
    TreatyDeferred,
    TreatyRatified,
    TreatySigned,
)

__all__ = ["Problem", "check_scenario"]

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str, str]


class _Fail(Exception):
    def __init__(self, loc: Loc, expected: str, found: str) -> None:
        super().__init__(loc)
        self.problem: Problem = (loc, expected, found)


def _need(ok: bool, loc: Loc, expected: str, found: object) -> None:
    if not ok:
        raise _Fail(loc, expected, found if isinstance(found, str) else format_found(found))


def _sourced(obj: BaseModel, loc: Loc) -> Iterator[tuple[Sourced, Loc]]:
    if isinstance(obj, Sourced):
        yield obj, loc
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if isinstance(value, BaseModel):
            yield from _sourced(value, (*loc, name))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _sourced(item, (*loc, name, key))


def _documented(model: type[BaseModel], unit: str | None = None) -> list[str]:
    """The fields of ``model`` declared as documented parameters (of ``unit``, if given)."""
    out = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "unit" in extra and unit in (None, extra["unit"]):
            out.append(name)
    return out


def _check_sources(scenario: Scenario) -> None:
    for obj, loc in _sourced(scenario, ()):
        for name in _documented(type(obj)):
            text = obj.sources.get(name, "").strip()
            _need(bool(text), (*loc, "sources", name), "a source for this parameter", "nothing")
        for name in ("position", "salience", "pull"):
            if name in type(obj).model_fields:
                text = obj.sources.get(name, "").strip()
                _need(bool(text), (*loc, "sources", name), "a source for this table", "nothing")
        for key in obj.sources:
            _need(
                key in type(obj).model_fields,
                (*loc, "sources", key),
                "a source keyed by a field of this table",
                repr(key),
            )


def _pair_ok(pair: str, states: dict[str, Any]) -> bool:
    parts = pair.split("-")
    return len(parts) == 2 and parts[0] < parts[1] and parts[0] in states and parts[1] in states


def _mmdd(text: str, year: int = 2001) -> dt.date | None:
    try:
        return dt.date(year, int(text[:2]), int(text[3:]))
    except ValueError:
        return None


def _check_top(s: Scenario) -> None:
    """The scenario's own tables, one check each, in this order."""
    for check in (
        _check_dates,
        _check_dimensions,
        _check_participants,
        _check_states,
        _check_partners,
        _check_blocs,
        _check_borders,
        _check_documents,
        _check_meetings,
        _check_parameters,
    ):
        check(s)


#: the last date a scenario may reach: calendars run a year past the end, and dates near the
#: end of the calendar (9999-12-31) would overflow
LAST_DATE = dt.date(2500, 12, 31)


def _check_dates(s: Scenario) -> None:
    """The end follows the start and falls by LAST_DATE; the run window's dates fall between
    them, and outcomes are not imposed past the date after which exogenous events are
    unknown (pin_until on or before known_until)."""
    _need(s.start < s.end, ("end",), f"a date after start {s.start}", str(s.end))
    _need(s.end <= LAST_DATE, ("end",), f"a date by {LAST_DATE}", str(s.end))
    for name in ("pin_until", "known_until", "until"):
        value = getattr(s.run, name)
        if value is not None:
            _need(
                s.start <= value <= s.end,
                ("run", name),
                f"a date from {s.start} to {s.end}",
                str(value),
            )
    if s.run.until is not None:
        _need(s.run.until > s.start, ("run", "until"), f"a date after {s.start}", str(s.run.until))
    pin, known = s.run.pin_until, s.run.known_until
    if pin is not None and known is not None:
        _need(
            pin <= known,
            ("run", "pin_until"),
            f"a date on or before known_until {known} (outcomes are imposed only while "
            "the exogenous events are known)",
            str(pin),
        )


def _check_dimensions(s: Scenario) -> None:
    _need(
        len(set(s.dimensions)) == len(s.dimensions), ("dimensions",), "distinct names", s.dimensions
    )


def _check_participants(s: Scenario) -> None:
    seen: set[str] = set()
    for i, code in enumerate(s.participants):
        _need(code in s.states, ("participants", i), "a state code of [states]", repr(code))
        _need(code not in seen, ("participants", i), "a state not listed before", repr(code))
        seen.add(code)


def _check_states(s: Scenario) -> None:
    """Each state: an ISO alpha-3 code, a position and a salience on every dimension, a
    pull toward known partners, every value from 0 to 1; a sitting leader's irregular
    entry dated by the start (a later one is a ``leader_change`` event)."""
    dims = set(s.dimensions)
    for code, st in s.states.items():
        _need(
            len(code) == 3 and code.isupper() and code.isalpha(),
            ("states", code),
            "a three-letter upper-case code (ISO alpha-3)",
            repr(code),
        )
        for table in ("position", "salience"):
            values: dict[str, float] = getattr(st, table)
            _need(
                set(values) == dims,
                ("states", code, table),
                f"one value per dimension {sorted(dims)}",
                sorted(values),
            )
            for key, v in values.items():
                _need(0 <= v <= 1, ("states", code, table, key), "a number from 0 to 1", v)
        for key, v in st.pull.items():
            _need(key in s.partners, ("states", code, "pull", key), "a partner of [partners]", key)
            _need(0 <= v <= 1, ("states", code, "pull", key), "a number from 0 to 1", v)
        if st.irregular_since is not None:
            _need(
                st.irregular_since <= s.start,
                ("states", code, "irregular_since"),
                f"a date on or before start {s.start}",
                str(st.irregular_since),
            )


def _check_partners(s: Scenario) -> None:
    for pid, partner in s.partners.items():
        if partner.favours_bloc is not None:
            _need(
                partner.favours_bloc in s.blocs,
                ("partners", pid, "favours_bloc"),
                "a bloc of [blocs]",
                repr(partner.favours_bloc),
            )
        for i, rival in enumerate(partner.rivals):
            _need(
                rival in s.partners and rival != pid,
                ("partners", pid, "rivals", i),
                "another partner of [partners]",
                repr(rival),
            )


def _check_blocs(s: Scenario) -> None:
    for bid, bloc in s.blocs.items():
        _need(
            bloc.partner in s.partners, ("blocs", bid, "partner"), "a partner", repr(bloc.partner)
        )
        for group in ("members", "observers"):
            for i, code in enumerate(getattr(bloc, group)):
                _need(code in s.states, ("blocs", bid, group, i), "a state code", repr(code))


def _check_borders(s: Scenario) -> None:
    for pair in s.borders:
        _need(
            _pair_ok(pair, s.states),
            ("borders", pair),
            "two state codes in alphabetical order joined by '-'",
            repr(pair),
        )


def _check_documents(s: Scenario) -> None:
    """Each document's scope and wording tables name dimensions; wordings are from 0 to 1."""
    dims = set(s.dimensions)
    for did, doc in s.documents.items():
        for i, dim in enumerate(doc.scope):
            _need(dim in dims, ("documents", did, "scope", i), f"one of {sorted(dims)}", repr(dim))
        for table in ("wording_cap", "fixed_wording"):
            for key, v in getattr(doc, table).items():
                _need(key in dims, ("documents", did, table, key), "a dimension", repr(key))
                _need(0 <= v <= 1, ("documents", did, table, key), "a number from 0 to 1", v)


def _check_meetings(s: Scenario) -> None:
    """The initiator, the first host and the hosts are states; the meeting window is a real
    MM-DD span."""
    m = s.meetings
    _need(m.initiator in s.states, ("meetings", "initiator"), "a state code", repr(m.initiator))
    if m.first_host is not None:
        _need(
            m.first_host in s.states, ("meetings", "first_host"), "a state code", repr(m.first_host)
        )
    _need(len(m.rotation) > 0, ("meetings", "rotation"), "at least one host", m.rotation)
    for i, code in enumerate(m.rotation):
        _need(code in s.states, ("meetings", "rotation", i), "a state code", repr(code))
    first, last = _mmdd(m.window_start), _mmdd(m.window_end)
    _need(first is not None, ("meetings", "window_start"), "a real MM-DD date", m.window_start)
    _need(last is not None, ("meetings", "window_end"), "a real MM-DD date", m.window_end)
    assert first is not None and last is not None
    _need(
        first <= last,
        ("meetings", "window_end"),
        f"a day on or after {m.window_start}",
        m.window_end,
    )


def _check_parameters(s: Scenario) -> None:
    """The parameters that refer to the scenario's dimensions or to each other."""
    dims = set(s.dimensions)
    sec = s.parameters.signature.security_dimension
    _need(
        sec in dims,
        ("parameters", "signature", "security_dimension"),
        f"one of {sorted(dims)}",
        repr(sec),
    )
    eco = s.parameters.partners.economy_dimension
    _need(
        eco in dims,
        ("parameters", "partners", "economy_dimension"),
        f"one of {sorted(dims)}",
        repr(eco),
    )
    _need(
        _weight_sum(s.parameters.index) > 0,
        ("parameters", "index"),
        "weights with a positive sum",
        "all zero",
    )
    t = s.parameters.trade
    _need(
        t.ref_high_bn > t.ref_low_bn > 0,
        ("parameters", "trade", "ref_high_bn"),
        f"a level above ref_low_bn = {t.ref_low_bn} (> 0)",
        t.ref_high_bn,
    )
    p = s.parameters.documents
    _need(
        p.scope_size <= len(dims),
        ("parameters", "documents", "scope_size"),
        f"at most {len(dims)} dimensions",
        p.scope_size,
    )


def _weight_sum(weights: BaseModel) -> float:
    """The sum of a table's weights: its fields declared with the unit "weight" (for the
    index, one per component; its ``sources`` is not one)."""
    return sum(float(getattr(weights, name)) for name in _documented(type(weights), "weight"))


def _check_event(s: Scenario, e: EventBase) -> None:
    """An event's date falls within the scenario; what it names exists."""
    loc: Loc = ("events", e.id)
    _need(
        s.start <= e.date <= s.end, (*loc, "date"), f"a date from {s.start} to {s.end}", str(e.date)
    )
    if isinstance(e, Summit | SummitPostponed):
        _state_ref(s, loc, e.host, "host")
    if isinstance(e, Summit | PartnerSummit):
        for code in e.delegations:
            _need(code in s.states, (*loc, "delegations", code), "a state code", repr(code))
    if isinstance(e, TreatySigned | TreatyDeferred | TreatyRatified):
        _state_ref(s, loc, e.state, "state")
        _need(
            e.treaty in s.documents,
            (*loc, "treaty"),
            "a document id of [documents]",
            repr(e.treaty),
        )
    if isinstance(e, BorderTreaty | BorderClash | BorderSections):
        _need(e.pair in s.borders, (*loc, "pair"), "a border pair of [borders]", repr(e.pair))
    if isinstance(e, StateVisit):
        _state_ref(s, loc, e.host, "host")
        _state_ref(s, loc, e.guest, "guest")
        _need(e.guest != e.host, (*loc, "guest"), "a state other than the host", repr(e.guest))
    if isinstance(e, LeaderChange | ParticipantJoin | BlocJoin | StanceChange):
        _state_ref(s, loc, e.state, "state")
    if isinstance(e, PartnerSummit):
        _need(e.partner in s.partners, (*loc, "partner"), "a partner", repr(e.partner))
        if e.host is not None:
            _state_ref(s, loc, e.host, "host")
    if isinstance(e, BlocJoin):
        _need(e.bloc in s.blocs, (*loc, "bloc"), "a bloc of [blocs]", repr(e.bloc))
    if isinstance(e, StanceChange):
        _check_stance_key(s, e, loc)
    if isinstance(e, Shock):
        _check_shock(s, e, loc)


def _state_ref(s: Scenario, loc: Loc, code: str, key: str) -> None:
    _need(code in s.states, (*loc, key), "a state code of [states]", repr(code))


def _check_stance_key(s: Scenario, e: StanceChange, loc: Loc) -> None:
    """A dimension for a position or salience, a partner for a pull, else no key."""
    if e.field in ("position", "salience"):
        _need(e.key in s.dimensions, (*loc, "key"), "a dimension", format_found(e.key))
    elif e.field == "pull":
        _need(e.key in s.partners, (*loc, "key"), "a partner", format_found(e.key))
    else:
        _need(e.key is None, (*loc, "key"), "no key for this field", repr(e.key))


def _check_shock(s: Scenario, e: Shock, loc: Loc) -> None:
    """A shock ends on or after its start; its effects name states, partners and pairs
    that exist."""
    if e.end is not None:
        _need(e.end >= e.date, (*loc, "end"), f"a date on or after {e.date}", str(e.end))
    for i, eff in enumerate(e.effects):
        for j, code in enumerate(eff.states):
            _need(code in s.states, (*loc, "effects", i, "states", j), "a state code", code)
        if eff.target in ("pull", "capacity", "credibility"):
            _need(
                eff.partner in s.partners,
                (*loc, "effects", i, "partner"),
                f"a partner for a {eff.target} effect",
                format_found(eff.partner),
            )
        if eff.target in ("tension", "mediation"):
            _need(
                eff.pair in s.borders,
                (*loc, "effects", i, "pair"),
                f"a border pair for a {eff.target} effect",
                format_found(eff.pair),
            )


def check_scenario(scenario: Scenario) -> Problem | None:
    """Return the first cross-reference problem, or None when the scenario is sound."""
    try:
        _check_top(scenario)
        _check_sources(scenario)
        meeting_years: set[int] = set()
        for event in scenario.events:
            _check_event(scenario, event)
            if isinstance(event, Summit):
                _need(
                    event.date.year not in meeting_years,
                    ("events", event.id, "date"),
                    "at most one consultative meeting a year",
                    f"a second meeting in {event.date.year}",
                )
                meeting_years.add(event.date.year)
    except _Fail as fail:
        return fail.problem
    return None
