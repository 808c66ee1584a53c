"""Signature, deferral, objections that persist, reservations, ratification and entry into
force.

At each meeting not pinned, every state present that has not signed an open document
decides whether to sign it (:func:`casim.model.decisions.sign_base` plus the peer term of
those who signed before it at the same meeting, most willing first) or defers, citing its
main objection. A deferring state records that objection with a snapshot of its driver
(:mod:`casim.model.objections`) and decides again only once the driver has changed: at a
later meeting, or at once when it is told an objection may have gone
(``objection_changed``); while its objection holds it defers again at every meeting it
attends, without a draw. A state whose reason was ``timing`` decides again at the next
meeting. Before the signing round, the signatories may offer a holdout whose objection is
textual a reservation (``reservation_offered``), which changes its driver.

A signature of a treaty goes to the state's domestic procedure
(:mod:`casim.model.ratification`): after a lognormal delay it is ratified or it fails
(``treaty_ratification_failed``, never counted; the state does not resubmit the same
text). A declaration binds at once. A document enters into force with its
``in_force_ratifications``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.mechanisms.documents import open_document
from casim.model import decisions as dec
from casim.model import objections as obj
from casim.model.ratification import document_stakes, ratification
from casim.model.world import Document
from casim.scenario.schema import EventBase, TreatyDeferred, TreatyRatified, TreatySigned

__all__ = ["Signing"]


class Signing(Mechanism):
    """The states' decisions on open documents and the ratifications that follow."""

    name = "signing"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        k = self.kernel
        self.observed_ratifications = {
            (e.state, e.treaty)
            for e in self.scenario.events
            if isinstance(e, TreatyRatified) and k.day(e.date) <= k.pin_day
        }
        # (document id, state) -> the objection a deferring state holds
        self.objections: dict[tuple[str, str], obj.Objection] = {}
        # (document id, state, objection) answered by a reservation: offered once
        self.offered: set[tuple[str, str, str]] = set()
        sim.signals.meeting_held.connect(self._on_meeting)
        sim.signals.objection_changed.connect(self.reconsider)

    def handlers(self) -> Mapping[type[EventBase], Handler]:
        return {
            TreatySigned: self._on_signed,
            TreatyDeferred: self._on_deferred,
            TreatyRatified: self._on_ratified,
        }

    # ---------------------------------------------------------------- recorded outcomes

    def _on_signed(self, e: TreatySigned, origin: str) -> None:
        w = self.world
        doc = w.documents[e.treaty]
        if not doc.open:
            open_document(self.sim, doc, {c: 1.0 for c in w.participants}, origin)
        self._sign(doc, e.state, origin)

    def _on_deferred(self, e: TreatyDeferred, origin: str) -> None:
        """A recorded deferral: the state holds the objection the model reads off it (the
        main objection of :func:`~casim.model.decisions.sign_base` that day)."""
        doc = self.world.documents[e.treaty]
        doc.deferred.add(e.state)
        if doc.open and e.state not in doc.signed:
            _, reason = dec.sign_base(self.world, e.state, doc, "head")
            self._hold(doc, e.state, reason)
        self.log("treaty_deferred", e.state, e.treaty, "recorded", origin)

    def _on_ratified(self, e: TreatyRatified, origin: str) -> None:
        self._ratified(self.world.documents[e.treaty], e.state, origin)

    # ---------------------------------------------------------------- decisions

    def _on_meeting(self, n: int, levels: dict[str, str], pinned: bool) -> None:
        if pinned:
            return
        for doc in self.world.documents.values():
            if doc.open:
                holding = self._offer_reservations(doc, levels)
                self._signing_round(doc, levels, holding)

    def _held(self, doc: Document, code: str) -> obj.Objection | None:
        """The objection ``code`` still holds against ``doc`` (None once its driver moved)."""
        held = self.objections.get((doc.id, code))
        return held if obj.persists(self.world, code, doc, held) else None

    def _hold(self, doc: Document, code: str, reason: str) -> None:
        """Record the objection a deferring state defers on, with its driver today."""
        held = obj.objection(self.world, code, doc, reason)
        if held is None:
            self.objections.pop((doc.id, code), None)
        else:
            self.objections[doc.id, code] = held

    def _offer_reservations(
        self, doc: Document, levels: dict[str, str]
    ) -> dict[str, obj.Objection | None]:
        """The signatories may offer each present holdout whose objection is textual a
        reservation softening, for it alone, the wording it objects to (once per document,
        holdout and objection: a second protocol on the same point is not negotiated).
        Returns the objection each present state that has not signed holds after the
        offers (the signing round reads them)."""
        w = self.world
        holding: dict[str, obj.Objection | None] = {}
        for code in w.participants:
            if code in doc.signed or levels.get(code, "none") == "none":
                continue
            held = holding[code] = self._held(doc, code)
            if held is None or held.kind not in obj.TEXTUAL:
                continue
            if (doc.id, code, held.kind) in self.offered:
                continue
            u = self.streams(f"reservation:{code}").random()
            if u < obj.reservation_probability(w, doc, code):
                self.offered.add((doc.id, code, held.kind))
                granted = obj.reserved_wording(w, doc, code, held.kind)
                doc.reservations[code] = {**doc.reservations.get(code, {}), **granted}
                self.log("reservation_offered", code, doc.id, held.kind)
                holding[code] = self._held(doc, code)  # the reservation moved its driver
        return holding

    def _signing_round(
        self, doc: Document, levels: dict[str, str], holding: dict[str, obj.Objection | None]
    ) -> None:
        """The present states that have not signed and hold no objection (``holding``, from
        :meth:`_offer_reservations`) decide, most willing first; the others defer again."""
        w = self.world
        present = [
            c for c in w.participants if c not in doc.signed and levels.get(c, "none") != "none"
        ]
        if not present:
            return
        candidates = [c for c in present if holding[c] is None]
        base = {c: dec.sign_base(w, c, doc, levels[c]) for c in candidates}
        peer = self.scenario.parameters.signature.peer
        # every candidate is a participant that has not signed: the same share for all
        others = len(w.participants) - 1
        signed = sum(1 for c in w.participants if c in doc.signed)
        share = signed / others if others > 0 else 0.0
        first = {c: base[c][0] + peer * share for c in candidates}
        for code in sorted(candidates, key=lambda c: (-first[c], c)):
            logit, reason = base[code]
            self._decide(doc, code, logit + peer * share, reason)
            if code in doc.signed:
                signed += 1
                share = signed / others
        for code in present:
            held = holding[code]
            if held is not None:
                self.log("treaty_deferred", code, doc.id, held.kind)

    def _signed_share(self, doc: Document, code: str) -> float:
        """The share of the other participants that have signed ``doc``."""
        participants = self.world.participants
        others = len(participants) - (code in participants)
        if others <= 0:
            return 0.0
        signed = doc.signed
        n = sum(1 for c in participants if c in signed) - (code in signed and code in participants)
        return n / others

    def _decide(self, doc: Document, code: str, logit: float, reason: str) -> None:
        """Sign with probability logistic(logit), else defer citing ``reason`` and hold it."""
        u = self.streams(f"signature:{code}").random()
        if u < dec.logistic(logit):
            self._sign(doc, code, "model")
        else:
            doc.deferred.add(code)
            self._hold(doc, code, reason)
            self.log("treaty_deferred", code, doc.id, reason)

    def reconsider(self, code: str) -> None:
        """A deferring state re-evaluates the open documents it deferred whose objection's
        driver has changed."""
        if self.kernel.pinned():
            return
        for doc in self.world.documents.values():
            if doc.open and code in doc.deferred and code not in doc.signed:
                if self._held(doc, code) is not None:
                    continue
                logit, reason = dec.sign_logit(
                    self.world, code, doc, "head", self._signed_share(doc, code)
                )
                self._decide(doc, code, logit, reason)

    # ---------------------------------------------------------------- signature, ratification

    def _sign(self, doc: Document, code: str, origin: str) -> None:
        doc.signed[code] = self.kernel.env.now
        doc.deferred.discard(code)
        self.objections.pop((doc.id, code), None)
        self.log("treaty_signed", code, doc.id, "signed", origin)
        if doc.spec.kind == "declaration":
            self._ratified(doc, code, "model")
        elif (code, doc.id) not in self.observed_ratifications:
            cession, security = document_stakes(self.world, doc, code)
            rng = self.streams(f"ratification:{code}")
            outcome = ratification(self.world, code, cession, security, rng)
            self.kernel.later(
                outcome.delay, partial(self._procedure_ends, doc, code, outcome.approved)
            )

    def _procedure_ends(self, doc: Document, code: str, approved: bool) -> None:
        """The domestic procedure ends: ratified, or failed (never in the pinned period,
        where the record shows no failed ratification)."""
        if approved or self.kernel.pinned():
            self._ratified(doc, code, "model")
            return
        if code in doc.ratified or code in doc.failed:
            return
        doc.failed[code] = self.kernel.env.now
        self.log("treaty_ratification_failed", code, doc.id, "failed")

    def _ratified(self, doc: Document, code: str, origin: str) -> None:
        if code in doc.ratified or code in doc.failed:
            return
        now = self.kernel.env.now
        doc.ratified[code] = now
        self.sim.signals.agreement_kept.emit(code, doc.id)
        if doc.spec.kind == "treaty":
            self.log("treaty_ratified", code, doc.id, "ratified", origin)
        if doc.in_force_day is None and len(doc.ratified) >= doc.in_force_needed:
            doc.in_force_day = now
            self.log("treaty_in_force", "ALL", doc.id, f"{len(doc.ratified)} ratifications", origin)
