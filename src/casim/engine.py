"""The SimPy engine: the one module that imports simpy.

One run is one :class:`Engine`. Its processes, started in this order, are:

1. ``exogenous``: applies the scenario's exogenous events (leader changes, shocks,
   partners' summits, bloc and participant joins, stance changes) on their dates, dropping
   those dated after ``known_until`` unless marked ``assumed`` (a ``scheduled`` leader
   change still comes on its date, with a drawn successor);
2. ``observed``: imposes the recorded outcomes (meetings and delegations, signatures,
   deferrals, ratifications, border treaties, clashes) dated up to ``pin_until``;
3. ``meetings``: each year not pinned, founds the format or convenes the due meeting
   (rotation, postponement, date in the window), which runs delegations, bargaining,
   signatures and deferrals;
4. per border: ``incidents`` (Poisson with a tension-dependent rate; minor or major, only
   minor before ``pin_until``) and, from ``pin_until``, ``negotiation`` (rounds of talks
   that move the line toward agreement) and ``visits`` (the heads' visits, at which an
   agreed line is signed);
5. after ``known_until``: per state ``leaders`` (turnover hazard) and per partner
   ``partners`` (C5+X summits at the partner's rate);
6. ``yearly``: at each 31 December, the panel and index rows, then trade for next year.

Ratifications are spawned as processes when a document is signed. Decisions come from
:mod:`casim.model.decisions`; every draw comes from a named stream (:mod:`casim.rng`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import numpy as np
import simpy

from casim.log import RunRecord
from casim.model import decisions as dec
from casim.model.indicators import COMPONENTS, components, index_value, state_row
from casim.model.world import LEVEL_SCORE, ActiveShock, Document, World
from casim.rng import Streams
from casim.scenario.schema import (
    OBSERVED_KINDS,
    BlocJoin,
    BorderClash,
    BorderTreaty,
    DocumentSpec,
    EventBase,
    LeaderChange,
    ParticipantJoin,
    PartnerSummit,
    Scenario,
    Shock,
    StanceChange,
    Summit,
    SummitPostponed,
    TreatyDeferred,
    TreatyRatified,
    TreatySigned,
)
from casim.scenario.window import resolved_window

__all__ = ["Engine"]

Proc = Generator[simpy.Event, Any, None]

# same-day order of recorded outcomes: a meeting before what is signed at it
_OBSERVED_ORDER = {
    "summit": 0,
    "summit_postponed": 0,
    "border_clash": 1,
    "border_treaty_signed": 2,
    "treaty_signed": 3,
    "treaty_deferred": 4,
    "treaty_ratified": 5,
}
_CONSULTATIVE = "consultative"


class Engine:
    """One run of one scenario."""

    def __init__(
        self,
        scenario: Scenario,
        seq: np.random.SeedSequence,
        run: int,
        seed: int,
        *,
        panel: bool = True,
    ) -> None:
        self.scenario = scenario
        self.keep_panel = panel
        self._iso_day = -1.0
        self._iso = ""
        self.env = simpy.Environment()
        self.world = World.from_scenario(scenario)
        self.streams = Streams(seq)
        self.record = RunRecord(run=run, seed=seed)
        self._events = self.record.events  # rows as in RunRecord.event, appended directly
        self._run, self._seed = run, seed
        self.start = scenario.start
        self._start_ordinal = scenario.start.toordinal()
        pin, known, until = resolved_window(scenario)
        self.pin_day = self.day(pin)
        self.known_day = self.day(known)
        self.until = until
        self.observed_ratifications = {
            (e.state, e.treaty)
            for e in scenario.events
            if isinstance(e, TreatyRatified) and e.date <= pin
        }
        self._seen_at_known: dict[str, int] = {}  # leaders seen by known_until, per state
        self.pinned_meeting_years = {
            e.date.year for e in scenario.events if isinstance(e, Summit) and e.date <= pin
        }

    # ---------------------------------------------------------------- time

    def day(self, date: dt.date) -> float:
        return float((date - self.start).days)

    def today(self) -> dt.date:
        return dt.date.fromordinal(self._start_ordinal + int(self.env.now))

    def pinned(self) -> bool:
        return self.env.now <= self.pin_day

    def wait_until(self, day: float) -> simpy.Event:
        return self.env.timeout(max(0.0, day - self.env.now))

    def log(
        self, kind: str, subject: str, obj: str = "", outcome: str = "", origin: str = "model"
    ) -> None:
        now = self.env.now
        if now != self._iso_day:
            self._iso_day = now
            self._iso = self.today().isoformat()
        self._events.append((self._run, self._seed, self._iso, kind, subject, obj, outcome, origin))

    # ---------------------------------------------------------------- run

    def run(self) -> RunRecord:
        env = self.env
        s = self.scenario
        env.process(self._exogenous())
        env.process(self._observed())
        env.process(self._meetings())
        for pair in s.borders:
            env.process(self._incidents(pair))
            env.process(self._negotiation(pair))
            env.process(self._visits(pair))
        for code in s.states:
            env.process(self._leaders(code))
        for pid in s.partners:
            env.process(self._partners(pid))
        env.process(self._yearly())
        env.run(until=self.day(self.until) + 1.0)
        return self.record

    def _sync(self) -> None:
        self.world.advance(self.env.now)

    # ---------------------------------------------------------------- scheduled events

    def _exogenous(self) -> Proc:
        known = self.known_day
        for event in self.scenario.events:
            if event.kind in OBSERVED_KINDS:
                continue
            if self.day(event.date) > known and not event.assumed:
                if isinstance(event, LeaderChange) and event.scheduled:
                    yield self.wait_until(self.day(event.date))
                    self._sync()
                    self._scheduled_change(event)
                continue
            yield self.wait_until(self.day(event.date))
            self._sync()
            self._apply_exogenous(event, "assumed" if event.assumed else "exogenous")

    def _scheduled_change(self, e: LeaderChange) -> None:
        """A change whose date was public (a term's end) but whose successor was not: the
        successor is drawn as for turnover."""
        st = self.world.states[e.state]
        if st.leaders_seen != self._seen_at_known.get(e.state, st.leaders_seen):
            return  # the leader left early; the successor's term runs on its own calendar
        disposition = dec.successor_disposition(
            self.world, e.state, self.streams(f"term:{e.state}")
        )
        if e.turnover_hazard is not None:
            st.turnover_hazard = e.turnover_hazard
        self._change_leader(
            e.state, f"{e.state} leader {st.leaders_seen + 1}", disposition, "scheduled"
        )

    def _observed(self) -> Proc:
        events = [
            e
            for e in self.scenario.events
            if e.kind in OBSERVED_KINDS and self.day(e.date) <= self.pin_day
        ]
        events.sort(key=lambda e: (e.date, _OBSERVED_ORDER[e.kind], e.id))
        for event in events:
            yield self.wait_until(self.day(event.date))
            self._sync()
            self._apply_observed(event)

    def _apply_exogenous(self, e: EventBase, origin: str) -> None:
        w = self.world
        if isinstance(e, LeaderChange):
            if e.turnover_hazard is not None:
                self.world.states[e.state].turnover_hazard = e.turnover_hazard
            self._change_leader(e.state, e.leader, e.disposition, origin)
        elif isinstance(e, Shock):
            end = self.day(e.end) if e.end is not None else math.inf
            w.shocks.append(ActiveShock(e.id, self.env.now, end, tuple(e.effects)))
            w.changed()
            for eff in e.effects:
                if eff.target == "tension" and eff.pair is not None:
                    w.set_tension(eff.pair, w.tension(eff.pair) + eff.delta)
            everyone = any(not eff.states for eff in e.effects)
            states = ["ALL"] if everyone else sorted({c for eff in e.effects for c in eff.states})
            until = e.end.isoformat() if e.end is not None else "open"
            self.log("shock", "+".join(states), e.id, f"until {until}", origin)
        elif isinstance(e, PartnerSummit):
            self._partner_summit(e.partner, e.host, dict(e.delegations), origin)
        elif isinstance(e, BlocJoin):
            bloc = self.scenario.blocs[e.bloc]
            w.memberships[e.bloc][e.state] = 1.0 if e.status == "member" else bloc.observer_weight
            w.changed()
            self.log("bloc_join", e.state, e.bloc, e.status, origin)
        elif isinstance(e, ParticipantJoin):
            if e.state not in w.participants:
                w.participants.append(e.state)
                if e.state not in w.rotation:
                    w.rotation.append(e.state)
            self.log("participant_join", e.state, "", "joined", origin)
        elif isinstance(e, StanceChange):
            st = w.states[e.state]
            if e.field in ("position", "salience", "pull"):
                assert e.key is not None
                getattr(st, e.field)[e.key] = e.value
            else:
                setattr(st, e.field, e.value)
            w.changed()
            label = e.field + (f".{e.key}" if e.key else "")
            self.log("stance_change", e.state, label, f"{e.value:.2f}", origin)
            self._reconsider(e.state)

    def _apply_observed(self, e: EventBase) -> None:
        w = self.world
        if isinstance(e, Summit):
            self._hold_meeting(e.host, dict(e.delegations), pinned=True)
        elif isinstance(e, SummitPostponed):
            self.log("summit_postponed", e.host, "", "recorded", "observed")
        elif isinstance(e, TreatySigned):
            doc = w.documents[e.treaty]
            if not doc.open:
                self._open(doc, {c: 1.0 for c in w.participants}, "observed")
            self._sign(doc, e.state, "observed")
        elif isinstance(e, TreatyDeferred):
            w.documents[e.treaty].deferred.add(e.state)
            self.log("treaty_deferred", e.state, e.treaty, "recorded", "observed")
        elif isinstance(e, TreatyRatified):
            self._ratified(w.documents[e.treaty], e.state, "observed")
        elif isinstance(e, BorderTreaty):
            self._settle(e.pair, "observed")
        elif isinstance(e, BorderClash):
            self._clash(e.pair, e.severity == "major", "observed")

    # ---------------------------------------------------------------- meetings

    def _meetings(self) -> Proc:
        m = self.scenario.meetings
        w = self.world
        founding_after: float | None = None  # day the accepted founding meeting may open
        for year in range(self.start.year, self.until.year + 1):
            yield self.wait_until(self.day(dt.date(year, 1, 1)))
            self._sync()
            if year in self.pinned_meeting_years or self.day(dt.date(year, 12, 31)) <= self.pin_day:
                continue
            earliest = None
            if self.env.now <= self.pin_day:
                earliest = self.start + dt.timedelta(days=int(self.pin_day) + 1)
            rng = self.streams("meetings")
            if not w.founded:
                if founding_after is None:
                    if m.initiator not in w.participants or not dec.founding_accepted(
                        w, self.streams("founding")
                    ):
                        continue
                    founding_after = self.env.now + m.founding_lead_days
                ready = self.start + dt.timedelta(days=math.ceil(founding_after))
                if ready.year > year:
                    continue  # the new format is still being prepared
                earliest = ready if earliest is None else max(earliest, ready)
                host = m.initiator
            else:
                due = dec.choose_host(w)
                if due is None:
                    self.log("summit_postponed", w.rotation[0], "", "no_host")
                    continue
                host = due
                if not dec.meeting_held(w, host, rng):
                    self.log("summit_postponed", host, "", "not_convened")
                    continue
            date = dec.draw_meeting_date(year, (m.window_start, m.window_end), earliest, rng)
            if date is None:
                continue
            yield self.wait_until(self.day(date))
            self._sync()
            held = True
            while w.meetings_blocked() or w.host_blocked(host):
                retry = self.today() + dt.timedelta(days=m.retry_days)
                if retry.year != year:
                    self.log("summit_postponed", host, "", "blocked")
                    held = False
                    break
                yield self.wait_until(self.day(retry))
                self._sync()
            if held:
                self._hold_meeting(host, {}, pinned=False)

    def _hold_meeting(self, host: str, delegations: dict[str, str], *, pinned: bool) -> None:
        w = self.world
        origin = "observed" if pinned else "model"
        w.founded = True
        w.meetings_held += 1
        n = w.meetings_held
        if host in w.rotation:
            w.rotation.remove(host)
        w.rotation.append(host)
        self.log("summit_held", host, f"meeting_{n}", "held", origin)
        levels = self._attendance(
            w.participants, host, _CONSULTATIVE, delegations, "summit_attended", host
        )
        w.year_meeting_levels = {c: LEVEL_SCORE[v] for c, v in levels.items()}
        self._bargain(n, levels, pinned)

    def _bargain(self, n: int, levels: dict[str, str], pinned: bool) -> None:
        w = self.world
        host = w.rotation[-1]
        for doc in w.documents.values():
            if doc.proposed_meeting is None and doc.spec.proposed_at_meeting == n:
                doc.proposed_meeting = n
                self.log("document_proposed", host, doc.id, doc.spec.kind)
        listed_done = all(d.proposed_meeting is not None for d in w.documents.values())
        if not pinned and listed_done and dec.new_document_launched(w, self.streams("documents")):
            self._generate_document(n, host)
        present = {c: LEVEL_SCORE[v] for c, v in levels.items() if v != "none"}
        for doc in w.documents.values():
            if doc.proposed_meeting is None or doc.open:
                continue
            if n > doc.proposed_meeting:
                doc.rounds_done += 1
            if doc.rounds_done >= doc.spec.rounds:
                self._open(doc, present, "model")
        if pinned:
            return
        for doc in w.documents.values():
            if doc.open:
                self._signing_round(doc, levels)

    def _generate_document(self, n: int, host: str) -> None:
        w = self.world
        p = self.scenario.parameters.documents
        w.documents_generated += 1
        scope = dec.generated_scope(w, self.streams("documents"))
        doc_id = f"agreement_{w.documents_generated:02d}"
        needed = max(1, math.ceil(p.in_force_share * len(w.participants)))
        spec = DocumentSpec(
            name=f"Agreement launched at meeting {n}",
            kind="treaty",
            proposed_at_meeting=n,
            rounds=p.rounds,
            scope=scope,
            in_force_ratifications=needed,
        )
        w.documents[doc_id] = Document(
            id=doc_id, spec=spec, proposed_meeting=n, in_force_needed=needed
        )
        self.log("document_proposed", host, doc_id, "+".join(scope))

    def _open(self, doc: Document, present: dict[str, float], origin: str) -> None:
        doc.text = dec.bargain_text(self.world, doc, present)
        doc.opened_day = self.env.now
        text = ";".join(f"{k}={v:.2f}" for k, v in doc.text.items())
        self.log("document_opened", self.world.rotation[-1], doc.id, text, origin)

    def _signing_round(self, doc: Document, levels: dict[str, str]) -> None:
        w = self.world
        candidates = [
            c for c in w.participants if c not in doc.signed and levels.get(c, "none") != "none"
        ]
        if not candidates:
            return
        base = {c: dec.sign_base(w, c, doc, levels[c]) for c in candidates}
        peer = self.scenario.parameters.signature.peer
        # every candidate is a participant that has not signed: the same share for all
        others = len(w.participants) - 1
        signed = sum(1 for c in w.participants if c in doc.signed)
        share = signed / others if others > 0 else 0.0
        first = {c: base[c][0] + peer * share for c in candidates}
        for code in sorted(candidates, key=lambda c: (-first[c], c)):
            logit, reason = base[code]
            self._decide(doc, code, logit + peer * share, reason)
            if code in doc.signed:
                signed += 1
                share = signed / others

    def _signed_share(self, doc: Document, code: str) -> float:
        """The share of the other participants that have signed ``doc``."""
        participants = self.world.participants
        others = len(participants) - (code in participants)
        if others <= 0:
            return 0.0
        signed = doc.signed
        n = sum(1 for c in participants if c in signed) - (code in signed and code in participants)
        return n / others

    def _decide(self, doc: Document, code: str, logit: float, reason: str) -> None:
        """Sign with probability logistic(logit), else defer citing ``reason``."""
        u = self.streams(f"signature:{code}").random()
        if u < dec.logistic(logit):
            self._sign(doc, code, "model")
        else:
            doc.deferred.add(code)
            self.log("treaty_deferred", code, doc.id, reason)

    def _sign(self, doc: Document, code: str, origin: str) -> None:
        doc.signed[code] = self.env.now
        doc.deferred.discard(code)
        self.log("treaty_signed", code, doc.id, "signed", origin)
        if doc.spec.kind == "declaration":
            self._ratified(doc, code, "model")
        elif (code, doc.id) not in self.observed_ratifications:
            delay = dec.ratification_delay(self.world, code, self.streams(f"ratification:{code}"))
            self._later(delay, lambda: self._ratified(doc, code, "model"))

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` after ``delay`` days, if that is still within the run."""
        last = self.day(self.until)

        def fire(_: simpy.Event) -> None:
            self._sync()
            if self.env.now <= last:
                action()

        self.env.timeout(delay).callbacks.append(fire)

    def _ratified(self, doc: Document, code: str, origin: str) -> None:
        if code in doc.ratified:
            return
        doc.ratified[code] = self.env.now
        if doc.spec.kind == "treaty":
            self.log("treaty_ratified", code, doc.id, "ratified", origin)
        if doc.in_force_day is None and len(doc.ratified) >= doc.in_force_needed:
            doc.in_force_day = self.env.now
            self.log("treaty_in_force", "ALL", doc.id, f"{len(doc.ratified)} ratifications", origin)

    def _reconsider(self, code: str) -> None:
        """A deferring state re-evaluates open documents when an objection goes away."""
        if self.pinned():
            return
        for doc in self.world.documents.values():
            if doc.open and code in doc.deferred and code not in doc.signed:
                logit, reason = dec.sign_logit(
                    self.world, code, doc, "head", self._signed_share(doc, code)
                )
                self._decide(doc, code, logit, reason)

    # ---------------------------------------------------------------- borders

    def _settle(self, pair: str, origin: str) -> None:
        w = self.world
        b = w.borders[pair]
        if b.settled:
            return
        b.progress = 1.0
        b.settled_day = self.env.now
        w.settlements_year += 1
        b.baseline = self.scenario.parameters.borders.settled_tension
        w.set_tension(pair, min(w.tension(pair), b.baseline))
        self.log("border_treaty_signed", pair, "", "signed", origin)
        for code in (b.a, b.b):
            rng = self.streams(f"border_ratification:{code}")
            delay = dec.ratification_delay(w, code, rng)
            self._later(delay, partial(self.log, "border_treaty_ratified", code, pair, "ratified"))
        for code in (b.a, b.b):
            self._reconsider(code)

    def _clash(self, pair: str, major: bool, origin: str) -> None:
        w = self.world
        b = w.borders[pair]
        p = self.scenario.parameters.borders
        w.set_tension(pair, w.tension(pair) + (p.major_step if major else p.minor_step))
        if major:
            b.urgency = w.urgency(pair) + 1.0
            b.urgency_day = self.env.now
            b.last_major_day = self.env.now
            b.majors_year += 1
        self.log("border_clash", pair, "major" if major else "minor", "clash", origin)

    def _arrivals(
        self,
        pair: str,
        rate: Callable[[], float],
        act: Callable[[], None],
        rng: np.random.Generator,
    ) -> Proc:
        """Poisson arrivals on an open line at ``rate()`` per day (redrawn at least every
        ``recheck_days``), calling ``act()`` at each, until the line is settled."""
        b = self.world.borders[pair]
        recheck = self.scenario.parameters.borders.recheck_days
        while not b.settled:
            self._sync()
            r = rate()
            wait = rng.exponential(1.0 / r) if r > 0 else math.inf
            if wait > recheck:
                yield self.env.timeout(recheck)
                continue
            yield self.env.timeout(wait)
            self._sync()
            if b.settled:
                return
            act()

    def _incidents(self, pair: str) -> Proc:
        """Incidents on an open line. Before the pin date they run too, but only as minor
        ones: the record lists every major clash, not the incidents that build tension."""
        rng = self.streams(f"incidents:{pair}")

        def incident() -> None:
            major = rng.random() < dec.major_probability(self.world, pair) and not self.pinned()
            self._clash(pair, bool(major), "model")

        yield from self._arrivals(pair, partial(dec.incident_rate, self.world, pair), incident, rng)

    def _negotiation(self, pair: str) -> Proc:
        """Border commissions meet every ``round_days`` from the pin date; an agreed line
        (progress 1) waits for the heads' signature at a visit. Before the pin date a line
        does not move: the record says whether its treaty was signed, not how far the talks
        got, so a line the record leaves open enters the branch date where it started."""
        w = self.world
        b = w.borders[pair]
        rng = self.streams(f"negotiation:{pair}")
        days = self.scenario.parameters.borders.round_days
        if self.pin_day > 0:
            yield self.wait_until(self.pin_day)
        while not b.settled and b.progress < 1.0:
            yield self.env.timeout(days)
            self._sync()
            if b.settled:
                return
            step = dec.negotiation_step(w, pair, days, rng)
            b.progress = min(b.progress + step, 1.0)

    def _visits(self, pair: str) -> Proc:
        """The heads of a pair with an open line visit each other (more often on a new
        leader's tour). A visit signs an agreed line, unless a clash froze the talks, and
        otherwise instructs the commissions (a push to progress)."""
        w = self.world
        b = w.borders[pair]
        rng = self.streams(f"visits:{pair}")

        def visit() -> None:
            if dec.frozen(w, pair):
                self.log("state_visit", pair, "", "frozen")
            elif b.progress >= 1.0:
                self.log("state_visit", pair, "", "signed")
                self._settle(pair, "model")
            else:
                b.progress = min(b.progress + dec.visit_push(w, pair, rng), 1.0)
                self.log("state_visit", pair, "", "talks")

        if self.pin_day >= 0:
            yield self.wait_until(self.pin_day + 1.0)
        yield from self._arrivals(pair, partial(dec.visit_rate, w, pair), visit, rng)

    # ---------------------------------------------------------------- leaders, partners

    def _leaders(self, code: str) -> Proc:
        w = self.world
        st = w.states[code]
        rng = self.streams(f"leaders:{code}")
        yield self.wait_until(self.known_day + 1.0)
        self._seen_at_known[code] = st.leaders_seen
        while st.turnover_hazard > 0:
            yield self.env.timeout(rng.exponential(365.0 / st.turnover_hazard))
            self._sync()
            disposition = dec.successor_disposition(w, code, rng)
            self._change_leader(code, f"{code} leader {st.leaders_seen + 1}", disposition, "model")

    def _change_leader(self, code: str, leader: str, disposition: float, origin: str) -> None:
        """A new leader takes office; its own disposition applies after ``consolidation_days``
        (the predecessor's line holds until then), unless another change comes first."""
        st = self.world.states[code]
        st.leader = leader
        st.leaders_seen += 1
        self.log("leader_change", code, leader, f"{disposition:.2f}", origin)
        wait = self.scenario.parameters.leaders.consolidation_days
        if wait > 0:
            self._later(wait, partial(self._turn, code, st.leaders_seen, disposition, origin))
        else:
            self._turn(code, st.leaders_seen, disposition, origin)

    def _turn(self, code: str, seen: int, disposition: float, origin: str) -> None:
        st = self.world.states[code]
        if st.leaders_seen != seen:  # replaced before it could turn
            return
        st.disposition = disposition
        st.turn_day = self.env.now
        self.world.changed()
        if self.scenario.parameters.leaders.consolidation_days > 0:
            self.log("leader_turn", code, st.leader, f"{disposition:.2f}", origin)
        self._reconsider(code)

    def _partners(self, pid: str) -> Proc:
        rate = self.scenario.partners[pid].summit_rate
        rng = self.streams(f"partners:{pid}")
        yield self.wait_until(self.known_day + 1.0)
        while rate > 0:
            yield self.env.timeout(rng.exponential(365.0 / rate))
            self._sync()
            self._partner_summit(pid, None, {}, "model")

    def _partner_summit(
        self, pid: str, host: str | None, delegations: dict[str, str], origin: str
    ) -> None:
        w = self.world
        w.activity[pid] = w.partner_activity(pid) + 1.0
        w.activity_day[pid] = self.env.now
        w.activity_changed()
        fmt = f"partner:{pid}"
        self.log("partner_summit", pid, host or "", "held", origin)
        bloc = self.scenario.partners[pid].favours_bloc
        invited = [c for c in w.participants if bloc is None or w.memberships[bloc].get(c, 0.0) > 0]
        self._attendance(invited, host or "", fmt, delegations, "partner_summit_attended", pid)

    def _attendance(
        self,
        invited: list[str],
        host: str,
        fmt: str,
        recorded: dict[str, str],
        kind: str,
        outcome: str,
    ) -> dict[str, str]:
        """Each invited state's delegation (recorded, else decided), logged; the format
        then counts one more meeting (its novelty falls)."""
        w = self.world
        levels: dict[str, str] = {}
        for code in invited:
            if code in recorded:
                levels[code] = recorded[code]
            else:
                rng = self.streams(f"attendance:{code}")
                levels[code] = dec.delegation(w, code, host, fmt, rng)
            origin = "observed" if code in recorded else "model"
            self.log(kind, code, levels[code], outcome, origin)
        w.formats_met[fmt] = w.formats_met.get(fmt, 0) + 1
        return levels

    # ---------------------------------------------------------------- yearly

    def _yearly(self) -> Proc:
        w = self.world
        trade = self.scenario.parameters.trade
        pin_date = self.start + dt.timedelta(days=int(self.pin_day))
        for year in range(self.start.year, self.until.year + 1):
            yield self.wait_until(self.day(dt.date(year, 12, 31)) + 0.999)
            self._sync()
            rec = self.record
            if self.keep_panel:
                for code in w.states:
                    rec.panel.append((rec.run, rec.seed, year, code, *state_row(w, code)))
            comp = components(w)
            index = index_value(comp, self.scenario.parameters.index)
            rec.index.append(
                (
                    rec.run,
                    rec.seed,
                    year,
                    dt.date(year, 12, 31) <= pin_date,
                    *(comp[c] for c in COMPONENTS),
                    w.trade_bn,
                    index,
                )
            )
            majors = sum(b.majors_year for b in w.borders.values())
            growth = (
                trade.base_growth
                + trade.integration_growth * index * (1.0 - comp["trade"])
                + trade.settlement_growth * w.settlements_year
                - trade.clash_loss * majors
                + w.trade_shock()
            )
            w.trade_bn *= math.exp(growth)
            for pair, b in w.borders.items():
                b.peak = w.tension(pair)
                b.majors_year = 0
            w.settlements_year = 0
            w.year_meeting_levels = None
