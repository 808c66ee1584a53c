"""The history scenario replays the record up to its pin date."""

from __future__ import annotations

import pandas as pd

import casim
from casim.scenario.schema import Scenario


def _events(history: Scenario, seed: int = 1) -> pd.DataFrame:
    ev = casim.run(history, seed=seed).events
    ev["year"] = ev["date"].dt.year
    return ev


def test_meetings_of_the_record(history: Scenario) -> None:
    """Meetings 2018 KAZ, 2019 UZB, 2021 TKM, 2022 KGZ; none in 2020."""
    ev = _events(history)
    held = ev[ev.kind == "summit_held"]
    by_year = dict(zip(held.year, held.subject, strict=True))
    assert {y: by_year[y] for y in (2018, 2019, 2021, 2022)} == {
        2018: "KAZ",
        2019: "UZB",
        2021: "TKM",
        2022: "KGZ",
    }
    assert 2020 not in by_year
    assert 2016 not in by_year and 2017 not in by_year
    postponed = ev[(ev.kind == "summit_postponed") & (ev.year == 2020)]
    assert list(postponed.subject) == ["KGZ"]


def test_friendship_treaty_2022(history: Scenario) -> None:
    """KAZ, KGZ and UZB sign ca_friendship_21c at Cholpon-Ata; TJK and TKM defer."""
    ev = _events(history)
    treaty = ev[(ev.object == "ca_friendship_21c") & (ev.date == "2022-07-21")]
    signed = set(treaty[treaty.kind == "treaty_signed"].subject)
    deferred = set(treaty[treaty.kind == "treaty_deferred"].subject)
    assert signed == {"KAZ", "KGZ", "UZB"}
    assert deferred == {"TJK", "TKM"}


def test_turkmenistan_sends_a_standin_to_the_first_meeting(history: Scenario) -> None:
    ev = _events(history)
    first = ev[(ev.kind == "summit_attended") & (ev.date == "2018-03-15")]
    assert dict(zip(first.subject, first.object, strict=True))["TKM"] == "standin"


def test_agents_decide_after_the_pin_date(history: Scenario) -> None:
    """After 2022 the meetings come from the model, with the rotation continuing at TJK."""
    ev = _events(history)
    later = ev[(ev.kind == "summit_held") & (ev.year > 2022)]
    assert len(later) > 0
    assert set(later.origin) == {"model"}
    assert later.iloc[0].subject == "TJK"


def test_exogenous_events_after_known_until_are_dropped(history: Scenario) -> None:
    ev = _events(history)
    assert "participant_join" not in set(ev.kind)  # Azerbaijan joins in 2025
    replay = casim.run(history, seed=1, pin_until=history.end, known_until=history.end).events
    joins = replay[replay.kind == "participant_join"]
    assert list(joins.subject) == ["AZE"]
    held = replay[replay.kind == "summit_held"]
    assert list(held.subject)[:7] == ["KAZ", "UZB", "TKM", "KGZ", "TJK", "KAZ", "UZB"]


def test_rotation_gives_turkmenistan_the_chair_for_2026(history: Scenario) -> None:
    """The rotation queue, replayed through 2025, makes TKM the next host (MODEL-NOTES)."""
    replay = casim.run(
        history,
        seed=3,
        pin_until=history.end.replace(year=2025),
        known_until=history.end.replace(year=2025),
    ).events
    after = replay[
        replay.kind.isin(["summit_held", "summit_postponed"]) & (replay.date > "2025-12-31")
    ]
    assert after.iloc[0].subject == "TKM"
