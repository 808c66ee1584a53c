"""Invariants of every run, as Hypothesis property tests over seeds and branch dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casim
from casim.model.indicators import COMPONENTS
from casim.scenario.schema import Scenario

BRANCHES = st.sampled_from(
    [dt.date(2016, 1, 1), dt.date(2018, 6, 30), dt.date(2020, 12, 31), dt.date(2022, 12, 31)]
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _run(history: Scenario, seed: int, branch: dt.date) -> casim.Result:
    return casim.run(history, seed=seed, pin_until=branch, known_until=branch)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), branch=BRANCHES)
def test_no_ratification_before_signature(history: Scenario, seed: int, branch: dt.date) -> None:
    ev = _run(history, seed, branch).events
    signed = ev[ev.kind == "treaty_signed"].groupby(["subject", "object"]).date.min()
    ratified = ev[ev.kind == "treaty_ratified"].groupby(["subject", "object"]).date.min()
    for key, date in ratified.items():
        assert key in signed.index, f"{key} ratified without signature"
        assert signed[key] <= date
    # each state signs and ratifies a document at most once
    assert not ev[ev.kind == "treaty_signed"].duplicated(["subject", "object"]).any()
    assert not ev[ev.kind == "treaty_ratified"].duplicated(["subject", "object"]).any()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), branch=BRANCHES)
def test_no_entry_into_force_before_its_rule(history: Scenario, seed: int, branch: dt.date) -> None:
    ev = _run(history, seed, branch).events
    docs = history.documents
    failed = ev[ev.kind == "treaty_ratification_failed"]
    for _, row in ev[ev.kind == "treaty_in_force"].iterrows():
        declaration = row.object in docs and docs[row.object].kind == "declaration"
        # a declaration binds its signatories at once; a treaty needs its ratifications
        binding = "treaty_signed" if declaration else "treaty_ratified"
        ratified = ev[(ev.kind == binding) & (ev.object == row.object) & (ev.date <= row.date)]
        needed = docs[row.object].in_force_ratifications if row.object in docs else 1
        assert len(ratified) >= needed
        # a failed ratification is never counted
        refused = set(failed[failed.object == row.object].subject)
        assert not refused & set(ratified.subject)
    assert not ev[ev.kind == "treaty_in_force"].duplicated(["object"]).any()
    # a state whose procedure failed never ratifies that document
    ratified_all = ev[ev.kind == "treaty_ratified"]
    pairs = set(zip(failed.subject, failed.object, strict=True))
    assert not pairs & set(zip(ratified_all.subject, ratified_all.object, strict=True))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), branch=BRANCHES)
def test_at_most_one_meeting_a_year(history: Scenario, seed: int, branch: dt.date) -> None:
    ev = _run(history, seed, branch).events
    held = ev[ev.kind == "summit_held"]
    assert not held.date.dt.year.duplicated().any()
    # every meeting has one attendance row per participant, on its date
    attended = ev[ev.kind == "summit_attended"].groupby("date").size()
    assert set(attended.index) == set(held.date)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), branch=BRANCHES)
def test_stances_and_index_in_range(history: Scenario, seed: int, branch: dt.date) -> None:
    res = _run(history, seed, branch)
    panel, index = res.panel, res.index
    for col in ["disposition", "neutrality", "sovereignty", "capability", "tension_max"]:
        assert panel[col].between(0, 1).all(), col
    tensions = panel[[c for c in panel.columns if c.startswith("tension_")]]
    assert ((tensions >= 0) & (tensions <= 1) | tensions.isna()).all().all()
    assert panel["external_support"].between(-1, 1).all()
    pulls = [c for c in panel.columns if c.startswith(("pull_", "position_", "salience_"))]
    assert ((panel[pulls] >= 0) & (panel[pulls] <= 1)).all().all()
    for col in [*COMPONENTS, "index"]:
        assert index[col].between(0, 1).all(), col
    assert (index["trade_bn"] > 0).all()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), branch=BRANCHES)
def test_event_log_is_ordered_and_pinned_outcomes_hold(
    history: Scenario, seed: int, branch: dt.date
) -> None:
    ev = _run(history, seed, branch).events
    assert ev.date.is_monotonic_increasing
    model = ev[ev.origin == "model"]
    decided = model[model.kind.isin(["summit_held", "treaty_signed", "border_treaty_signed"])]
    assert (pd.to_datetime(decided.date) > pd.Timestamp(branch)).all()
    observed = ev[ev.origin == "observed"]
    assert (pd.to_datetime(observed.date) <= pd.Timestamp(branch)).all()
