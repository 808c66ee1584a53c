"""The scenario schema: what a scenario file may hold, with unit, range and meaning.

Every numeric parameter is declared with :func:`param`, which records its unit, range and
one-line meaning; the scenario file supplies the value and, in a ``sources`` table beside
it, where the value comes from. Cross-references (state codes, treaty ids, partners) are
checked in :mod:`casim.scenario.validate`, not here. Which scenario event kinds are
observed outcomes comes from the log's vocabulary (:mod:`casim.log`). Nothing in this
module reads files.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from casim.log import OBSERVED_ORDER

__all__ = [
    "EVENT_MODELS",
    "OBSERVED_KINDS",
    "AttendanceParams",
    "BlocJoin",
    "BlocSpec",
    "BorderClash",
    "BorderParams",
    "BorderSections",
    "BorderSpec",
    "BorderTreaty",
    "DeescalationParams",
    "DocumentParams",
    "DocumentSpec",
    "Effect",
    "Event",
    "IndexParams",
    "LeaderChange",
    "LeaderParams",
    "MeetingSpec",
    "NonBlank",
    "OfferKind",
    "Parameters",
    "ParticipantJoin",
    "PartnerParams",
    "PartnerSpec",
    "PartnerSummit",
    "RatificationParams",
    "RunWindow",
    "Scenario",
    "Shock",
    "SignatureParams",
    "StanceChange",
    "StateSpec",
    "StateVisit",
    "Summit",
    "SummitPostponed",
    "TradeParams",
    "TreatyDeferred",
    "TreatyRatified",
    "TreatySigned",
    "TrustParams",
    "VisitParams",
    "WaterParams",
    "param",
]

Delegation = Literal["head", "standin", "none"]
#: What a partner may offer a state (see ``casim.model.partners``).
OfferKind = Literal["investment", "corridor", "security"]


class Frozen(BaseModel):
    """Base of every schema object: immutable, unknown keys refused, strict types (no
    coercion: ``"0.5"`` or ``true`` is not a number, ``2.5`` is not an integer; an integer
    is accepted for a float; ``nan`` and ``inf`` are not numbers here)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("a text that is not blank")
    return text


#: A string that holds more than white space (an id, a source).
NonBlank = Annotated[str, AfterValidator(_non_blank)]


def param(unit: str, lo: float, hi: float, meaning: str, default: Any = ...) -> Any:
    """Declare a documented numeric parameter (unit, inclusive range, meaning)."""
    return Field(
        default,
        ge=lo,
        le=hi,
        description=meaning,
        json_schema_extra={"unit": unit, "range": [lo, hi]},
    )


class Sourced(Frozen):
    """An object whose documented parameters each need a source (seed file, record row, URL)."""

    sources: dict[str, str] = Field(default_factory=dict)


# --------------------------------------------------------------------------- actors


class StateSpec(Sourced):
    """A state agent (or any participant of the consultative meetings)."""

    name: str
    leader: str
    disposition: float = param(
        "score", 0, 1, "the sitting leader's disposition toward regional cooperation"
    )
    neutrality: float = param(
        "score", 0, 1, "strength of a neutrality doctrine (refuses security and alliance wording)"
    )
    sovereignty: float = param(
        "score", 0, 1, "resistance to commitments that bind the state's hands"
    )
    gdp_bn: float = param("USD bn", 0, 10_000, "GDP at current prices, for capability")
    population_m: float = param("million", 0, 2_000, "population, for capability")
    ratification_days: float = param(
        "days", 1, 3_650, "median length of the domestic ratification procedure"
    )
    contention: float = param(
        "score",
        0,
        1,
        "domestic contention over ratification (protests, a parliament that may refuse)",
    )
    turnover_hazard: float = param(
        "1/year", 0, 1, "yearly hazard of a leader change once leader changes are unknown"
    )
    successor_disposition: float = param(
        "score", 0, 1, "mean disposition of a successor drawn by the turnover mechanism"
    )
    irregular_since: dt.date | None = Field(
        None,
        description="the date the sitting leader came to office irregularly (through "
        "revolution, unrest, civil war or a coup); None if the leader came regularly "
        "(election, constitutional succession)",
    )
    irregular_share: float = param(
        "share",
        0,
        1,
        "probability that a successor drawn by the turnover mechanism comes to office "
        "irregularly (revolution, unrest, coup)",
        0.0,
    )
    position: dict[str, float] = Field(
        description="ideal point per issue dimension, 0 = nothing binding, 1 = deep commitment"
    )
    salience: dict[str, float] = Field(
        description="weight per issue dimension, 0..1, how much the state cares"
    )
    pull: dict[str, float] = Field(
        default_factory=dict,
        description="base pull of each external partner on the state, 0..1",
    )
    water_role: Literal["upstream", "downstream", "none"] = Field(
        "none",
        description="place in the shared river basins: upstream (holds the reservoirs, "
        "short of energy in winter), downstream (irrigates in summer) or none",
    )


class PartnerSpec(Sourced):
    """An external partner: an agent with its own calendar of summits and offers, the
    blocs it leads (``[blocs]``), and its stance on the five-state format."""

    name: str
    regional_support: float = param(
        "score", -1, 1, "how far the partner backs regional formats (-1 opposes, +1 backs)"
    )
    summit_rate: float = param(
        "1/year", 0, 12, "rate of C5+X summits drawn once partners' summits are unknown"
    )
    favours_bloc: str | None = Field(
        None, description="if set, the partner's support counts only for members of this bloc"
    )
    capacity: float = param(
        "score",
        0,
        1,
        "resources and attention the partner can give the region (scales its offers, "
        "summits' weight and pressure)",
        1.0,
    )
    offer_rate: float = param(
        "1/year", 0, 12, "offers (investment, corridors, security) at full capacity", 0.0
    )
    offers: dict[OfferKind, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict,
        description="relative weight of each kind of offer the partner makes, 0..1",
    )
    rivals: list[str] = Field(
        default_factory=list,
        description="partners whose summits and offers this partner answers with an offer",
    )


class BlocSpec(Sourced):
    """A bloc led by a partner (CSTO, EAEU, SCO, OTS, ...)."""

    name: str
    partner: str
    pull: float = param("score", 0, 1, "pull added to a full member's pull toward the partner")
    observer_weight: float = param("share", 0, 1, "fraction of the pull an observer feels")
    arbitration_rate: float = param(
        "progress/year", 0, 1, "border progress the bloc adds as arbiter between two members"
    )
    guarantee: float = param(
        "score",
        0,
        1,
        "how far the bloc is a security guarantee its leader defends against members' "
        "rival commitments",
        0.0,
    )
    members: list[str] = Field(default_factory=list)
    observers: list[str] = Field(default_factory=list)


class BorderSpec(Sourced):
    """The border line between two neighbours, keyed by the sorted pair ``AAA-BBB``."""

    progress: float = param("share", 0, 1, "share of the line agreed at the start")
    tension: float = param("score", 0, 1, "tension at the start")
    baseline_tension: float = param("score", 0, 1, "level tension decays toward")
    incident_rate: float = param("1/year", 0, 100, "incident rate at zero tension, open line")
    escalation: float = param("score", 0, 1, "propensity of an incident to become major")
    difficulty: float = param("score", 0, 1, "how hard the remaining line is (enclaves, water)")
    shared_water: float = param(
        "score",
        0,
        1,
        "how much the line's sections carry shared intakes, canals and reservoirs",
        0.0,
    )


class DocumentSpec(Sourced):
    """A document bargained at the consultative meetings."""

    name: str
    kind: Literal["treaty", "declaration"]
    proposed_at_meeting: int = param(
        "ordinal", 1, 100, "the consultative meeting (1st, 2nd, ...) at which it is proposed"
    )
    rounds: int = param("meetings", 0, 20, "meetings of negotiation before it opens for signature")
    scope: list[str] = Field(description="issue dimensions the text covers")
    wording_cap: dict[str, float] = Field(
        default_factory=dict, description="upper bound of the text per dimension, 0..1"
    )
    fixed_wording: dict[str, float] = Field(
        default_factory=dict, description="text imposed per dimension, 0..1, overriding bargaining"
    )
    in_force_ratifications: int = param(
        "states", 1, 100, "ratifications needed for entry into force"
    )
    bloc_clause: float = param(
        "score",
        0,
        1,
        "how far the text binds signatories in security against other blocs (no alliance "
        "against a party, mutual assistance): what a partner guarding a bloc presses against",
        0.0,
    )


class MeetingSpec(Sourced):
    """The consultative meetings of heads of state."""

    initiator: str = Field(
        description="the state that proposes the format and invites the others to found it"
    )
    first_host: str | None = Field(
        None, description="the state that hosts the founding meeting (default: the initiator)"
    )
    rotation: list[str]
    founded: bool = Field(description="whether the format already exists at the start")
    window_start: str = Field(pattern=r"^\d\d-\d\d$", description="earliest MM-DD in a year")
    window_end: str = Field(pattern=r"^\d\d-\d\d$", description="latest MM-DD in a year")
    retry_days: float = param("days", 1, 365, "wait before a blocked meeting is tried again")
    founding_threshold: float = param(
        "score", 0, 1, "disposition at which a state accepts the founding invitation half the time"
    )
    founding_slope: float = param("1/score", 0, 100, "steepness of the founding acceptance")
    founding_lead_days: float = param(
        "days",
        0,
        3_650,
        "preparation of a new format: from the accepted invitation to the "
        "earliest founding meeting",
    )
    hold_threshold: float = param(
        "score", 0, 1, "mean disposition at which a due meeting is held half the time"
    )
    hold_slope: float = param("1/score", 0, 100, "steepness of the holding decision")


# --------------------------------------------------------------------------- parameters


class AttendanceParams(Sourced):
    intercept: float = param("logit", -20, 20, "log-odds of the head attending at disposition 0.5")
    disposition: float = param("logit/score", 0, 50, "effect of disposition on the head attending")
    neutrality_novelty: float = param(
        "logit", 0, 50, "penalty on a neutral head at a new format (neutrality x novelty)"
    )
    tension_host: float = param("logit", 0, 50, "penalty per unit of tension with the host")
    absent_below: float = param(
        "score", 0, 1, "disposition below which a state sends nobody rather than a stand-in"
    )


class SignatureParams(Sourced):
    security_dimension: str = Field(
        description="the issue dimension whose wording neutrality and disputes object to"
    )
    intercept: float = param("logit", -20, 20, "log-odds of signing a neutral text")
    disposition: float = param("logit/score", 0, 50, "effect of disposition (centred at 0.5)")
    distance: float = param("logit", 0, 50, "penalty per unit of salience-weighted distance")
    neutrality: float = param("logit", 0, 50, "penalty of neutrality x security wording")
    dispute: float = param(
        "logit", 0, 50, "penalty of sovereignty x binding wording x tension with co-signatories"
    )
    peer: float = param("logit", 0, 50, "effect of the share of participants already signed")
    partners: float = param("logit", 0, 50, "effect of net external support for the format")
    absent_factor: float = param(
        "share", 0, 1, "odds factor for signing when the head is not present"
    )
    ratification_sigma: float = param(
        "log-days", 0, 3, "spread of the lognormal ratification delay"
    )
    sovereignty: float = param(
        "logit",
        0,
        50,
        "penalty of sovereignty x how far the text binds beyond the state's own positions",
    )
    calm_tension: float = param(
        "score", 0, 1, "tension below which a border no longer drives a dispute objection"
    )
    driver_step: float = param(
        "score", 0.001, 1, "step by which a drifting driver (disposition, support) must move"
    )
    reservation_rate: float = param(
        "probability",
        0,
        1,
        "chance per meeting that signatories of disposition 1, all others signed, offer a "
        "holdout with a textual objection a reservation",
    )
    reservation_softening: float = param(
        "share", 0, 1, "share of the objected wording a reservation takes off for the holdout"
    )


class RatificationParams(Sourced):
    """Domestic approval of a signed treaty (the second level of a two-level game)."""

    intercept: float = param("logit", -20, 20, "log-odds of a failed ratification, baseline")
    contention: float = param("logit", 0, 50, "effect of the state's domestic contention")
    sovereignty: float = param("logit", 0, 50, "effect of the state's sovereignty sensitivity")
    cession: float = param(
        "logit", 0, 50, "effect of land or water ceded (border difficulty, water wording)"
    )
    security: float = param("logit", 0, 50, "effect of the text's security commitments")
    failed_tension: float = param(
        "score", 0, 1, "tension a failed border ratification adds to the line"
    )


class BorderParams(Sourced):
    tension_half_life_days: float = param("days", 1, 10_000, "half-life of tension decay")
    rate_factor: float = param("1/score", 0, 20, "incident rate multiplier exp(k x tension)")
    minor_step: float = param("score", 0, 1, "tension added by a minor incident")
    major_step: float = param("score", 0, 1, "tension added by a major clash")
    major_threshold: float = param("score", 0, 1, "tension at which escalation is even odds")
    major_slope: float = param("1/score", 0, 100, "steepness of escalation with tension")
    irregular_escalation: float = param(
        "factor",
        1,
        5,
        "factor on the escalation probability when a leader of the pair has just come to "
        "office irregularly (revolution, unrest, civil war, coup); its excess over 1 halves "
        "every irregular_half_life_days of the leader's tenure",
        1.0,
    )
    irregular_half_life_days: float = param(
        "days",
        1,
        10_000,
        "half-life, in the leader's tenure, of the excess escalation after an irregular entry",
        1825.0,
    )
    freeze_days: float = param("days", 0, 3_650, "negotiations frozen after a major clash")
    ceasefire_damping: float = param(
        "share", 0, 1, "factor on the escalation probability while a ceasefire holds"
    )
    round_days: float = param("days", 1, 3_650, "interval between negotiation rounds")
    negotiation_rate: float = param("progress/year", 0, 1, "progress at full will and no tension")
    pace_sd: float = param(
        "log-sd",
        0,
        2,
        "year-to-year spread of the pace of talks on a line: each year a line's commissions "
        "and heads work at a lognormal multiple of mean 1 of the pace (0: the same every year)",
    )
    difficulty_power: float = param(
        "exponent", 0, 10, "power on (1 - difficulty) in the pace of talks (1 = proportional)"
    )
    ripeness_rate: float = param("progress/year", 0, 1, "extra progress per unit of urgency")
    ripeness_half_life_days: float = param("days", 1, 10_000, "half-life of clash urgency")
    settled_tension: float = param("score", 0, 1, "baseline tension after a settlement")
    recheck_days: float = param("days", 1, 365, "longest wait before an incident rate is redrawn")


class DeescalationParams(Sourced):
    ceasefire_intercept: float = param(
        "logit", -20, 20, "log-odds of a ceasefire after a major clash, neutral leaders"
    )
    ceasefire_disposition: float = param(
        "logit/score", 0, 50, "effect of the two leaders' mean disposition (centred at 0.5)"
    )
    ceasefire_cost: float = param(
        "logit", 0, 50, "effect of the accumulated cost of clashes (urgency) on a ceasefire"
    )
    ceasefire_mediation: float = param(
        "logit", 0, 50, "effect of a mediator's strength on a ceasefire being agreed"
    )
    ceasefire_delay_days: float = param(
        "days", 0, 365, "mean time from a major clash to the ceasefire agreed after it"
    )
    ceasefire_relief: float = param(
        "share", 0, 1, "share of the tension above the baseline a ceasefire removes"
    )
    breakdown_hazard: float = param(
        "1/year", 0, 50, "breakdown hazard of a fresh ceasefire at tension 1, no mediator"
    )
    breakdown_decay_days: float = param(
        "days", 1, 10_000, "e-folding time of the breakdown hazard as a ceasefire ages"
    )
    breakdown_mediation: float = param(
        "share", 0, 1, "cut in the breakdown hazard per unit of mediator strength"
    )
    thaw: float = param(
        "share", 0, 1, "share of freeze_days that talks stay frozen while a ceasefire holds"
    )
    meeting_relief: float = param(
        "share", 0, 1, "share of the tension above the baseline a meeting of the heads removes"
    )
    mediation_days: float = param(
        "days", 0, 3_650, "how long a mediator stays engaged after a major clash"
    )
    mediation_threshold: float = param(
        "score", 0, 1, "least strength (pull on both sides x stake) at which a partner mediates"
    )
    outside_stake: float = param(
        "share", 0, 1, "stake in a line's stability of a partner leading no bloc of both sides"
    )
    mediation_rate: float = param(
        "progress/year", 0, 1, "progress a mediator of strength 1 adds to talks"
    )
    ripeness_threshold: float = param(
        "clashes", 0, 20, "urgency (decayed count of major clashes) at which a line is half ripe"
    )
    ripeness_slope: float = param("1/clash", 0, 50, "steepness of ripeness in urgency")
    ripe_will: float = param(
        "share", 0, 1, "share of the gap to full will that a ripe moment closes for both leaders"
    )
    margins_share: float = param(
        "share", 0, 1, "a meeting on a summit's margins as a share of a state visit's push"
    )
    ministers_sign: float = param(
        "probability", 0, 1, "chance per commission round that ministers sign an agreed line"
    )
    section_step: float = param(
        "share", 0.01, 1, "share of the line per section agreement logged by the commissions"
    )
    demarcation_years: float = param(
        "years", 0, 50, "median commission work from ratification to demarcation at difficulty 1"
    )


class WaterParams(Sourced):
    dimension: str = Field(description="the issue dimension of water and energy")
    irrigation: float = param(
        "share", 0, 5, "rise of the incident rate in the irrigation season on a shared line"
    )
    irrigation_months: list[int] = Field(
        description="months of the irrigation season (downstream need), 1-12"
    )
    energy: float = param(
        "share", 0, 5, "rise of the incident rate in the energy-deficit season on a shared line"
    )
    energy_months: list[int] = Field(
        description="months of the upstream winter energy deficit, 1-12"
    )
    linkage: float = param(
        "share",
        0,
        1,
        "share of a fully shared line's difficulty a water-for-energy deal removes "
        "(upstream-downstream lines)",
    )
    compensation: float = param(
        "logit", 0, 50, "energy or compensation downstream signatories offer an upstream objector"
    )


class VisitParams(Sourced):
    rate: float = param(
        "visits/year", 0, 20, "bilateral visits between two heads of disposition 1 (scaled by will)"
    )
    tour_rate: float = param(
        "visits/year", 0, 50, "extra visits to each open-line neighbour on a new leader's tour"
    )
    tour_days: float = param("days", 0, 3_650, "length of a new leader's tour of the neighbours")
    push: float = param(
        "progress", 0, 1, "progress a visit's instructions add to a line at full will"
    )


class PartnerParams(Sourced):
    economy_dimension: str = Field(
        description="the issue dimension whose salience investment and corridor offers raise"
    )
    activity_half_life_days: float = param("days", 1, 10_000, "half-life of a summit's effect")
    summit_boost: float = param("share", 0, 10, "relative rise of a partner's pull per summit")
    attend_pull: float = param(
        "logit/score",
        0,
        50,
        "effect of a non-neutral state's pull toward the partner on its head attending the "
        "partner's summit",
    )
    accept_intercept: float = param("logit", -20, 20, "log-odds of accepting an offer at pull 0.5")
    accept_pull: float = param("logit/score", 0, 50, "effect of pull on accepting an offer")
    accept_neutrality: float = param(
        "logit", 0, 50, "penalty of neutrality on accepting security assistance"
    )
    offer_pull: float = param(
        "share", 0, 1, "share of the room left below 1 an accepted offer adds to the pull"
    )
    crowd_out: float = param(
        "share", 0, 1, "share of the pull gained that the state's other partners lose"
    )
    offer_salience: float = param(
        "score", 0, 1, "salience an accepted investment or corridor offer adds (economy)"
    )
    offer_disposition: float = param(
        "score",
        0,
        1,
        "change of the leader's disposition per accepted offer, times the partner's "
        "stance on the format, its standing, the pull and 4 d (1 - d)",
    )
    response: float = param(
        "probability", 0, 1, "chance a rival at full capacity answers a summit or an offer"
    )
    response_days: float = param("days", 1, 3_650, "mean delay of a rival's answering offer")


class TradeParams(Sourced):
    initial_bn: float = param("USD bn", 0.01, 1_000, "intra-regional trade in the start year")
    base_growth: float = param(
        "1/year", -0.2, 0.3, "log growth of the potential per year (the economies' growth)"
    )
    offer_gain: float = param(
        "log",
        0,
        0.5,
        "log rise of the potential, for good, per investment or corridor offer accepted",
    )
    border_barrier: float = param(
        "log",
        0,
        5,
        "log gap between trade and its potential with every border line unsettled; the gap "
        "is this times the share of lines not settled",
    )
    clash_cost: float = param(
        "log", 0, 2, "log fall of the year's target level per major clash that year"
    )
    adjustment: float = param(
        "share/year", 0.01, 1, "share of the log gap to the target level closed per year"
    )
    ref_low_bn: float = param("USD bn", 0, 1_000, "trade level scored 0 in the index")
    ref_high_bn: float = param("USD bn", 0, 10_000, "trade level scored 1 in the index")


class LeaderParams(Sourced):
    successor_sd: float = param("score", 0, 1, "spread of a drawn successor's disposition")
    consolidation_days: float = param(
        "days", 0, 3_650, "a new leader keeps the predecessor's line this long, then turns"
    )


class DocumentParams(Sourced):
    propose_threshold: float = param(
        "score", 0, 1, "mean disposition at which a meeting launches a new agreement half the time"
    )
    propose_slope: float = param("1/score", 0, 100, "steepness of launching a new agreement")
    rounds: int = param("meetings", 0, 20, "negotiation rounds of a generated agreement")
    scope_size: int = param("dimensions", 1, 10, "issue dimensions a generated agreement covers")
    in_force_share: float = param(
        "share", 0, 1, "share of participants whose ratification brings it into force"
    )


class IndexParams(Sourced):
    format: float = param(
        "weight", 0, 1, "weight of the format's institutionalisation (regularity and depth)"
    )
    treaties: float = param(
        "weight", 0, 1, "weight of the treaty network by issue area (signed, ratified, in force)"
    )
    borders: float = param("weight", 0, 1, "weight of the border lines' stages")
    calm: float = param("weight", 0, 1, "weight of one minus the lines' mean yearly peak tension")
    trade: float = param("weight", 0, 1, "weight of intra-regional trade")


class TrustParams(Sourced):
    meeting_gain: float = param(
        "score", 0, 1, "experience a meeting adds to a state whose head attended (x level score)"
    )
    kept_gain: float = param(
        "score", 0, 1, "experience a kept agreement (its ratification) adds to the ratifying state"
    )
    clash_loss: float = param(
        "score", 0, 1, "experience a major clash takes from each of the two parties"
    )
    half_life_days: float = param("days", 1, 36_500, "half-life of experience")
    cap: float = param("score", 0, 1, "bound on the experience offset, either way")
    inherit: float = param(
        "share", 0, 1, "share of the predecessor's experience a new leader keeps when it turns"
    )


class Parameters(Frozen):
    attendance: AttendanceParams
    signature: SignatureParams
    ratification: RatificationParams
    borders: BorderParams
    partners: PartnerParams
    trade: TradeParams
    leaders: LeaderParams
    visits: VisitParams
    deescalation: DeescalationParams
    water: WaterParams
    documents: DocumentParams
    index: IndexParams
    trust: TrustParams


# --------------------------------------------------------------------------- events


class EventBase(Frozen):
    id: NonBlank
    date: dt.date
    source: NonBlank
    note: str = ""
    assumed: bool = Field(
        False, description="a scenario assumption: kept even after the known-until date"
    )


class Summit(EventBase):
    kind: Literal["summit"]
    host: str
    delegations: dict[str, Delegation] = Field(default_factory=dict)


class SummitPostponed(EventBase):
    kind: Literal["summit_postponed"]
    host: str


class TreatySigned(EventBase):
    kind: Literal["treaty_signed"]
    state: str
    treaty: str


class TreatyDeferred(EventBase):
    kind: Literal["treaty_deferred"]
    state: str
    treaty: str


class TreatyRatified(EventBase):
    kind: Literal["treaty_ratified"]
    state: str
    treaty: str


class BorderTreaty(EventBase):
    kind: Literal["border_treaty_signed"]
    pair: str
    signed_by: Literal["heads", "ministers"] | None = Field(
        None,
        description="who signed: the heads of state, or the foreign ministers or the heads "
        "of the delimitation commissions",
    )


class BorderSections(EventBase):
    """A partial agreement: the commissions agreed further sections of a line."""

    kind: Literal["border_sections_agreed"]
    pair: str
    share: float = param("share", 0, 1, "share of the line agreed once these sections are")


class StateVisit(EventBase):
    """A bilateral visit of one head of state to another (state, official or working, or a
    meeting of the two arranged on their border): a driver of the scenario's calendar."""

    kind: Literal["state_visit"]
    host: str = Field(description="the state visited")
    guest: str = Field(description="the state whose head travelled")


class BorderClash(EventBase):
    kind: Literal["border_clash"]
    pair: str
    severity: Literal["minor", "major"]


class LeaderChange(EventBase):
    kind: Literal["leader_change"]
    state: str
    leader: str
    disposition: float = param("score", 0, 1, "the new leader's disposition")
    turnover_hazard: float | None = param(
        "1/year",
        0,
        1,
        "the new leader's yearly hazard of leaving office (default: the state's)",
        None,
    )
    entry: Literal["regular", "irregular"] = Field(
        "regular",
        description="how the new leader came to office: 'regular' (election, constitutional "
        "succession) or 'irregular' (revolution, unrest, coup)",
    )
    scheduled: bool = Field(
        False,
        description="the date was public in advance (the end of a term that may not be "
        "renewed): after known_until the change still happens on its date, but with a "
        "successor drawn as for turnover",
    )


class Effect(Frozen):
    """One effect of a shock while it lasts (``tension`` acts once, at the start).

    ``delta`` is a score for disposition, pull and tension, a log change of the trade level
    at each year end for trade_growth, progress per year on ``pair`` for mediation (outside
    mediation of a border dispute), a change of ``partner``'s capacity (all states) for
    capacity, and a change of the ``states``' trust in ``partner`` (1 at the start) for
    credibility.
    """

    target: Literal[
        "meetings_blocked",
        "host_blocked",
        "disposition",
        "pull",
        "trade_growth",
        "tension",
        "mediation",
        "capacity",
        "credibility",
    ]
    states: list[str] = Field(default_factory=list, description="empty = all participants")
    partner: str | None = None
    pair: str | None = None
    delta: float = Field(0.0, ge=-1, le=1)


class Shock(EventBase):
    kind: Literal["shock"]
    name: str
    end: dt.date | None = None
    effects: list[Effect] = Field(min_length=1)


class PartnerSummit(EventBase):
    kind: Literal["partner_summit"]
    partner: str
    host: str | None = None
    delegations: dict[str, Delegation] = Field(default_factory=dict)


class BlocJoin(EventBase):
    kind: Literal["bloc_join"]
    bloc: str
    state: str
    status: Literal["member", "observer"]


class ParticipantJoin(EventBase):
    kind: Literal["participant_join"]
    state: str


class StanceChange(EventBase):
    kind: Literal["stance_change"]
    state: str
    field: Literal["disposition", "neutrality", "sovereignty", "position", "salience", "pull"]
    key: str | None = Field(None, description="dimension or partner for position/salience/pull")
    value: float = Field(ge=0, le=1)


Event = (
    Summit
    | SummitPostponed
    | TreatySigned
    | TreatyDeferred
    | TreatyRatified
    | BorderTreaty
    | BorderSections
    | BorderClash
    | StateVisit
    | LeaderChange
    | Shock
    | PartnerSummit
    | BlocJoin
    | ParticipantJoin
    | StanceChange
)

#: The scenario's event models by kind (the ``kind`` each declares).
EVENT_MODELS: dict[str, type[EventBase]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model for model in get_args(Event)
}

#: Scenario kinds that are the agents' own decisions: imposed up to the pin date, decided
#: after it (declared in the log's vocabulary, :data:`casim.log.KINDS`).
OBSERVED_KINDS: frozenset[str] = frozenset(OBSERVED_ORDER)


class RunWindow(Frozen):
    pin_until: dt.date | None = None
    known_until: dt.date | None = None
    until: dt.date | None = None


class Scenario(Frozen):
    """A fully resolved scenario (``extends`` applied, events sorted by date)."""

    schema_version: Literal[1] = 1
    name: str
    description: str = ""
    start: dt.date
    end: dt.date
    run: RunWindow = Field(default_factory=RunWindow)
    dimensions: list[str] = Field(min_length=1)
    participants: list[str] = Field(min_length=2, description="participants at the start")
    states: dict[str, StateSpec]
    partners: dict[str, PartnerSpec]
    blocs: dict[str, BlocSpec]
    borders: dict[str, BorderSpec]
    documents: dict[str, DocumentSpec]
    meetings: MeetingSpec
    parameters: Parameters
    events: list[Annotated[Event, Field(discriminator="kind")]] = Field(default_factory=list)
    visits_listed_until: dt.date | None = Field(
        None,
        description="the date up to which the scenario's state_visit events list every "
        "bilateral visit of the heads of a pair with an open line: up to it (and up to "
        "known_until) the heads meet at the listed visits and the model draws none of its own",
    )
