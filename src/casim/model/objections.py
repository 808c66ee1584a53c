"""Objections that persist: what a deferring state objects to, and what would change it.

A state that defers a document records its main objection (the largest negative term of
:func:`casim.model.decisions.sign_base`) together with a snapshot of that objection's
*driver*: the few facts the objection rests on. It reconsiders only once the driver differs
from the snapshot, and only if the change brought a new leader or relieved the objection (a
hardened doctrine is no reason to think again); a doctrinal objection never wears off by
chance. A state whose only
reason is ``timing`` (no negative term) may decide again at the next meeting.

Drivers, one small pure function per objection kind (every one includes the leader: a new
leader reconsiders everything):

- ``neutrality``: the state's neutrality and the security wording of the text that binds it
  (a reservation or interpretive protocol changes it);
- ``sovereignty``: the state's sovereignty sensitivity, its positions on the text's
  dimensions and the text that binds it;
- ``dispute``: the state's sovereignty sensitivity, the text that binds it, and for each
  border with another participant whether it is settled and whether its tension is below
  ``calm_tension`` (a settled or calmed line changes the driver);
- ``distance``: the text that binds it and the state's positions and saliences;
- ``partners``: the partners' pressure on the state about the document
  (:func:`casim.model.decisions.partner_pressure`), in steps of ``driver_step``;
- ``disposition``: the leader's effective disposition, in steps of ``driver_step``.

Reservations: signatories may offer a holdout whose objection is textual (neutrality,
sovereignty or distance) a reservation or interpretive protocol that softens, for that
state only, the wording it objects to.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from casim.model.decisions import partner_pressure, sign_terms
from casim.model.world import Document, World

__all__ = [
    "DRIVERS",
    "TEXTUAL",
    "Objection",
    "driver",
    "objection",
    "persists",
    "reservation_probability",
    "reserved_wording",
]

#: A driver snapshot: plain values compared with ``==``.
Driver = tuple[object, ...]

#: Objection kinds a reservation or interpretive protocol can answer: they are about the
#: wording of the text (neutrality: its security wording; sovereignty: how far it binds
#: beyond the state's positions; distance: the dimension furthest from them).
TEXTUAL: frozenset[str] = frozenset({"neutrality", "sovereignty", "distance"})


@dataclass(frozen=True)
class Objection:
    """A deferring state's recorded objection, the snapshot of its driver, and the weight of
    its term in the signing decision when it was recorded (see :func:`persists`)."""

    kind: str
    driver: Driver
    weight: float = 0.0


def _step(world: World, x: float) -> int:
    """``x`` in whole steps of ``driver_step`` (a drifting quantity moves by steps)."""
    step = world.scenario.parameters.signature.driver_step
    return math.floor(x / step + 1e-9)


def _leader(world: World, code: str) -> Driver:
    st = world.states[code]
    return (st.leader, st.leaders_seen)


def _text(doc: Document, code: str) -> Driver:
    return tuple(sorted(doc.text_for(code).items()))


def _neutrality(world: World, code: str, doc: Document) -> Driver:
    dim = world.scenario.parameters.signature.security_dimension
    return (world.states[code].neutrality, doc.text_for(code).get(dim, 0.0))


def _sovereignty(world: World, code: str, doc: Document) -> Driver:
    st = world.states[code]
    return (st.sovereignty, _text(doc, code), tuple(st.position[d] for d in sorted(doc.text)))


def _dispute(world: World, code: str, doc: Document) -> Driver:
    calm = world.scenario.parameters.signature.calm_tension
    lines = tuple(
        (pair, world.borders[pair].settled, world.tension(pair) < calm)
        for other, pair in sorted(world.neighbours.get(code, ()))
        if other in world.participants
    )
    return (world.states[code].sovereignty, _text(doc, code), lines)


def _distance(world: World, code: str, doc: Document) -> Driver:
    st = world.states[code]
    dims = sorted(doc.text)
    return (
        _text(doc, code),
        tuple(st.position[d] for d in dims),
        tuple(st.salience[d] for d in dims),
    )


def _partners(world: World, code: str, doc: Document) -> Driver:
    return (_step(world, partner_pressure(world, code, doc)),)


def _disposition(world: World, code: str, doc: Document) -> Driver:
    return (_step(world, world.disposition(code)),)


#: The driver of each objection kind (``timing`` has none: it is no objection).
DRIVERS: dict[str, Callable[[World, str, Document], Driver]] = {
    "neutrality": _neutrality,
    "sovereignty": _sovereignty,
    "dispute": _dispute,
    "distance": _distance,
    "partners": _partners,
    "disposition": _disposition,
}


def driver(world: World, code: str, doc: Document, kind: str) -> Driver:
    """The snapshot today of what an objection of ``kind`` by ``code`` to ``doc`` rests on:
    the leader, then the kind's own facts."""
    return (*_leader(world, code), *DRIVERS[kind](world, code, doc))


def _weight(world: World, code: str, doc: Document, kind: str) -> float:
    return dict(sign_terms(world, code, doc)).get(kind, 0.0)


def objection(world: World, code: str, doc: Document, kind: str) -> Objection | None:
    """The objection a state records when it defers citing ``kind`` (None for ``timing``
    or any reason without a driver: such a state may decide again at the next meeting)."""
    if kind not in DRIVERS:
        return None
    return Objection(kind, driver(world, code, doc, kind), _weight(world, code, doc, kind))


def persists(world: World, code: str, doc: Document, held: Objection | None) -> bool:
    """Whether a recorded objection still holds.

    It holds while its driver is unchanged. Once the driver has changed it still holds if
    the leader is the same and the change deepened the objection rather than relieved it
    (its term is as negative as when it was recorded, or more: a doctrine hardened, a line
    grew tenser); a new leader, or any relief, opens the question again.
    """
    if held is None:
        return False
    now = driver(world, code, doc, held.kind)
    if now == held.driver:
        return True
    if now[:2] != held.driver[:2]:
        return False  # a new leader
    return _weight(world, code, doc, held.kind) <= held.weight


def reservation_probability(world: World, doc: Document, holdout: str) -> float:
    """Chance that the signatories offer ``holdout`` a reservation at a meeting:

    P = reservation_rate * mean disposition of the signatories * share of the other
    participants that have signed (how much they want the holdout in: the more of the
    format is already bound, the more the last holdouts matter). 0 with no signatory.
    """
    signatories = [c for c in world.participants if c in doc.signed]
    if not signatories:
        return 0.0
    others = len(world.participants) - (holdout in world.participants)
    share = len(signatories) / others if others > 0 else 0.0
    mean_d = sum(world.disposition(c) for c in signatories) / len(signatories)
    rate = world.scenario.parameters.signature.reservation_rate
    return min(1.0, max(0.0, rate * mean_d * share))


def reserved_wording(world: World, doc: Document, holdout: str, kind: str) -> dict[str, float]:
    """The wording a reservation against a ``kind`` objection grants ``holdout``, moving the
    objected wording of the text that binds it by ``reservation_softening``:

    - neutrality: the security wording, lowered by that share;
    - sovereignty: every dimension worded above the state's position, moved that share of
      the way down to it;
    - distance: the dimension with the largest salience-weighted gap, moved that share of
      the way to the state's position.
    """
    s = world.scenario.parameters.signature
    soften = s.reservation_softening
    st = world.states[holdout]
    text = doc.text_for(holdout)
    if kind == "neutrality":
        dim = s.security_dimension
        return {dim: text[dim] * (1.0 - soften)} if dim in text else {}
    if kind == "sovereignty":
        return {d: v - soften * (v - st.position[d]) for d, v in text.items() if v > st.position[d]}
    if kind == "distance" and text:
        far = max(sorted(text), key=lambda d: st.salience[d] * abs(text[d] - st.position[d]))
        return {far: text[far] + soften * (st.position[far] - text[far])}
    return {}
