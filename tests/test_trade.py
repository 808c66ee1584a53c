"""Intra-regional trade as a gravity level: the pure functions of model/trade.py, and the
replayed history's path against the figures given at the 4th consultative meeting."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest

import casim
from casim.model import trade as tr
from casim.scenario.schema import Scenario, TradeParams


def _params(**kw: float) -> TradeParams:
    values = {
        "initial_bn": 4.0,
        "base_growth": 0.0,
        "offer_gain": 0.01,
        "border_barrier": 1.0,
        "clash_cost": 0.05,
        "adjustment": 0.5,
        "ref_low_bn": 2.0,
        "ref_high_bn": 40.0,
    }
    values.update(kw)
    return TradeParams(**values)


def _years(
    start: tr.TradeLevel,
    p: TradeParams,
    n: int,
    *,
    open_now: float,
    majors: int = 0,
    offers: int = 0,
    shock: float = 0.0,
) -> list[tr.TradeLevel]:
    path = [start]
    for _ in range(n):
        path.append(
            tr.year_end(path[-1], open_now=open_now, majors=majors, offers=offers, shock=shock, p=p)
        )
    return path


def _growth(a: tr.TradeLevel, b: tr.TradeLevel) -> float:
    return math.log(b.level_bn / a.level_bn)


# ---------------------------------------------------------------- pure functions


def test_open_share_counts_settled_lines() -> None:
    assert tr.open_share([True, False, False, True]) == 0.5
    assert tr.open_share([]) == 1.0


def test_the_start_sits_at_its_target() -> None:
    p = _params(border_barrier=1.3)
    potential = tr.initial_potential(4.1, 1 / 7, p)
    assert potential == pytest.approx(4.1 * math.exp(1.3 * 6 / 7))
    assert tr.target(potential, 1 / 7, 0, p) == pytest.approx(4.1)
    nxt = tr.year_end(
        tr.TradeLevel(4.1, potential), open_now=1 / 7, majors=0, offers=0, shock=0.0, p=p
    )
    assert nxt.level_bn == pytest.approx(4.1)


@pytest.mark.parametrize("level", [1.0, 20.0])
def test_the_level_converges_to_its_target_from_either_side(level: float) -> None:
    p = _params()
    path = _years(tr.TradeLevel(level, 10.0), p, 40, open_now=0.5)
    goal = tr.target(10.0, 0.5, 0, p)
    gaps = [abs(math.log(x.level_bn / goal)) for x in path]
    assert all(b < a for a, b in itertools.pairwise(gaps))
    assert path[-1].level_bn == pytest.approx(goal, rel=1e-6)
    # each year closes the share `adjustment` of the log gap
    assert gaps[1] == pytest.approx(0.5 * gaps[0])


def test_a_settled_line_raises_the_level_once_not_the_growth_rate() -> None:
    p = _params(base_growth=0.03)
    start = tr.TradeLevel(5.0, tr.initial_potential(5.0, 3 / 7, p))
    closed = _years(start, p, 30, open_now=3 / 7)
    opened = _years(start, p, 30, open_now=4 / 7)
    # the level rises above the closed path...
    assert all(o.level_bn > c.level_bn for o, c in zip(opened[1:], closed[1:], strict=True))
    # ...by a gap that converges to border_barrier x 1/7 ...
    assert math.log(opened[-1].level_bn / closed[-1].level_bn) == pytest.approx(1 / 7, rel=1e-6)
    # ...and growth returns to the potential's: base growth, no lasting extra
    assert _growth(opened[-2], opened[-1]) == pytest.approx(0.03, abs=1e-6)
    assert _growth(closed[-2], closed[-1]) == pytest.approx(0.03, abs=1e-6)
    # the gain comes in the first years (a few years to reach, not for ever)
    first = _growth(opened[0], opened[1]) - _growth(closed[0], closed[1])
    assert first == pytest.approx(0.5 / 7)


def test_a_major_clash_lowers_the_level_for_its_year() -> None:
    p = _params()
    start = tr.TradeLevel(5.0, tr.initial_potential(5.0, 0.5, p))
    calm = tr.year_end(start, open_now=0.5, majors=0, offers=0, shock=0.0, p=p)
    clash = tr.year_end(start, open_now=0.5, majors=1, offers=0, shock=0.0, p=p)
    two = tr.year_end(start, open_now=0.5, majors=2, offers=0, shock=0.0, p=p)
    assert two.level_bn < clash.level_bn < calm.level_bn
    assert math.log(calm.level_bn / clash.level_bn) == pytest.approx(0.5 * 0.05)
    assert clash.potential_bn == calm.potential_bn  # the potential is untouched
    # with no further clash the level returns to its target
    after = _years(clash, p, 40, open_now=0.5)
    assert after[-1].level_bn == pytest.approx(start.level_bn, rel=1e-6)


def test_an_accepted_offer_raises_the_potential_for_good() -> None:
    p = _params(offer_gain=0.02)
    start = tr.TradeLevel(5.0, tr.initial_potential(5.0, 0.5, p))
    none = tr.year_end(start, open_now=0.5, majors=0, offers=0, shock=0.0, p=p)
    one = tr.year_end(start, open_now=0.5, majors=0, offers=1, shock=0.0, p=p)
    assert one.potential_bn == pytest.approx(start.potential_bn * math.exp(0.02))
    assert none.potential_bn == pytest.approx(start.potential_bn)
    assert one.level_bn > none.level_bn
    later_one = _years(one, p, 40, open_now=0.5)[-1]
    later_none = _years(none, p, 40, open_now=0.5)[-1]
    assert math.log(later_one.level_bn / later_none.level_bn) == pytest.approx(0.02, rel=1e-6)


def test_a_shock_moves_the_level_which_then_returns() -> None:
    p = _params()
    start = tr.TradeLevel(5.0, tr.initial_potential(5.0, 0.5, p))
    hit = tr.year_end(start, open_now=0.5, majors=0, offers=0, shock=-0.15, p=p)
    assert math.log(hit.level_bn / start.level_bn) == pytest.approx(-0.15)
    back = tr.year_end(hit, open_now=0.5, majors=0, offers=0, shock=0.0, p=p)
    assert math.log(back.level_bn / hit.level_bn) == pytest.approx(0.5 * 0.15)


# ---------------------------------------------------------------- the replayed history


def test_the_replay_doubles_trade_to_about_8bn_with_a_covid_dip(history: Scenario) -> None:
    """Trade doubled in the five years to 2021, to over $8bn after +27% in 2021, with a
    dip with COVID-19 (the 4th meeting, Cholpon-Ata, Jul 2022); the row of 2022 holds the
    level after 2021's change."""
    index = casim.run(history, seed=1, runs=2, until=dt.date(2022, 12, 31)).index
    by_year = index.groupby("year")["trade_bn"].mean()
    assert by_year[2016] == pytest.approx(history.parameters.trade.initial_bn)
    assert 7.4 <= by_year[2022] <= 9.0
    assert by_year[2022] / by_year[2016] == pytest.approx(2.0, abs=0.2)
    assert by_year[2021] < by_year[2020]  # the COVID-19 dip
    assert by_year[2022] > by_year[2020]  # and the recovery
