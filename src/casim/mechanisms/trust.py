"""Trust: dispositions move with experience of the format and of one another.

Each state's disposition is its leader's own line plus an experience offset
(:mod:`casim.model.trust`). The mechanism listens to what the other mechanisms report:

- ``meeting_held``: every invited state gains ``meeting_gain`` times its delegation's
  level score (recorded meetings count as drawn ones);
- ``agreement_kept``: the ratifying state gains ``kept_gain``;
- ``clash``: a major clash costs each of the two parties ``clash_loss``;
- ``leader_turned``: the new leader keeps ``inherit`` of the offset.

The offset decays toward 0 with ``half_life_days``: it is brought up to date at each of
these events and at each year's end (before the panel row is written), and stays within
``[-cap, cap]``. Every change drops the world's cached dispositions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from casim.kernel import Proc
from casim.mechanisms.base import Mechanism, Sim
from casim.model import trust as tr
from casim.model.world import World

__all__ = ["Trust"]


class Trust(Mechanism):
    """The experience offsets of the states' dispositions."""

    name = "trust"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        signals = sim.signals
        signals.meeting_held.connect(self._on_meeting)
        signals.agreement_kept.connect(self._on_kept)
        signals.clash.connect(self._on_clash)
        signals.leader_turned.connect(self._on_turn)

    def processes(self) -> Iterable[Proc]:
        yield self._year_ends()

    # ---------------------------------------------------------------- experience

    def _on_meeting(self, n: int, levels: dict[str, str], pinned: bool) -> None:
        self.experience(tr.meeting_gains(levels, self.scenario.parameters.trust))

    def _on_kept(self, code: str, document: str) -> None:
        self.experience({code: self.scenario.parameters.trust.kept_gain})

    def _on_clash(self, pair: str, major: bool) -> None:
        if major:
            b = self.world.borders[pair]
            loss = -self.scenario.parameters.trust.clash_loss
            self.experience({b.a: loss, b.b: loss})

    def _on_turn(self, code: str) -> None:
        w = self.world
        st = w.states[code]
        p = self.scenario.parameters.trust
        _bring_up_to_date(w, code, 0.0)
        st.experience = tr.inherited(st.experience, p)
        w.disposition_changed(code)

    def experience(self, deltas: dict[str, float]) -> None:
        """Each state in ``deltas`` gains (or loses) that much experience today."""
        w = self.world
        touched = [code for code in deltas if code in w.states]
        for code in touched:
            _bring_up_to_date(w, code, deltas[code])
        if touched:
            w.disposition_changed(*touched)

    # ---------------------------------------------------------------- decay

    def _year_ends(self) -> Proc:
        k = self.kernel
        w = self.world
        for year in range(k.start.year, k.until.year + 1):
            # at the end of 31 December, before the year's panel row (yearly comes after)
            yield k.wait_until(k.day(dt.date(year, 12, 31)) + 0.999)
            self.sync()
            if any(st.experience for st in w.states.values()):
                for code in w.states:
                    _bring_up_to_date(w, code, 0.0)
                w.disposition_changed()


def _bring_up_to_date(world: World, code: str, delta: float) -> None:
    """Decay a state's offset to today and add ``delta`` (bounded)."""
    st = world.states[code]
    now = world.day
    st.experience = tr.experienced(
        st.experience, now - st.experience_day, delta, world.scenario.parameters.trust
    )
    st.experience_day = now
