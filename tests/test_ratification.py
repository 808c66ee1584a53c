"""Ratification as a two-level game: the pure decision, and in runs a failed ratification
never counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

import casim
from casim.model import ratification as rat
from casim.model.world import World
from casim.scenario.schema import Scenario


def _failures(w: World, code: str, cession: float, security: float, n: int = 4000) -> int:
    rng = np.random.default_rng(7)
    return sum(not rat.ratification(w, code, cession, security, rng).approved for _ in range(n))


def test_ceding_contested_land_or_water_fails_more_often(history: Scenario) -> None:
    w = World.from_scenario(history)
    ceded = _failures(w, "KGZ", cession=0.85, security=0.0)
    kept = _failures(w, "KGZ", cession=0.0, security=0.0)
    assert ceded > 2 * kept


def test_contention_sovereignty_and_security_raise_the_odds_of_failure(
    history: Scenario,
) -> None:
    w = World.from_scenario(history)
    p = rat.failure_probability
    # Kyrgyzstan (Kempir-Abad protests) against Turkmenistan, on the same text
    assert p(w, "KGZ", 0.5, 0.0) > p(w, "TKM", 0.5, 0.0)
    assert p(w, "TJK", 0.0, 0.8) > p(w, "TJK", 0.0, 0.0)
    w.states["TJK"].sovereignty = 0.0
    assert p(w, "TJK", 0.0, 0.0) < p(World.from_scenario(history), "TJK", 0.0, 0.0)
    assert 0 < p(w, "KAZ", 0.0, 0.0) < 0.05  # ratification rarely fails on a plain text


def test_border_stakes_are_the_lines_difficulty(history: Scenario) -> None:
    w = World.from_scenario(history)
    assert rat.border_stakes(w.borders["KGZ-TJK"]) == (w.borders["KGZ-TJK"].difficulty, 0.0)
    assert rat.border_stakes(w.borders["KGZ-TJK"]) > rat.border_stakes(w.borders["KAZ-TKM"])


def _friendship_water(overlay: Callable[[str], Path], water: float) -> Scenario:
    body = f"""
[documents.ca_friendship_21c]
scope = ["security", "economy", "institutions", "water_energy"]
fixed_wording = {{ water_energy = {water} }}
"""
    return casim.load_scenario(overlay(body, name=f"water_{water}.toml"))


def test_a_treaty_with_water_clauses_fails_ratification_more_often_in_runs(
    overlay: Callable[[str], Path],
) -> None:
    counts = []
    for water in (0.9, 0.0):
        ev = casim.run(_friendship_water(overlay, water), seed=2, runs=40).events
        failed = ev[(ev.kind == "treaty_ratification_failed") & (ev.object == "ca_friendship_21c")]
        counts.append(len(failed))
    assert counts[0] > counts[1] + 5


def test_a_failed_ratification_never_counts(history: Scenario) -> None:
    branch = dt.date(2022, 12, 31)
    ev = casim.run(history, seed=9, runs=40, pin_until=branch, known_until=branch).events
    failed = ev[ev.kind == "treaty_ratification_failed"]
    border_failed = ev[ev.kind == "border_treaty_ratification_failed"]
    assert len(failed) > 0  # the path was taken
    ratified = ev[ev.kind == "treaty_ratified"]
    key = ["run", "subject", "object"]
    assert failed.merge(ratified, on=key).empty
    assert border_failed.merge(ev[ev.kind == "border_treaty_ratified"], on=key).empty
    # nothing fails in the pinned period: the record shows no failed ratification
    assert (failed.date > branch.isoformat()).all()
    assert (border_failed.date > branch.isoformat()).all()
