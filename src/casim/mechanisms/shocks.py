"""Shocks: events that change the world for a while (a pandemic, a war, a mediation).

While a shock lasts its effects apply on top of the stances (disposition, pull), block
meetings or hosts, change trade growth or mediate a border; a ``tension`` effect acts
once, at the start. The world reads the active effects (``World._effects``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from casim.mechanisms.base import Handler, Mechanism
from casim.model.world import ActiveShock
from casim.scenario.schema import EventBase, Shock

__all__ = ["Shocks"]


class Shocks(Mechanism):
    """Starts the scenario's shocks on their dates."""

    name = "shocks"

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {Shock: self._on_shock}

    def _on_shock(self, e: Shock, origin: str) -> None:
        w = self.world
        end = self.kernel.day(e.end) if e.end is not None else math.inf
        w.shocks.append(ActiveShock(e.id, self.kernel.env.now, end, tuple(e.effects)))
        w.changed()
        for eff in e.effects:
            if eff.target == "tension" and eff.pair is not None:
                w.set_tension(eff.pair, w.tension(eff.pair) + eff.delta)
        everyone = any(not eff.states for eff in e.effects)
        states = ["ALL"] if everyone else sorted({c for eff in e.effects for c in eff.states})
        until = e.end.isoformat() if e.end is not None else "open"
        self.log("shock", "+".join(states), e.id, f"until {until}", origin)
