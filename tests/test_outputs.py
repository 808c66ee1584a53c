"""What a user of the command line relies on around the model: a result directory holds
one output only, long commands show their progress, paths and defaults behave alike,
validate knows every kind of file, run says what happened, API dates are datetimes, and
the TOML casim writes reads back as written."""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import casim
from casim.cli import main
from casim.files import publish_dir
from casim.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
SHORT = ["--until", "2018-12-31"]


def _hidden(where: Path) -> list[Path]:
    return [p for p in where.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- stale output


def test_a_new_run_replaces_the_directory_with_its_plots_and_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(HISTORY), *SHORT, "--out", str(out)]) == 0
    assert main(["plot", str(out), "--kind", "fan", "--format", "png"]) == 0
    assert main(["report", str(out)]) == 0
    assert (out / "plots" / "fan.png").is_file() and (out / "report.html").is_file()
    assert main(["run", str(HISTORY), *SHORT, "--seed", "2", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["events.csv", "panel.csv", "index.csv", "dyads.csv", "manifest.json", "trajectory.png"]
    )
    assert pd.read_csv(out / "events.csv")["seed"].eq(2).all()
    assert _hidden(tmp_path) == []


def test_a_directory_holding_other_files_is_refused_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    for command in (
        ["run", str(HISTORY), *SHORT, "--out", str(out)],
        ["compare", str(HISTORY), str(HISTORY), "--runs", "2", *SHORT, "--out", str(out)],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--force" in err[0] and "notes.txt" in err[0]
        assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert main(["run", str(HISTORY), *SHORT, "--out", str(out), "--force"]) == 0
    assert not (out / "notes.txt").exists() and (out / "events.csv").is_file()
    assert _hidden(tmp_path) == []


def test_plot_replaces_its_directory_and_refuses_a_foreign_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert main(["run", str(HISTORY), *SHORT, "--runs", "2", "--out", str(run)]) == 0
    figs = run / "plots"
    assert main(["plot", str(run), "--format", "png"]) == 0
    assert main(["plot", str(run), "--kind", "fan", "--format", "svg"]) == 0
    assert [p.name for p in figs.iterdir()] == ["fan.svg"]  # no stale PNG beside it
    (figs / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["plot", str(run), "--kind", "fan"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (figs / "notes.txt").is_file()


def test_force_never_replaces_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(HISTORY), *SHORT, "--out", ".", "--force"]) == 2
    assert "the current, a parent or the home directory" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_failed_build_leaves_the_earlier_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_dir(out, ["a.txt"], lambda d: (d / "a.txt").write_text("old", encoding="utf-8"))

    def fail(d: Path) -> None:
        (d / "a.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        publish_dir(out, ["a.txt"], fail)
    assert (out / "a.txt").read_text(encoding="utf-8") == "old"
    assert _hidden(tmp_path) == []
    publish_dir(out, ["b.txt"], lambda d: (d / "b.txt").write_text("new", encoding="utf-8"),
                owned=["a.txt"])  # fmt: skip
    assert [p.name for p in out.iterdir()] == ["b.txt"]


# ---------------------------------------------------------------- progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_plain_lines_off_a_terminal_and_a_bar_on_one() -> None:
    plain = io.StringIO()
    with Progress(20, 0, plain, label="score") as bar:
        for _ in range(20):
            bar.update()
    lines = plain.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("score: 20/20 runs (100%)")
    assert "\r" not in plain.getvalue()
    term = _Terminal()
    with Progress(20, 0, term, label="run") as bar:
        bar.update(20)
    assert "\r" in term.getvalue() and "20/20" in term.getvalue()


def test_run_score_and_compare_report_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(HISTORY), *SHORT, "--runs", "3", "--out", str(tmp_path / "r")]) == 0
    assert "run: 3/3 runs (100%)" in capsys.readouterr().err
    window = ["--branch", "2020-12-31", "--until", "2021-12-31"]
    assert main(["score", str(HISTORY), *window, "--runs", "4"]) == 0
    assert "score: 4/4 runs (100%)" in capsys.readouterr().err
    cmp = ["compare", str(HISTORY), str(HISTORY), "--runs", "2", *SHORT]
    assert main([*cmp, "--out", str(tmp_path / "c")]) == 0
    assert "compare: 4/4 runs (100%)" in capsys.readouterr().err


# ---------------------------------------------------------------- --out and --record


def test_score_defaults_to_the_shipped_record_and_creates_its_out_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "deeper" / "p.csv"
    window = ["--branch", "2020-12-31", "--until", "2021-12-31"]
    assert main(["score", str(HISTORY), *window, "--runs", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "records/record_2016_2022.csv" in Path(printed.split(" rows of ")[1]).as_posix()
    for name in ("p.csv", "p.json", "p_reliability.png", "p_rows.png"):
        assert (out.parent / name).is_file()
    assert _hidden(out.parent) == []


# ---------------------------------------------------------------- validate


def test_validate_recognises_experiment_and_calibration_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", str(ROOT / "experiments" / "tkm_neutrality_rus_pull.toml")]) == 0
    assert "ok (experiment tkm_neutrality_rus_pull: grid design, 20 point(s)" in (
        capsys.readouterr().out
    )
    assert main(["validate", str(ROOT / "experiments" / "calibrate_history.toml")]) == 0
    assert "ok (calibration calibrate_history: 21 parameter(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "path", sorted((ROOT / "experiments").glob("*.toml")), ids=lambda p: p.stem
)
def test_validate_accepts_every_shipped_file_as_its_kind(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(path)]) == 0
    kind = (
        "backtest"
        if path.stem.startswith("backtest")
        else "calibration"
        if path.stem.startswith("calibrate")
        else "experiment"
    )
    assert f": ok ({kind} " in capsys.readouterr().out


def test_validate_checks_an_experiment_as_an_experiment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "exp.toml"
    bad.write_text(
        f'scenario = "{HISTORY.as_posix()}"\nseed = 1\nreplicates = 0\n', encoding="utf-8"
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{bad}: replicates:" in err[0]


# ---------------------------------------------------------------- the run's summary


def test_run_prints_what_happened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cmd = ["run", str(HISTORY), "--until", "2022-12-31", "--runs", "2", "--out", str(tmp_path)]
    assert main([*cmd, "--force"]) == 0
    printed = capsys.readouterr().out
    assert "summary (median over 2 runs" in printed
    assert re.search(r"index: 2016 0\.\d\d \[", printed)
    # the record as imposed: the treaty of 2022 and the settled lines
    assert "signed ca_friendship_21c: KAZ 2022 (2/2)" in printed
    assert "border lines settled: KAZ-KGZ 2017 (2/2), KAZ-TKM 2017 (2/2)" in printed
    assert "not settled: KGZ-TJK" in printed


# ---------------------------------------------------------------- API frames


def test_event_dates_are_datetimes_in_the_api_and_days_in_the_files(tmp_path: Path) -> None:
    result = casim.run(casim.load_scenario(HISTORY), until=dt.date(2017, 12, 31))
    assert pd.api.types.is_datetime64_any_dtype(result.events["date"])
    from casim.present.output import write_result

    write_result(result, tmp_path / "out")
    text = (tmp_path / "out" / "events.csv").read_text(encoding="utf-8").splitlines()
    assert all(re.match(r"^\d+,\d+,\d{4}-\d\d-\d\d,", line) for line in text[1:])


# ---------------------------------------------------------------- TOML written


def test_overlay_toml_reads_back_as_written(tmp_path: Path) -> None:
    from casim.analysis.calibrate import overlay_text

    scenario = casim.load_scenario(HISTORY)
    source = 'fitted: "quoted" and a back\\slash; unicode Ozbekiston'
    leaves = {
        ("parameters", "borders", "negotiation_rate"): 0.123456789,
        ("borders", "KAZ-KGZ", "escalation"): 0.75,
    }
    overlay = tmp_path / "fit.toml"
    text = overlay_text(HISTORY, overlay, scenario, leaves, ["fitted", "", "x"], source)
    assert text.startswith("# fitted\n#\n# x\n")
    doc = tomllib.loads(text)
    assert doc["name"] == "fit" and (tmp_path / doc["extends"]).resolve() == HISTORY.resolve()
    assert doc["parameters"]["borders"]["negotiation_rate"] == 0.123456789
    assert doc["parameters"]["borders"]["sources"]["negotiation_rate"] == source
    overlay.write_text(text, encoding="utf-8")
    fitted = casim.load_scenario(overlay)
    assert fitted.parameters.borders.negotiation_rate == 0.123456789
    assert fitted.borders["KAZ-KGZ"].escalation == 0.75
