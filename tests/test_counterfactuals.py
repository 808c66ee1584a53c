"""The counterfactual library: every file loads, says what it asks, and runs; and the
direction of each effect the seeds imply holds over the same seeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import casim
from casim.analysis.compare import Comparison, compare_scenarios

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "scenarios" / "counterfactuals").glob("*.toml"))
HISTORY = casim.load_scenario(ROOT / "scenarios" / "history.toml")
RUNS = 60


def test_the_library_holds_at_least_eight_counterfactuals() -> None:
    assert len(LIBRARY) >= 8


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_each_counterfactual_states_its_question_and_runs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Counterfactual: ")
    assert "# Question: " in text and "# Changes" in text
    assert 'extends = "../history.toml"' in text
    assert ".txt" in text or "record " in text  # a seed file or a record row is cited
    scenario = casim.load_scenario(path)
    assert scenario.name == path.stem
    result = casim.run(scenario, seed=1, runs=1)
    assert len(result.events) > 0


def _compare(name: str) -> Comparison:
    other = casim.load_scenario(ROOT / "scenarios" / "counterfactuals" / f"{name}.toml")
    return compare_scenarios(HISTORY, other, seed=11, runs=RUNS)


def _effect(c: Comparison, outcome: str, year: int) -> tuple[float, float, float]:
    d = c.differences.set_index(["outcome", "year"]).loc[(outcome, year)]
    return float(d["diff_mean"]), float(d["ci90_low"]), float(d["ci90_high"])


def test_softer_treaty_wording_makes_turkmenistan_sign_more_often() -> None:
    mean, low, _ = _effect(
        _compare("treaty_without_security"), "signed_ca_friendship_21c_TKM", 2023
    )
    assert mean > 0 and low > 0


def test_a_settled_kyrgyz_tajik_border_makes_tajikistan_sign_more_often() -> None:
    mean, low, _ = _effect(_compare("kgz_tjk_settled_2022"), "signed_ca_friendship_21c_TJK", 2023)
    assert mean > 0 and low > 0


def test_an_isolationist_uzbekistan_lowers_the_2022_index() -> None:
    mean, _, high = _effect(_compare("uzb_isolationist"), "index", 2022)
    assert mean < 0 and high < 0


def test_an_escalated_war_means_fewer_signatures() -> None:
    c = _compare("kgz_tjk_war")
    signed = [col for col in c.base.columns if col.startswith("signed_ca_friendship_21c_")]
    base = c.base[c.base["year"] == 2024][signed].to_numpy().sum()
    other = c.other[c.other["year"] == 2024][signed].to_numpy().sum()
    assert other < base


def test_the_isolationist_head_of_uzbekistan_stays_away_from_the_format() -> None:
    """Its disposition sits clearly below the stay-away threshold (with any trust offset)."""
    path = ROOT / "scenarios" / "counterfactuals" / "uzb_isolationist.toml"
    scenario = casim.load_scenario(path)
    events = [e for e in scenario.events if e.id == "uzb_leader_2016_isolationist"]
    cap = scenario.parameters.trust.cap
    assert events and events[0].disposition + cap < scenario.parameters.attendance.absent_below
    ev = casim.run(scenario, seed=2, runs=5, until=dt.date(2022, 12, 31)).events
    after = ev[(ev["date"] > "2016-09-08") & (ev["subject"] == "UZB")]
    heads = after[(after["kind"] == "summit_attended") & (after["object"] == "head")]
    assert heads.empty
