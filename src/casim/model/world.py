"""The world state of one run: states and partners (:mod:`casim.model.agents`), borders,
documents, blocs, the format's meetings and the active shocks.

This module holds data and the derived views that decisions read (effective disposition
with experience and shocks applied, pull with blocs, tension with decay). It never imports
simpy and never draws random numbers; the engine mutates it, decisions only read it. The
views of disposition, pull, capacity, standing and active shock effects are cached until a
shock starts or ends, and external support for the current day: the clock moves only
through :meth:`World.advance`, whoever changes a stance, a membership or the shocks calls
:meth:`World.changed`, whoever changes one state's base pulls or disposition (an accepted
offer) calls :meth:`World.pulls_changed`, whoever changes an experience offset calls
:meth:`World.disposition_changed`, and whoever changes a partner's activity calls
:meth:`World.activity_changed`. A cached view is the value the uncached one would give:
the caching changes no output.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from casim.model.agents import PartnerAgent, StateAgent
from casim.model.trade import initial_potential, open_share
from casim.scenario.schema import DocumentSpec, Effect, Scenario

__all__ = [
    "LEVEL_SCORE",
    "ActiveShock",
    "Border",
    "Document",
    "World",
    "decayed",
    "pair_key",
]

#: Score of a delegation level in the meetings component and in bargaining weight.
LEVEL_SCORE: dict[str, float] = {"head": 1.0, "standin": 0.5, "none": 0.0}


def pair_key(a: str, b: str) -> str:
    """The canonical key of a pair of states: codes in alphabetical order joined by '-'."""
    return f"{a}-{b}" if a < b else f"{b}-{a}"


_NO_EFFECTS: list[Effect] = []


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


@dataclass
class Border:
    """The line between two neighbours."""

    pair: str
    a: str
    b: str
    progress: float
    tension: float
    baseline: float
    incident_rate: float
    escalation: float
    difficulty: float
    updated: float = 0.0  # day at which ``tension`` was last brought up to date
    settled_day: float | None = None
    last_major_day: float | None = None
    urgency: float = 0.0  # accumulated clash cost (ripeness), decays
    urgency_day: float = 0.0
    peak: float = 0.0  # highest tension this calendar year
    majors_year: int = 0
    shared_water: float = 0.0  # shared intakes, canals and reservoirs on the line
    ceasefire_day: float | None = None  # day the ceasefire now holding was agreed
    ceasefires: int = 0  # ceasefires agreed so far (identifies the one holding)
    mediator: str | None = None  # the partner mediating, while engaged
    mediation_strength: float = 0.0
    mediation_until: float = -math.inf
    sections: int = 0  # section agreements logged so far (of ``section_step`` each)
    demarcated_day: float | None = None
    pace: float = 1.0  # this year's multiple of the pace of talks (:func:`pace_factor`)
    pace_year: int | None = None  # the year ``pace`` was drawn for
    season: tuple[float, ...] | None = None  # seasonal factor by month (model/water.py)

    @property
    def settled(self) -> bool:
        return self.settled_day is not None

    @property
    def stage(self) -> str:
        """``open``, ``delimited`` (the treaty on the line signed) or ``demarcated``."""
        if self.demarcated_day is not None:
            return "demarcated"
        return "delimited" if self.settled else "open"


@dataclass
class Document:
    """A document through its life: proposed, negotiated, open, signed, ratified, in force."""

    id: str
    spec: DocumentSpec
    proposed_meeting: int | None = None
    rounds_done: int = 0
    opened_day: float | None = None
    text: dict[str, float] = field(default_factory=dict)
    signed: dict[str, float] = field(default_factory=dict)
    deferred: set[str] = field(default_factory=set)
    ratified: dict[str, float] = field(default_factory=dict)
    in_force_day: float | None = None
    in_force_needed: int = 1
    # state -> dimension -> wording a reservation or interpretive protocol grants it
    reservations: dict[str, dict[str, float]] = field(default_factory=dict)
    failed: dict[str, float] = field(default_factory=dict)  # failed ratifications, by state

    @property
    def open(self) -> bool:
        return self.opened_day is not None

    def text_for(self, code: str) -> dict[str, float]:
        """The text as it binds one state: the common text with its reservations applied."""
        granted = self.reservations.get(code)
        return {**self.text, **granted} if granted else self.text


@dataclass(frozen=True)
class ActiveShock:
    id: str
    start: float
    end: float  # math.inf when open-ended
    effects: tuple[Effect, ...]


@dataclass
class World:
    """Everything one run knows at the current simulated day."""

    scenario: Scenario
    _day: float = 0.0
    states: dict[str, StateAgent] = field(default_factory=dict)
    partners: dict[str, PartnerAgent] = field(default_factory=dict)
    participants: list[str] = field(default_factory=list)
    borders: dict[str, Border] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    memberships: dict[str, dict[str, float]] = field(default_factory=dict)  # bloc -> code -> w
    shocks: list[ActiveShock] = field(default_factory=list)
    founded: bool = False
    meetings_held: int = 0
    rotation: list[str] = field(default_factory=list)
    formats_met: dict[str, int] = field(default_factory=dict)  # format -> meetings so far
    trade_bn: float = 0.0
    trade_potential_bn: float = 0.0  # trade with no border barrier or clash (model/trade.py)
    year_meeting_levels: dict[str, float] | None = None  # levels at this year's meeting
    meeting_scores: list[float] = field(default_factory=list)  # past years' meeting scores
    economic_offers_year: int = 0  # investment and corridor offers accepted this year
    documents_generated: int = 0
    # code -> [(neighbour, pair)]
    neighbours: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _effects_cache: dict[str, list[Effect]] | None = None
    _effects_n: int = 0  # shocks seen when the effects were cached
    _t_half: float = 1.0  # tension half-life in days, set from the parameters
    _next_start: float = math.inf  # next day a shock starts (see _shock_bounds)
    _next_end: float = math.inf  # last day of the active shock that ends first
    _pull_cache: dict[str, dict[str, float]] = field(default_factory=dict)  # code -> partner
    _support_cache: dict[tuple[str, float], float] = field(default_factory=dict)
    _disposition_cache: dict[str, float] = field(default_factory=dict)
    _partner_cache: list[tuple[str, str | None, float, float]] | None = None
    _arbitration_cache: dict[tuple[str, str], float] = field(default_factory=dict)
    _standing_cache: dict[tuple[str, str], float] = field(default_factory=dict)
    _weights_cache: dict[tuple[str, float], tuple[tuple[int, float], ...]] = field(
        default_factory=dict
    )
    _capacity_cache: dict[str, float] = field(default_factory=dict)
    _month_day: float = -1.0  # the day ``_month`` was computed for
    _month: int = 0

    def __post_init__(self) -> None:
        self._t_half = self.scenario.parameters.borders.tension_half_life_days

    # ------------------------------------------------------------------ building

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> World:
        gdp = sum(s.gdp_bn for s in scenario.states.values()) or 1.0
        pop = sum(s.population_m for s in scenario.states.values()) or 1.0
        world = cls(scenario=scenario)
        for code, spec in scenario.states.items():
            capability = 0.5 * spec.gdp_bn / gdp + 0.5 * spec.population_m / pop
            since = spec.irregular_since
            irregular = None if since is None else float((since - scenario.start).days)
            world.states[code] = StateAgent.from_spec(code, spec, capability, irregular)
        world.participants = list(scenario.participants)
        for pair, line in scenario.borders.items():
            a, b = pair.split("-")
            world.borders[pair] = Border(
                pair=pair,
                a=a,
                b=b,
                progress=line.progress,
                tension=line.tension,
                baseline=line.baseline_tension,
                incident_rate=line.incident_rate,
                escalation=line.escalation,
                difficulty=line.difficulty,
                shared_water=line.shared_water,
                peak=line.tension,
                settled_day=0.0 if line.progress >= 1.0 else None,
            )
            world.neighbours.setdefault(a, []).append((b, pair))
            world.neighbours.setdefault(b, []).append((a, pair))
        for did, doc in scenario.documents.items():
            world.documents[did] = Document(
                id=did, spec=doc, in_force_needed=doc.in_force_ratifications
            )
        for bid, bloc in scenario.blocs.items():
            weights = {code: 1.0 for code in bloc.members}
            weights.update({code: bloc.observer_weight for code in bloc.observers})
            world.memberships[bid] = weights
        for pid, partner in scenario.partners.items():
            blocs = [b for b, bloc in scenario.blocs.items() if bloc.partner == pid]
            world.partners[pid] = PartnerAgent(id=pid, spec=partner, blocs=blocs)
        world.founded = scenario.meetings.founded
        world.rotation = list(scenario.meetings.rotation)
        world.trade_bn = scenario.parameters.trade.initial_bn
        world.trade_potential_bn = initial_potential(
            world.trade_bn,
            open_share(b.settled for b in world.borders.values()),
            scenario.parameters.trade,
        )
        return world

    # ------------------------------------------------------------------ caching

    @property
    def day(self) -> float:
        """The current simulated day (days since the scenario's start)."""
        return self._day

    def advance(self, day: float) -> None:
        """Move the world's clock to ``day``. External support (partner activity decays)
        is dropped at every new day; disposition, pull and shock effects only when a shock
        starts or ends."""
        if day != self._day:
            self._day = day
            self._support_cache.clear()
            self._partner_cache = None
            if self.shocks and (day >= self._next_start or day > self._next_end):
                self._shock_bounds()
                self._drop_stances()

    def _shock_bounds(self) -> None:
        """The next day a shock starts, and the last day before one ends (from today)."""
        day = self._day
        self._next_start = min((s.start for s in self.shocks if s.start > day), default=math.inf)
        self._next_end = min(
            (s.end for s in self.shocks if s.start <= day <= s.end), default=math.inf
        )

    def changed(self) -> None:
        """Mark stances, memberships or the shocks as changed (drops every cached view)."""
        self._shock_bounds()
        self._drop_stances()
        self._support_cache.clear()
        self._partner_cache = None
        self._arbitration_cache.clear()

    def pulls_changed(self, code: str) -> None:
        """Mark one state's base pulls or disposition as changed (an accepted offer):
        drops that state's cached pulls, disposition and external support; no other view
        reads them."""
        self._pull_cache.pop(code, None)
        self._disposition_cache.pop(code, None)
        for cache in (self._support_cache, self._weights_cache):
            for key in [key for key in cache if key[0] == code]:
                del cache[key]

    def disposition_changed(self, *codes: str) -> None:
        """Mark these states' experience offsets (every state's, with none named) as
        changed: drops their cached dispositions only (no other view reads them)."""
        if not codes:
            self._disposition_cache.clear()
        for code in codes:
            self._disposition_cache.pop(code, None)

    def activity_changed(self) -> None:
        """Mark a partner's activity as changed (drops the cached external support only)."""
        self._support_cache.clear()
        self._partner_cache = None

    def _drop_stances(self) -> None:
        self._pull_cache.clear()
        self._disposition_cache.clear()
        self._standing_cache.clear()
        self._capacity_cache.clear()
        self._weights_cache.clear()
        self._effects_cache = None

    # ------------------------------------------------------------------ effects

    def _effects(self, target: str) -> list[Effect]:
        """Effects of the shocks active today, for one target (cached for the day)."""
        active = self._effects_cache
        if active is None or self._effects_n != len(self.shocks):
            self._effects_n = len(self.shocks)
            active = {}
            for shock in self.shocks:
                if shock.start <= self._day <= shock.end:
                    for e in shock.effects:
                        active.setdefault(e.target, []).append(e)
            self._effects_cache = active
        return active.get(target, _NO_EFFECTS)

    def meetings_blocked(self) -> bool:
        return bool(self._effects("meetings_blocked"))

    def host_blocked(self, code: str) -> bool:
        return any(not e.states or code in e.states for e in self._effects("host_blocked"))

    def trade_shock(self) -> float:
        return sum(e.delta for e in self._effects("trade_growth"))

    def mediation(self, pair: str) -> float:
        """Progress per year that active outside mediation adds to a border's talks."""
        return sum(e.delta for e in self._effects("mediation") if e.pair == pair)

    def disposition(self, code: str) -> float:
        cached = self._disposition_cache.get(code)
        if cached is None:
            cached = self._disposition_cache[code] = self._disposition(code)
        return cached

    def _disposition(self, code: str) -> float:
        st = self.states[code]
        base = st.disposition + st.experience
        for e in self._effects("disposition"):
            if not e.states or code in e.states:
                base += e.delta
        return _clip(base)

    def pull(self, code: str, partner: str) -> float:
        mine = self._pull_cache.get(code)
        if mine is None:
            mine = self._pull_cache[code] = {}
        cached = mine.get(partner)
        if cached is None:
            cached = mine[partner] = self._pull(code, partner)
        return cached

    def _pull(self, code: str, partner: str) -> float:
        value = self.states[code].pull.get(partner, 0.0)
        blocs = self.scenario.blocs
        for bid in self.partners[partner].blocs:
            value += blocs[bid].pull * self.memberships[bid].get(code, 0.0)
        for e in self._effects("pull"):
            if e.partner == partner and (not e.states or code in e.states):
                value += e.delta
        return _clip(value)

    def partner_activity(self, partner: str) -> float:
        """A partner's summit activity today (decayed since its last summit)."""
        agent = self.partners[partner]
        level = agent.activity
        if level == 0.0:
            return 0.0
        half = self.scenario.parameters.partners.activity_half_life_days
        return decayed(level, self.day - agent.activity_day, half)

    def partner_summit(self, partner: str, turnout: float = 1.0) -> None:
        """A partner held a summit today: its activity rises by the turnout (the invited
        states' mean delegation level, 1 when every head came)."""
        agent = self.partners[partner]
        agent.activity = self.partner_activity(partner) + turnout
        agent.activity_day = self.day
        self.activity_changed()

    def capacity(self, partner: str) -> float:
        """A partner's capacity today: its spec's plus active shock deltas, in [0, 1]."""
        cached = self._capacity_cache.get(partner)
        if cached is None:
            cached = self._capacity_cache[partner] = self._capacity(partner)
        return cached

    def _capacity(self, partner: str) -> float:
        value = self.partners[partner].spec.capacity
        for e in self._effects("capacity"):
            if e.partner == partner:
                value += e.delta
        return _clip(value)

    def credibility(self, code: str, partner: str) -> float:
        """How far a state trusts a partner today: 1 plus active shock deltas, in [0, 1]."""
        value = 1.0
        for e in self._effects("credibility"):
            if e.partner == partner and (not e.states or code in e.states):
                value += e.delta
        return _clip(value)

    def standing(self, code: str, partner: str) -> float:
        """The weight a state gives a partner beyond its pull: capacity x credibility."""
        key = (code, partner)
        cached = self._standing_cache.get(key)
        if cached is None:
            cached = self._standing_cache[key] = self.capacity(partner) * self.credibility(
                code, partner
            )
        return cached

    def guard(self, code: str, partner: str) -> float:
        """How far a partner guards a state's membership of its blocs against rival
        commitments: the highest ``guarantee x membership weight`` of the blocs it leads."""
        blocs = self.scenario.blocs
        return max(
            (
                blocs[b].guarantee * self.memberships[b].get(code, 0.0)
                for b in self.partners[partner].blocs
            ),
            default=0.0,
        )

    def external_support(self, code: str, clause: float = 0.0) -> float:
        """Net pressure of the partners for one state, in [-1, 1], on a document whose
        bloc clause is ``clause`` (0: the format itself):

        ``sum_p pull_ip x standing_ip x (1 + summit_boost x activity_p) x stance_pi``, with
        ``stance_pi = regional_support_p - clause x guard_pi`` clipped to [-1, 1]; a partner
        that favours a bloc counts only for its members."""
        key = (code, clause)
        cached = self._support_cache.get(key)
        if cached is None:
            cached = self._support_cache[key] = self._external_support(code, clause)
        return cached

    def _external_support(self, code: str, clause: float) -> float:
        terms = self._partner_terms()
        total = 0.0
        for i, weight in self._support_weights(code, clause):
            total += weight * terms[i][3]
        return max(-1.0, min(1.0, total))

    def _support_weights(self, code: str, clause: float) -> tuple[tuple[int, float], ...]:
        """Per partner that counts for the state (by its index in :meth:`_partner_terms`):
        ``pull_ip x standing_ip x stance_pi``, the part of its term that does not change
        from day to day (its activity does). Cached until stances, memberships, the
        shocks or the state's pulls change."""
        key = (code, clause)
        weights = self._weights_cache.get(key)
        if weights is None:
            found = []
            for i, (pid, bloc, support, _) in enumerate(self._partner_terms()):
                if bloc is not None and self.memberships[bloc].get(code, 0.0) == 0.0:
                    continue
                pull = self.pull(code, pid)
                if pull:
                    stance = support - clause * self.guard(code, pid) if clause else support
                    stance = max(-1.0, min(1.0, stance))
                    found.append((i, pull * self.standing(code, pid) * stance))
            weights = self._weights_cache[key] = tuple(found)
        return weights

    def _partner_terms(self) -> list[tuple[str, str | None, float, float]]:
        """Per partner today: (id, bloc it favours, regional support, 1 + boost x activity)."""
        terms = self._partner_cache
        if terms is None:
            boost = self.scenario.parameters.partners.summit_boost
            terms = self._partner_cache = [
                (
                    pid,
                    p.spec.favours_bloc,
                    p.spec.regional_support,
                    1.0 + boost * self.partner_activity(pid),
                )
                for pid, p in self.partners.items()
            ]
        return terms

    def arbitration(self, a: str, b: str) -> float:
        """Border progress per year that blocs add as arbiters between two full members."""
        key = (a, b)
        rate = self._arbitration_cache.get(key)
        if rate is None:
            rate = 0.0
            for bid, bloc in self.scenario.blocs.items():
                members = self.memberships[bid]
                if members.get(a, 0.0) == 1.0 and members.get(b, 0.0) == 1.0:
                    rate += bloc.arbitration_rate
            self._arbitration_cache[key] = rate
        return rate

    # ------------------------------------------------------------------ borders

    def tension(self, pair: str) -> float:
        """Tension on a border today, with decay since the last update applied."""
        b = self.borders[pair]
        return b.baseline + decayed(b.tension - b.baseline, self._day - b.updated, self._t_half)

    def set_tension(self, pair: str, value: float) -> None:
        b = self.borders[pair]
        b.tension = _clip(value)
        b.updated = self.day
        b.peak = max(b.peak, b.tension)

    def ceasefire_holds(self, pair: str) -> bool:
        """Whether a ceasefire agreed on the line still holds today."""
        return self.borders[pair].ceasefire_day is not None

    def mediator_strength(self, pair: str) -> float:
        """The strength of the partner mediating on the line today (0 if none is engaged)."""
        b = self.borders[pair]
        return (
            b.mediation_strength
            if b.mediator is not None and self.day <= b.mediation_until
            else 0.0
        )

    def month(self) -> int:
        """The calendar month of the current day (1-12)."""
        if self._month_day != self._day:
            self._month_day = self._day
            self._month = (self.scenario.start + dt.timedelta(days=int(self._day))).month
        return self._month

    def urgency(self, pair: str) -> float:
        b = self.borders[pair]
        half = self.scenario.parameters.borders.ripeness_half_life_days
        return decayed(b.urgency, self.day - b.urgency_day, half)

    def tension_between(self, a: str, b: str) -> float:
        key = pair_key(a, b)
        return self.tension(key) if key in self.borders else 0.0

    def worst_tension(self, code: str) -> float:
        """The highest tension today between a state and another participant (0 if none)."""
        worst = 0.0
        for other, pair in self.neighbours.get(code, ()):
            if other in self.participants:
                t = self.tension(pair)
                if t > worst:
                    worst = t
        return worst

    def recent_major(self, a: str, b: str, days: float) -> bool:
        border = self.borders.get(pair_key(a, b))
        return (
            border is not None
            and border.last_major_day is not None
            and self.day - border.last_major_day <= days
        )

    def novelty(self, fmt: str) -> float:
        """1 at a format's first meeting, 1/2 at its second, and so on."""
        return 1.0 / (1.0 + self.formats_met.get(fmt, 0))

    def mean_disposition(self) -> float:
        return sum(self.disposition(c) for c in self.participants) / len(self.participants)


def decayed(level: float, since_days: float, half_life_days: float) -> float:
    """Exponential decay helper shared by tension, urgency and partner activity."""
    return level * math.pow(0.5, since_days / half_life_days)
