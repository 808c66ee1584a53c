"""Intra-regional trade as a gravity level: pure functions of the year's drivers.

Borders and conflict keep the level of trade below its potential (the border effect of
the gravity model: McCallum, "National Borders Matter", AER 1995; Anderson and van
Wincoop, "Gravity with Gravitas", AER 2003). Removing a barrier raises the level, reached
over a few years; it does not raise the growth rate for ever. At each year end ``y``:

- potential: ``ln P(y+1) = ln P(y) + base_growth + offer_gain x offers(y)`` (the
  economies' growth; accepted investment and corridor offers raise it for good);
- target: ``ln T(y) = ln P(y+1) - border_barrier x (1 - open(y)) - clash_cost x majors(y)``
  (``open`` the share of border lines settled, ``majors`` the year's major clashes);
- level: ``ln X(y+1) = ln X(y) + adjustment x (ln T(y) - ln X(y)) + shock(y)`` (the
  active ``trade_growth`` shock effects).

The start is taken at its target: ``P(0) = X(0) exp(border_barrier x (1 - open(0)))``.
The equations are written out in ``docs/MODEL.md`` (Trade).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from casim.scenario.schema import TradeParams

__all__ = ["TradeLevel", "initial_potential", "open_share", "target", "year_end"]


@dataclass(frozen=True)
class TradeLevel:
    """Trade (USD bn) and its potential (USD bn, trade with no border or clash) for a year."""

    level_bn: float
    potential_bn: float


def open_share(settled: Iterable[bool]) -> float:
    """The share of border lines settled (1 when there is no line)."""
    flags = list(settled)
    return sum(flags) / len(flags) if flags else 1.0


def initial_potential(level_bn: float, open_now: float, p: TradeParams) -> float:
    """The potential that puts ``level_bn`` at its target under the start's open share:
    ``X exp(border_barrier (1 - open))`` (no clash at the start)."""
    return level_bn * math.exp(p.border_barrier * (1.0 - open_now))


def target(potential_bn: float, open_now: float, majors: int, p: TradeParams) -> float:
    """The level trade tends to: ``P exp(-border_barrier (1 - open) - clash_cost majors)``."""
    return potential_bn * math.exp(-p.border_barrier * (1.0 - open_now) - p.clash_cost * majors)


def year_end(
    now: TradeLevel,
    *,
    open_now: float,
    majors: int,
    offers: int,
    shock: float,
    p: TradeParams,
) -> TradeLevel:
    """Next year's trade and potential from this year's drivers (module docstring)."""
    potential = now.potential_bn * math.exp(p.base_growth + p.offer_gain * offers)
    goal = target(potential, open_now, majors, p)
    log_level = math.log(now.level_bn)
    level = math.exp(log_level + p.adjustment * (math.log(goal) - log_level) + shock)
    return TradeLevel(level_bn=level, potential_bn=potential)
