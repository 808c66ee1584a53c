"""The kernel of one run: the clock, the event log and delayed actions.

The one module that imports simpy. Time is counted in days since the scenario's start (a
float, as SimPy's ``env.now``); a date is turned into that day by :meth:`Kernel.day`.
Mechanisms run as SimPy processes (generators yielding the kernel's events: ``timeout``
and :meth:`Kernel.wait_until`), log through :meth:`Kernel.log` and schedule delayed
actions with :meth:`Kernel.later`. Whenever a process wakes it calls :meth:`Kernel.sync`,
which brings the world's clock up to ``now`` (the hook given at construction).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Generator
from typing import Any

import simpy

from casim.log import EventRow, RunRecord

__all__ = ["Kernel", "Proc"]

#: A mechanism's process: a generator of SimPy events.
Proc = Generator[simpy.Event, Any, None]

_row = tuple.__new__  # EventRow from a tuple without NamedTuple.__new__'s argument parsing


@functools.lru_cache(maxsize=8)
def _iso_dates(first_ordinal: int, days: int) -> tuple[str, ...]:
    """The ISO date of each day of a run (day 0 to ``days``), built once per window: a
    pure table the log reads instead of formatting a date at every row."""
    return tuple(dt.date.fromordinal(first_ordinal + d).isoformat() for d in range(days + 1))


class Kernel:
    """Clock, log and delayed actions of one run.

    ``pin_day`` and ``known_day`` are the days of the run window's ``pin_until`` and
    ``known_until``; the run ends after the day of ``until``.
    """

    __slots__ = (
        "_append",
        "_iso",
        "_on_wake",
        "_run",
        "_seed",
        "_start_ordinal",
        "env",
        "known_day",
        "last_day",
        "pin_day",
        "record",
        "start",
        "timeout",
        "until",
    )

    def __init__(
        self,
        start: dt.date,
        window: tuple[dt.date, dt.date, dt.date],
        record: RunRecord,
        on_wake: Callable[[float], None],
    ) -> None:
        pin, known, until = window
        self.env = simpy.Environment()
        #: ``timeout(delay)``: a SimPy event ``delay`` days from now
        self.timeout = self.env.timeout
        self.start = start
        self._start_ordinal = start.toordinal()
        self.pin_day = self.day(pin)
        self.known_day = self.day(known)
        self.until = until
        self.last_day = self.day(until)
        self.record = record
        self._append = record.events.append
        self._run, self._seed = record.run, record.seed
        self._on_wake = on_wake
        self._iso = _iso_dates(self._start_ordinal, int(self.last_day) + 1)

    # ---------------------------------------------------------------- time

    def day(self, date: dt.date) -> float:
        """The day of ``date`` (days since the start)."""
        return float((date - self.start).days)

    def today(self) -> dt.date:
        return dt.date.fromordinal(self._start_ordinal + int(self.env.now))

    def pinned(self) -> bool:
        """Whether today is within the imposed history (on or before ``pin_until``)."""
        return self.env.now <= self.pin_day

    def wait_until(self, day: float) -> simpy.Event:
        """A SimPy event on ``day`` (at once if that day has passed)."""
        return self.env.timeout(max(0.0, day - self.env.now))

    def sync(self) -> None:
        """Bring the world's clock to now (called by every process that wakes)."""
        self._on_wake(self.env.now)

    # ---------------------------------------------------------------- log

    def log(
        self, kind: str, subject: str, obj: str = "", outcome: str = "", origin: str = "model"
    ) -> None:
        """Append one row to the event log, dated today."""
        iso = self._iso[int(self.env.now)]
        self._append(
            _row(EventRow, (self._run, self._seed, iso, kind, subject, obj, outcome, origin))
        )

    # ---------------------------------------------------------------- actions

    def later(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` after ``delay`` days, if that is still within the run."""
        last = self.last_day

        def fire(_: simpy.Event) -> None:
            self.sync()
            if self.env.now <= last:
                action()

        self.env.timeout(delay).callbacks.append(fire)

    def process(self, proc: Proc) -> None:
        """Start a process now."""
        self.env.process(proc)

    def run(self) -> None:
        """Run the clock to the end of the last day."""
        self.env.run(until=self.last_day + 1.0)
