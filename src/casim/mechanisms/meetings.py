"""The consultative meetings of heads of state: founding the format, the yearly meeting,
its host and date, postponements, and who belongs to the format.

Until the format is founded, its initiator proposes it once its leader is for it (on the
day its leader turns or its stance changes, and at each year's start while not founded);
every other participant must accept; after a preparation time the first host hosts the
founding meeting. Once founded, each year not pinned the due meeting is convened: the
first host in the rotation not blocked by a shock, if the climate is good enough, on a
date drawn in the year's window, retried while a shock blocks meetings. A meeting logs
its delegations and tells the other mechanisms (``meeting_held``), where the documents are
bargained.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from casim.kernel import Proc
from casim.mechanisms.attendance import attend
from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.model import decisions as dec
from casim.model.world import LEVEL_SCORE
from casim.scenario.schema import EventBase, ParticipantJoin, Summit, SummitPostponed

__all__ = ["Meetings"]

_CONSULTATIVE = "consultative"


class Meetings(Mechanism):
    """The format's yearly meeting process and the meetings the record imposes."""

    name = "meetings"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        k = self.kernel
        self.pinned_years = {
            e.date.year
            for e in self.scenario.events
            if isinstance(e, Summit) and k.day(e.date) <= k.pin_day
        }
        self.founding_after: float | None = None  # day the accepted founding may open
        sim.signals.objection_changed.connect(self._on_stance)

    def processes(self) -> Iterable[Proc]:
        yield self._yearly_meeting()

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {
            Summit: self._on_summit,
            SummitPostponed: self._on_postponed,
            ParticipantJoin: self._on_join,
        }

    # ---------------------------------------------------------------- handlers

    def _on_summit(self, e: Summit, origin: str) -> None:
        self.hold(e.host, dict(e.delegations), pinned=True)

    def _on_postponed(self, e: SummitPostponed, origin: str) -> None:
        self.log("summit_postponed", e.host, "", "recorded", origin)

    def _on_join(self, e: ParticipantJoin, origin: str) -> None:
        w = self.world
        if e.state not in w.participants:
            w.participants.append(e.state)
            if e.state not in w.rotation:
                w.rotation.append(e.state)
        self.log("participant_join", e.state, "", "joined", origin)

    # ---------------------------------------------------------------- founding

    def _on_stance(self, code: str) -> None:
        """The initiator's leader or stance changed: it may propose the format now."""
        if code == self.scenario.meetings.initiator and not self.kernel.pinned():
            self._propose()

    def _propose(self) -> bool:
        """The initiator proposes the format if it is for it and none is being prepared;
        True once the founding is accepted (the preparation runs from today)."""
        w = self.world
        if w.founded or self.founding_after is not None:
            return self.founding_after is not None
        if not dec.founding_proposed(w):
            return False
        accepted = dec.founding_accepted(w, self.streams("founding"))
        m = self.scenario.meetings
        host = m.first_host or m.initiator
        self.log("format_proposed", m.initiator, host, "accepted" if accepted else "declined")
        if accepted:
            self.founding_after = self.kernel.env.now + m.founding_lead_days
        return accepted

    # ---------------------------------------------------------------- the yearly meeting

    def _yearly_meeting(self) -> Proc:
        k = self.kernel
        for year in range(k.start.year, k.until.year + 1):
            yield k.wait_until(k.day(dt.date(year, 1, 1)))
            self.sync()
            if year in self.pinned_years or k.day(dt.date(year, 12, 31)) <= k.pin_day:
                continue
            earliest = None
            if k.env.now <= k.pin_day:
                earliest = k.start + dt.timedelta(days=int(k.pin_day) + 1)
            planned = self._plan(year, earliest)
            if planned is None:
                continue
            host, date = planned
            yield k.wait_until(k.day(date))
            self.sync()
            held = True
            while self.world.meetings_blocked() or self.world.host_blocked(host):
                retry = k.today() + dt.timedelta(days=self.scenario.meetings.retry_days)
                if retry.year != year:
                    self.log("summit_postponed", host, "", "blocked")
                    held = False
                    break
                yield k.wait_until(k.day(retry))
                self.sync()
            if held:
                self.hold(host, {}, pinned=False)

    def _plan(self, year: int, earliest: dt.date | None) -> tuple[str, dt.date] | None:
        """This year's meeting (host, date), or None: the founding meeting once accepted
        and prepared, else the due meeting if it is convened."""
        w = self.world
        m = self.scenario.meetings
        k = self.kernel
        rng = self.streams("meetings")
        if not w.founded:
            if not self._propose():
                return None
            assert self.founding_after is not None
            ready = k.start + dt.timedelta(days=math.ceil(self.founding_after))
            if ready.year > year:
                return None  # the new format is still being prepared
            earliest = ready if earliest is None else max(earliest, ready)
            host = m.first_host or m.initiator
        else:
            due = dec.choose_host(w)
            if due is None:
                self.log("summit_postponed", w.rotation[0], "", "no_host")
                return None
            host = due
            if not dec.meeting_held(w, host, rng):
                self.log("summit_postponed", host, "", "not_convened")
                return None
        date = dec.draw_meeting_date(year, (m.window_start, m.window_end), earliest, rng)
        return None if date is None else (host, date)

    def hold(self, host: str, delegations: dict[str, str], *, pinned: bool) -> None:
        """A meeting takes place today at ``host`` (recorded delegations, if pinned)."""
        w = self.world
        origin = "observed" if pinned else "model"
        w.founded = True
        w.meetings_held += 1
        n = w.meetings_held
        if host in w.rotation:
            w.rotation.remove(host)
        w.rotation.append(host)
        self.log("summit_held", host, f"meeting_{n}", "held", origin)
        levels = attend(
            self.sim, w.participants, host, _CONSULTATIVE, delegations, "summit_attended", host
        )
        w.year_meeting_levels = {c: LEVEL_SCORE[v] for c, v in levels.items()}
        self.sim.signals.meeting_held.emit(n, levels, pinned)
