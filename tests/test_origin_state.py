"""The state of the lines at a backtest's origin: the rows a fit at the origin adds to the
record's rows closing by it, read from the scenario's dated events only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import casim
from casim.analysis.origin_state import STATE_PREFIX, record_text, state_rows
from casim.record import RecordRow, load_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "records" / "record_2016_2022.csv"
PRIOR = ROOT / "scenarios" / "history_prior.toml"


def _by(rows: list[RecordRow], kind: str) -> dict[str, int]:
    return {r.subject: r.outcome for r in rows if r.kind == kind}


def test_lines_open_at_the_origin_are_asked_over_the_window_to_it() -> None:
    s = casim.load_scenario(PRIOR)
    record = load_record(RECORD)
    rows = state_rows(s, record, dt.date(2018, 12, 31))
    assert all(r.id.startswith(STATE_PREFIX) for r in rows)
    assert all((r.start, r.end) == ("2016-01-01", "2018-12-31") for r in rows)
    # the three lines still open at the end of 2018, none signed; the lines settled in
    # 2017-2018 are asked by the record's own rows; Turkmen-Uzbek was settled at the start
    assert _by(rows, "border_treaty_signed") == {"KAZ-UZB": 0, "KGZ-TJK": 0, "KGZ-UZB": 0}
    # no major clash by 2018 on the lines the record asks only over 2016-2022; the
    # Kyrgyz-Tajik line has its yearly rows
    clashes = _by(rows, "border_clash_major")
    assert "KGZ-TJK" not in clashes and "TKM-UZB" not in clashes
    assert clashes and set(clashes.values()) == {0}


def test_an_event_by_the_origin_answers_1_and_a_later_one_is_not_seen() -> None:
    s = casim.load_scenario(PRIOR)
    # a record that asks nothing about the borders: every open line is derived
    record = [r for r in load_record(RECORD) if not r.kind.startswith("border")]
    at_2018 = _by(state_rows(s, record, dt.date(2018, 12, 31)), "border_treaty_signed")
    assert at_2018["KAZ-KGZ"] == 1 and at_2018["TJK-UZB"] == 1  # signed 2017, 2018
    assert at_2018["KAZ-UZB"] == 0  # signed in Dec 2022: after the origin
    at_2021 = _by(state_rows(s, record, dt.date(2021, 12, 31)), "border_clash_major")
    assert at_2021["KGZ-TJK"] == 1  # the April 2021 clash
    at_2020 = _by(state_rows(s, record, dt.date(2020, 12, 31)), "border_clash_major")
    assert at_2020["KGZ-TJK"] == 0


def test_at_the_records_end_only_questions_the_record_never_asks_are_added() -> None:
    """Every border question the record asks closes by 2022-12-31: at that origin the
    derived rows are only the lines and kinds the record never asks about."""
    s = casim.load_scenario(PRIOR)
    record = load_record(RECORD)
    asked = {(r.kind, r.subject) for r in record}
    rows = state_rows(s, record, dt.date(2022, 12, 31))
    assert rows and all((r.kind, r.subject) not in asked for r in rows)


def test_the_derived_record_reads_back(tmp_path: Path) -> None:
    s = casim.load_scenario(PRIOR)
    record = load_record(RECORD)
    rows = [r for r in record if r.end <= "2019-12-31"]
    rows += state_rows(s, record, dt.date(2019, 12, 31))
    path = tmp_path / "record.csv"
    path.write_text(record_text(rows, "derived"), encoding="utf-8")
    assert list(load_record(path)) == rows
