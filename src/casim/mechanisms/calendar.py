"""The calendar of drivers: the scenario's exogenous events on their dates.

Leader changes, shocks, partners' summits, bloc and participant joins and stance changes
are applied on their dates through the handler their type is registered with. An event
dated after ``known_until`` is dropped unless the scenario marks it ``assumed``; one
marked ``scheduled`` (a leader change at the end of a term) still comes on its date, with
origin ``scheduled``, and its handler draws what was not known (the successor).
"""

from __future__ import annotations

from collections.abc import Iterable

from casim.kernel import Proc
from casim.mechanisms.base import Mechanism
from casim.scenario.schema import OBSERVED_KINDS

__all__ = ["Calendar"]


class Calendar(Mechanism):
    """One process walking the scenario's exogenous events in date order."""

    name = "calendar"

    def processes(self) -> Iterable[Proc]:
        yield self._drivers()

    def _drivers(self) -> Proc:
        k = self.kernel
        known = k.known_day
        for event in self.scenario.events:
            if event.kind in OBSERVED_KINDS:
                continue
            day = k.day(event.date)
            if day > known and not event.assumed:
                if getattr(event, "scheduled", False):
                    yield k.wait_until(day)
                    self.sync()
                    self.sim.apply(event, "scheduled")
                continue
            yield k.wait_until(day)
            self.sync()
            self.sim.apply(event, "assumed" if event.assumed else "exogenous")
