"""Judging out of sample: baselines from before the origin, the rolling-origin backtest
(``casim backtest``), and the calibration search on Optuna beside the Latin hypercube."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from casim.analysis.scoring import before_origin, origin_climatology, persistence
from casim.cli import main
from casim.record import RecordRow, load_record

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


# ---------------------------------------------------------------- the rolling backtest

_TINY_CALIBRATION = """
scenario = "unused.toml"
seed = 5
replicates = 2
[run]
branch = 2016-01-01
[design]
kind = "lhs"
samples = 3
[calibration]
rounds = 0
keep = 2
finalists = 1
final_replicates = 2
overlay = "unused.toml"
[outputs]
record = "unused.csv"
[[parameters]]
name = "negotiation_rate"
path = "parameters.borders.negotiation_rate"
low = 0.1
high = 0.9
[[parameters]]
name = "escalation"
path = "borders.*.escalation"
op = "scale"
low = 0.5
high = 2.0
"""


def _backtest_file(tmp_path: Path, *, origins: str, more: str = "") -> Path:
    """A backtest of the shipped prior on the shipped record with a tiny calibration."""
    (tmp_path / "cal.toml").write_text(_TINY_CALIBRATION, encoding="utf-8")
    path = tmp_path / "bt.toml"
    path.write_text(
        f"""
name = "tiny"
scenario = "{(ROOT / "scenarios" / "history_prior.toml").as_posix()}"
record = "{RECORD.as_posix()}"
calibration = "cal.toml"
origins = [{origins}]
{more}
[forecast]
runs = 3
seed = 2
until = 2022-12-31
""",
        encoding="utf-8",
    )
    return path


def test_backtest_fits_forecasts_and_scores_each_origin_out_of_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from casim.analysis.scoring import origin_climatology
    from casim.record import load_record
    from casim.scenario import load_scenario

    path = _backtest_file(tmp_path, origins="2020-12-31, 2021-12-31")
    out = tmp_path / "out"
    assert main(["backtest", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "BSS clim" in printed and "mean" in printed
    with (out / "backtest.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["origin"] for r in table] == ["2020-12-31", "2021-12-31", "mean"]
    rows = load_record(RECORD)
    for line in table[:2]:
        origin = line["origin"]
        here = out / f"origin-{origin}"
        # the fit saw only rows closing by the origin, in a hindcast window
        assert load_scenario(here / "fit.toml").name == "fit"
        fitted = json.loads((here / "result.json").read_text(encoding="utf-8"))
        closing = [r for r in rows if "2016-01-01" < r.end <= origin]
        fit_rows = load_record(here / "record.csv")
        state = [r for r in fit_rows if r.id.startswith("state_")]
        assert [r for r in fit_rows if not r.id.startswith("state_")] == closing
        assert fitted["rows_fitted"] == len(closing) + len(state)
        # the state of the lines at the origin: every derived row ends on it, and the
        # lines open at it (Kyrgyz-Tajik, and Kazakh-Uzbek until 2022) are 0
        assert state and all(r.end == origin and r.start == "2016-01-01" for r in state)
        open_at = {r.subject: r.outcome for r in state if r.kind == "border_treaty_signed"}
        assert open_at["KGZ-TJK"] == 0 and open_at["KAZ-UZB"] == 0
        text = (here / "calibration.toml").read_text(encoding="utf-8")
        assert f"known_until = {origin}" in text and "pin_until = 2016-01-01" in text
        # the forecast scored the rows after it against baselines from before it
        with (here / "forecast.csv").open(encoding="utf-8") as fh:
            scored = list(csv.DictReader(fh))
        assert scored and all(origin < r["end"] <= "2022-12-31" for r in scored)
        assert int(line["rows_scored"]) == len(scored)
        rates = origin_climatology(rows, dt.date.fromisoformat(origin), [r.kind for r in rows])
        assert all(
            float(r["climatology"]) == pytest.approx(rates[r["kind"]], abs=1e-6) for r in scored
        )
        brier, clim = float(line["brier"]), float(line["climatology"])
        assert float(line["bss_climatology"]) == pytest.approx(1 - brier / clim, abs=1e-5)
    mean = (float(table[0]["bss_climatology"]) + float(table[1]["bss_climatology"])) / 2
    assert float(table[2]["bss_climatology"]) == pytest.approx(mean, abs=1e-5)
    meta = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert meta["fit"] == "hindcast" and meta["forecast"]["seed"] == 2
    assert [o["origin"] for o in meta["origins"]] == ["2020-12-31", "2021-12-31"]
    assert len(meta["record"]["sha256"]) == 64
    # a second run into the same directory is refused; --resume reads what is stored
    before = (out / "backtest.csv").read_bytes()
    assert main(["backtest", str(path), "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["backtest", str(path), "--out", str(out), "--resume"]) == 0
    assert (out / "backtest.csv").read_bytes() == before


def test_a_stopped_backtest_resumes_to_the_same_table(tmp_path: Path) -> None:
    path = _backtest_file(tmp_path, origins="2020-12-31, 2021-12-31", more='fit = "free"')
    whole, part = tmp_path / "whole", tmp_path / "part"
    assert main(["backtest", str(path), "--out", str(whole)]) == 0
    assert main(["backtest", str(path), "--out", str(part)]) == 0
    # stop after the first origin: the second's files are lost
    import shutil

    shutil.rmtree(part / "origin-2021-12-31")
    (part / "backtest.csv").unlink()
    assert main(["backtest", str(path), "--out", str(part), "--resume"]) == 0
    assert (part / "backtest.csv").read_bytes() == (whole / "backtest.csv").read_bytes()
    text = (part / "origin-2021-12-31" / "calibration.toml").read_text(encoding="utf-8")
    assert "branch = 2016-01-01" in text


@pytest.mark.parametrize(
    ("origins", "more", "message"),
    [
        ("2021-12-31, 2020-12-31", "", r"origins: expected dates in increasing order"),
        ("2015-12-31", "", r"origins\[0\]: expected a date after 2016-01-01"),
        ("2022-12-31", "", r"origins\[0\]: expected a date after 2016-01-01 and before"),
        ("2016-03-31", "", r"origins\[0\]: expected record rows closing by it"),
        ("2020-12-31", 'fit = "both"', r"fit: "),
        ("2020-12-31", 'calibration = "none.toml"', r"calibration: expected an existing file"),
        ("", "", r"origins: "),
    ],
)
def test_a_bad_backtest_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], origins: str, more: str, message: str
) -> None:
    import re

    path = _backtest_file(tmp_path, origins=origins)
    if more:
        text = path.read_text(encoding="utf-8").replace('calibration = "cal.toml"\n', "")
        if "calibration" not in more:
            text = text.replace("[forecast]", 'calibration = "cal.toml"\n[forecast]')
        path.write_text(text.replace("[forecast]", f"{more}\n[forecast]"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["backtest", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and re.search(message, err), err
    assert not out.exists()


# ---------------------------------------------------------------- Optuna beside the LHS


def _method_file(tmp_path: Path, calibration: str) -> Path:
    """A tiny calibration of the history scenario's 2021 rows (two parameters)."""
    (tmp_path / "fitted").mkdir(exist_ok=True)
    path = tmp_path / "cal.toml"
    path.write_text(
        f"""
scenario = "{(ROOT / "scenarios" / "history.toml").as_posix()}"
seed = 5
replicates = 2
[run]
branch = 2020-12-31
until = 2021-12-31
[design]
kind = "lhs"
samples = 4
[calibration]
rounds = 1
refine_samples = 2
keep = 2
finalists = 2
final_replicates = 3
overlay = "fitted/fit.toml"
{calibration}
[outputs]
record = "{RECORD.as_posix()}"
[[parameters]]
name = "negotiation_rate"
path = "parameters.borders.negotiation_rate"
low = 0.1
high = 0.9
[[parameters]]
name = "escalation"
path = "borders.*.escalation"
op = "scale"
low = 0.5
high = 2.0
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("sampler", ["tpe", "cmaes"])
def test_optuna_search_is_reproducible_and_spends_the_lhs_run_budget(
    tmp_path: Path, sampler: str
) -> None:
    from casim.analysis.calibrate import calibrate, load_calibration, search_runs

    lhs = load_calibration(_method_file(tmp_path, ""))
    path = _method_file(tmp_path, f'method = "optuna"\nsampler = "{sampler}"\nbatch = 3')
    cal = load_calibration(path)
    # the same run budget by default: (4 points + 1 round x 2 points) x 2 runs
    assert search_runs(cal) == search_runs(lhs) == 12
    first = calibrate(cal, tmp_path / "a")
    second = calibrate(cal, tmp_path / "b")
    assert first.fitted == second.fitted and first.score == second.score
    import pandas as pd

    pd.testing.assert_frame_equal(first.points, second.points)
    search = first.points[first.points["round"] != "final"]
    # six trials in batches of three, each run `replicates` times: the budget, no more
    assert sorted(search["round"].unique()) == ["optuna-0", "optuna-1"]
    assert len(search) == 6 and int(search["runs"].sum()) == search_runs(cal)
    assert search["negotiation_rate"].between(0.1, 0.9).all()
    # the final round and the validation are the Latin hypercube search's
    final = first.points[first.points["round"] == "final"]
    assert len(final) == 2 and (final["runs"] == 3).all()
    assert first.score == final["brier"].min()
    text = (tmp_path / "a" / "fit.toml").read_text(encoding="utf-8")  # into its --out
    assert not (tmp_path / "fitted" / "fit.toml").exists()  # the shipped one: --update only
    assert "Optuna trials" in text and f"on fresh streams {first.validation['overall']:.4f}" in text


def test_a_fit_at_the_edge_of_its_range_is_reported() -> None:
    from casim.analysis.calibrate import at_edge
    from casim.experiment.spec import ParameterSpec

    params = [
        ParameterSpec(path="a", low=0.0, high=10.0),
        ParameterSpec(path="b", low=0.0, high=10.0),
        ParameterSpec(path="c", low=0.0, high=10.0),
    ]
    edges = at_edge(params, {"a": 0.1, "b": 5.0, "c": 9.85})
    assert edges == ["a = 0.1 (low end 0)", "c = 9.85 (high end 10)"]


def test_optuna_missing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from casim.analysis.calibrate import load_calibration
    from casim.scenario import ScenarioError

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "optuna" else real(name)
    )
    path = _method_file(tmp_path, 'method = "optuna"')
    with pytest.raises(ScenarioError, match=r"calibration.method: expected optuna installed"):
        load_calibration(path)


def test_both_methods_compared_on_the_same_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from casim.analysis.calibrate import load_calibration, search_runs

    spec = importlib.util.spec_from_file_location(
        "compare_calibration", ROOT / "scripts" / "compare_calibration.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    path = _method_file(tmp_path, "trials = 50")  # ignored: the budget is the lhs's
    out = tmp_path / "cmp"
    methods = ["--method", "lhs", "--method", "optuna-tpe", "--method", "optuna-cmaes"]
    assert script.main([str(path), "--out", str(out), *methods]) == 0
    printed = capsys.readouterr().out
    budget = search_runs(load_calibration(path))
    for method in ("lhs", "optuna-tpe", "optuna-cmaes"):
        line = next(x for x in printed.splitlines() if x.startswith(method + " "))
        spent, total = (int(v) for v in line.split()[1:3])
        assert spent <= budget and total == spent + 2 * 3 + 3  # finalists, validation
        assert (out / method / "fit.toml").is_file()
    assert "fresh streams" in printed and "best on fresh streams" in printed
    assert not (tmp_path / "fitted" / "fit.toml").exists()  # the file's overlay untouched


def test_the_shipped_backtest_loads_and_fits_each_origin_on_earlier_rows_only() -> None:
    import tomllib

    from casim.analysis.backtest import load_backtest

    bt = load_backtest(ROOT / "experiments" / "backtest_rolling.toml")
    assert [o.isoformat() for o in bt.spec.origins] == [
        "2018-12-31",
        "2019-12-31",
        "2020-12-31",
        "2021-12-31",
    ]
    assert bt.spec.fit == "hindcast" and bt.until == dt.date(2022, 12, 31)
    with (ROOT / "experiments" / "calibrate_hindcast.toml").open("rb") as fh:
        template = tomllib.load(fh)
    for origin, table in bt.calibrations.items():
        # the template's search, only the window (and so the rows fitted) differs
        assert table["parameters"] == template["parameters"]
        assert {**table["calibration"], "overlay": ""} == {**template["calibration"], "overlay": ""}
        assert table["seed"] == template["seed"]
        assert table["run"] == {
            "pin_until": dt.date(2016, 1, 1),
            "known_until": origin,
            "until": origin,
        }


def test_each_origin_fits_the_rows_closing_by_it_and_the_state_of_the_lines_unless_told_not(
    tmp_path: Path,
) -> None:
    from casim.analysis.backtest import load_backtest

    bt = load_backtest(ROOT / "experiments" / "backtest_rolling.toml")
    assert bt.spec.origin_state
    for origin, text in bt.fit_records.items():
        day = origin.isoformat()
        path = tmp_path / f"{day}.csv"
        path.write_text(text, encoding="utf-8")
        rows = load_record(path)
        assert all(r.end <= day for r in rows)
        assert any(r.id.startswith("state_") for r in rows)
    # origin_state = false: the record's rows closing by the origin, nothing else
    (tmp_path / "cal.toml").write_text(_TINY_CALIBRATION, encoding="utf-8")
    plain = _backtest_file(tmp_path, origins="2018-12-31", more="origin_state = false\n")
    bt = load_backtest(plain)
    text = bt.fit_records[dt.date(2018, 12, 31)]
    (tmp_path / "plain.csv").write_text(text, encoding="utf-8")
    rows = load_record(tmp_path / "plain.csv")
    assert [r.id for r in rows] == [r.id for r in load_record(RECORD) if r.end <= "2018-12-31"]
