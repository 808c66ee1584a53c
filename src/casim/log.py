"""The event log: the vocabulary of kinds it may hold, its row type, and one run's rows.

Every kind the log may hold is declared once, here, as an :class:`EventKind`: its name,
what its subject, object and outcome hold, whether a scenario may impose it (and as what)
and which kinds of record row are answered from it. The scenario schema, the engine's
mechanisms, the experiment outputs, scoring, compare and the figures read the vocabulary
from this module; a mechanism added through the Python API declares the kinds it adds in
its ``kinds`` (see :func:`vocabulary`).

Rows are appended as :class:`EventRow` tuples while a run goes; they become DataFrames
once, at the end, in :mod:`casim.api`. This module imports nothing from the rest of casim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

__all__ = [
    "EVENT_COLUMNS",
    "INDEX_KEYS",
    "KINDS",
    "OBSERVED_ORDER",
    "ORIGINS",
    "PANEL_KEYS",
    "RECORD_KINDS",
    "EventKind",
    "EventRow",
    "RunRecord",
    "vocabulary",
]


class EventRow(NamedTuple):
    """One row of ``events.csv``: one thing that happened in one run."""

    run: int
    seed: int
    date: str  # ISO date
    kind: str  # an EventKind name
    subject: str
    object: str
    outcome: str
    origin: str  # one of ORIGINS


#: Columns of ``events.csv``.
EVENT_COLUMNS: tuple[str, ...] = EventRow._fields
#: Leading columns of ``panel.csv`` (the stance columns follow, see model.indicators).
PANEL_KEYS: tuple[str, ...] = ("run", "seed", "year", "state")
#: Leading columns of ``index.csv`` (components, ``trade_bn`` and ``index`` follow).
INDEX_KEYS: tuple[str, ...] = ("run", "seed", "year", "pinned")

#: Where a row comes from: imposed from the record, a driver of the scenario (kept up to
#: ``known_until``, or ``assumed`` beyond it), a scheduled change after ``known_until``
#: (its date public, its outcome drawn), or an agent's decision.
ORIGINS: tuple[str, ...] = ("observed", "exogenous", "assumed", "scheduled", "model")


@dataclass(frozen=True)
class EventKind:
    """One kind of row of the event log.

    ``scenario`` names the scenario event kind that imposes it, if a scenario may;
    ``imposed`` says as what: ``observed`` (an agent's decision, imposed up to
    ``pin_until`` and decided after it) or ``exogenous`` (a driver, kept up to
    ``known_until``); ``order`` is the same-day order of observed outcomes (a meeting
    before what is signed at it); ``record`` lists the kinds of record row answered from
    it (see :func:`casim.record.answer`).
    """

    name: str
    meaning: str
    subject: str
    object: str = ""
    outcome: str = ""
    scenario: str | None = None
    imposed: Literal["observed", "exogenous"] | None = None
    order: int = 0
    record: tuple[str, ...] = field(default=())


_DECLARED: tuple[EventKind, ...] = (
    EventKind(
        "summit_held",
        "a consultative meeting of heads of state took place",
        subject="host state",
        object="meeting_<n>, its ordinal",
        outcome="held",
        scenario="summit",
        imposed="observed",
        order=0,
        record=("summit_held",),
    ),
    EventKind(
        "summit_postponed",
        "a due consultative meeting did not take place this year",
        subject="the state due to host",
        outcome="no_host, not_convened, blocked (by a shock) or recorded",
        scenario="summit_postponed",
        imposed="observed",
        order=0,
    ),
    EventKind(
        "format_proposed",
        "the initiator proposed founding the consultative meetings",
        subject="the initiator",
        object="the state that would host the founding meeting",
        outcome="accepted (by every other participant) or declined",
    ),
    EventKind(
        "summit_attended",
        "a participant's delegation at a consultative meeting",
        subject="state",
        object="head, standin or none",
        outcome="the host",
        record=("summit_head_attended",),
    ),
    EventKind(
        "document_proposed",
        "a document was put on the agenda of the meetings",
        subject="host state",
        object="document id",
        outcome="its kind, or the dimensions of a generated agreement joined by '+'",
    ),
    EventKind(
        "document_opened",
        "a document's text was agreed and opened for signature",
        subject="host state",
        object="document id",
        outcome="the bargained text, dimension=wording pairs joined by ';'",
    ),
    EventKind(
        "treaty_signed",
        "a state signed a document",
        subject="state",
        object="document id",
        outcome="signed",
        scenario="treaty_signed",
        imposed="observed",
        order=3,
        record=("treaty_signed",),
    ),
    EventKind(
        "treaty_deferred",
        "a state present at a meeting did not sign an open document",
        subject="state",
        object="document id",
        outcome="its main objection (disposition, distance, neutrality, dispute, "
        "sovereignty, partners, timing) or recorded",
        scenario="treaty_deferred",
        imposed="observed",
        order=4,
    ),
    EventKind(
        "treaty_ratified",
        "a state ratified a treaty it signed",
        subject="state",
        object="document id",
        outcome="ratified",
        scenario="treaty_ratified",
        imposed="observed",
        order=5,
    ),
    EventKind(
        "treaty_ratification_failed",
        "a state's domestic procedure refused a treaty it signed (it never counts toward "
        "entry into force)",
        subject="state",
        object="document id",
        outcome="failed",
    ),
    EventKind(
        "reservation_offered",
        "the signatories offered a holdout a reservation or interpretive protocol that "
        "softens, for it alone, the wording it objects to",
        subject="state (the holdout)",
        object="document id",
        outcome="the objection answered (neutrality, sovereignty or distance)",
    ),
    EventKind(
        "treaty_in_force",
        "a document gathered the ratifications it needs",
        subject="ALL",
        object="document id",
        outcome="<n> ratifications",
    ),
    EventKind(
        "border_treaty_signed",
        "two neighbours signed the treaty on their line (delimitation)",
        subject="pair, such as KGZ-TJK",
        object="heads (at a meeting of the two) or ministers (the foreign ministers or the "
        "commissions' heads), if known",
        outcome="signed",
        scenario="border_treaty_signed",
        imposed="observed",
        order=2,
        record=("border_treaty_signed",),
    ),
    EventKind(
        "border_treaty_ratified",
        "one side ratified a border treaty",
        subject="state",
        object="pair",
        outcome="ratified",
    ),
    EventKind(
        "border_sections_agreed",
        "the commissions agreed further sections of a line (a partial agreement)",
        subject="pair",
        outcome="the share of the line agreed so far (decided: in steps of section_step)",
        scenario="border_sections_agreed",
        imposed="observed",
        order=2,
    ),
    EventKind(
        "border_demarcated",
        "a delimited line was demarcated on the ground, after ratification by both sides",
        subject="pair",
        outcome="demarcated",
    ),
    EventKind(
        "ceasefire",
        "a ceasefire was agreed on a line after a major clash",
        subject="pair",
        object="the mediating partner, if any",
        outcome="agreed",
    ),
    EventKind(
        "ceasefire_broken",
        "the ceasefire holding on a line ended",
        subject="pair",
        outcome="breakdown (its hazard) or clash (a new major clash)",
    ),
    EventKind(
        "mediation",
        "an outside partner engaged as mediator on a line after a major clash",
        subject="pair",
        object="the partner",
        outcome="its strength (pull on both sides x stake)",
    ),
    EventKind(
        "border_treaty_ratification_failed",
        "one side's domestic procedure refused a border treaty (it does not enter into "
        "force; tension on the line rises)",
        subject="state",
        object="pair",
        outcome="failed",
    ),
    EventKind(
        "border_clash",
        "an incident on a line",
        subject="pair",
        object="minor or major",
        outcome="clash",
        scenario="border_clash",
        imposed="observed",
        order=1,
        record=("border_clash_major",),
    ),
    EventKind(
        "state_visit",
        "the heads of a pair with an open line met",
        subject="pair",
        object="empty for a bilateral visit, else the format on whose margins they met",
        outcome="signed (the agreed line, at a bilateral visit), talks (the commissions "
        "pushed on), agreed (on a summit's margins: the line is agreed, its treaty waits for "
        "a visit or the ministers), frozen, or met (a listed visit on or before the pin "
        "date, whose outcomes the record imposes)",
        scenario="state_visit",
        imposed="exogenous",
    ),
    EventKind(
        "leader_change",
        "a new leader took office",
        subject="state",
        object="the leader",
        outcome="the new leader's disposition",
        scenario="leader_change",
        imposed="exogenous",
    ),
    EventKind(
        "leader_turn",
        "a new leader's own disposition took effect, after consolidation",
        subject="state",
        object="the leader",
        outcome="the disposition",
    ),
    EventKind(
        "shock",
        "a shock began",
        subject="the states it touches joined by '+', or ALL",
        object="shock id",
        outcome="until <date> or open",
        scenario="shock",
        imposed="exogenous",
    ),
    EventKind(
        "partner_summit",
        "an external partner held a summit with the region (C5+X)",
        subject="partner",
        object="the host, if any",
        outcome="held",
        scenario="partner_summit",
        imposed="exogenous",
    ),
    EventKind(
        "partner_summit_attended",
        "a state's delegation at a partner's summit",
        subject="state",
        object="head, standin or none",
        outcome="the partner",
    ),
    EventKind(
        "partner_offer",
        "an external partner made a state an offer (investment, corridor or security assistance)",
        subject="state",
        object="partner",
        outcome="the kind, then accepted or declined",
    ),
    EventKind(
        "bloc_join",
        "a state joined a bloc",
        subject="state",
        object="bloc id",
        outcome="member or observer",
        scenario="bloc_join",
        imposed="exogenous",
    ),
    EventKind(
        "participant_join",
        "a state joined the consultative meetings",
        subject="state",
        outcome="joined",
        scenario="participant_join",
        imposed="exogenous",
    ),
    EventKind(
        "stance_change",
        "a state's stance was set",
        subject="state",
        object="the field, with .key for position, salience and pull",
        outcome="the new value",
        scenario="stance_change",
        imposed="exogenous",
    ),
)

#: The vocabulary of the built-in mechanisms, by name, in declaration order.
KINDS: dict[str, EventKind] = {k.name: k for k in _DECLARED}
#: Same-day order of the outcomes a scenario imposes up to ``pin_until``, by scenario kind.
OBSERVED_ORDER: dict[str, int] = {
    k.scenario: k.order for k in _DECLARED if k.imposed == "observed" and k.scenario
}
#: The kinds a record row may have (the record format's vocabulary), in column order.
RECORD_KINDS: tuple[str, ...] = tuple(r for k in _DECLARED for r in k.record)


def vocabulary(extra: Iterable[EventKind] = ()) -> dict[str, EventKind]:
    """The built-in kinds and ``extra`` ones (declared by added mechanisms), by name.

    A name declared twice is a ValueError: every kind has one declaration.
    """
    kinds = dict(KINDS)
    for kind in extra:
        if kind.name in kinds and kinds[kind.name] != kind:
            raise ValueError(f"event kind {kind.name!r} is declared twice")
        kinds[kind.name] = kind
    return kinds


@dataclass
class RunRecord:
    """Everything one run produced, as plain rows."""

    run: int
    seed: int
    events: list[EventRow] = field(default_factory=list)
    panel: list[tuple[object, ...]] = field(default_factory=list)
    index: list[tuple[object, ...]] = field(default_factory=list)
