"""Sweep outputs that name measures: the same numbers ``casim compare`` gives for the same
runs, unknown names refused at load, and columns ``casim analyze`` takes as outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import casim
from casim.analysis.compare import compare_scenarios, outcome_table
from casim.cli import main
from casim.experiment import load_experiment, sweep
from casim.model.run_measures import outcome_names

ROOT = Path(__file__).resolve().parents[1]
HISTORY = (ROOT / "scenarios" / "history.toml").as_posix()
MEASURES = [
    "regularity",
    "heads_present",
    "documents_in_force",
    "trade_bn",
    "stage_KGZ-TJK",
    "incidents_KGZ-TJK",
    "settled_KGZ-TJK",
    "signed_ca_2040_TKM",
    "c5x_heads_KAZ",
    "disposition_UZB",
]
YEARS = (2024, 2026)


def _experiment(tmp_path: Path, measures: list[str], extra: str = "") -> Path:
    path = tmp_path / "exp.toml"
    listed = ", ".join(f'"{m}"' for m in measures)
    path.write_text(
        f"""
scenario = "{HISTORY}"
seed = 13
replicates = 3
[run]
branch = 2022-12-31
until = 2026-12-31
[design]
common_random_numbers = true
{extra}
[outputs]
index_years = [{", ".join(map(str, YEARS))}]
measures = [{listed}]
""",
        encoding="utf-8",
    )
    return path


def test_measure_columns_equal_the_compare_outcomes_of_the_same_runs(tmp_path: Path) -> None:
    path = _experiment(tmp_path, MEASURES)
    sweep(path, tmp_path / "j1", jobs=1)
    rows = pd.read_parquet(tmp_path / "j1" / "results").sort_values("replicate")
    assert list(rows.columns[3:-1]) == [
        *(f"index_{y}" for y in YEARS),
        *(f"{m}_{y}" for y in YEARS for m in MEASURES),
    ]
    exp = load_experiment(path)
    # common random numbers: replicate r is run r of `casim run --seed 13`
    base = compare_scenarios(exp.scenario, exp.scenario, seed=13, runs=3).base
    for year in YEARS:
        theirs = base[base["year"] == year].sort_values("run")
        for m in MEASURES:
            mine = rows[f"{m}_{year}"].to_numpy(dtype=float)
            assert np.array_equal(mine, theirs[m].to_numpy(dtype=float), equal_nan=True), m
    # the same bytes with two worker processes
    sweep(path, tmp_path / "j2", jobs=2)
    for one in sorted((tmp_path / "j1" / "results").glob("chunk-*.parquet")):
        assert one.read_bytes() == (tmp_path / "j2" / "results" / one.name).read_bytes()


def test_the_named_columns_are_the_columns_of_the_outcome_table() -> None:
    s = casim.load_scenario(HISTORY)
    table = outcome_table(casim.run(s, seed=1, runs=1), list(s.documents), ["KGZ-TJK"])
    names = outcome_names(s, list(s.documents), ["KGZ-TJK"])
    # a state's disposition has a column once it is a participant in some run
    never = {f"disposition_{c}" for c in s.states if c not in s.participants}
    assert set(names) - set(table.columns) <= never
    assert set(table.columns) - {"run", "year"} <= set(names)


@pytest.mark.parametrize(
    ("measures", "where", "found"),
    [
        (["regularity", "heads_present", "x"], "outputs.measures[2]", "found 'x'"),
        (["stage_KGZ-XXX"], "outputs.measures[0]", "found 'stage_KGZ-XXX'"),
        (["index"], "outputs.measures[0]", "found 'index'"),
        (["regularity", "regularity"], "outputs.measures", "found 'regularity'"),
    ],
)
def test_an_unknown_measure_is_refused_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    measures: list[str],
    where: str,
    found: str,
) -> None:
    path = _experiment(tmp_path, measures)
    for command in (["validate", str(path)], ["sweep", str(path), "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        assert err.startswith(f"casim: error: {path}: {where}: expected ")
        assert err.endswith(found)
    assert not (tmp_path / "o").exists()


def test_analyze_takes_a_measure_as_its_output(tmp_path: Path) -> None:
    extra = """kind = "grid"
[[parameters]]
path = "parameters.borders.negotiation_rate"
values = [0.1, 0.5]
[analysis]
outputs = ["regularity_2026", "stage_KGZ-TJK_2026"]
"""
    path = _experiment(tmp_path, ["regularity", "stage_KGZ-TJK"], extra)
    path.write_text(path.read_text().replace("replicates = 3", "replicates = 1"))
    out = tmp_path / "a"
    sweep(path, out)
    assert main(["analyze", str(out)]) == 0
    summary = pd.read_csv(out / "analysis" / "summary.csv")
    assert len(summary) == 2
    assert summary["regularity_2026_n"].eq(1).all()
    assert summary["stage_KGZ-TJK_2026_mean"].between(0, 2).all()


def test_a_sweep_worker_reads_measures_without_pandas() -> None:
    code = (
        "import sys, casim.experiment.worker, casim.experiment.spec; "
        "assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
