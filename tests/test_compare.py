"""casim compare: runs paired on the same streams, differences with intervals, files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import casim
from casim.analysis.compare import compare
from casim.cli import main

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"


def _variant(tmp_path: Path, body: str, name: str = "variant") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'extends = "{HISTORY.as_posix()}"\nname = "{name}"\n{body}', encoding="utf-8")
    return path


def test_a_scenario_against_itself_differs_nowhere() -> None:
    s = casim.load_scenario(HISTORY)
    c = compare(casim.run(s, seed=2, runs=6), casim.run(s, seed=2, runs=6))
    d = c.differences
    assert set(d["outcome"]) >= {"index", "signed_ca_friendship_21c_TKM", "settled_KGZ-TJK"}
    assert (d["diff_mean"] == 0).all() and (d["ci90_low"] == 0).all()
    assert (d["ci90_high"] == 0).all() and (d["n"] == 6).all()


def test_softer_neutrality_makes_turkmenistan_sign_more_often(tmp_path: Path) -> None:
    s = casim.load_scenario(HISTORY)
    soft = casim.load_scenario(_variant(tmp_path, "[states.TKM]\nneutrality = 0.3\n"))
    c = compare(casim.run(s, seed=1, runs=100), casim.run(soft, seed=1, runs=100))
    d = c.differences.set_index(["outcome", "year"])
    # sooner: by 2035 Turkmenistan has signed in almost every run of both
    row = d.loc[("signed_ca_friendship_21c_TKM", 2025)]
    assert row["diff_mean"] > 0 and row["ci90_low"] > 0
    # nothing differs while the history is imposed
    assert d.loc[("index", 2022), "diff_mean"] == 0


def test_compare_command_prints_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = _variant(tmp_path, "[states.TKM]\nneutrality = 0.3\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(HISTORY), str(other), "--runs", "8", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "variant against history, 8 paired runs" in printed and "90% interval" in printed
    table = pd.read_csv(out / "compare.csv")
    assert {"outcome", "year", "diff_mean", "ci90_low", "ci90_high"} <= set(table.columns)
    for name in ("runs_base.csv", "runs_other.csv", "manifest.json", "index.svg"):
        assert (out / name).is_file()
    assert (out / "index.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_rejects_a_bad_scenario_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _variant(tmp_path, "[states.TKM]\nneutrality = 1.5\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(HISTORY), str(bad), "--runs", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "states.TKM.neutrality" in err[0]
    assert not out.exists()


def test_compare_refuses_a_window_without_a_year_end_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    window = ["--branch", "2016-01-01", "--until", "2016-06-30"]
    assert main(["compare", str(HISTORY), str(HISTORY), *window, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--until: expected a date on or after 2016-12-31" in err[0]
    assert not out.exists()
