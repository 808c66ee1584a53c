"""The calendar of the heads' visits: a listed visit is a driver, known up to known_until;
the heads meet at it as at a visit the model draws, and the model draws none of its own
while the calendar is known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import casim
from casim.model.world import pair_key
from casim.scenario.schema import BorderTreaty, StateVisit

Overlay = Callable[[str], Path]
PAIR = "KAZ-TKM"
# the line all but agreed at the start (its first round of talks closes it), no
# ministers' signature, no drawn visits: only a heads' meeting can sign it
AGREED = (
    "[borders.KAZ-TKM]\nprogress = 0.999\n"
    "[parameters.deescalation]\nministers_sign = 0.0\n"
    "[parameters.visits]\nrate = 0.0\ntour_rate = 0.0\n"
)
VISIT = (
    "[[events]]\nid = 'visit_test'\nkind = 'state_visit'\ndate = 2016-06-01\n"
    "host = 'KAZ'\nguest = 'TKM'\nsource = 'test'\n"
)


def _treaties(events: pd.DataFrame) -> pd.DataFrame:
    return events[(events.kind == "border_treaty_signed") & (events.subject == PAIR)]


def _run(path: Path, known: str, runs: int = 20) -> pd.DataFrame:
    return casim.run(
        casim.load_scenario(path),
        runs=runs,
        seed=3,
        pin_until=dt.date(2016, 1, 1),
        known_until=dt.date.fromisoformat(known),
        until=dt.date(2016, 12, 31),
    ).events


def test_a_listed_visit_signs_an_agreed_line_on_its_date(overlay: Overlay) -> None:
    """Known, the visit signs the agreed line that day in every run, by the heads."""
    events = _run(overlay(AGREED + VISIT), known="2022-12-31")
    signed = _treaties(events)
    assert signed.run.nunique() == 20
    assert set(signed.date) == {pd.Timestamp("2016-06-01")} and set(signed.object) == {"heads"}
    visits = events[(events.kind == "state_visit") & (events.subject == PAIR)]
    assert set(visits.origin) == {"exogenous"} and set(visits.outcome) == {"signed"}


def test_an_unknown_visit_is_dropped(overlay: Overlay) -> None:
    """Dated after known_until, the visit is not a driver: it does not happen."""
    events = _run(overlay(AGREED + VISIT), known="2016-05-15")
    listed = events[(events.kind == "state_visit") & (events.origin == "exogenous")]
    assert not (listed.date == pd.Timestamp("2016-06-01")).any()
    assert not (_treaties(events).date == pd.Timestamp("2016-06-01")).any()


def test_no_drawn_visits_while_the_calendar_is_known(overlay: Overlay) -> None:
    """Where the scenario lists every visit to a date, the model draws visits only after
    the earlier of that date and known_until."""
    body = "visits_listed_until = 2019-12-31\n[parameters.visits]\nrate = 6.0\n"
    scenario = casim.load_scenario(overlay(body))
    for known, first in (("2022-12-31", "2020-01-01"), ("2018-06-30", "2018-07-01")):
        events = casim.run(
            scenario,
            runs=5,
            seed=2,
            pin_until=dt.date(2016, 1, 1),
            known_until=dt.date.fromisoformat(known),
            until=dt.date(2023, 12, 31),
        ).events
        drawn = events[(events.kind == "state_visit") & (events.origin == "model")]
        drawn = drawn[drawn.object.isna() | (drawn.object == "")]
        assert not drawn.empty and drawn.date.min() >= pd.Timestamp(first)


def test_listed_visits_before_the_pin_date_only_ease_tension(history_path: Path) -> None:
    """In the replay the record imposes what was signed: a listed visit is a meeting only."""
    events = casim.run(casim.load_scenario(history_path), runs=2, seed=1).events
    listed = events[(events.kind == "state_visit") & (events.origin == "exogenous")]
    assert not listed.empty and set(listed.outcome) == {"met"}
    pin = pd.Timestamp("2022-12-31")
    pinned = events[(events.kind == "border_treaty_signed") & (events.date <= pin)]
    assert set(pinned.origin) == {"observed"}


def test_the_history_lists_the_visits_at_which_treaties_were_signed(history_path: Path) -> None:
    """The calendar is complete where the record can check it: every border treaty the
    heads signed by 2022 falls on a listed visit of the pair (the visit's first or second
    day), and every listed visit joins two states with a common line."""
    scenario = casim.load_scenario(history_path)
    listed = scenario.visits_listed_until
    assert listed is not None
    visits: dict[str, list[dt.date]] = {}
    for e in scenario.events:
        if isinstance(e, StateVisit):
            pair = pair_key(e.host, e.guest)
            assert pair in scenario.borders and e.date <= listed
            visits.setdefault(pair, []).append(e.date)
    treaties = [
        e
        for e in scenario.events
        if isinstance(e, BorderTreaty) and e.date <= listed and e.signed_by != "ministers"
    ]
    assert len(treaties) == 4
    for t in treaties:
        assert any(0 <= (t.date - d).days <= 1 for d in visits[t.pair]), t.id
