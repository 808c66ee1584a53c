"""Ratification as a two-level game (Putnam 1988): a signed treaty needs domestic approval,
which takes time and can fail.

The executive signs at the international level; the state's own institutions and public
(parliament, protests) decide at the domestic level. Approval is harder when the text cedes
contested land or water, when it commits the state on security, when the state is jealous
of its sovereignty, and when domestic contention runs high (Kyrgyzstan's Kempir-Abad
protests of October 2022 against the border deal with Uzbekistan). Pure functions: used by
the signing of documents and by the ratification of border treaties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casim.model.decisions import logistic, ratification_delay
from casim.model.world import Border, Document, World

__all__ = [
    "Ratification",
    "border_stakes",
    "document_stakes",
    "failure_probability",
    "ratification",
]


@dataclass(frozen=True)
class Ratification:
    """The outcome of a domestic procedure: after ``delay`` days, approved or failed."""

    approved: bool
    delay: float


def document_stakes(world: World, doc: Document, code: str) -> tuple[float, float]:
    """(cession, security) of a document for one state: the wording of its water clauses
    (the water dimension, ``parameters.water.dimension``, 0 when out of scope) and of its
    security commitments, in the text that binds the state."""
    text = doc.text_for(code)
    params = world.scenario.parameters
    water = params.water.dimension
    security = params.signature.security_dimension
    return text.get(water, 0.0), text.get(security, 0.0)


def border_stakes(border: Border) -> tuple[float, float]:
    """(cession, security) of a border treaty: the line's difficulty (the contested
    enclaves, reservoirs and intakes that one side gives up), no security commitment."""
    return border.difficulty, 0.0


def failure_probability(world: World, code: str, cession: float, security: float) -> float:
    """P(domestic approval fails) = logistic(r0 + r_c contention + r_s sovereignty
    + r_l cession + r_k security)."""
    r = world.scenario.parameters.ratification
    st = world.states[code]
    x = (
        r.intercept
        + r.contention * st.spec.contention
        + r.sovereignty * st.sovereignty
        + r.cession * cession
        + r.security * security
    )
    return logistic(x)


def ratification(
    world: World, code: str, cession: float, security: float, rng: np.random.Generator
) -> Ratification:
    """The state's procedure: a lognormal delay (:func:`ratification_delay`, drawn first),
    then approval with probability 1 - :func:`failure_probability` (one uniform draw)."""
    delay = ratification_delay(world, code, rng)
    failed = rng.random() < failure_probability(world, code, cession, security)
    return Ratification(approved=not failed, delay=delay)
