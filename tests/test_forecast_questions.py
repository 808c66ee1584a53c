"""The forecast of open questions (``casim forecast``), the question file it answers, the
shipped forecast, and the judgement of a stored forecast (``casim judge``)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from casim.analysis.forecast import judged
from casim.analysis.questions import FORECAST_COLUMNS, forecastable
from casim.cli import main
from casim.record import (
    Question,
    RecordRow,
    brier_by_kind,
    check_record,
    load_questions,
    load_record,
)
from casim.scenario import ScenarioError
from casim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
RECORD = ROOT / "records" / "record_2016_2022.csv"
QUESTIONS = ROOT / "records" / "questions_2023_2030.csv"
SHIPPED = ROOT / "forecasts" / "history_2022-12-31.csv"
HEADER = "id,kind,subject,object,start,end,outcome,note,source\n"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _one_line_error(capsys: pytest.CaptureFixture[str], pattern: str) -> None:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err), err


# ---------------------------------------------------------------- the question file


def test_the_shipped_questions_are_what_the_script_writes(
    script: Callable[[str], ModuleType],
) -> None:
    make = script("make_questions")
    assert QUESTIONS.read_text(encoding="utf-8") == make.text()


def test_every_question_opens_after_the_record_and_is_about_the_scenario(
    history: Scenario,
) -> None:
    rows = load_questions(QUESTIONS)
    assert rows and all(type(r) is Question for r in rows)  # no outcome known yet
    assert all(r.start > "2022-12-31" and r.end <= "2030-12-31" for r in rows)
    check_record(rows, history, QUESTIONS)  # every state, pair and treaty exists
    kinds = {r.kind for r in rows}
    assert kinds == {r.kind for r in load_record(RECORD)}


def test_an_empty_outcome_is_a_question_only_in_a_question_file(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        HEADER
        + "a,summit_held,KAZ,,2023-01-01,2023-12-31,,,\n"
        + "b,summit_held,UZB,,2023-01-01,2023-12-31,1,,\n",
        encoding="utf-8",
    )
    a, b = load_questions(path)
    assert type(a) is Question and isinstance(b, RecordRow) and b.outcome == 1
    with pytest.raises(ScenarioError, match=r"line 2.outcome: expected 0 or 1, found ''"):
        load_record(path)
    path.write_text(HEADER + "a,summit_held,KAZ,,2023-01-01,2023-12-31,2,,\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"expected 0, 1 or empty"):
        load_questions(path)


def test_score_stays_strict_about_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", str(HISTORY), "--record", str(QUESTIONS), "--runs", "2"])
    assert code == 2
    _one_line_error(capsys, r"line 2\.outcome: expected 0 or 1")


def test_rows_opening_by_the_pin_date_or_ending_after_the_run_are_not_forecast() -> None:
    def q(name: str, start: str, end: str) -> Question:
        return Question(name, "summit_held", "KAZ", "", start, end)

    rows = [
        q("open", "2022-01-01", "2023-12-31"),  # part of its window is imposed
        q("ahead", "2023-01-01", "2023-12-31"),
        q("late", "2031-01-01", "2031-12-31"),
    ]
    ahead, opened, beyond = forecastable(rows, dt.date(2022, 12, 31), dt.date(2030, 12, 31))
    assert [r.id for r in ahead] == ["ahead"]
    assert [r.id for r in opened] == ["open"] and [r.id for r in beyond] == ["late"]


# ---------------------------------------------------------------- casim forecast


def _forecast(out: Path, *more: str) -> int:
    return main(["forecast", str(HISTORY), "--runs", "6", "--seed", "2", "--out", str(out), *more])


def test_forecast_writes_probabilities_the_same_on_any_number_of_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _forecast(tmp_path / "a.csv") == 0
    assert _forecast(tmp_path / "b.csv", "--jobs", "2") == 0
    capsys.readouterr()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    rows = _csv(tmp_path / "a.csv")
    assert tuple(rows[0]) == FORECAST_COLUMNS
    assert [r["id"] for r in rows] == [q.id for q in load_questions(QUESTIONS)]
    assert all(0.0 <= float(r["probability"]) <= 1.0 for r in rows)
    for r in rows:
        n = int(r["runs_answered"])
        assert n == 6 if r["kind"] != "summit_head_attended" else 0 <= n <= 6
    meta = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "casim forecast" and meta["runs"] == 6 and meta["seed"] == 2
    assert meta["window"]["pin_until"] == "2022-12-31"
    assert meta["scenario"]["name"] == "history" and "numpy" in meta["versions"]
    assert meta["questions"]["sha256"] == hashlib.sha256(QUESTIONS.read_bytes()).hexdigest()
    assert meta["command"][:2] == ["casim", "forecast"]


def test_forecast_answers_as_score_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On the record's rows that open after a branch date, ``forecast`` and ``score`` give
    the same probabilities and counts of runs (one ensemble machinery)."""
    args = ["--branch", "2019-12-31", "--until", "2022-12-31", "--runs", "8", "--seed", "4"]
    score = ["score", str(HISTORY), "--record", str(RECORD), *args]
    assert main([*score, "--out", str(tmp_path / "s.csv")]) == 0
    fc = ["forecast", str(HISTORY), "--questions", str(RECORD), *args]
    assert main([*fc, "--out", str(tmp_path / "f.csv")]) == 0
    printed = capsys.readouterr().out
    scored = {r["id"]: r for r in _csv(tmp_path / "s.csv")}
    forecast = _csv(tmp_path / "f.csv")
    assert forecast and all(r["start"] > "2019-12-31" for r in forecast)
    for r in forecast:
        assert r["probability"] == scored[r["id"]]["probability"]
        assert r["runs_answered"] == scored[r["id"]]["runs_answered"]
    opened = sum(1 for r in load_record(RECORD) if r.start <= "2019-12-31")
    assert f"not forecast: {opened} row(s) opening on or before the pin date" in printed


def test_a_head_row_is_the_share_of_the_runs_that_held_a_meeting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whether a head attends is asked only of the runs that held a meeting in the window:
    in a window of eight months, some runs hold the year's meeting and some do not."""
    body = "".join(
        f"s_{s},summit_held,{s},,2023-01-01,2023-08-31,,,\n"
        for s in ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    ) + "".join(
        f"h_{s},summit_head_attended,{s},,2023-01-01,2023-08-31,,,\n" for s in ("KAZ", "TJK")
    )
    questions = tmp_path / "q.csv"
    questions.write_text(HEADER + body, encoding="utf-8")
    out = tmp_path / "f.csv"
    code = main(["forecast", str(HISTORY), "--questions", str(questions), "--until",
                 "2023-12-31", "--runs", "16", "--seed", "4", "--out", str(out)])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    rows = {r["id"]: r for r in _csv(out)}
    held = round(
        16 * sum(float(rows[f"s_{s}"]["probability"]) for s in ("KAZ", "KGZ", "TJK", "TKM", "UZB"))
    )
    assert 0 < held < 16  # at most one meeting in the window
    for s in ("KAZ", "TJK"):
        assert int(rows[f"h_{s}"]["runs_answered"]) == held
        assert float(rows[f"h_{s}"]["probability"]) * held == pytest.approx(
            round(float(rows[f"h_{s}"]["probability"]) * held)
        )


def test_rows_opening_by_the_branch_date_are_skipped_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _forecast(tmp_path / "a.csv", "--branch", "2024-06-30") == 0
    assert "not forecast: " in capsys.readouterr().out
    meta = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    skipped = meta["rows_not_forecast"]["opening_by_pin_date"]
    starts = {q.id: q.start for q in load_questions(QUESTIONS)}
    assert skipped == [i for i, start in starts.items() if start <= "2024-06-30"]
    kept = {r["id"] for r in _csv(tmp_path / "a.csv")}
    assert kept.isdisjoint(skipped) and len(kept) + len(skipped) == len(load_questions(QUESTIONS))


def test_nothing_left_to_forecast_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _forecast(tmp_path / "a.csv", "--branch", "2031-01-01") == 2
    _one_line_error(capsys, r"expected rows whose window opens after the pin date 2031-01-01")
    assert not list(tmp_path.iterdir())


def test_forecast_replaces_its_own_output_and_another_file_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.csv"
    assert _forecast(out) == 0
    assert _forecast(out, "--seed", "3") == 0  # an earlier forecast: replaced
    foreign = tmp_path / "b.json"
    foreign.write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert _forecast(tmp_path / "b.csv") == 2
    _one_line_error(capsys, r"--out: expected a new file or an earlier output")
    assert foreign.read_text(encoding="utf-8") == "{}" and not (tmp_path / "b.csv").exists()
    assert _forecast(tmp_path / "b.csv", "--force") == 0
    assert json.loads(foreign.read_text(encoding="utf-8"))["kind"] == "casim forecast"
    capsys.readouterr()
    assert _forecast(tmp_path / "c.txt") == 2
    _one_line_error(capsys, r"--out: expected a file name ending in \.csv")


def test_a_question_about_an_unknown_state_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "q.csv"
    bad.write_text(HEADER + "a,summit_held,XXX,,2023-01-01,2023-12-31,,,\n", encoding="utf-8")
    assert _forecast(tmp_path / "a.csv", "--questions", str(bad)) == 2
    _one_line_error(capsys, r"line 2\.subject: expected a state of the scenario")


# ---------------------------------------------------------------- the shipped forecast


def test_the_shipped_forecast_answers_the_shipped_questions() -> None:
    meta = json.loads(SHIPPED.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["questions"]["sha256"] == hashlib.sha256(QUESTIONS.read_bytes()).hexdigest()
    assert meta["runs"] == 1000 and meta["seed"] == 1 and meta["scenario_name"] == "history"
    assert meta["window"]["pin_until"] == meta["window"]["known_until"] == "2022-12-31"
    rows = _csv(SHIPPED)
    asked = {q.id: q for q in load_questions(QUESTIONS)}
    assert [r["id"] for r in rows] == list(asked)
    for r in rows:
        q = asked[r["id"]]
        assert (r["kind"], r["subject"], r["start"], r["end"]) == (
            q.kind,
            q.subject,
            q.start,
            q.end,
        )
        assert 0.0 <= float(r["probability"]) <= 1.0


# ---------------------------------------------------------------- casim judge


def _outcomes(tmp_path: Path, forecast: list[dict[str, str]]) -> Path:
    """A synthetic outcome file: the questions of 2023 and 2024 answered (a meeting each
    year in Tajikistan, then Kazakhstan, heads all there, nothing else), the rest open."""
    hosts = {"2023": "TJK", "2024": "KAZ"}
    path = tmp_path / "outcomes.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER.strip().split(","))
        for r in _csv(QUESTIONS):
            year = r["end"][:4]
            outcome = ""
            if year in hosts:
                hit = (r["kind"] == "summit_held" and r["subject"] == hosts[year]) or (
                    r["kind"] == "summit_head_attended"
                )
                outcome = str(int(hit))
            w.writerow([r[c] for c in HEADER.strip().split(",")[:6]] + [outcome, "", ""])
    return path


def test_judge_scores_the_stored_probabilities_against_known_outcomes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = tmp_path / "f.csv"
    assert _forecast(stored) == 0
    rows = _csv(stored)
    outcomes = _outcomes(tmp_path, rows)
    capsys.readouterr()
    assert main(["judge", str(stored), "--record", str(outcomes)]) == 0
    printed = capsys.readouterr().out
    known = [r for r in load_questions(outcomes) if isinstance(r, RecordRow)]
    p = {r["id"]: float(r["probability"]) for r in rows}
    expected = brier_by_kind(known, [p[r.id] for r in known])
    assert f"judged on {len(known)} rows" in printed
    assert f"not judged: {len(rows) - len(known)} row(s)" in printed
    overall = next(line for line in printed.splitlines() if line.startswith("overall"))
    assert overall.split()[1:3] == [str(len(known)), f"{expected['overall']:.3f}"]
    # the baselines are those of the forecast's pin date: the record's rows closing by it
    fc = judged(
        known, [p[r.id] for r in known], [6] * len(known), reference=load_record(RECORD),
        origin=dt.date(2022, 12, 31), runs=6, seed=2, pin_until=dt.date(2022, 12, 31),
        until=dt.date(2035, 12, 31),
    )  # fmt: skip
    assert overall.split()[3] == f"{fc.scores_climatology['overall']:.3f}"
    assert fc.reference_rows == len(load_record(RECORD))


def test_judge_refuses_what_it_cannot_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = tmp_path / "f.csv"
    assert _forecast(stored) == 0
    capsys.readouterr()
    # no outcome known yet
    assert main(["judge", str(stored), "--record", str(QUESTIONS)]) == 2
    _one_line_error(capsys, r"expected an outcome for at least one row")
    # a row of the same id asking another question
    moved = tmp_path / "moved.csv"
    moved.write_text(
        HEADER + "summit_2023_KAZ,summit_held,KAZ,,2023-01-01,2023-06-30,0,,\n", encoding="utf-8"
    )
    assert main(["judge", str(stored), "--record", str(moved)]) == 2
    _one_line_error(capsys, r"row summit_2023_KAZ: expected the question the forecast answered")
    # a forecast file that is not one
    stored.with_suffix(".json").write_text('{"kind": "something else"}', encoding="utf-8")
    assert main(["judge", str(stored), "--record", str(moved)]) == 2
    _one_line_error(capsys, r"f\.json: kind: expected 'casim forecast'")
