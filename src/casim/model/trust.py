"""Trust built and eroded by experience: pure functions of the experience offset.

A state's disposition is its sitting leader's own line plus an experience offset ``e``
(and the shocks on top, see :meth:`casim.model.world.World.disposition`). Experience
moves ``e``:

- a meeting attended adds ``meeting_gain x level`` (1 for the head, 0.5 for a stand-in,
  0 when absent);
- an agreement kept (a treaty or border treaty ratified) adds ``kept_gain`` to the
  ratifying state;
- a major clash takes ``clash_loss`` from each of the two parties;

between events ``e`` decays toward 0 with ``half_life_days``; it stays within
``[-cap, cap]``; a new leader keeps ``inherit x e`` when it turns to its own line. The
equations are written out in ``docs/MODEL.md`` (Trust).
"""

from __future__ import annotations

from collections.abc import Mapping

from casim.model.world import LEVEL_SCORE, decayed
from casim.scenario.schema import TrustParams

__all__ = ["bounded", "experienced", "inherited", "meeting_gains"]


def bounded(offset: float, cap: float) -> float:
    """The offset clipped to ``[-cap, cap]``."""
    return -cap if offset < -cap else cap if offset > cap else offset


def experienced(offset: float, since_days: float, delta: float, p: TrustParams) -> float:
    """The offset after ``since_days`` of decay and then an experience of ``delta``:
    clip(e x 0.5^(since / half_life) + delta, -cap, cap)."""
    return bounded(decayed(offset, since_days, p.half_life_days) + delta, p.cap)


def inherited(offset: float, p: TrustParams) -> float:
    """The share of the offset a new leader keeps when it turns: inherit x e."""
    return bounded(p.inherit * offset, p.cap)


def meeting_gains(levels: Mapping[str, str], p: TrustParams) -> dict[str, float]:
    """What a meeting adds to each invited state: meeting_gain x level score."""
    return {code: p.meeting_gain * LEVEL_SCORE[level] for code, level in levels.items()}
