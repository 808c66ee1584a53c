"""Signature, deferral, reconsideration, ratification and entry into force.

At each meeting not pinned, every state present that has not signed an open document
decides whether to sign it (:func:`casim.model.decisions.sign_base` plus the peer term of
those who signed before it at the same meeting, most willing first) or defers, citing its
main objection. A deferring state reconsiders when it is told an objection may have gone
(``objection_changed``). A signature is ratified after a lognormal delay (a declaration at
once), and a document enters into force with its ``in_force_ratifications``.
"""

from __future__ import annotations

from collections.abc import Mapping

from casim.mechanisms.base import Handler, Mechanism, Sim
from casim.mechanisms.documents import open_document
from casim.model import decisions as dec
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
        self.world.documents[e.treaty].deferred.add(e.state)
        self.log("treaty_deferred", e.state, e.treaty, "recorded", origin)

    def _on_ratified(self, e: TreatyRatified, origin: str) -> None:
        self._ratified(self.world.documents[e.treaty], e.state, origin)

    # ---------------------------------------------------------------- decisions

    def _on_meeting(self, n: int, levels: dict[str, str], pinned: bool) -> None:
        if pinned:
            return
        for doc in self.world.documents.values():
            if doc.open:
                self._signing_round(doc, levels)

    def _signing_round(self, doc: Document, levels: dict[str, str]) -> None:
        w = self.world
        candidates = [
            c for c in w.participants if c not in doc.signed and levels.get(c, "none") != "none"
        ]
        if not candidates:
            return
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
        """Sign with probability logistic(logit), else defer citing ``reason``."""
        u = self.streams(f"signature:{code}").random()
        if u < dec.logistic(logit):
            self._sign(doc, code, "model")
        else:
            doc.deferred.add(code)
            self.log("treaty_deferred", code, doc.id, reason)

    def reconsider(self, code: str) -> None:
        """A deferring state re-evaluates the open documents it deferred."""
        if self.kernel.pinned():
            return
        for doc in self.world.documents.values():
            if doc.open and code in doc.deferred and code not in doc.signed:
                logit, reason = dec.sign_logit(
                    self.world, code, doc, "head", self._signed_share(doc, code)
                )
                self._decide(doc, code, logit, reason)

    # ---------------------------------------------------------------- signature, ratification

    def _sign(self, doc: Document, code: str, origin: str) -> None:
        doc.signed[code] = self.kernel.env.now
        doc.deferred.discard(code)
        self.log("treaty_signed", code, doc.id, "signed", origin)
        if doc.spec.kind == "declaration":
            self._ratified(doc, code, "model")
        elif (code, doc.id) not in self.observed_ratifications:
            delay = dec.ratification_delay(self.world, code, self.streams(f"ratification:{code}"))
            self.kernel.later(delay, lambda: self._ratified(doc, code, "model"))

    def _ratified(self, doc: Document, code: str, origin: str) -> None:
        if code in doc.ratified:
            return
        now = self.kernel.env.now
        doc.ratified[code] = now
        self.sim.signals.agreement_kept.emit(code, doc.id)
        if doc.spec.kind == "treaty":
            self.log("treaty_ratified", code, doc.id, "ratified", origin)
        if doc.in_force_day is None and len(doc.ratified) >= doc.in_force_needed:
            doc.in_force_day = now
            self.log("treaty_in_force", "ALL", doc.id, f"{len(doc.ratified)} ratifications", origin)
