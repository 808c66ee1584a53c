"""Delegations at a meeting of a format: who comes, and at what level.

Shared by the consultative meetings and the partners' summits. Each invited state's
delegation is the recorded one if there is one, else its decision
(:func:`casim.model.decisions.delegation`, or the format's own rule, drawn from the
state's ``attendance`` stream).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from casim.mechanisms.base import Sim
from casim.model import decisions as dec

__all__ = ["attend"]


def attend(
    sim: Sim,
    invited: list[str],
    host: str,
    fmt: str,
    recorded: dict[str, str],
    kind: str,
    outcome: str,
    decide: Callable[[str, np.random.Generator], str] | None = None,
) -> dict[str, str]:
    """Each invited state's delegation (recorded, else decided by ``decide(code, rng)``,
    by default :func:`~casim.model.decisions.delegation` with the format), logged as
    ``kind`` with ``outcome``; the format then counts one more meeting (its novelty
    falls), and the other mechanisms hear who met (``heads_met``)."""
    w = sim.world
    log = sim.kernel.log
    levels: dict[str, str] = {}
    for code in invited:
        if code in recorded:
            levels[code] = recorded[code]
        else:
            rng = sim.streams(f"attendance:{code}")
            if decide is None:
                levels[code] = dec.delegation(w, code, host, fmt, rng)
            else:
                levels[code] = decide(code, rng)
        origin = "observed" if code in recorded else "model"
        log(kind, code, levels[code], outcome, origin)
    w.formats_met[fmt] = w.formats_met.get(fmt, 0) + 1
    sim.signals.heads_met.emit(fmt, levels)
    return levels
