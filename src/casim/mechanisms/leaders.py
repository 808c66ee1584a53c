"""Leaders: changes in office, consolidation, turnover and scheduled successions.

A new leader takes office on a recorded change (or a drawn one); its own disposition
applies after ``consolidation_days`` (the predecessor's line holds until then), unless
another change comes first or a stance change sets the disposition meanwhile (the
setting then carries into the turn), and its turn tells the state's objections may have changed.
After ``known_until`` each participant's leader leaves office at its yearly turnover
hazard, with a successor drawn around the state's ``successor_disposition`` who comes to
office irregularly (revolution, unrest, coup) with the state's ``irregular_share``; a
scheduled successor comes regularly. A state that
is not (yet) a participant draws no change. A ``scheduled``
change (the end of a term whose date was public) still comes on its date after
``known_until``, with a drawn successor, unless the leader already left early.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from casim.kernel import Proc
from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.model import decisions as dec
from casim.scenario.schema import EventBase, LeaderChange

__all__ = ["Leaders"]


class Leaders(Mechanism):
    """Leader changes (recorded, scheduled, drawn) and the turn to a new leader's line."""

    name = "leaders"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        self.seen_at_known: dict[str, int] = {}  # leaders seen by known_until, per state

    def processes(self) -> Iterable[Proc]:
        for code in self.scenario.states:
            yield self._turnover(code)

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {LeaderChange: self._on_change}

    def _on_change(self, e: LeaderChange, origin: str) -> None:
        if origin == "scheduled":
            self._scheduled(e)
            return
        if e.turnover_hazard is not None:
            self.world.states[e.state].turnover_hazard = e.turnover_hazard
        self.change(e.state, e.leader, e.disposition, origin, e.entry == "irregular")

    def _scheduled(self, e: LeaderChange) -> None:
        """A change whose date was public (a term's end) but whose successor was not: the
        successor is drawn as for turnover."""
        st = self.world.states[e.state]
        if st.leaders_seen != self.seen_at_known.get(e.state, st.leaders_seen):
            return  # the leader left early; the successor's term runs on its own calendar
        disposition = dec.successor_disposition(
            self.world, e.state, self.streams(f"term:{e.state}")
        )
        if e.turnover_hazard is not None:
            st.turnover_hazard = e.turnover_hazard
        self.change(e.state, f"{e.state} leader {st.leaders_seen + 1}", disposition, "scheduled")

    def _turnover(self, code: str) -> Proc:
        w = self.world
        k = self.kernel
        st = w.states[code]
        rng = self.streams(f"leaders:{code}")
        yield k.wait_until(k.known_day + 1.0)
        self.seen_at_known[code] = st.leaders_seen
        while st.turnover_hazard > 0:
            yield k.timeout(rng.exponential(365.0 / st.turnover_hazard))
            self.sync()
            if code not in w.participants:
                continue  # a state acts only while it takes part (the hazard is memoryless)
            disposition = dec.successor_disposition(w, code, rng)
            irregular = dec.irregular_successor(w, code, self.streams(f"entry:{code}"))
            self.change(
                code, f"{code} leader {st.leaders_seen + 1}", disposition, "model", irregular
            )

    def change(
        self, code: str, leader: str, disposition: float, origin: str, irregular: bool = False
    ) -> None:
        """A new leader takes office today (``irregular``: through revolution, unrest or a
        coup, which acts on escalation from today); it turns after ``consolidation_days``."""
        st = self.world.states[code]
        st.leader = leader
        st.irregular_day = self.kernel.env.now if irregular else None
        st.leaders_seen += 1
        st.office_day = self.kernel.env.now
        self.log("leader_change", code, leader, f"{disposition:.2f}", origin)
        wait = self.scenario.parameters.leaders.consolidation_days
        if wait > 0:
            self.kernel.later(wait, partial(self._turn, code, st.leaders_seen, disposition, origin))
        else:
            self._turn(code, st.leaders_seen, disposition, origin)

    def _turn(self, code: str, seen: int, disposition: float, origin: str) -> None:
        st = self.world.states[code]
        if st.leaders_seen != seen:  # replaced before it could turn
            return
        if st.disposition_set_for == seen:
            # a stance change set this leader's disposition while it consolidated: the
            # setting, not the disposition drawn or recorded at the change, is its line
            disposition = st.disposition
        st.disposition = disposition
        self.world.changed()
        if self.scenario.parameters.leaders.consolidation_days > 0:
            self.log("leader_turn", code, st.leader, f"{disposition:.2f}", origin)
        self.sim.signals.leader_turned.emit(code)
        self.sim.signals.objection_changed.emit(code)
