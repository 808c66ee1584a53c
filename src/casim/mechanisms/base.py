"""What every mechanism is built on: the run it belongs to, the signals mechanisms send
one another, and the :class:`Mechanism` base class.

A mechanism is a small class. It is built once per run with that run's :class:`Sim`,
keeps its own state as attributes, and declares

- ``processes()``: the SimPy processes it runs (started in the order of the mechanism
  list, each mechanism's in the order it yields them);
- ``handlers()``: a table from scenario event types (:mod:`casim.scenario.schema`) to the
  methods that apply them; the calendar of drivers and the replay of observed outcomes
  dispatch every scenario event through these tables;
- ``kinds``: event kinds it logs that the built-in vocabulary (:data:`casim.log.KINDS`)
  does not declare.

Mechanisms do not call one another's methods: one tells the others that something
happened through a :class:`Signal` of :class:`Signals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, ParamSpec

from casim.kernel import Kernel, Proc
from casim.log import EventKind, RunRecord
from casim.model.world import World
from casim.rng import Streams
from casim.scenario.schema import EventBase, Scenario

__all__ = ["Handler", "Mechanism", "Signal", "Signals", "Sim"]

P = ParamSpec("P")

#: Applies one scenario event; the second argument is the row's origin (``observed``,
#: ``exogenous``, ``assumed`` or ``scheduled``).
Handler = Callable[[Any, str], None]


class Signal(Generic[P]):
    """A notification with typed arguments: listeners are called in the order they
    connected."""

    __slots__ = ("_listeners",)

    def __init__(self) -> None:
        self._listeners: list[Callable[P, None]] = []

    def connect(self, listener: Callable[P, None]) -> None:
        self._listeners.append(listener)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in self._listeners:
            listener(*args, **kwargs)


class Signals:
    """What mechanisms tell one another.

    - ``meeting_held(n, levels, pinned)``: the ``n``-th consultative meeting took place
      today with these delegations (state -> head, standin or none); ``pinned`` when it
      is imposed from the record;
    - ``heads_met(fmt, levels)``: a meeting of a format (``consultative`` or
      ``partner:<id>``) took place today with these delegations, so heads who were both
      present could meet on its margins;
    - ``objection_changed(state)``: something a state may have objected to has changed
      (its stance, its leader's line, a border settled), so it may reconsider the
      documents it deferred;
    - ``clash(pair, major)``: an incident on a line today (recorded or drawn);
    - ``agreement_kept(state, document)``: a state ratified a document it signed, or a
      border treaty (``document`` is then the pair);
    - ``leader_turned(state)``: a new leader's own line took effect today (sent before
      ``objection_changed``).
    """

    __slots__ = (
        "agreement_kept",
        "clash",
        "heads_met",
        "leader_turned",
        "meeting_held",
        "objection_changed",
    )

    def __init__(self) -> None:
        self.meeting_held: Signal[[int, dict[str, str], bool]] = Signal()
        self.heads_met: Signal[[str, dict[str, str]]] = Signal()
        self.objection_changed: Signal[[str]] = Signal()
        self.clash: Signal[[str, bool]] = Signal()
        self.agreement_kept: Signal[[str, str]] = Signal()
        self.leader_turned: Signal[[str]] = Signal()


class Sim:
    """One run as the mechanisms see it: the kernel (clock and log), the world, the
    scenario, the named random streams, the signals, and the dispatch of scenario events
    to their handlers (filled by the engine once every mechanism is built)."""

    __slots__ = (
        "handlers",
        "keep_panel",
        "kernel",
        "record",
        "scenario",
        "signals",
        "streams",
        "world",
    )

    def __init__(
        self,
        kernel: Kernel,
        world: World,
        scenario: Scenario,
        streams: Streams,
        *,
        keep_panel: bool = True,
    ) -> None:
        self.kernel = kernel
        self.world = world
        self.scenario = scenario
        self.streams = streams
        self.record: RunRecord = kernel.record
        self.signals = Signals()
        self.keep_panel = keep_panel
        self.handlers: dict[type[EventBase], Handler] = {}

    def apply(self, event: EventBase, origin: str) -> None:
        """Apply one scenario event through the handler its type is registered with."""
        self.handlers[type(event)](event, origin)


class Mechanism:
    """Base class of the model's mechanisms (see the module docstring)."""

    #: short name, unique among the mechanisms of a run
    name: ClassVar[str] = ""
    #: event kinds this mechanism logs beyond the built-in vocabulary
    kinds: ClassVar[tuple[EventKind, ...]] = ()

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.kernel = sim.kernel
        self.world = sim.world
        self.scenario = sim.scenario
        self.streams = sim.streams
        self.log = sim.kernel.log
        self.sync = sim.kernel.sync

    def processes(self) -> Iterable[Proc]:
        """The processes to start, in order (none by default)."""
        return ()

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        """The scenario event types this mechanism applies (none by default)."""
        return {}
