"""The Python API returns the tables as DataFrames with the documented columns."""

from __future__ import annotations

import pytest

import casim
from casim.log import EVENT_COLUMNS
from casim.model.indicators import COMPONENTS
from casim.scenario.schema import Scenario


def test_run_returns_frames(history: Scenario) -> None:
    res = casim.run(history, seed=3, runs=2)
    assert tuple(res.events.columns) == EVENT_COLUMNS
    assert set(res.events.run) == {0, 1} and set(res.events.seed) == {3}
    assert {"run", "seed", "year", "state", "disposition", "pull_RUS", "tension_TJK"} <= set(
        res.panel.columns
    )
    assert {"index", "trade_bn", *COMPONENTS} <= set(res.index.columns)
    assert len(res.index) == 2 * (history.end.year - history.start.year + 1)
    assert res.manifest["scenario"]["name"] == "history"
    assert res.manifest["window"]["pin_until"] == "2022-12-31"


def test_event_kinds_are_positive_statements(history: Scenario) -> None:
    """A row means the thing happened: postponements and deferrals are kinds of their own."""
    ev = casim.run(
        history, seed=1, runs=3, pin_until=history.start, known_until=history.start
    ).events
    assert set(ev[ev.kind == "summit_held"].outcome) == {"held"}
    assert set(ev[ev.kind == "treaty_signed"].outcome) == {"signed"}
    pairs = ev[ev.kind.isin(["border_clash", "border_treaty_signed"])].subject
    assert all(a < b for a, b in (p.split("-") for p in pairs))


def test_runs_must_be_positive(history: Scenario) -> None:
    with pytest.raises(ValueError, match="runs"):
        casim.run(history, runs=0)
