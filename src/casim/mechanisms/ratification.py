"""The domestic ratification of a border treaty, shared by whoever settles a line.

Each side's procedure is drawn at the signature (:func:`casim.model.ratification.ratification`
on the line's stakes) from its own stream ``border_ratification:<state>``; when it ends, the
side ratifies (``border_treaty_ratified``) or its procedure fails
(``border_treaty_ratification_failed``). A failed ratification means the treaty does not
enter into force: the line stays as the executives agreed it, but tension on it rises by
``ratification.failed_tension`` (the Kempir-Abad protests of October 2022 were against the
Kyrgyz-Uzbek deal). A procedure that ends in the pinned period cannot fail: the record
shows no failed ratification there.
"""

from __future__ import annotations

from casim.mechanisms.base import Sim
from casim.model.ratification import border_stakes, ratification

__all__ = ["ratify_border"]


def ratify_border(sim: Sim, pair: str, code: str) -> None:
    """Schedule ``code``'s ratification of the treaty on ``pair`` signed today."""
    w = sim.world
    kernel = sim.kernel
    cession, security = border_stakes(w.borders[pair])
    outcome = ratification(w, code, cession, security, sim.streams(f"border_ratification:{code}"))

    def done() -> None:
        if outcome.approved or kernel.pinned():
            kernel.log("border_treaty_ratified", code, pair, "ratified")
            return
        kernel.log("border_treaty_ratification_failed", code, pair, "failed")
        w.set_tension(pair, w.tension(pair) + sim.scenario.parameters.ratification.failed_tension)

    kernel.later(outcome.delay, done)
