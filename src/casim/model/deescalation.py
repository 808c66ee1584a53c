"""How a border dispute calms: ceasefires and their breakdown, meetings of the two heads,
third-party mediation, the ripeness of a costly stalemate, and who signs an agreed line.

Pure functions of a read-only :class:`~casim.model.world.World` (and, where stochastic, a
named random stream); the borders mechanism applies their results. Equations are written
out in ``docs/MODEL.md`` (section 3.3, "De-escalation") under the same names.
"""

from __future__ import annotations

import math

import numpy as np

from casim.model.world import World

__all__ = [
    "breakdown_after",
    "ceasefire_probability",
    "ceasefire_relief",
    "demarcation_days",
    "freeze_days",
    "mediator",
    "mediators",
    "meeting_relief",
    "ministers_sign",
    "relieved",
    "ripeness",
    "will",
]


def _logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def mediators(world: World, pair: str) -> list[tuple[str, float]]:
    """Every partner's strength as a mediator on a line, strongest first.

    strength_p = min(pull_a,p, pull_b,p) * stake_p: a mediator needs pull on both sides;
    its stake in the line's stability is 1 when it leads a bloc both sides are full
    members of (it guarantees their security: Russia and the CSTO for Kyrgyzstan and
    Tajikistan), else ``outside_stake``. Ties keep the scenario's order of partners.
    """
    b = world.borders[pair]
    outside = world.scenario.parameters.deescalation.outside_stake
    out: list[tuple[str, float]] = []
    for pid, agent in world.partners.items():
        stake = outside
        for bid in agent.blocs:
            members = world.memberships[bid]
            if members.get(b.a, 0.0) == 1.0 and members.get(b.b, 0.0) == 1.0:
                stake = 1.0
                break
        out.append((pid, min(world.pull(b.a, pid), world.pull(b.b, pid)) * stake))
    return sorted(out, key=lambda item: -item[1])


def mediator(world: World, pair: str) -> tuple[str, float] | None:
    """The partner that mediates on a line after a clash: the strongest, if its strength
    reaches ``mediation_threshold``; else None."""
    ranked = mediators(world, pair)
    if not ranked:
        return None
    pid, strength = ranked[0]
    return (
        (pid, strength)
        if strength >= world.scenario.parameters.deescalation.mediation_threshold
        else None
    )


def ripeness(world: World, pair: str) -> float:
    """How ripe a line is for settlement (Zartman's mutually hurting stalemate), in (0, 1):
    logistic(ripeness_slope * (U - ripeness_threshold)), U the decayed count of major
    clashes (the accumulated cost of the stalemate)."""
    p = world.scenario.parameters.deescalation
    return _logistic(p.ripeness_slope * (world.urgency(pair) - p.ripeness_threshold))


def will(world: World, pair: str) -> float:
    """Both leaders' will to settle: W = w + ripe_will * R * (1 - w), with w the lower of the
    two dispositions and R the line's ripeness: a ripe moment moves both toward settling."""
    b = world.borders[pair]
    low = min(world.disposition(b.a), world.disposition(b.b))
    return low + world.scenario.parameters.deescalation.ripe_will * ripeness(world, pair) * (
        1.0 - low
    )


def ceasefire_probability(world: World, pair: str, strength: float) -> float:
    """P(a ceasefire is agreed after a major clash) =
    logistic(c0 + c_d (mean d - 0.5) + c_u U + c_m M), with the two leaders' mean
    disposition, U the cost of the clashes so far (urgency) and M the mediator's strength."""
    b = world.borders[pair]
    p = world.scenario.parameters.deescalation
    mean_d = 0.5 * (world.disposition(b.a) + world.disposition(b.b))
    x = (
        p.ceasefire_intercept
        + p.ceasefire_disposition * (mean_d - 0.5)
        + p.ceasefire_cost * world.urgency(pair)
        + p.ceasefire_mediation * strength
    )
    return _logistic(x)


def breakdown_after(world: World, pair: str, strength: float, rng: np.random.Generator) -> float:
    """Days until a ceasefire agreed today breaks down (``math.inf`` if it holds for good).

    The hazard falls as the ceasefire ages (ceasefires are most fragile early, Fortna):
    h(t) = h0 exp(-t / tau), h0 = breakdown_hazard * T * (1 - breakdown_mediation * M) / 365
    per day, tau = ``breakdown_decay_days``, T today's tension and M the mediator's
    strength. With E ~ Exp(1) and H = h0 tau the whole hazard, it breaks at
    t = -tau ln(1 - E / H) if E < H, and never otherwise. One draw, whatever the outcome.
    """
    e = rng.exponential(1.0)
    p = world.scenario.parameters.deescalation
    cut = max(0.0, 1.0 - p.breakdown_mediation * strength)
    h0 = p.breakdown_hazard * world.tension(pair) * cut / 365.0
    total = h0 * p.breakdown_decay_days
    if e >= total:
        return math.inf
    return float(-p.breakdown_decay_days * math.log(1.0 - e / total))


def freeze_days(world: World, pair: str) -> float:
    """How long talks stay frozen after a major clash: ``freeze_days``, cut to
    ``thaw * freeze_days`` while a ceasefire holds."""
    days = world.scenario.parameters.borders.freeze_days
    if world.ceasefire_holds(pair):
        return days * world.scenario.parameters.deescalation.thaw
    return days


def relieved(world: World, pair: str, share: float) -> float:
    """Tension after a share of its excess over the line's baseline is removed:
    B + (T - B)(1 - share). A ceasefire or a meeting calms the line; it does not remove
    the dispute under it (the baseline), and tension stays within [0, 1]."""
    base = world.borders[pair].baseline
    t = world.tension(pair)
    return t if t <= base else base + (t - base) * (1.0 - min(1.0, max(0.0, share)))


def meeting_relief(world: World, pair: str) -> float:
    """Tension after a meeting of the two heads: ``relieved`` by meeting_relief * W, the
    share of the excess tension their will removes."""
    share = world.scenario.parameters.deescalation.meeting_relief * will(world, pair)
    return relieved(world, pair, share)


def ceasefire_relief(world: World, pair: str) -> float:
    """Tension after a ceasefire is agreed: ``relieved`` by ``ceasefire_relief``."""
    return relieved(world, pair, world.scenario.parameters.deescalation.ceasefire_relief)


def ministers_sign(world: World, pair: str, rng: np.random.Generator) -> bool:
    """Whether, at a commission round on an agreed line, the foreign ministers (or the
    heads of the delimitation commissions) sign the treaty without waiting for the heads:
    P = ``ministers_sign``. One uniform draw."""
    return bool(rng.random() < world.scenario.parameters.deescalation.ministers_sign)


def demarcation_days(world: World, pair: str, rng: np.random.Generator) -> float:
    """The commissions' work from ratification to a demarcated line (posts on the ground):
    lognormal around demarcation_years * 365 * max(difficulty, 0.1), spread 0.5."""
    p = world.scenario.parameters.deescalation
    median = p.demarcation_years * 365.0 * max(world.borders[pair].difficulty, 0.1)
    return float(median * math.exp(0.5 * rng.standard_normal()))
