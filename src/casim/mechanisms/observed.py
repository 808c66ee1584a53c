"""The replay of observed outcomes: what the record says the agents decided, imposed up
to ``pin_until`` (meetings and delegations, signatures, deferrals, ratifications, border
treaties, clashes).

Outcomes of one day are applied in the vocabulary's same-day order
(:data:`casim.log.OBSERVED_ORDER`: a meeting before what is signed at it), each through
the handler its type is registered with, with origin ``observed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from casim.kernel import Proc
from casim.log import OBSERVED_ORDER
from casim.mechanisms.base import Mechanism

__all__ = ["Observed"]


class Observed(Mechanism):
    """One process walking the observed outcomes dated up to the pin date."""

    name = "observed"

    def processes(self) -> Iterable[Proc]:
        yield self._replay()

    def _replay(self) -> Proc:
        k = self.kernel
        events = [
            e
            for e in self.scenario.events
            if e.kind in OBSERVED_ORDER and k.day(e.date) <= k.pin_day
        ]
        events.sort(key=lambda e: (e.date, OBSERVED_ORDER[e.kind], e.id))
        for event in events:
            yield k.wait_until(k.day(event.date))
            self.sync()
            self.sim.apply(event, "observed")
