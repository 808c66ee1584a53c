"""The agents' decisions: pure functions of a read-only world and a random stream.

Each function reads :class:`~casim.model.world.World` without changing it and, where it is
stochastic, draws from the generator it is handed (a named stream). The engine applies the
results. Equations are written out in ``docs/MODEL.md`` under the same names.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from casim.model import deescalation, water
from casim.model.world import Document, World

__all__ = [
    "bargain_text",
    "choose_host",
    "delegation",
    "draw_meeting_date",
    "founding_accepted",
    "founding_proposed",
    "frozen",
    "generated_scope",
    "incident_rate",
    "irregular_factor",
    "irregular_successor",
    "logistic",
    "major_probability",
    "meeting_held",
    "negotiation_step",
    "new_document_launched",
    "on_tour",
    "open_dispute",
    "pace_factor",
    "partner_pressure",
    "ratification_delay",
    "sign_base",
    "sign_logit",
    "sign_terms",
    "successor_disposition",
    "visit_push",
    "visit_rate",
]


def logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# ---------------------------------------------------------------- consultative meetings


def founding_proposed(world: World) -> bool:
    """Whether the initiator proposes the format: its leader is for it, i.e. its
    disposition is at least ``founding_threshold`` (and not below the attendance rule's
    ``absent_below``), and it and the first host are participants."""
    m = world.scenario.meetings
    host = m.first_host or m.initiator
    if m.initiator not in world.participants or host not in world.participants:
        return False
    d = world.disposition(m.initiator)
    return d >= m.founding_threshold and d >= world.scenario.parameters.attendance.absent_below


def founding_accepted(world: World, rng: np.random.Generator) -> bool:
    """The initiator's proposal to found the format: every other participant must accept.

    P(accept_i) = logistic(founding_slope * (disposition_i - founding_threshold)), and 0
    for a state whose leader stays away from regional formats (disposition below the
    attendance rule's ``absent_below``): it would not come to the meeting it founds.
    One uniform draw per other participant, whatever the outcome (common random numbers).
    """
    m = world.scenario.meetings
    absent_below = world.scenario.parameters.attendance.absent_below
    others = [c for c in world.participants if c != m.initiator]
    draws = rng.random(len(others))
    accepted = True
    for code, u in zip(others, draws, strict=True):
        d = world.disposition(code)
        p = 0.0 if d < absent_below else logistic(m.founding_slope * (d - m.founding_threshold))
        accepted = accepted and u < p
    return accepted


def choose_host(world: World) -> str | None:
    """The first participant in the rotation queue that is not blocked from hosting."""
    for code in world.rotation:
        if code in world.participants and not world.host_blocked(code):
            return code
    return None


def meeting_held(world: World, host: str, rng: np.random.Generator) -> bool:
    """Whether a due meeting is convened: climate = (host's + mean disposition) / 2."""
    m = world.scenario.meetings
    climate = 0.5 * world.disposition(host) + 0.5 * world.mean_disposition()
    return bool(rng.random() < logistic(m.hold_slope * (climate - m.hold_threshold)))


def draw_meeting_date(
    year: int, window: tuple[str, str], earliest: dt.date | None, rng: np.random.Generator
) -> dt.date | None:
    """A date in the year's meeting window, uniformly, on or after ``earliest``."""
    first = dt.date(year, int(window[0][:2]), int(window[0][3:]))
    last = dt.date(year, int(window[1][:2]), int(window[1][3:]))
    if earliest is not None and earliest > first:
        first = earliest
    u = rng.random()
    if first > last:
        return None
    return first + dt.timedelta(days=int(u * ((last - first).days + 1)))


def delegation(
    world: World,
    code: str,
    host: str,
    fmt: str,
    rng: np.random.Generator,
    extra: float = 0.0,
) -> str:
    """Whom a state sends: ``head``, ``standin`` or ``none``.

    The host's head always attends. A leader below ``absent_below`` sends nobody. Otherwise
    P(head) = logistic(intercept + disposition * (d - 0.5)
                       - neutrality_novelty * neutrality * novelty(format)
                       - tension_host * tension(state, host) + extra),
    with ``extra`` the log-odds a format adds (a partner's pull at its summits), and a
    state that fought the host within ``freeze_days`` sends a stand-in at most.
    """
    u = rng.random()
    if code == host:
        return "head"
    params = world.scenario.parameters
    a = params.attendance
    d = world.disposition(code)
    if d < a.absent_below:
        return "none"
    tension = 0.0
    if host:
        if world.recent_major(code, host, params.borders.freeze_days):
            return "standin"
        tension = world.tension_between(code, host)
    x = (
        a.intercept
        + a.disposition * (d - 0.5)
        - a.neutrality_novelty * world.states[code].neutrality * world.novelty(fmt)
        - a.tension_host * tension
        + extra
    )
    return "head" if u < logistic(x) else "standin"


# ---------------------------------------------------------------- documents


def bargain_text(world: World, doc: Document, levels: dict[str, float]) -> dict[str, float]:
    """The text of a document: per dimension in scope, the weighted mean of positions.

    weight_i = capability_i * salience_i[dim] * level_i * disposition_i, where level_i is
    1 for a head, 0.5 for a stand-in; ``wording_cap`` bounds it, ``fixed_wording`` replaces it.
    """
    text: dict[str, float] = {}
    for dim in doc.spec.scope:
        if dim in doc.spec.fixed_wording:
            text[dim] = doc.spec.fixed_wording[dim]
            continue
        num = den = 0.0
        for code, level in levels.items():
            st = world.states[code]
            w = st.capability * st.salience[dim] * level * world.disposition(code)
            num += w * st.position[dim]
            den += w
        value = num / den if den > 0 else 0.0
        cap = doc.spec.wording_cap.get(dim)
        text[dim] = min(value, cap) if cap is not None else value
    return text


def sign_logit(
    world: World, code: str, doc: Document, present: str, signed_share: float
) -> tuple[float, str]:
    """Log-odds that a state signs an open document now, and its main objection.

    logit = intercept + disposition * (d - 0.5) - distance * D - neutrality * N * S
            - dispute * sovereignty * B * T - sovereignty_w * sovereignty * max(0, B - P)
            + peer * share + partners * E
            (+ log(absent_factor) when the head is not there),
    with D the salience-weighted distance between text and position, S the security
    wording, B the mean wording (how binding), P the state's mean position on the text's
    dimensions, T the highest tension with another participant, share the share of the
    other participants that signed, E the partners' pressure on the document
    (:func:`partner_pressure`). The text is the one that binds the state (its reservations
    applied). The objection is the largest negative term (the peer term is never negative).
    """
    base, reason = sign_base(world, code, doc, present)
    return base + world.scenario.parameters.signature.peer * signed_share, reason


def sign_base(world: World, code: str, doc: Document, present: str) -> tuple[float, str]:
    """The terms of :func:`sign_logit` that do not depend on who has signed already."""
    s = world.scenario.parameters.signature
    terms = sign_terms(world, code, doc)
    total = 0.0
    reason, lowest = terms[0]
    for name, value in terms:
        total += value
        if value < lowest:
            reason, lowest = name, value
    logit = s.intercept + total
    if present != "head":
        logit += math.log(max(s.absent_factor, 1e-9))
    return logit, reason if lowest < 0 else "timing"


def sign_terms(world: World, code: str, doc: Document) -> tuple[tuple[str, float], ...]:
    """The named terms of :func:`sign_base` (each a consideration; the most negative one is
    the state's main objection)."""
    s = world.scenario.parameters.signature
    st = world.states[code]
    text = doc.text_for(code)
    salience, position = st.salience, st.position
    sal = gap = 0.0
    for d, value in text.items():
        sal += salience[d]
        gap += salience[d] * abs(value - position[d])
    distance = gap / (sal or 1.0)
    security = text.get(s.security_dimension, 0.0)
    binding = sum(text.values()) / len(text) if text else 0.0
    wanted = sum(position[d] for d in text) / len(text) if text else 0.0
    terms = (
        ("disposition", s.disposition * (world.disposition(code) - 0.5)),
        ("distance", -s.distance * distance),
        ("neutrality", -s.neutrality * st.neutrality * security),
        ("dispute", -s.dispute * st.sovereignty * binding * open_dispute(world, code)),
        ("sovereignty", -s.sovereignty * st.sovereignty * max(0.0, binding - wanted)),
        ("partners", s.partners * partner_pressure(world, code, doc)),
        ("water", water.compensation(world, code, doc)),
    )
    return terms


def open_dispute(world: World, code: str) -> float:
    """How open the state's worst dispute with another participant is, in [0, 1]:
    ``max(0, T - calm) / (1 - calm)``, with ``T`` the highest tension on its lines and
    ``calm`` the ``calm_tension`` below which a line no longer drives a dispute objection
    (the same threshold as the objection's driver, :mod:`casim.model.objections`). Everyday
    friction on a line that carries no clashes does not hold up a signature; an armed
    dispute does."""
    calm = world.scenario.parameters.signature.calm_tension
    return max(0.0, world.worst_tension(code) - calm) / max(1.0 - calm, 1e-9)


def partner_pressure(world: World, code: str, doc: Document) -> float:
    """The partners' net pressure on a state about a document, in [-1, 1]: the partner
    term of :func:`sign_base`, and the one place it is read from.

    ``E_ik = sum_p pull_ip x standing_ip x (1 + summit_boost x A_p) x stance_pik``, with
    ``stance_pik = regional_support_p - bloc_clause_k x guard_pi`` clipped to [-1, 1]
    (see ``World.external_support``): a partner that guards a bloc the state belongs to
    presses against a text that binds its members against other blocs. Positive when the
    partners the state leans on back the format and the text, negative when they oppose
    either.
    """
    return world.external_support(code, doc.spec.bloc_clause)


def ratification_delay(world: World, code: str, rng: np.random.Generator) -> float:
    """Days from signature to ratification: lognormal around the state's median."""
    sigma = world.scenario.parameters.signature.ratification_sigma
    return float(
        world.states[code].spec.ratification_days * math.exp(sigma * rng.standard_normal())
    )


def new_document_launched(world: World, rng: np.random.Generator) -> bool:
    """Whether a meeting launches a new agreement (once the listed documents are used up)."""
    p = world.scenario.parameters.documents
    return bool(
        rng.random() < logistic(p.propose_slope * (world.mean_disposition() - p.propose_threshold))
    )


def generated_scope(world: World, rng: np.random.Generator) -> list[str]:
    """Dimensions of a generated agreement: drawn by total salience, without replacement
    (one uniform draw per dimension picked)."""
    dims = list(world.scenario.dimensions)
    weights = [sum(world.states[c].salience[d] for c in world.participants) for d in dims]
    if sum(weights) <= 0:
        weights = [1.0] * len(dims)
    size = min(world.scenario.parameters.documents.scope_size, len(dims))
    picked: list[int] = []
    for _ in range(size):
        left = [i for i in range(len(dims)) if i not in picked]
        total = sum(weights[i] for i in left)
        u = rng.random() * total
        choice = left[-1]
        for i in left:
            u -= weights[i]
            if u < 0:
                choice = i
                break
        picked.append(choice)
    return [dims[i] for i in sorted(picked)]


# ---------------------------------------------------------------- borders


def incident_rate(world: World, pair: str) -> float:
    """Incidents per day: rate * (1 - progress) * exp(rate_factor * tension) * S / 365,
    with S the seasonal factor of water and energy on lines with shared intakes."""
    b = world.borders[pair]
    if b.incident_rate == 0.0 or b.progress == 1.0:
        return 0.0  # the same zero the product below gives, without reading the rest
    k = world.scenario.parameters.borders.rate_factor
    season = water.seasonal_factor(world, pair)
    return b.incident_rate * (1.0 - b.progress) * math.exp(k * world.tension(pair)) * season / 365.0


def irregular_factor(world: World, pair: str) -> float:
    """R = 1 + (irregular_escalation - 1) * max_i 0.5^(tenure_i / irregular_half_life_days)
    over the pair's leaders who came to office irregularly (1 if neither did): a leader who
    took power by revolution, unrest or force stakes more on a dispute, most while the new
    regime is insecure (Colgan 2013; Chiozza and Goemans 2011)."""
    b = world.borders[pair]
    p = world.scenario.parameters.borders
    if p.irregular_escalation == 1.0:
        return 1.0
    fresh = 0.0
    for code in (b.a, b.b):
        since = world.states[code].irregular_day
        if since is not None:
            fresh = max(fresh, 0.5 ** ((world.day - since) / p.irregular_half_life_days))
    return 1.0 + (p.irregular_escalation - 1.0) * fresh


def major_probability(world: World, pair: str) -> float:
    """P(an incident is a major clash) = escalation * logistic(slope * (T - threshold)) * H * R * C,
    with H = 2 * (1 - mean disposition of the two leaders), 1 at neutral leaders, R the
    factor for a leader who came to office irregularly (:func:`irregular_factor`) and C the
    ceasefire damping while a ceasefire holds on the line (else 1)."""
    b = world.borders[pair]
    p = world.scenario.parameters.borders
    hawk = 2.0 * (1.0 - 0.5 * (world.disposition(b.a) + world.disposition(b.b)))
    x = b.escalation * logistic(p.major_slope * (world.tension(pair) - p.major_threshold)) * hawk
    x *= irregular_factor(world, pair)
    if world.ceasefire_holds(pair):
        x *= p.ceasefire_damping
    return min(1.0, max(0.0, x))


def negotiation_step(world: World, pair: str, days: float, rng: np.random.Generator) -> float:
    """Progress a round of talks adds to a line (zero while frozen after a clash).

    step = (negotiation_rate * (1 - difficulty)^k * will * (1 - T) + ripeness_rate * U * will
            + arbitration + mediation + mediation_rate * M) * days / 365 * G * F,
    with k the ``difficulty_power`` and (1 - difficulty)^k opened by the water-for-energy
    linkage of an upstream and a downstream neighbour (:func:`_ease`), will both leaders'
    will to settle (the lower disposition, raised by ripeness), U the decayed urgency of
    recent clashes, arbitration the rate of a bloc both belong to, mediation the active
    outside mediation (shock effects), M the strength of the partner mediating after a
    clash, G a Gamma(2, 1/2) shock of mean 1 and F the line's pace this year
    (:func:`pace_factor`).
    """
    g = rng.gamma(2.0, 0.5)
    b = world.borders[pair]
    p = world.scenario.parameters.borders
    if frozen(world, pair):
        return 0.0
    will = _will(world, pair)
    base = p.negotiation_rate * _ease(world, pair) * will * (1.0 - world.tension(pair))
    ripe = p.ripeness_rate * world.urgency(pair) * will
    outside = (
        world.arbitration(b.a, b.b)
        + world.mediation(pair)
        + world.scenario.parameters.deescalation.mediation_rate * world.mediator_strength(pair)
    )
    return float(max(0.0, base + ripe + outside) * days / 365.0 * g * b.pace)


def pace_factor(world: World, rng: np.random.Generator) -> float:
    """A line's pace of talks this year, as a multiple of its mean:
    ``exp(s z - s^2 / 2)`` with z standard normal and s the ``pace_sd`` (mean 1). The
    political window for a line opens and closes from year to year for reasons the stances
    do not carry (a prime minister's or security chief's personal drive, a domestic
    calendar, a reshuffle of the commission): the Kyrgyz-Uzbek commissions agreed 85% of
    their line in 2017 and nothing more until 2021, then all of the rest within weeks."""
    s = world.scenario.parameters.borders.pace_sd
    return float(math.exp(s * rng.standard_normal() - 0.5 * s * s))


def frozen(world: World, pair: str) -> bool:
    """Talks on a line are frozen for ``freeze_days`` after a major clash on it (a
    ``thaw`` share of it while a ceasefire holds)."""
    b = world.borders[pair]
    return world.recent_major(b.a, b.b, deescalation.freeze_days(world, pair))


def _will(world: World, pair: str) -> float:
    """Both leaders must want a settlement: the lower of the two dispositions, raised
    toward 1 when the line is ripe (:func:`casim.model.deescalation.will`)."""
    return deescalation.will(world, pair)


def _ease(world: World, pair: str) -> float:
    """How readily the line's remaining sections give way: E = (1 - difficulty)^k, opened
    by a water-for-energy deal to E + L (1 - E), L the linkage (:func:`water.linkage`)."""
    k = world.scenario.parameters.borders.difficulty_power
    ease = float((1.0 - world.borders[pair].difficulty) ** k)
    return ease + water.linkage(world, pair) * (1.0 - ease)


def on_tour(world: World, code: str) -> bool:
    """A leader is on the tour of the neighbours within ``tour_days`` of taking office: the
    first visits are protocol and come before the leader's own line (Jeenbekov, in office
    from 24 Nov 2017, signed the Kazakh-Kyrgyz demarcation at his visit to Astana a month
    later, 003_8e28220262afb2d3.txt; Mirziyoyev's round ran from Sep 2016 to Mar 2018)."""
    took = world.states[code].office_day
    return took is not None and world.day - took <= world.scenario.parameters.visits.tour_days


def visit_rate(world: World, pair: str) -> float:
    """Bilateral visits per day between the heads of a pair with an open line:
    (rate * will + tour_rate * leaders on tour) / 365, with will the lower disposition."""
    b = world.borders[pair]
    v = world.scenario.parameters.visits
    touring = int(on_tour(world, b.a)) + int(on_tour(world, b.b))
    return (v.rate * _will(world, pair) + v.tour_rate * touring) / 365.0


def visit_push(world: World, pair: str, rng: np.random.Generator) -> float:
    """Progress the heads' instructions at a visit add to their line:
    push * will * (E + r R (1 - E)) * G * F, with E = (1 - difficulty)^k, R the line's
    ripeness and r ``ripe_will`` (at a ripe moment the heads decide the hard sections their
    commissions cannot), G a Gamma(2, 1/2) shock of mean 1 and F the line's pace this year
    (:func:`pace_factor`)."""
    g = rng.gamma(2.0, 0.5)
    push = world.scenario.parameters.visits.push
    ripe_will = world.scenario.parameters.deescalation.ripe_will
    ease = _ease(world, pair)
    ease += ripe_will * deescalation.ripeness(world, pair) * (1.0 - ease)
    return float(push * _will(world, pair) * ease * g * world.borders[pair].pace)


# ---------------------------------------------------------------- leaders


def irregular_successor(world: World, code: str, rng: np.random.Generator) -> bool:
    """Whether a drawn successor comes to office irregularly: Bernoulli(irregular_share)."""
    return bool(rng.random() < world.states[code].spec.irregular_share)


def successor_disposition(world: World, code: str, rng: np.random.Generator) -> float:
    """A drawn successor's disposition: Normal(successor_disposition, successor_sd), clipped."""
    sd = world.scenario.parameters.leaders.successor_sd
    x = world.states[code].spec.successor_disposition + sd * rng.standard_normal()
    return float(min(1.0, max(0.0, x)))
