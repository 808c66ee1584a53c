"""External partners as agents: their summits with the region (C5+X), their offers, the
answers of their rivals, and the blocs they lead.

A partner's summit raises its activity by the turnout (the invited states' mean
delegation level, so a summit the heads shun counts for little), and so the weight of
its pressure on the states (see ``World.external_support`` and
:func:`casim.model.decisions.partner_pressure`); the states it invites (the members of
the bloc it favours, if any) decide their delegations by their pull toward it and their
neutrality (:func:`casim.model.partners.summit_delegation`). After ``known_until`` each
partner holds summits at its ``summit_rate`` and makes offers (investment, corridors,
security assistance) at ``offer_rate x capacity``; an accepted offer moves the state's
pulls, its leader's disposition and its economy salience
(:func:`casim.model.partners.offer_outcome`). A rival answers a summit or an accepted
offer with an offer of its own. A state joining a bloc as member or observer feels the
bloc's pull toward the partner that leads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from casim.kernel import Proc
from casim.mechanisms.attendance import attend
from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.model import partners as pdec
from casim.model.world import LEVEL_SCORE
from casim.scenario.schema import BlocJoin, EventBase, PartnerSummit

__all__ = ["Partners"]


class Partners(Mechanism):
    """Partners' summits (recorded and drawn), offers and rivals' answers, and bloc
    memberships."""

    name = "partners"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        partners = self.world.partners
        # partner -> the partners that count it a rival (they answer its moves), in order
        self._rivals: dict[str, list[str]] = {
            pid: [rid for rid, r in partners.items() if pid in r.spec.rivals] for pid in partners
        }

    def processes(self) -> Iterable[Proc]:
        for pid in self.scenario.partners:
            yield self._summits(pid)
        for pid in self.scenario.partners:
            yield self._offers(pid)

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {PartnerSummit: self._on_summit, BlocJoin: self._on_bloc_join}

    def _on_summit(self, e: PartnerSummit, origin: str) -> None:
        self.summit(e.partner, e.host, dict(e.delegations), origin)

    def _on_bloc_join(self, e: BlocJoin, origin: str) -> None:
        w = self.world
        bloc = self.scenario.blocs[e.bloc]
        w.memberships[e.bloc][e.state] = 1.0 if e.status == "member" else bloc.observer_weight
        w.changed()
        self.log("bloc_join", e.state, e.bloc, e.status, origin)

    # ---------------------------------------------------------------- summits

    def _summits(self, pid: str) -> Proc:
        k = self.kernel
        rate = self.world.partners[pid].spec.summit_rate
        rng = self.streams(f"partners:{pid}")
        yield k.wait_until(k.known_day + 1.0)
        while rate > 0:
            yield k.timeout(rng.exponential(365.0 / rate))
            self.sync()
            self.summit(pid, None, {}, "model")

    def summit(self, pid: str, host: str | None, delegations: dict[str, str], origin: str) -> None:
        """The partner holds a summit with the region today."""
        w = self.world
        self.log("partner_summit", pid, host or "", "held", origin)
        bloc = w.partners[pid].spec.favours_bloc
        invited = [c for c in w.participants if bloc is None or w.memberships[bloc].get(c, 0.0) > 0]

        def decide(code: str, rng: np.random.Generator) -> str:
            return pdec.summit_delegation(w, code, pid, host or "", rng)

        levels = attend(
            self.sim,
            invited,
            host or "",
            f"partner:{pid}",
            delegations,
            "partner_summit_attended",
            pid,
            decide,
        )
        turnout = sum(LEVEL_SCORE[v] for v in levels.values()) / len(levels) if levels else 0.0
        w.partner_summit(pid, turnout)
        if self.kernel.env.now > self.kernel.known_day:
            courted = [c for c, v in levels.items() if v != "none"]
            self._answer(pid, courted)

    # ---------------------------------------------------------------- offers

    def _offers(self, pid: str) -> Proc:
        k = self.kernel
        w = self.world
        rate = w.partners[pid].spec.offer_rate
        rng = self.streams(f"partners:offers:{pid}")
        yield k.wait_until(k.known_day + 1.0)
        while rate > 0:
            # offers at the full rate, each made with probability capacity (thinning)
            gap = rng.exponential(365.0 / rate)
            yield k.timeout(gap)
            self.sync()
            if rng.random() < w.capacity(pid):
                code = pdec.offer_target(w, pid, rng)
                if code is not None and self.offer(pid, code, rng):
                    self._answer(pid, [code])

    def offer(self, pid: str, code: str, rng: np.random.Generator) -> bool:
        """The partner makes an offer to a state today; the state takes it or not.
        Returns whether it was accepted."""
        w = self.world
        kind = pdec.offer_kind(w, pid, rng)
        accepted = pdec.offer_accepted(w, code, pid, kind, rng)
        self.log("partner_offer", code, pid, f"{kind} {'accepted' if accepted else 'declined'}")
        if accepted:
            outcome = pdec.offer_outcome(w, code, pid, kind)
            st = w.states[code]
            st.pull.update(outcome.pull)
            st.disposition = outcome.disposition
            st.salience[self.scenario.parameters.partners.economy_dimension] = outcome.salience
            if kind in ("investment", "corridor"):
                w.economic_offers_year += 1
            w.pulls_changed(code)
        return accepted

    def _answer(self, pid: str, courted: list[str]) -> None:
        """Each rival of ``pid`` may answer by an offer, after a delay, to the courted
        state it has the most pull on (answers are not answered in turn)."""
        w = self.world
        if not courted:
            return
        for rid in self._rivals[pid]:
            rng = self.streams(f"partners:response:{rid}")
            delay = rng.exponential(self.scenario.parameters.partners.response_days)
            if not pdec.responds(w, rid, rng):
                continue
            code = max(courted, key=lambda c: (w.pull(c, rid), c))

            def act(rid: str = rid, code: str = code, rng: np.random.Generator = rng) -> None:
                if code in w.participants:
                    self.offer(rid, code, rng)

            self.kernel.later(delay, act)
