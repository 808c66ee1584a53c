"""Shipped scenarios load and run; ``extends`` composes scenarios; participants are data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import casim

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").rglob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_loads_and_runs(path: Path) -> None:
    scenario = casim.load_scenario(path)
    result = casim.run(scenario, seed=1, runs=2)
    assert len(result.events) > 0
    assert set(result.index.year) == set(range(scenario.start.year, scenario.end.year + 1))


def test_extends_overrides_adds_and_removes(overlay: Callable[[str], Path]) -> None:
    path = overlay(
        'name = "variant"\n'
        "remove_events = ['covid19']\n"
        "[states.TKM]\nneutrality = 0.3\n"
        "[[events]]\nid = 'tkm_opens'\nkind = 'stance_change'\ndate = 2023-01-01\n"
        "state = 'TKM'\nfield = 'neutrality'\nvalue = 0.2\nassumed = true\nsource = 'test'\n"
    )
    s = casim.load_scenario(path)
    assert s.name == "variant"
    assert s.states["TKM"].neutrality == 0.3
    assert s.states["TKM"].sources["neutrality"]  # inherited from the base
    ids = {e.id for e in s.events}
    assert "covid19" not in ids and "tkm_opens" in ids
    ev = casim.run(s, seed=1).events
    change = ev[ev.kind == "stance_change"]
    assert list(change.origin) == ["assumed"]  # kept although dated after known_until


def test_a_sixth_participant_by_data_alone(overlay: Callable[[str], Path]) -> None:
    """Azerbaijan joining in 2023 attends the meetings from then on."""
    path = overlay(
        "[[events]]\nid = 'aze_early'\nkind = 'participant_join'\ndate = 2023-01-15\n"
        "state = 'AZE'\nassumed = true\nsource = 'test'\n"
    )
    result = casim.run(casim.load_scenario(path), seed=2, runs=3)
    ev = result.events
    attended = ev[(ev.kind == "summit_attended") & (ev.subject == "AZE")]
    assert len(attended) > 0 and (attended.date >= "2023-01-15").all()
    panel = result.panel
    aze = panel[panel.state == "AZE"]
    assert not aze[aze.year < 2023].participant.any() and aze[aze.year >= 2023].participant.all()
