"""The agenda of the consultative meetings: documents proposed, negotiated and opened.

At each meeting the listed documents due there are proposed; once every listed document
is on the agenda a meeting may launch a new agreement (generated: its scope drawn by the
participants' salience). A proposed document is negotiated for ``rounds`` meetings, then
its text is bargained among the delegations present and it opens for signature
(:mod:`casim.mechanisms.signing` takes it from there).
"""

from __future__ import annotations

import math

from casim.mechanisms.base import Mechanism, Sim
from casim.model import decisions as dec
from casim.model.world import LEVEL_SCORE, Document
from casim.scenario.schema import DocumentSpec

__all__ = ["Agenda", "open_document"]


def open_document(sim: Sim, doc: Document, present: dict[str, float], origin: str) -> None:
    """Bargain ``doc``'s text among the delegations ``present`` (state -> level score) and
    open it for signature today."""
    doc.text = dec.bargain_text(sim.world, doc, present)
    doc.opened_day = sim.kernel.env.now
    text = ";".join(f"{k}={v:.2f}" for k, v in doc.text.items())
    sim.kernel.log("document_opened", sim.world.rotation[-1], doc.id, text, origin)


class Agenda(Mechanism):
    """Proposals, generated agreements, negotiation rounds and opening, at each meeting."""

    name = "agenda"

    def __init__(self, sim: Sim) -> None:
        super().__init__(sim)
        sim.signals.meeting_held.connect(self._on_meeting)

    def _on_meeting(self, n: int, levels: dict[str, str], pinned: bool) -> None:
        w = self.world
        host = w.rotation[-1]
        for doc in w.documents.values():
            if doc.proposed_meeting is None and doc.spec.proposed_at_meeting == n:
                doc.proposed_meeting = n
                self.log("document_proposed", host, doc.id, doc.spec.kind)
        listed_done = all(d.proposed_meeting is not None for d in w.documents.values())
        if not pinned and listed_done and dec.new_document_launched(w, self.streams("documents")):
            self._generate(n, host)
        present = {c: LEVEL_SCORE[v] for c, v in levels.items() if v != "none"}
        for doc in w.documents.values():
            if doc.proposed_meeting is None or doc.open:
                continue
            if n > doc.proposed_meeting:
                doc.rounds_done += 1
            if doc.rounds_done >= doc.spec.rounds:
                open_document(self.sim, doc, present, "model")

    def _generate(self, n: int, host: str) -> None:
        """A new agreement launched at meeting ``n``, its scope drawn."""
        w = self.world
        p = self.scenario.parameters.documents
        w.documents_generated += 1
        scope = dec.generated_scope(w, self.streams("documents"))
        doc_id = f"agreement_{w.documents_generated:02d}"
        needed = max(1, math.ceil(p.in_force_share * len(w.participants)))
        spec = DocumentSpec(
            name=f"Agreement launched at meeting {n}",
            kind="treaty",
            proposed_at_meeting=n,
            rounds=p.rounds,
            scope=scope,
            in_force_ratifications=needed,
        )
        w.documents[doc_id] = Document(
            id=doc_id, spec=spec, proposed_meeting=n, in_force_needed=needed
        )
        self.log("document_proposed", host, doc_id, "+".join(scope))
