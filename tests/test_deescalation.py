"""De-escalation of border disputes and water and energy, tested as pure functions of a
world (no SimPy): ceasefires, their breakdown, mediation, ripeness, meetings, the
seasonal incident rate and water-for-energy linkage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from casim.experiment.overrides import apply_values
from casim.model import decisions as dec
from casim.model import deescalation as dx
from casim.model import water
from casim.model.world import World
from casim.scenario.schema import Scenario

PAIR = "KGZ-TJK"


def _world(history: Scenario) -> World:
    w = World.from_scenario(history)
    w.states["UZB"].disposition = 0.85  # after Karimov
    return w


def _on(w: World, month: int) -> None:
    """Move the world's clock to the 15th of ``month`` of its first year."""
    import datetime as dt

    start = w.scenario.start
    w.advance(float((dt.date(start.year, month, 15) - start).days))


def test_ceasefire_is_likelier_with_mediation_cost_and_willing_leaders(
    history: Scenario,
) -> None:
    w = _world(history)
    base = dx.ceasefire_probability(w, PAIR, 0.0)
    assert dx.ceasefire_probability(w, PAIR, 0.8) > base
    w.borders[PAIR].urgency = 2.0
    costly = dx.ceasefire_probability(w, PAIR, 0.0)
    assert costly > base
    w.states["TJK"].disposition = 0.9
    w.states["KGZ"].disposition = 0.9
    w.changed()
    assert dx.ceasefire_probability(w, PAIR, 0.0) > costly
    assert 0.0 < base < 1.0


def test_mediated_ceasefires_break_down_less_often(history: Scenario) -> None:
    w = _world(history)
    w.set_tension(PAIR, 0.9)

    def broken(strength: float) -> int:
        rng = np.random.default_rng(7)
        return sum(math.isfinite(dx.breakdown_after(w, PAIR, strength, rng)) for _ in range(3000))

    alone, mediated = broken(0.0), broken(0.9)
    assert 0 < mediated < alone < 3000
    # no tension above zero, no hazard: the ceasefire holds for good
    w.borders[PAIR].baseline = 0.0
    w.set_tension(PAIR, 0.0)
    assert math.isinf(dx.breakdown_after(w, PAIR, 0.0, np.random.default_rng(1)))


def test_a_holding_ceasefire_damps_escalation_and_thaws_talks(history: Scenario) -> None:
    w = _world(history)
    w.set_tension(PAIR, 0.95)
    w.borders[PAIR].last_major_day = w.day
    raw = dec.major_probability(w, PAIR)
    assert dec.frozen(w, PAIR)
    w.borders[PAIR].ceasefire_day = w.day
    assert dec.major_probability(w, PAIR) < raw
    freeze = w.scenario.parameters.borders.freeze_days
    thaw = w.scenario.parameters.deescalation.thaw
    assert dx.freeze_days(w, PAIR) == freeze * thaw
    w.advance(freeze * thaw + 1)
    assert not dec.frozen(w, PAIR)
    w.borders[PAIR].ceasefire_day = None
    assert dec.frozen(w, PAIR)


def test_ripeness_rises_with_the_cost_of_clashes_and_raises_the_will(history: Scenario) -> None:
    w = _world(history)
    calm_r, calm_w = dx.ripeness(w, PAIR), dx.will(w, PAIR)
    low = min(w.disposition("KGZ"), w.disposition("TJK"))
    assert calm_w >= low
    w.borders[PAIR].urgency = 3.0
    assert dx.ripeness(w, PAIR) > calm_r
    assert low < dx.will(w, PAIR) <= 1.0
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    ripe = dec.visit_push(w, PAIR, rng_a)
    w.borders[PAIR].urgency = 0.0
    assert ripe > dec.visit_push(w, PAIR, rng_b)


def test_the_mediator_has_pull_on_both_sides_and_a_stake(history: Scenario) -> None:
    w = _world(history)
    ranked = dict(dx.mediators(w, PAIR))
    # Russia leads the CSTO, of which both are members, and pulls both hardest
    assert dx.mediator(w, PAIR) == ("RUS", ranked["RUS"])
    assert ranked["RUS"] == max(ranked.values())
    assert ranked["RUS"] <= min(w.pull("KGZ", "RUS"), w.pull("TJK", "RUS"))
    # without a bloc of both sides, a partner's stake is the outside stake
    outside = w.scenario.parameters.deescalation.outside_stake
    assert ranked["EU"] == outside * min(w.pull("KGZ", "EU"), w.pull("TJK", "EU"))
    # a partner pulling one side only cannot mediate
    w.states["TJK"].pull["JPN"] = 0.0
    w.changed()
    assert dict(dx.mediators(w, PAIR))["JPN"] == 0.0


def test_active_mediation_speeds_talks(history: Scenario) -> None:
    w = _world(history)
    plain = dec.negotiation_step(w, PAIR, 120, np.random.default_rng(5))
    b = w.borders[PAIR]
    b.mediator, b.mediation_strength, b.mediation_until = "RUS", 0.8, w.day + 365
    assert w.mediator_strength(PAIR) == 0.8
    assert dec.negotiation_step(w, PAIR, 120, np.random.default_rng(5)) > plain
    w.advance(400.0)
    assert w.mediator_strength(PAIR) == 0.0


def test_meetings_and_ceasefires_calm_the_line_within_bounds(history: Scenario) -> None:
    w = _world(history)
    base = w.borders[PAIR].baseline
    for t in (0.0, base, 0.7, 1.0):
        w.set_tension(PAIR, t)
        for after in (dx.meeting_relief(w, PAIR), dx.ceasefire_relief(w, PAIR)):
            assert 0.0 <= after <= 1.0
            assert after == t if t <= base else base <= after < t
    assert dx.relieved(w, PAIR, 1.0) == base
    assert dx.relieved(w, PAIR, 5.0) == base  # a share above 1 removes no more


def test_seasonal_pressure_on_lines_with_shared_intakes(history: Scenario) -> None:
    w = _world(history)
    p = w.scenario.parameters.water
    _on(w, p.irrigation_months[0])
    summer = dec.incident_rate(w, PAIR)
    assert water.seasonal_factor(w, PAIR) > 1.0
    assert water.seasonal_factor(w, "KAZ-TKM") == 1.0  # no shared intakes
    quiet = next(m for m in range(1, 13) if m not in p.irrigation_months + p.energy_months)
    _on(w, quiet)
    assert water.seasonal_factor(w, PAIR) == 1.0
    assert dec.incident_rate(w, PAIR) < summer
    _on(w, p.energy_months[0])
    assert water.seasonal_factor(w, PAIR) > 1.0  # upstream winter deficit


def test_water_for_energy_linkage_between_upstream_and_downstream(history: Scenario) -> None:
    w = _world(history)
    assert water.linked(w, "KGZ-UZB") and not water.linked(w, PAIR)  # both upstream
    assert water.linkage(w, "KGZ-UZB") > 0.0 == water.linkage(w, PAIR)
    with_deal = dec.negotiation_step(w, "KGZ-UZB", 120, np.random.default_rng(4))
    w.borders["KGZ-UZB"].shared_water = 0.0
    assert dec.negotiation_step(w, "KGZ-UZB", 120, np.random.default_rng(4)) < with_deal


def test_downstream_signatories_compensate_an_upstream_objector(history: Scenario) -> None:
    w = _world(history)
    doc = w.documents["ca_friendship_21c"]
    doc.text = {"water_energy": 0.9, "economy": 0.6}
    assert water.compensation(w, "TJK", doc) > 0.0
    assert water.compensation(w, "UZB", doc) == 0.0  # downstream: it pays, it is not paid
    offered, _ = dec.sign_base(w, "TJK", doc, "head")
    params = history.parameters
    unpaid = history.model_copy(
        update={
            "parameters": params.model_copy(
                update={"water": params.water.model_copy(update={"compensation": 0.0})}
            )
        }
    )
    w_unpaid = _world(unpaid)
    doc_unpaid = w_unpaid.documents["ca_friendship_21c"]
    doc_unpaid.text = dict(doc.text)
    assert offered > dec.sign_base(w_unpaid, "TJK", doc_unpaid, "head")[0]
    doc.text = {"water_energy": w.states["TJK"].position["water_energy"], "economy": 0.6}
    assert water.compensation(w, "TJK", doc) == 0.0
    doc.text = {"economy": 0.6}
    assert water.compensation(w, "TJK", doc) == 0.0  # no water in the text


def test_ministers_sign_at_the_configured_rate(history: Scenario) -> None:
    w = _world(history)
    rng = np.random.default_rng(11)
    share = sum(dx.ministers_sign(w, PAIR, rng) for _ in range(4000)) / 4000
    assert abs(share - w.scenario.parameters.deescalation.ministers_sign) < 0.03


def test_a_leader_who_came_irregularly_escalates_more_while_new(history: Scenario) -> None:
    """Rahmon's entry of Nov 1992 has all but worn off by 2016; a leader who has just come
    by unrest multiplies the escalation by irregular_escalation, half of whose excess is
    gone after irregular_half_life_days of tenure."""
    s = apply_values(
        history,
        {
            "parameters.borders.irregular_escalation": 3.0,
            "parameters.borders.irregular_half_life_days": 1000.0,
        },
    )
    w = _world(s)
    w.set_tension(PAIR, 0.9)
    since = w.states["TJK"].irregular_day
    assert since is not None and since < -8000  # 19 Nov 1992, before the 2016 start
    assert w.states["KGZ"].irregular_day is None  # Atambayev was elected
    assert dec.irregular_factor(w, PAIR) == pytest.approx(1.0 + 2.0 * 0.5 ** (-since / 1000.0))
    base = dec.major_probability(w, PAIR)
    w.states["KGZ"].irregular_day = w.day
    assert dec.irregular_factor(w, PAIR) == pytest.approx(3.0)
    assert dec.major_probability(w, PAIR) == pytest.approx(min(1.0, 3.0 * base), rel=0.01)
    w.advance(w.day + 1000.0)
    assert dec.irregular_factor(w, PAIR) == pytest.approx(2.0, rel=0.01)
    # at the factor's low end the entry does not act
    plain = _world(apply_values(history, {"parameters.borders.irregular_escalation": 1.0}))
    plain.states["KGZ"].irregular_day = plain.day
    assert dec.irregular_factor(plain, PAIR) == 1.0


def test_a_drawn_successor_comes_irregularly_at_the_states_share(history: Scenario) -> None:
    w = _world(history)
    rng = np.random.default_rng(11)
    share = w.states["KGZ"].spec.irregular_share
    assert share == pytest.approx(0.6)  # 3 of the 5 Kyrgyz changes since 1991
    drawn = np.mean([dec.irregular_successor(w, "KGZ", rng) for _ in range(4000)])
    assert abs(drawn - share) < 0.03
    assert not any(dec.irregular_successor(w, "KAZ", rng) for _ in range(1000))
