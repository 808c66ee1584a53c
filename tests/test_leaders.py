"""Leaders' turns: a disposition a stance change sets while a new leader consolidates is
that leader's, and the turn keeps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import casim
from casim.scenario.schema import LeaderChange

SERDAR = "tkm_leader_2022"  # Serdar Berdimuhamedov took office on 19 Mar 2022


def _midway(path: Path) -> dt.date:
    """The day halfway between Serdar Berdimuhamedov's taking office and his turn."""
    s = casim.load_scenario(path)
    change = next(e for e in s.events if isinstance(e, LeaderChange) and e.id == SERDAR)
    days = s.parameters.leaders.consolidation_days
    return change.date + dt.timedelta(days=int(days / 2))


def _turned(path: Path) -> set[str]:
    """The dispositions logged at Turkmenistan's turn to its 2022 leader's own line, in
    runs that replay the drivers to 2022 (the leader change on its date)."""
    s = casim.load_scenario(path)
    ev = casim.run(
        s,
        seed=3,
        runs=4,
        until=dt.date(2024, 12, 31),
        pin_until=dt.date(2016, 1, 1),
        known_until=dt.date(2022, 12, 31),
    ).events
    turns = ev[(ev.kind == "leader_turn") & (ev.subject == "TKM") & (ev.date > "2022-03-19")]
    return set(turns.outcome)


def _stance(value: float, day: dt.date) -> str:
    return (
        "[[events]]\n"
        'id = "tkm_disposition"\n'
        'kind = "stance_change"\n'
        f"date = {day.isoformat()}\n"
        'state = "TKM"\n'
        'field = "disposition"\n'
        f"value = {value}\n"
        "assumed = true\n"
        'source = "test"\n'
    )


def test_a_disposition_set_while_the_leader_consolidates_carries_into_the_turn(
    overlay: Callable[[str], Path],
) -> None:
    plain = overlay("")
    day = _midway(plain)
    recorded = _turned(plain)
    assert recorded and "0.20" not in recorded and "0.90" not in recorded
    assert _turned(overlay(_stance(0.2, day), name="low.toml")) == {"0.20"}
    assert _turned(overlay(_stance(0.9, day), name="high.toml")) == {"0.90"}
