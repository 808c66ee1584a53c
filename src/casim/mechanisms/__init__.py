"""The model's mechanisms, one module each, and the registry the engine assembles.

:data:`DEFAULT` lists the built-in mechanisms in the order the engine builds them; their
processes start in that order (see :mod:`casim.engine`). To add a mechanism, subclass
:class:`Mechanism` and pass it to ``casim.run(..., mechanisms=[...])`` or to
``casim.experiment.sweep(..., mechanisms=[...])``: it is built after the built-in ones.
``docs/ARCHITECTURE.md`` walks through an example.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from casim.log import EventKind, vocabulary
from casim.mechanisms.base import Handler, Mechanism, Signal, Signals, Sim
from casim.mechanisms.borders import Borders
from casim.mechanisms.calendar import Calendar
from casim.mechanisms.documents import Agenda
from casim.mechanisms.leaders import Leaders
from casim.mechanisms.meetings import Meetings
from casim.mechanisms.observed import Observed
from casim.mechanisms.partners import Partners
from casim.mechanisms.shocks import Shocks
from casim.mechanisms.signing import Signing
from casim.mechanisms.stances import Stances
from casim.mechanisms.trust import Trust
from casim.mechanisms.yearly import Yearly

__all__ = [
    "DEFAULT",
    "Handler",
    "Mechanism",
    "Signal",
    "Signals",
    "Sim",
    "assembled",
    "kinds_of",
    "mechanism_names",
]

#: The built-in mechanisms, in the order they are built and their processes start.
DEFAULT: tuple[type[Mechanism], ...] = (
    Calendar,
    Observed,
    Meetings,
    Agenda,
    Signing,
    Borders,
    Leaders,
    Partners,
    Shocks,
    Stances,
    Trust,
    Yearly,
)


def assembled(extra: Iterable[type[Mechanism]] = ()) -> tuple[type[Mechanism], ...]:
    """The built-in mechanisms followed by ``extra`` ones; a name used twice is a
    ValueError."""
    classes = (*DEFAULT, *extra)
    seen: dict[str, type[Mechanism]] = {}
    for cls in classes:
        if not cls.name:
            raise ValueError(f"mechanism {cls.__qualname__} has no name")
        if cls.name in seen:
            raise ValueError(f"mechanism name {cls.name!r} is used twice")
        seen[cls.name] = cls
    return classes


def kinds_of(extra: Sequence[type[Mechanism]] = ()) -> dict[str, EventKind]:
    """The event vocabulary of a run with ``extra`` mechanisms: the built-in kinds and
    those the added mechanisms declare."""
    return vocabulary(kind for cls in extra for kind in cls.kinds)


def mechanism_names(extra: Iterable[type[Mechanism]] = ()) -> list[str]:
    """``module:class`` of every mechanism of a run with ``extra`` ones, in order (for
    manifests)."""
    return [f"{cls.__module__}:{cls.__qualname__}" for cls in assembled(extra)]
