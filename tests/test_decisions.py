"""The agents' decisions, tested as pure functions of a world (no SimPy)."""

from __future__ import annotations

import numpy as np

from casim.model import decisions as dec
from casim.model.world import Document, World
from casim.scenario.schema import Scenario


def _world(history: Scenario) -> World:
    w = World.from_scenario(history)
    w.states["UZB"].disposition = 0.85  # after Karimov
    return w


def _opened(w: World, doc_id: str = "ca_friendship_21c") -> Document:
    doc = w.documents[doc_id]
    doc.text = dec.bargain_text(w, doc, {c: 1.0 for c in w.participants})
    doc.opened_day = 0.0
    return doc


def test_text_lies_within_the_positions(history: Scenario) -> None:
    w = _world(history)
    doc = _opened(w)
    assert set(doc.text) == set(doc.spec.scope)
    for dim, value in doc.text.items():
        positions = [w.states[c].position[dim] for c in w.participants]
        assert min(positions) <= value <= max(positions)


def test_wording_cap_and_fixed_wording(history: Scenario) -> None:
    w = _world(history)
    spec = w.documents["ca_friendship_21c"].spec
    capped = Document(id="c", spec=spec.model_copy(update={"wording_cap": {"security": 0.2}}))
    fixed = Document(id="f", spec=spec.model_copy(update={"fixed_wording": {"economy": 0.3}}))
    levels = {c: 1.0 for c in w.participants}
    assert dec.bargain_text(w, capped, levels)["security"] == 0.2
    assert dec.bargain_text(w, fixed, levels)["economy"] == 0.3


def test_neutrality_lowers_the_will_to_sign(history: Scenario) -> None:
    w = _world(history)
    doc = _opened(w)
    before, reason = dec.sign_logit(w, "TKM", doc, "head", 0.5)
    assert reason == "neutrality"
    w.states["TKM"].neutrality = 0.0
    after, _ = dec.sign_logit(w, "TKM", doc, "head", 0.5)
    assert after > before + 2


def test_softer_security_wording_helps_the_neutral_state(history: Scenario) -> None:
    w = _world(history)
    doc = _opened(w)
    hard, _ = dec.sign_logit(w, "TKM", doc, "head", 0.5)
    doc.text["security"] = 0.1
    soft, _ = dec.sign_logit(w, "TKM", doc, "head", 0.5)
    assert soft > hard


def test_border_tension_makes_tajikistan_defer(history: Scenario) -> None:
    w = _world(history)
    doc = _opened(w)
    calm_logit, _ = dec.sign_logit(w, "TJK", doc, "head", 0.5)
    w.set_tension("KGZ-TJK", 0.95)
    tense_logit, reason = dec.sign_logit(w, "TJK", doc, "head", 0.5)
    assert tense_logit < calm_logit
    assert reason == "dispute"


def test_peer_pressure_and_absence(history: Scenario) -> None:
    w = _world(history)
    doc = _opened(w)
    alone, _ = dec.sign_logit(w, "KGZ", doc, "head", 0.0)
    crowd, _ = dec.sign_logit(w, "KGZ", doc, "head", 1.0)
    standin, _ = dec.sign_logit(w, "KGZ", doc, "standin", 1.0)
    assert alone < crowd
    assert standin < crowd


def test_neutral_state_sends_a_standin_to_a_new_format(history: Scenario) -> None:
    """P(head) for Turkmenistan grows as the format ages (novelty falls)."""
    w = _world(history)
    rng = np.random.default_rng(0)
    first = [dec.delegation(w, "TKM", "KAZ", "fmt", rng) for _ in range(2000)]
    w.formats_met["fmt"] = 5
    later = [dec.delegation(w, "TKM", "KAZ", "fmt", rng) for _ in range(2000)]
    assert first.count("head") < later.count("head")
    assert first.count("standin") > 1000


def test_spoiler_sends_nobody_and_blocks_the_founding(history: Scenario) -> None:
    w = World.from_scenario(history)  # Karimov's Uzbekistan, the format's initiator
    rng = np.random.default_rng(1)
    assert dec.delegation(w, "UZB", "KAZ", "fmt", rng) == "none"
    assert not dec.founding_proposed(w)
    w.states["UZB"].disposition = 0.85  # Mirziyoyev's line
    w.changed()
    assert dec.founding_proposed(w)
    # a spoiler among the invited blocks the founding the initiator proposes
    accepted = sum(dec.founding_accepted(w, rng) for _ in range(2000))
    w.states["TJK"].disposition = 0.1
    w.changed()
    assert sum(dec.founding_accepted(w, rng) for _ in range(2000)) == 0 < accepted


def test_incidents_rise_with_tension_and_clashes_freeze_talks(history: Scenario) -> None:
    w = _world(history)
    low = dec.incident_rate(w, "KGZ-TJK"), dec.major_probability(w, "KGZ-TJK")
    w.set_tension("KGZ-TJK", 0.9)
    high = dec.incident_rate(w, "KGZ-TJK"), dec.major_probability(w, "KGZ-TJK")
    assert high[0] > low[0] and high[1] > low[1]
    rng = np.random.default_rng(2)
    assert dec.negotiation_step(w, "KGZ-TJK", 120, rng) > 0
    w.borders["KGZ-TJK"].last_major_day = w.day
    assert dec.negotiation_step(w, "KGZ-TJK", 120, rng) == 0.0


def test_shocks_apply_while_active(history: Scenario) -> None:
    from casim.model.world import ActiveShock
    from casim.scenario.schema import Effect

    w = _world(history)
    w.shocks.append(
        ActiveShock(
            "s",
            10.0,
            20.0,
            (
                Effect(target="meetings_blocked"),
                Effect(target="disposition", states=["KGZ"], delta=-0.2),
            ),
        )
    )
    w.changed()
    base = w.disposition("KGZ")
    w.advance(15.0)
    assert w.meetings_blocked() and w.disposition("KGZ") == base - 0.2
    w.advance(25.0)
    assert not w.meetings_blocked() and w.disposition("KGZ") == base


def test_outside_mediation_speeds_border_talks(history: Scenario) -> None:
    from casim.model.world import ActiveShock
    from casim.scenario.schema import Effect

    w = _world(history)
    plain = dec.negotiation_step(w, "KGZ-TJK", 120, np.random.default_rng(5))
    effect = Effect(target="mediation", pair="KGZ-TJK", delta=0.3)
    w.shocks.append(ActiveShock("m", 0.0, 1e9, (effect,)))
    mediated = dec.negotiation_step(w, "KGZ-TJK", 120, np.random.default_rng(5))
    assert mediated > plain


def test_only_an_open_dispute_holds_up_a_signature(history: Scenario) -> None:
    """Tension below ``calm_tension`` (everyday friction) weighs nothing in the dispute
    term; above it the term grows to its full weight at tension 1."""
    w = _world(history)
    doc = _opened(w)
    calm = history.parameters.signature.calm_tension
    for pair in ("KGZ-TJK", "TJK-UZB"):
        w.set_tension(pair, 0.0)
    w.set_tension("KGZ-TJK", calm * 0.9)
    assert dec.open_dispute(w, "TJK") == 0.0
    assert dict(dec.sign_terms(w, "TJK", doc))["dispute"] == 0.0
    w.set_tension("KGZ-TJK", calm + 0.5 * (1 - calm))
    assert abs(dec.open_dispute(w, "TJK") - 0.5) < 1e-9
    half = dict(dec.sign_terms(w, "TJK", doc))["dispute"]
    w.set_tension("KGZ-TJK", 1.0)
    full = dict(dec.sign_terms(w, "TJK", doc))["dispute"]
    assert full < half < 0 and abs(full - 2 * half) < 1e-9


def test_the_pace_of_talks_varies_by_year_around_its_mean(history: Scenario) -> None:
    """The yearly pace factor has mean 1 and the spread ``pace_sd`` sets; at 0 it is 1."""
    w = _world(history)
    rng = np.random.default_rng(3)
    draws = np.array([dec.pace_factor(w, rng) for _ in range(20_000)])
    sd = history.parameters.borders.pace_sd
    assert sd > 0
    assert abs(draws.mean() - 1.0) < 0.03
    assert abs(np.log(draws).std() - sd) < 0.03
    flat = history.model_copy(
        update={
            "parameters": history.parameters.model_copy(
                update={"borders": history.parameters.borders.model_copy(update={"pace_sd": 0.0})}
            )
        }
    )
    assert dec.pace_factor(World.from_scenario(flat), rng) == 1.0
