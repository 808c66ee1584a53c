"""The integration index and its components: pure functions on hand-made worlds, the
index's bounds and non-compensation, and compare's reading of lines settled from the start."""

from __future__ import annotations

import math

import pytest

import casim
from casim.analysis.compare import outcome_table
from casim.model.indicators import (
    COMPONENTS,
    FLOOR,
    border_stage_score,
    components,
    index_value,
    meeting_score,
)
from casim.model.world import World
from casim.scenario.schema import Scenario


def _equal_weights(history: Scenario):  # type: ignore[no-untyped-def]
    return history.parameters.index.model_copy(update={c: 1.0 for c in COMPONENTS})


def test_the_index_is_bounded_by_the_floor_and_one(history: Scenario) -> None:
    weights = history.parameters.index
    assert index_value({c: 0.0 for c in COMPONENTS}, weights) == pytest.approx(FLOOR)
    assert index_value({c: 1.0 for c in COMPONENTS}, weights) == pytest.approx(1.0)


def test_the_index_does_not_compensate_a_missing_component(history: Scenario) -> None:
    """A weighted mean would give 0.8 here; the geometric mean stays far below."""
    weights = _equal_weights(history)
    one_missing = {c: 1.0 for c in COMPONENTS} | {"calm": 0.0}
    balanced = {c: 0.8 for c in COMPONENTS}
    assert index_value(one_missing, weights) < 0.6 < index_value(balanced, weights)
    assert index_value(one_missing, weights) == pytest.approx(FLOOR ** (1 / len(COMPONENTS)))


def test_the_index_rises_with_each_component(history: Scenario) -> None:
    weights = history.parameters.index
    base = {c: 0.5 for c in COMPONENTS}
    for c in COMPONENTS:
        assert index_value(base | {c: 0.6}, weights) > index_value(base, weights)


def test_border_stages_score_in_order() -> None:
    assert border_stage_score("open", 0.0) == 0.0
    assert border_stage_score("open", 0.4) < border_stage_score("open", 1.0)
    assert border_stage_score("open", 1.0) < border_stage_score("delimited", 1.0)
    assert border_stage_score("delimited", 1.0) < border_stage_score("demarcated", 1.0) == 1.0


def test_meeting_score_is_the_mean_delegation_level(history: Scenario) -> None:
    w = World.from_scenario(history)
    assert meeting_score(w) == 0.0  # no meeting this year
    n = len(w.participants)
    w.year_meeting_levels = {c: 1.0 for c in w.participants} | {w.participants[0]: 0.5}
    assert meeting_score(w) == pytest.approx((n - 0.5) / n)


def test_one_postponed_meeting_costs_a_third_of_the_regularity(history: Scenario) -> None:
    w = World.from_scenario(history)
    w.meeting_scores = [1.0, 1.0]
    w.year_meeting_levels = {c: 1.0 for c in w.participants}
    held = components(w)["format"]
    w.year_meeting_levels = None  # this year's meeting postponed
    postponed = components(w)["format"]
    assert held - postponed == pytest.approx(0.6 / 3)
    assert postponed > 0.3


def test_calm_reads_every_line_not_only_the_worst(history: Scenario) -> None:
    w = World.from_scenario(history)
    for b in w.borders.values():
        b.peak = 0.0
    worst = next(iter(w.borders.values()))
    worst.peak = 1.0
    calm = components(w)["calm"]
    assert calm == pytest.approx(1.0 - 1.0 / len(w.borders))
    second = list(w.borders.values())[1]
    second.peak = 0.5
    assert components(w)["calm"] < calm


def test_borders_move_with_a_line_s_stage(history: Scenario) -> None:
    w = World.from_scenario(history)
    line = next(b for b in w.borders.values() if not b.settled)
    before = components(w)["borders"]
    line.settled_day = 1.0
    delimited = components(w)["borders"]
    line.demarcated_day = 2.0
    assert before < delimited < components(w)["borders"]


def test_treaties_weigh_a_document_by_its_standing_and_wording(history: Scenario) -> None:
    w = World.from_scenario(history)
    assert components(w)["treaties"] == 0.0
    doc = w.documents["ca_friendship_21c"]
    doc.opened_day = 0.0
    doc.text = {dim: 0.5 for dim in doc.spec.scope}
    doc.signed = {c: 0.0 for c in w.participants}
    half = components(w)["treaties"]
    assert half > 0.0
    doc.text = {dim: 1.0 for dim in doc.spec.scope}
    assert components(w)["treaties"] == pytest.approx(2 * half)
    doc.ratified = {c: 1.0 for c in w.participants}
    doc.in_force_day = 1.0
    assert components(w)["treaties"] > 2 * half
    assert components(w)["format"] > 0.0  # depth: a document in force


def test_every_component_is_in_the_unit_interval(history: Scenario) -> None:
    result = casim.run(history, seed=4, runs=2)
    for c in (*COMPONENTS, "index"):
        col = result.index[c]
        assert ((col >= 0.0) & (col <= 1.0)).all() and not col.map(math.isnan).any()


def test_a_line_settled_from_the_start_reads_settled_in_every_year(history: Scenario) -> None:
    settled = [p for p, line in history.borders.items() if line.progress >= 1.0]
    assert settled
    result = casim.run(history, seed=5, runs=2)
    table = outcome_table(result, [], settled)
    for pair in settled:
        assert (table[f"settled_{pair}"] == 1.0).all()
