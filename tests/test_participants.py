"""A state acts only while it is a participant: Azerbaijan, which joins the consultative
meetings in November 2025, draws no leader change and has no panel or relations row in a
default history run (its join lies after known_until), and does once the join is kept."""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")

import pytest

import casim
from casim.present.plotting import plot_relations
from casim.scenario.schema import Scenario

KEPT = dt.date(2025, 12, 31)


def _restless_azerbaijan(history: Scenario) -> Scenario:
    """The history with Azerbaijan's leader leaving office about once a year, so that a
    run drawing its turnover shows changes."""
    states = dict(history.states)
    states["AZE"] = states["AZE"].model_copy(update={"turnover_hazard": 1.0})
    return history.model_copy(update={"states": states})


def _relations_rows(panel: object, year: int) -> list[str]:
    ax = plot_relations(panel, year=year)  # type: ignore[arg-type]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    ax.get_figure(root=True).clf()  # type: ignore[union-attr]
    return rows


@pytest.fixture(scope="module")
def restless(history: Scenario) -> Scenario:
    return _restless_azerbaijan(history)


def test_default_history_run_leaves_azerbaijan_out(restless: Scenario) -> None:
    result = casim.run(restless, seed=2, runs=2)
    ev = result.events
    assert "participant_join" not in set(ev.kind)
    assert ev[(ev.kind == "leader_change") & (ev.subject == "AZE")].empty
    assert "AZE" not in set(result.panel.state)
    assert "AZE" not in _relations_rows(result.panel, 2030)
    # the five still draw their turnover after the pin date
    assert not ev[(ev.kind == "leader_change") & (ev.origin == "model")].empty


def test_kept_join_makes_azerbaijan_act(restless: Scenario) -> None:
    result = casim.run(restless, seed=2, runs=2, pin_until=KEPT, known_until=KEPT)
    ev = result.events
    changes = ev[(ev.kind == "leader_change") & (ev.subject == "AZE")]
    assert not changes.empty
    assert (changes.date > KEPT.isoformat()).all()
    years = set(result.panel[result.panel.state == "AZE"].year)
    assert min(years) == 2025
    assert "AZE" not in _relations_rows(result.panel, 2024)
    assert "AZE" in _relations_rows(result.panel, 2030)
