"""External partners: their summits with the region (C5+X) and the blocs they lead.

A partner's summit raises its activity (which decays), and so the weight of its pull on
the states (see ``World.external_support``); the states it invites (the members of the
bloc it favours, if any) decide their delegations. After ``known_until`` each partner
holds summits at its ``summit_rate``. A state joining a bloc as member or observer feels
the bloc's pull toward the partner that leads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from casim.kernel import Proc
from casim.mechanisms.attendance import attend
from casim.mechanisms.base import Handler, Mechanism
from casim.scenario.schema import BlocJoin, EventBase, PartnerSummit

__all__ = ["Partners"]


class Partners(Mechanism):
    """Partners' summits (recorded and drawn) and bloc memberships."""

    name = "partners"

    def processes(self) -> Iterable[Proc]:
        for pid in self.scenario.partners:
            yield self._summits(pid)

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
        w.partner_summit(pid)
        self.log("partner_summit", pid, host or "", "held", origin)
        bloc = w.partners[pid].spec.favours_bloc
        invited = [c for c in w.participants if bloc is None or w.memberships[bloc].get(c, 0.0) > 0]
        attend(
            self.sim,
            invited,
            host or "",
            f"partner:{pid}",
            delegations,
            "partner_summit_attended",
            pid,
        )
