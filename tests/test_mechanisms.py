"""The mechanisms behind the timing of border treaties, clashes, the founding of the format
and scheduled successions: each asserted on the event log of runs of the history scenario
(or an overlay of it), free from 2016 unless said."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import casim
from casim.log import EventKind
from casim.mechanisms import Mechanism
from casim.mechanisms.base import Sim
from casim.scenario.schema import Scenario

FREE = {"pin_until": dt.date(2016, 1, 1), "known_until": dt.date(2016, 1, 1)}
UNTIL = dt.date(2024, 12, 31)


def _free(scenario: Scenario, runs: int = 40, seed: int = 3) -> pd.DataFrame:
    return casim.run(scenario, seed=seed, runs=runs, until=UNTIL, **FREE).events


def test_a_border_treaty_is_signed_by_heads_at_a_visit_or_by_ministers(
    history: Scenario,
) -> None:
    ev = _free(history)
    signed = ev[(ev.kind == "border_treaty_signed") & (ev.origin == "model")]
    assert set(signed.object) == {"heads", "ministers"}  # both paths occur
    heads = signed[signed.object == "heads"]
    visits = ev[(ev.kind == "state_visit") & (ev.outcome == "signed")]
    key = ["run", "date", "subject"]
    assert heads[key].reset_index(drop=True).equals(visits[key].reset_index(drop=True))
    # at a bilateral visit, never on a summit's margins (there an agreed line waits)
    bilateral = visits.object.isna() | (visits.object == "")
    assert bilateral.all()
    margins = ev[(ev.kind == "state_visit") & ev.object.notna() & (ev.object != "")]
    assert "agreed" in set(margins.outcome) and "signed" not in set(margins.outcome)
    # and never while a clash keeps the talks frozen
    assert set(ev[ev.kind == "state_visit"].outcome) <= {"signed", "talks", "agreed", "frozen"}


def test_a_new_leaders_tour_brings_the_settlements_forward(
    history: Scenario, overlay: Callable[[str], Path]
) -> None:
    def mean_year(s: Scenario) -> float:
        ev = _free(s, runs=60)
        uzb = ev[(ev.kind == "border_treaty_signed") & ev.subject.str.contains("UZB")]
        return float(uzb.date.dt.year.mean())

    no_tour = casim.load_scenario(overlay("[parameters.visits]\ntour_rate = 0.0\n"))
    touring = casim.load_scenario(overlay("[parameters.visits]\ntour_rate = 12.0\n"))
    assert mean_year(touring) < mean_year(no_tour) - 0.3


def test_hard_lines_take_longer_with_a_higher_difficulty_power(
    overlay: Callable[[str], Path],
) -> None:
    def settled_share(power: float) -> float:
        s = casim.load_scenario(overlay(f"[parameters.borders]\ndifficulty_power = {power}\n"))
        ev = _free(s, runs=60)
        hard = ev[(ev.kind == "border_treaty_signed") & (ev.subject == "KGZ-UZB")]
        return hard.run.nunique() / 60

    assert settled_share(4.0) < settled_share(0.5)


def test_incidents_before_the_pin_date_are_minor_and_carry_tension(history: Scenario) -> None:
    ev = casim.run(history, seed=2, runs=10).events  # the history pinned to 2022-12-31
    before = ev[(ev.kind == "border_clash") & (ev.date <= "2022-12-31")]
    assert set(before[before.origin == "model"].object) == {"minor"}
    majors = before[before.object == "major"]
    assert set(majors.origin) == {"observed"}
    assert len(majors) == 2 * 10  # Apr 2021 and Sep 2022, in every run
    assert (before.origin == "model").sum() > 10 * 10  # many incidents a year on KGZ-TJK


def test_the_format_is_not_founded_while_a_leader_stays_away(
    overlay: Callable[[str], Path],
) -> None:
    """Karimov's disposition is below absent_below: while he rules, no founding."""
    stays = casim.load_scenario(overlay("[states.UZB]\nturnover_hazard = 0.0\n"))
    ev = _free(stays, runs=30)
    assert (ev.kind == "summit_held").sum() == 0
    leaves = casim.load_scenario(overlay("[states.UZB]\nturnover_hazard = 1.0\n"))
    assert (_free(leaves, runs=30).kind == "summit_held").sum() > 0


def test_a_scheduled_succession_comes_on_its_date_with_a_drawn_successor(
    history: Scenario,
) -> None:
    ev = _free(history, runs=60)
    kgz = ev[(ev.kind == "leader_change") & (ev.subject == "KGZ")]
    scheduled = kgz[kgz.origin == "scheduled"]
    assert set(scheduled.date) == {pd.Timestamp("2017-11-24")}
    assert "Sooronbay Jeenbekov" not in set(scheduled.object)  # the winner was not known
    assert scheduled.outcome.nunique() > 5  # dispositions drawn run by run
    # a run whose leader left before the term's end has no scheduled change
    early = set(kgz[(kgz.origin == "model") & (kgz.date < "2017-11-24")].run)
    assert early and early.isdisjoint(set(scheduled.run))
    assert set(scheduled.run) | early == set(range(60))
    # known history still imposes the recorded winner
    replay = casim.run(history, seed=1).events
    recorded = replay[(replay.kind == "leader_change") & (replay.subject == "KGZ")]
    assert recorded.iloc[0].object == "Sooronbay Jeenbekov"
    assert recorded.iloc[0].origin == "exogenous"


class _Entries(Mechanism):
    """Logs, at every leader's turn, whether the state's sitting leader came irregularly."""

    name = "entries"
    kinds = (
        EventKind(
            "entry_seen",
            "how the sitting leader came to office, at its turn",
            subject="the state",
            object="the leader",
            outcome="regular or irregular",
        ),
    )

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        sim.signals.leader_turned.connect(self._seen)

    def _seen(self, code: str) -> None:
        st = self.world.states[code]
        entry = "regular" if st.irregular_day is None else "irregular"
        self.log("entry_seen", code, st.leader, entry)


def test_leaders_come_to_office_as_recorded_or_drawn(overlay: Callable[[str], Path]) -> None:
    """Japarov's entry of Oct 2020 is irregular (the scenario says so); drawn Kyrgyz
    successors come irregularly at the state's share, Kazakh ones never."""
    body = "[states.KGZ]\nturnover_hazard = 1.0\n[states.KAZ]\nturnover_hazard = 1.0\n"
    s = casim.load_scenario(overlay(body))
    ev = casim.run(s, seed=4, runs=20, until=dt.date(2030, 12, 31), mechanisms=[_Entries]).events
    seen = ev[ev.kind == "entry_seen"]
    japarov = seen[seen.object == "Sadyr Japarov"]
    assert len(japarov) == 20 and set(japarov.outcome) == {"irregular"}
    drawn = seen[seen.date > "2023-01-01"]
    kgz = drawn[drawn.subject == "KGZ"].outcome
    assert len(kgz) > 60 and 0.45 < (kgz == "irregular").mean() < 0.75
    assert set(drawn[drawn.subject == "KAZ"].outcome) == {"regular"}
