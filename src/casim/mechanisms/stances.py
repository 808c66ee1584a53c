"""Stance changes: a scenario sets a state's disposition, neutrality, sovereignty, or its
position, salience or pull on one key, from a date on; the state may then reconsider the
documents it deferred (``objection_changed``). A disposition set while a new leader is
still consolidating is that leader's: it carries into the leader's turn
(:mod:`casim.mechanisms.leaders`)."""

from __future__ import annotations

from collections.abc import Mapping

from casim.mechanisms.base import Handler, Mechanism
from casim.scenario.schema import EventBase, StanceChange

__all__ = ["Stances"]


class Stances(Mechanism):
    """Applies the scenario's stance changes."""

    name = "stances"

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {StanceChange: self._on_change}

    def _on_change(self, e: StanceChange, origin: str) -> None:
        st = self.world.states[e.state]
        if e.field in ("position", "salience", "pull"):
            assert e.key is not None  # the validator requires a key for these fields
            getattr(st, e.field)[e.key] = e.value
        else:
            setattr(st, e.field, e.value)
            if e.field == "disposition":
                st.disposition_set_for = st.leaders_seen
        self.world.changed()
        label = e.field + (f".{e.key}" if e.key else "")
        self.log("stance_change", e.state, label, f"{e.value:.2f}", origin)
        self.sim.signals.objection_changed.emit(e.state)
