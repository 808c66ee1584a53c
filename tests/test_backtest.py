"""Judging out of sample: baselines from before the origin, the rolling-origin backtest
(``casim backtest``), and the calibration search on Optuna beside the Latin hypercube."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from casim.analysis.scoring import before_origin, origin_climatology, persistence
from casim.cli import main
from casim.record import RecordRow

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "records" / "record_2016_2022.csv"


def _row(kind: str, subject: str, start: str, end: str, outcome: int) -> RecordRow:
    return RecordRow(f"{kind}_{subject}_{start}", kind, subject, "", start, end, outcome)


# a small synthetic record: two kinds before 2019-12-31, a third only after it
SYNTHETIC = [
    _row("summit_held", "KAZ", "2018-01-01", "2018-12-31", 1),
    _row("summit_held", "UZB", "2018-01-01", "2018-12-31", 0),
    _row("summit_held", "KAZ", "2019-01-01", "2019-12-31", 1),
    _row("border_clash_major", "KGZ-TJK", "2019-01-01", "2019-12-31", 0),
    _row("summit_held", "KAZ", "2020-01-01", "2020-12-31", 0),
    _row("summit_held", "UZB", "2020-01-01", "2020-12-31", 0),
    _row("border_clash_major", "KGZ-TJK", "2020-01-01", "2020-12-31", 1),
    _row("treaty_signed", "KAZ", "2019-06-01", "2020-12-31", 1),
]
ORIGIN = dt.date(2019, 12, 31)


def test_baselines_before_the_origin_use_only_rows_closed_by_it() -> None:
    known = before_origin(SYNTHETIC, ORIGIN)
    assert [r.end for r in known] == ["2018-12-31"] * 2 + ["2019-12-31"] * 2
    rates = origin_climatology(SYNTHETIC, ORIGIN, ["summit_held", "treaty_signed"])
    # summit_held: 2 of 3 before the origin (the 2020 zeros do not count)
    assert rates["summit_held"] == pytest.approx(2 / 3)
    assert rates["border_clash_major"] == 0.0
    # a kind with no row before the origin takes the pooled rate of every earlier row
    assert rates["treaty_signed"] == pytest.approx(2 / 4)
    # nothing known at all: a coin
    assert origin_climatology(SYNTHETIC, dt.date(2017, 1, 1), ["summit_held"]) == {
        "summit_held": 0.5
    }


def test_persistence_before_the_origin_never_reads_a_later_outcome() -> None:
    later = [r for r in SYNTHETIC if r.end > ORIGIN.isoformat()]
    known = before_origin(SYNTHETIC, ORIGIN)
    rates = origin_climatology(SYNTHETIC, ORIGIN, [r.kind for r in later])
    pers = persistence(later, known, rates)
    # KAZ held one in 2019, UZB none in 2018, the clash line none in 2019, the treaty: its rate
    assert pers == [1.0, 0.0, 0.0, pytest.approx(0.5)]


def test_score_from_a_branch_uses_baselines_from_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["score", str(ROOT / "scenarios" / "history.toml"), "--record", str(RECORD)]
    out = tmp_path / "a.csv"
    assert main([*args, "--branch", "2020-12-31", "--runs", "4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "closing by 2020-12-31" in printed
    meta = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    from casim.record import load_record

    rows = load_record(RECORD)
    early = [r for r in rows if r.end <= "2020-12-31"]
    assert meta["baselines"] == {"origin": "2020-12-31", "reference_rows": len(early)}
    expected = origin_climatology(rows, dt.date(2020, 12, 31), [r.kind for r in rows])
    assert meta["climatology_rates"] == pytest.approx(expected)
    # a hindcast (drivers known after the pin date) keeps the whole reference
    out = tmp_path / "h.csv"
    hindcast = ["--pin-until", "2016-01-01", "--known-until", "2017-12-31"]
    assert main([*args, *hindcast, "--until", "2017-12-31", "--runs", "2", "--out", str(out)]) == 0
    meta = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert meta["baselines"] == {"origin": None, "reference_rows": len(rows)}
