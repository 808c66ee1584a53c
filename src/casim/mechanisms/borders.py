"""The border lines between neighbours: incidents and clashes, ceasefires and mediation,
talks, meetings of the heads, settlement and demarcation.

Per open line, three processes:

- ``incidents``: Poisson arrivals at a tension-dependent, seasonal rate; each is minor or
  major (only minor before ``pin_until``: the record lists every major clash, not the
  incidents that build tension), and raises tension;
- ``negotiation``: from the pin date, rounds of talks every ``round_days`` move the line
  toward agreement (progress 1), logging each section agreed; before it a line keeps its
  starting progress, since the record says whether a treaty was signed, not how far the
  talks got. On an agreed line the foreign ministers (or the commissions' heads) may sign
  the treaty at a round;
- ``visits``: the heads of the pair visit each other (more often on a new leader's tour);
  a visit eases tension, signs an agreed line unless a clash froze the talks, and
  otherwise pushes the commissions on. Heads who both attend a consultative meeting or a
  partner's summit meet on its margins (``heads_met``) to the same effect.

After a major clash the strongest partner with pull on both sides mediates (if strong
enough), and a ceasefire may be agreed; it lowers tension and damps escalation until it
breaks down or a new major clash ends it. A settlement (the line delimited) lowers the
line's tension baseline, is ratified by both sides after a delay, and tells both states
an objection may have gone (``objection_changed``); once both sides have ratified, the
commissions demarcate the line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from functools import partial

import numpy as np

from casim.kernel import Proc
from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.mechanisms.ratification import ratify_border
from casim.model import decisions as dec
from casim.model import deescalation as dx
from casim.model.world import pair_key
from casim.scenario.schema import (
    BorderClash,
    BorderSections,
    BorderTreaty,
    EventBase,
    StateVisit,
)

__all__ = ["Borders"]


class Borders(Mechanism):
    """Incidents, talks and visits on every open line; clashes and settlements."""

    name = "borders"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        step = self.scenario.parameters.deescalation.section_step
        for b in self.world.borders.values():
            b.sections = int(b.progress / step + 1e-9)  # sections agreed at the start
        self._ratified: dict[str, set[str]] = {}  # line -> states that ratified its treaty
        sim.signals.heads_met.connect(self._on_heads_met)
        sim.signals.agreement_kept.connect(self._on_kept)

    def processes(self) -> Iterable[Proc]:
        for pair in self.scenario.borders:
            yield self._incidents(pair)
            yield self._negotiation(pair)
            yield self._visits(pair)

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {
            BorderTreaty: self._on_treaty,
            BorderClash: self._on_clash,
            BorderSections: self._on_sections,
            StateVisit: self._on_visit,
        }

    def _on_treaty(self, e: BorderTreaty, origin: str) -> None:
        self.settle(e.pair, origin, e.signed_by or "")

    def _on_sections(self, e: BorderSections, origin: str) -> None:
        b = self.world.borders[e.pair]
        if b.settled or e.share <= b.progress:
            return
        b.progress = e.share
        step = self.scenario.parameters.deescalation.section_step
        b.sections = int(b.progress / step + 1e-9)
        self.log("border_sections_agreed", e.pair, "", f"{e.share:.2f}", origin)

    def _on_clash(self, e: BorderClash, origin: str) -> None:
        self.clash(e.pair, e.severity == "major", origin)

    # ---------------------------------------------------------------- outcomes

    def settle(self, pair: str, origin: str, by: str = "") -> None:
        """The pair signs the treaty on its line today (``by`` heads or ministers)."""
        w = self.world
        b = w.borders[pair]
        if b.settled:
            return
        b.progress = 1.0
        b.settled_day = self.kernel.env.now
        b.baseline = self.scenario.parameters.borders.settled_tension
        w.set_tension(pair, min(w.tension(pair), b.baseline))
        b.ceasefire_day = None  # the treaty supersedes the ceasefire
        self.log("border_treaty_signed", pair, by, "signed", origin)
        self.kernel.process(self._demarcation(pair))
        for code in (b.a, b.b):
            ratify_border(self.sim, pair, code)
        for code in (b.a, b.b):
            self.sim.signals.objection_changed.emit(code)

    def clash(self, pair: str, major: bool, origin: str) -> None:
        """An incident on the line today: tension rises; a major one adds urgency."""
        w = self.world
        b = w.borders[pair]
        p = self.scenario.parameters.borders
        w.set_tension(pair, w.tension(pair) + (p.major_step if major else p.minor_step))
        if major:
            now = self.kernel.env.now
            b.urgency = w.urgency(pair) + 1.0
            b.urgency_day = now
            b.last_major_day = now
            b.majors_year += 1
        self.log("border_clash", pair, "major" if major else "minor", "clash", origin)
        self.sim.signals.clash.emit(pair, major)
        if major:
            self._after_major(pair)

    # ---------------------------------------------------------------- de-escalation

    def _after_major(self, pair: str) -> None:
        """A major clash ends the ceasefire holding; a mediator engages, if one is strong
        enough; a ceasefire may follow after a short delay."""
        w = self.world
        b = w.borders[pair]
        p = self.scenario.parameters.deescalation
        now = self.kernel.env.now
        if b.ceasefire_day is not None:
            b.ceasefire_day = None
            self.log("ceasefire_broken", pair, "", "clash")
        chosen = dx.mediator(w, pair)
        if chosen is not None:
            b.mediator, b.mediation_strength = chosen
            b.mediation_until = now + p.mediation_days
            self.log("mediation", pair, chosen[0], f"{chosen[1]:.2f}")
        strength = w.mediator_strength(pair)
        rng = self.streams(f"ceasefire:{pair}")
        u = rng.random()
        delay = rng.exponential(p.ceasefire_delay_days) if p.ceasefire_delay_days > 0 else 0.0
        if u < dx.ceasefire_probability(w, pair, strength):
            self.kernel.later(delay, partial(self._ceasefire, pair))

    def _ceasefire(self, pair: str) -> None:
        """A ceasefire is agreed today: tension falls; its breakdown is drawn."""
        w = self.world
        b = w.borders[pair]
        if b.settled:
            return
        b.ceasefires += 1
        b.ceasefire_day = self.kernel.env.now
        w.set_tension(pair, dx.ceasefire_relief(w, pair))
        strength = w.mediator_strength(pair)
        self.log("ceasefire", pair, b.mediator if b.mediator and strength > 0 else "", "agreed")
        after = dx.breakdown_after(w, pair, strength, self.streams(f"ceasefire_breakdown:{pair}"))
        if math.isfinite(after):
            self.kernel.later(after, partial(self._breakdown, pair, b.ceasefires))

    def _breakdown(self, pair: str, which: int) -> None:
        b = self.world.borders[pair]
        if b.ceasefire_day is None or b.ceasefires != which or b.settled:
            return
        b.ceasefire_day = None
        self.log("ceasefire_broken", pair, "", "breakdown")

    def _meeting(self, pair: str) -> None:
        """The two heads met today: tension falls with their will."""
        w = self.world
        w.set_tension(pair, dx.meeting_relief(w, pair))

    def _on_heads_met(self, fmt: str, levels: dict[str, str]) -> None:
        """Heads both present at a meeting of a format meet on its margins: tension eases,
        and after the pin date they push the commissions on. They sign nothing there: a
        border treaty is signed at a bilateral visit prepared for it, or by the ministers."""
        w = self.world
        k = self.kernel
        self.sync()
        for pair, b in w.borders.items():
            if b.settled or levels.get(b.a) != "head" or levels.get(b.b) != "head":
                continue
            self._meeting(pair)
            if k.pinned():
                continue
            if dec.frozen(w, pair):
                self.log("state_visit", pair, fmt, "frozen")
            elif b.progress >= 1.0:
                self.log("state_visit", pair, fmt, "agreed")
            else:
                share = self.scenario.parameters.deescalation.margins_share
                self._pace(pair)
                push = share * dec.visit_push(w, pair, self.streams(f"margins:{pair}"))
                self._advance(pair, b.progress + push)
                self.log("state_visit", pair, fmt, "talks")

    def _advance(self, pair: str, progress: float) -> None:
        """Set a line's progress, logging each further section the commissions agreed."""
        b = self.world.borders[pair]
        b.progress = min(progress, 1.0)
        step = self.scenario.parameters.deescalation.section_step
        while b.progress < 1.0 and b.progress >= (b.sections + 1) * step:
            b.sections += 1
            self.log("border_sections_agreed", pair, "", f"{b.sections * step:.2f}")

    def _pace(self, pair: str) -> None:
        """Draw the line's pace for the year when the year turns (from its own stream, so
        the other draws stay as they were)."""
        b = self.world.borders[pair]
        year = self.kernel.today().year
        if b.pace_year != year:
            b.pace_year = year
            b.pace = dec.pace_factor(self.world, self.streams(f"pace:{pair}"))

    def _demarcation(self, pair: str) -> Proc:
        """Once both sides have ratified the treaty, the commissions demarcate the line."""
        k = self.kernel
        b = self.world.borders[pair]
        days = self.scenario.parameters.borders.round_days
        rng = self.streams(f"demarcation:{pair}")
        work = dx.demarcation_days(self.world, pair, rng)
        while len(self._ratified_by(pair)) < 2:
            yield k.timeout(days)
        yield k.timeout(work)
        self.sync()
        b.demarcated_day = k.env.now
        self.log("border_demarcated", pair, "", "demarcated")

    def _on_kept(self, code: str, agreement: str) -> None:
        """A state ratified a treaty; on a line, the commissions may start demarcating."""
        if agreement in self.world.borders:
            self._ratified.setdefault(agreement, set()).add(code)

    def _ratified_by(self, pair: str) -> set[str]:
        """The states that have ratified the treaty on the line."""
        return self._ratified.get(pair, set())

    # ---------------------------------------------------------------- processes

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
        timeout = self.kernel.timeout
        sync = self.sync
        exponential = rng.exponential
        while not b.settled:  # another process may settle the line while this one waits
            sync()
            r = rate()
            wait = exponential(1.0 / r) if r > 0 else math.inf
            if wait > recheck:
                yield timeout(recheck)
                continue
            yield timeout(wait)
            sync()
            if b.settled:
                return
            act()

    def _incidents(self, pair: str) -> Proc:
        rng = self.streams(f"incidents:{pair}")
        kernel = self.kernel

        def incident() -> None:
            major = rng.random() < dec.major_probability(self.world, pair) and not kernel.pinned()
            self.clash(pair, bool(major), "model")

        yield from self._arrivals(pair, partial(dec.incident_rate, self.world, pair), incident, rng)

    def _negotiation(self, pair: str) -> Proc:
        w = self.world
        k = self.kernel
        b = w.borders[pair]
        rng = self.streams(f"negotiation:{pair}")
        days = self.scenario.parameters.borders.round_days
        if k.pin_day > 0:
            yield k.wait_until(k.pin_day)
        ministers = self.streams(f"ministers:{pair}")
        while not b.settled:
            yield k.timeout(days)
            self.sync()
            if b.settled:
                return
            if b.progress < 1.0:
                self._pace(pair)
                self._advance(pair, b.progress + dec.negotiation_step(w, pair, days, rng))
            elif not dec.frozen(w, pair) and dx.ministers_sign(w, pair, ministers):
                self.settle(pair, "model", "ministers")

    def _visit(self, pair: str, rng: np.random.Generator, origin: str) -> None:
        """The heads of the pair meet at a visit: tension eases; an agreed line is signed
        unless a clash froze the talks; otherwise the heads push their commissions on."""
        w = self.world
        b = w.borders[pair]
        self._meeting(pair)
        if dec.frozen(w, pair):
            self.log("state_visit", pair, "", "frozen", origin)
            return
        if b.progress >= 1.0:
            self.log("state_visit", pair, "", "signed", origin)
            self.settle(pair, "model", "heads")
        else:
            self._pace(pair)
            self._advance(pair, b.progress + dec.visit_push(w, pair, rng))
            self.log("state_visit", pair, "", "talks", origin)

    def _on_visit(self, e: StateVisit, origin: str) -> None:
        """A listed visit of one head to the other: on an open line the heads meet as at a
        visit the model draws (on or before the pin date only tension eases, the record
        imposing what was signed)."""
        pair = pair_key(e.host, e.guest)
        b = self.world.borders.get(pair)
        if b is None or b.settled:
            return
        if self.kernel.pinned():
            self._meeting(pair)
            self.log("state_visit", pair, "", "met", origin)
            return
        self._visit(pair, self.streams(f"listed_visits:{pair}"), origin)

    def _visits_from(self) -> float:
        """The day after which the model draws the heads' visits: the pin date, or, where
        the scenario lists every visit up to a date, the earlier of that date and the date
        the drivers are known to (a listed visit is a driver)."""
        k = self.kernel
        listed = self.scenario.visits_listed_until
        if listed is None:
            return k.pin_day
        return max(k.pin_day, min(k.known_day, k.day(listed)))

    def _visits(self, pair: str) -> Proc:
        k = self.kernel
        rng = self.streams(f"visits:{pair}")
        start = self._visits_from()
        if start >= 0:
            yield k.wait_until(start + 1.0)
        rate = partial(dec.visit_rate, self.world, pair)
        yield from self._arrivals(pair, rate, partial(self._visit, pair, rng, "model"), rng)
