"""The border lines between neighbours: incidents and clashes, talks, visits, settlement.

Per open line, three processes:

- ``incidents``: Poisson arrivals at a tension-dependent rate; each is minor or major
  (only minor before ``pin_until``: the record lists every major clash, not the incidents
  that build tension), and raises tension;
- ``negotiation``: from the pin date, rounds of talks every ``round_days`` move the line
  toward agreement (progress 1); before it a line keeps its starting progress, since the
  record says whether a treaty was signed, not how far the talks got;
- ``visits``: the heads of the pair visit each other (more often on a new leader's tour);
  a visit signs an agreed line, unless a clash froze the talks, and otherwise pushes the
  commissions on.

A settlement lowers the line's tension baseline, is ratified by both sides after a
delay, and tells both states an objection may have gone (``objection_changed``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from functools import partial

import numpy as np

from casim.kernel import Proc
from casim.mechanisms.base import Handler, Mechanism
from casim.mechanisms.ratification import ratify_border
from casim.model import decisions as dec
from casim.scenario.schema import BorderClash, BorderTreaty, EventBase

__all__ = ["Borders"]


class Borders(Mechanism):
    """Incidents, talks and visits on every open line; clashes and settlements."""

    name = "borders"

    def processes(self) -> Iterable[Proc]:
        for pair in self.scenario.borders:
            yield self._incidents(pair)
            yield self._negotiation(pair)
            yield self._visits(pair)

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {BorderTreaty: self._on_treaty, BorderClash: self._on_clash}

    def _on_treaty(self, e: BorderTreaty, origin: str) -> None:
        self.settle(e.pair, origin)

    def _on_clash(self, e: BorderClash, origin: str) -> None:
        self.clash(e.pair, e.severity == "major", origin)

    # ---------------------------------------------------------------- outcomes

    def settle(self, pair: str, origin: str) -> None:
        """The pair signs the treaty on its line today."""
        w = self.world
        b = w.borders[pair]
        if b.settled:
            return
        b.progress = 1.0
        b.settled_day = self.kernel.env.now
        w.settlements_year += 1
        b.baseline = self.scenario.parameters.borders.settled_tension
        w.set_tension(pair, min(w.tension(pair), b.baseline))
        self.log("border_treaty_signed", pair, "", "signed", origin)
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
        while not b.settled:
            sync()
            r = rate()
            wait = rng.exponential(1.0 / r) if r > 0 else math.inf
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
        while not b.settled and b.progress < 1.0:
            yield k.timeout(days)
            self.sync()
            if b.settled:
                return
            step = dec.negotiation_step(w, pair, days, rng)
            b.progress = min(b.progress + step, 1.0)

    def _visits(self, pair: str) -> Proc:
        w = self.world
        k = self.kernel
        b = w.borders[pair]
        rng = self.streams(f"visits:{pair}")

        def visit() -> None:
            if dec.frozen(w, pair):
                self.log("state_visit", pair, "", "frozen")
            elif b.progress >= 1.0:
                self.log("state_visit", pair, "", "signed")
                self.settle(pair, "model")
            else:
                b.progress = min(b.progress + dec.visit_push(w, pair, rng), 1.0)
                self.log("state_visit", pair, "", "talks")

        if k.pin_day >= 0:
            yield k.wait_until(k.pin_day + 1.0)
        yield from self._arrivals(pair, partial(dec.visit_rate, w, pair), visit, rng)
