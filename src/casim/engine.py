"""The engine: one run of one scenario, assembled from the mechanisms.

The engine builds the run's world (:mod:`casim.model.world`), its kernel (the clock, the
event log and delayed actions, :mod:`casim.kernel`), and the mechanisms
(:mod:`casim.mechanisms`), gathers their tables of scenario event handlers, starts their
processes and runs the clock. It holds no mechanism logic of its own.

The processes start in this order (same-day ties in SimPy go to the earlier process):

1. ``calendar``: the scenario's exogenous events on their dates (leader changes, shocks,
   partners' summits, bloc and participant joins, stance changes), dropping those dated
   after ``known_until`` unless ``assumed`` (a ``scheduled`` change still comes);
2. ``observed``: the recorded outcomes dated up to ``pin_until`` (meetings and
   delegations, signatures, deferrals, ratifications, border treaties, clashes);
3. ``meetings``: each year not pinned, the founding or the due consultative meeting,
   where the ``agenda`` and ``signing`` mechanisms bargain and decide on documents;
4. ``borders``, per line: ``incidents``, ``negotiation`` (from ``pin_until``) and
   ``visits`` (from the day after it);
5. ``leaders``, per state: turnover after ``known_until``;
6. ``partners``, per partner: summits, then offers, after ``known_until``;
7. ``trust``: at each 31 December, the experience offsets brought up to date (decay),
   before the year's rows;
8. ``yearly``: at each 31 December, the panel and index rows, then trade;
9. the processes of any mechanisms added through the API, in the order given.

Ratifications, a new leader's turn, ceasefires and their breakdowns (``borders``) are
delayed actions (:meth:`Kernel.later`), not processes; a line's demarcation is a process
started at the signature of its treaty. Every draw comes from a named stream (:mod:`casim.rng`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from casim.kernel import Kernel
from casim.log import RunRecord
from casim.mechanisms import Handler, Mechanism, Sim, assembled
from casim.model.world import World
from casim.rng import Streams
from casim.scenario.schema import EVENT_MODELS, EventBase, Scenario
from casim.scenario.window import resolved_window

__all__ = ["Engine"]


class Engine:
    """One run of one scenario: its world, kernel and mechanisms."""

    def __init__(
        self,
        scenario: Scenario,
        seq: np.random.SeedSequence,
        run: int,
        seed: int,
        *,
        panel: bool = True,
        mechanisms: Sequence[type[Mechanism]] = (),
    ) -> None:
        self.scenario = scenario
        self.world = World.from_scenario(scenario)
        self.record = RunRecord(run=run, seed=seed)
        self.kernel = Kernel(
            scenario.start, resolved_window(scenario), self.record, self.world.advance
        )
        self.sim = Sim(self.kernel, self.world, scenario, Streams(seq), keep_panel=panel)
        self.mechanisms = [cls(self.sim) for cls in assembled(mechanisms)]
        self.sim.handlers = _handlers(self.mechanisms)

    def run(self) -> RunRecord:
        """Start every mechanism's processes and run to the end of the window."""
        for mechanism in self.mechanisms:
            for proc in mechanism.processes():
                self.kernel.process(proc)
        self.kernel.run()
        return self.record


def _handlers(mechanisms: Sequence[Mechanism]) -> dict[type[EventBase], Handler]:
    """One handler per scenario event type, from the mechanisms' tables; a type handled
    twice, or not at all, is a ValueError."""
    table: dict[type[EventBase], Handler] = {}
    for mechanism in mechanisms:
        for etype, handler in mechanism.handlers().items():
            if etype in table:
                raise ValueError(f"scenario event {etype.__name__} has two handlers")
            table[etype] = handler
    missing = [m.__name__ for m in EVENT_MODELS.values() if m not in table]
    if missing:
        raise ValueError(f"no mechanism handles the scenario events {', '.join(missing)}")
    return table
