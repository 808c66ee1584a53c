"""The history's facts: the record and the scenario agree, and the sourced events act."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

import casim
from casim.scenario.schema import BorderTreaty, PartnerSummit, Scenario

ROOT = Path(__file__).resolve().parents[1]
KEPT = dt.date(2025, 12, 31)


def test_border_treaty_events_follow_the_record(history: Scenario) -> None:
    """One coding rule for partial border agreements (records/README.md): the scenario's
    border treaties are exactly the record's rows coded 1, none falls in a row coded 0."""
    record = pd.read_csv(ROOT / "records" / "record_2016_2022.csv", dtype=str)
    rows = record[record.kind == "border_treaty_signed"]
    treaties = [e for e in history.events if isinstance(e, BorderTreaty)]
    for row in rows.itertuples():
        start, end = dt.date.fromisoformat(row.start), dt.date.fromisoformat(row.end)
        inside = [e for e in treaties if e.pair == row.subject and start <= e.date <= end]
        assert len(inside) == int(row.outcome), row.id
    in_record = [e for e in treaties if e.date <= dt.date(2022, 12, 31)]
    assert len(in_record) == int((rows.outcome == "1").sum())


def test_tajikistan_signs_the_friendship_treaty_in_august_2025(history: Scenario) -> None:
    ev = casim.run(history, seed=1, pin_until=KEPT, known_until=KEPT).events
    signed = ev[(ev.kind == "treaty_signed") & (ev.object == "ca_friendship_21c")]
    observed = signed[signed.origin == "observed"]
    assert dict(zip(observed.subject, observed.date, strict=True)) == {
        "KAZ": "2022-07-21",
        "KGZ": "2022-07-21",
        "UZB": "2022-07-21",
        "TJK": "2025-08-28",
    }
    assert signed[(signed.subject == "TKM") & (signed.date <= KEPT.isoformat())].empty


def test_turkmenistan_head_at_the_first_russian_and_chinese_summits(history: Scenario) -> None:
    """Serdar Berdimuhamedov attended both in person; a deputy went to the EU meetings."""
    tkm = {
        e.id: e.delegations.get("TKM")
        for e in history.events
        if isinstance(e, PartnerSummit) and e.delegations
    }
    assert tkm["rus_ca_2022"] == "head" and tkm["chn_ca_2023"] == "head"
    assert tkm["eu_ca_2022"] == "standin" and tkm["eu_ca_2023"] == "standin"
    ev = casim.run(history, seed=1).events
    attended = ev[(ev.kind == "partner_summit_attended") & (ev.date == "2022-10-14")]
    assert dict(zip(attended.subject, attended.object, strict=True))["TKM"] == "head"
    assert set(attended.origin) == {"observed"}
