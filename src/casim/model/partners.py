"""The partners' decisions and what states decide about them: pure functions.

A partner courts the states with summits and offers (investment, transport corridors,
security assistance); a state weighs a partner by its pull and the partner's standing
(capacity x credibility, see :class:`~casim.model.world.World`), and a neutral state
hedges. The partners' pressure on a document is the signature decision's partner term,
:func:`casim.model.decisions.partner_pressure`. Each function reads the world without
changing it and draws, where it is stochastic, a fixed number of uniforms from the
generator it is handed (common random numbers). The mechanism that applies the results
is :mod:`casim.mechanisms.partners`; equations are in ``docs/MODEL.md`` ("Partners").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casim.model.decisions import delegation, logistic
from casim.model.world import World
from casim.scenario.schema import OfferKind

__all__ = [
    "Offer",
    "offer_accepted",
    "offer_kind",
    "offer_outcome",
    "offer_target",
    "responds",
    "summit_delegation",
]


def summit_delegation(
    world: World, code: str, partner: str, host: str, rng: np.random.Generator
) -> str:
    """Whom a state sends to a partner's summit: the rule of :func:`delegation` with the
    partner's own format, plus ``attend_pull x (1 - neutrality_i) x (pull_ip x
    standing_ip - 0.5)`` on the log-odds of the head coming: a state drawn to the
    partner sends its head, one that looks elsewhere a stand-in; a neutral state keeps an
    equal distance from every partner (hedging), so pull moves it less. One uniform."""
    a = world.scenario.parameters.partners.attend_pull
    weight = world.pull(code, partner) * world.standing(code, partner)
    extra = a * (1.0 - world.states[code].neutrality) * (weight - 0.5)
    return delegation(world, code, host, f"partner:{partner}", rng, extra)


def offer_target(world: World, partner: str, rng: np.random.Generator) -> str | None:
    """The participant a partner makes its next offer to: drawn with probability
    proportional to the partner's pull on it (a partner courts where it has a foothold;
    members of a bloc it favours only). One uniform; None if it has no foothold."""
    u = rng.random()
    favours = world.partners[partner].spec.favours_bloc
    codes = [
        c
        for c in world.participants
        if favours is None or world.memberships[favours].get(c, 0.0) > 0.0
    ]
    weights = [world.pull(c, partner) for c in codes]
    total = sum(weights)
    if total <= 0.0:
        return None
    x = u * total
    for c, w in zip(codes, weights, strict=True):
        x -= w
        if x < 0.0:
            return c
    return codes[-1]


def offer_kind(world: World, partner: str, rng: np.random.Generator) -> OfferKind:
    """What the partner offers: drawn by its ``offers`` weights (investment when it lists
    none). One uniform."""
    u = rng.random()
    mix = world.partners[partner].spec.offers
    total = sum(mix.values())
    if total <= 0.0:
        return "investment"
    x = u * total
    kind: OfferKind = "investment"
    for kind, w in mix.items():
        x -= w
        if x < 0.0:
            return kind
    return kind


def offer_accepted(
    world: World, code: str, partner: str, kind: OfferKind, rng: np.random.Generator
) -> bool:
    """Whether a state takes an offer: ``P = logistic(accept_intercept + accept_pull x
    (pull_ip x standing_ip - 0.5) - accept_neutrality x neutrality_i [security])``. A
    multi-vector state takes most offers; a neutral one declines security assistance.
    One uniform."""
    u = rng.random()
    p = world.scenario.parameters.partners
    weight = world.pull(code, partner) * world.standing(code, partner)
    x = p.accept_intercept + p.accept_pull * (weight - 0.5)
    if kind == "security":
        x -= p.accept_neutrality * world.states[code].neutrality
    return bool(u < logistic(x))


@dataclass(frozen=True)
class Offer:
    """What an accepted offer changes for the state that takes it: its base pull toward
    each partner, its leader's disposition and its salience of the economy."""

    pull: dict[str, float]
    disposition: float
    salience: float


def offer_outcome(world: World, code: str, partner: str, kind: OfferKind) -> Offer:
    """The state's new base pulls, disposition and economy salience after it accepts.

    With ``s = standing_ip``: the partner's base pull gains ``g = offer_pull x s x
    (1 - pull_ip)``; every other partner's base pull loses ``crowd_out x g`` in
    proportion to its share of the others' base pulls (pull shares compete); the
    disposition moves by ``offer_disposition x s x pull_ip x regional_support_p x
    4 d (1 - d)`` (a partner hostile to the format draws a client that leans on it away
    from it, one that backs it draws it in; a leader set in his line, d near 0 or 1, is
    hardly moved, one in between is the swing); an
    investment or corridor raises the economy's salience by ``offer_salience x s``. All
    bounded to [0, 1].
    """
    p = world.scenario.parameters.partners
    st = world.states[code]
    s = world.standing(code, partner)
    spec = world.partners[partner].spec
    base = dict(st.pull)
    own = base.get(partner, 0.0)
    gain = p.offer_pull * s * (1.0 - own)
    others = {q: v for q, v in base.items() if q != partner and v > 0.0}
    total = sum(others.values())
    for q, v in others.items():
        base[q] = max(0.0, v - p.crowd_out * gain * v / total)
    base[partner] = min(1.0, own + gain)
    d = st.disposition
    swing = 4.0 * d * (1.0 - d)
    pull = world.pull(code, partner)
    disposition = d + p.offer_disposition * s * pull * spec.regional_support * swing
    salience = st.salience.get(p.economy_dimension, 0.0)
    if kind != "security":
        salience += p.offer_salience * s
    return Offer(
        pull=base,
        disposition=min(1.0, max(0.0, disposition)),
        salience=min(1.0, max(0.0, salience)),
    )


def responds(world: World, rival: str, rng: np.random.Generator) -> bool:
    """Whether a rival answers a partner's summit or accepted offer with an offer of its
    own: ``P = response x capacity_rival``. One uniform."""
    u = rng.random()
    p = world.scenario.parameters.partners.response
    return bool(u < p * world.capacity(rival))
