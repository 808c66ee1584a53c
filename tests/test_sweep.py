"""Sweeps: the same rows whatever the backend, resume after a kill, failures recorded,
bad experiments rejected before any run, and seeds that match ``casim run``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import casim
from casim.cli import main
from casim.experiment import load_experiment, sweep
from casim.experiment.design import build_design
from casim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
HISTORY = (ROOT / "scenarios" / "history.toml").as_posix()

GRID = f"""
scenario = "{HISTORY}"
seed = 11
replicates = 3
[run]
branch = 2016-01-01
until = 2024-12-31
[design]
kind = "grid"
[[parameters]]
path = "states.TKM.neutrality"
values = [0.2, 0.9]
[[parameters]]
path = "states.*.pull.RUS"
op = "scale"
values = [0.5, 1.2]
[outputs]
index_years = [2020, 2024]
components = true
event_counts = ["treaty_signed", "border_clash:major"]
signatures = ["ca_friendship_21c"]
settlements = ["KGZ-TJK"]
"""

Write = Callable[..., Path]


@pytest.fixture
def experiment(tmp_path: Path) -> Write:
    def write(body: str = GRID, name: str = "exp.toml") -> Path:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path

    return write


def _files(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted((out / "results").glob("chunk-*.parquet"))}


def test_rows_and_bytes_equal_for_jobs_1_jobs_2_and_dask(experiment: Write, tmp_path: Path) -> None:
    path = experiment()
    outs = {}
    for label, kwargs in (
        ("j1", {"jobs": 1}),
        ("j2", {"jobs": 2}),
        ("dask", {"jobs": 2, "backend": "dask"}),
    ):
        outs[label] = tmp_path / label
        result = sweep(path, outs[label], **kwargs)  # type: ignore[arg-type]
        assert (result.runs, result.computed, result.failed) == (12, 12, 0)
    frames = {k: pd.read_parquet(v / "results") for k, v in outs.items()}
    one = frames["j1"]
    assert list(one["point"]) == [p for p in range(4) for _ in range(3)]
    assert list(one["replicate"]) == [0, 1, 2] * 4
    assert list(one.columns[:5]) == [
        "point",
        "replicate",
        "seed",
        "states.TKM.neutrality",
        "states.*.pull.RUS",
    ]
    assert {"index_2020", "index_2024", "calm_2024", "n_border_clash_major"} <= set(one.columns)
    pd.testing.assert_frame_equal(one, frames["j2"])
    pd.testing.assert_frame_equal(one, frames["dask"])
    assert _files(outs["j1"]) == _files(outs["j2"]) == _files(outs["dask"])
    for name in ("design.csv", "sweep.json", "failures.csv"):
        assert (outs["j1"] / name).read_bytes() == (outs["j2"] / name).read_bytes()
    # the grid's values reached the runs: parameters vary, outputs differ between points
    assert one.groupby("point")["states.TKM.neutrality"].first().tolist() == [0.2, 0.2, 0.9, 0.9]
    assert one["index_2024"].between(0, 1).all()


def test_common_random_numbers_reproduce_casim_run(experiment: Write, tmp_path: Path) -> None:
    body = f"""
scenario = "{HISTORY}"
seed = 5
replicates = 4
[design]
common_random_numbers = true
[outputs]
index_years = "all"
"""
    result = sweep(experiment(body), tmp_path / "crn")
    rows = pd.read_parquet(tmp_path / "crn" / "results")
    ensemble = casim.run(casim.load_scenario(HISTORY), seed=5, runs=4).index
    assert result.runs == 4
    for r in range(4):
        mine = rows.loc[rows["replicate"] == r, [c for c in rows if c.startswith("index_")]]
        theirs = ensemble[ensemble["run"] == r].set_index("year")["index"]
        assert np.allclose(mine.to_numpy().ravel(), theirs.to_numpy())


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_killed_sweep_resumes_to_the_uninterrupted_rows(
    experiment: Write, tmp_path: Path, how: signal.Signals
) -> None:
    body = GRID.replace("replicates = 3", "replicates = 120").replace(
        "until = 2024", "until = 2030"
    )
    path = experiment(body)
    whole = tmp_path / "whole"
    sweep(path, whole)
    cut = tmp_path / "cut"
    cmd = [sys.executable, "-m", "casim", "sweep", str(path), "--out", str(cut)]
    proc = subprocess.Popen(
        cmd,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Ctrl-C as at a terminal, even when the tests run where SIGINT is ignored (a
        # background job inherits SIG_IGN, and Python then never raises KeyboardInterrupt)
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    while len(list((cut / "results").glob("chunk-*.parquet"))) < 4:
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    if how == signal.SIGKILL:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole process group, as kill -9 would
        proc.wait()
    else:
        # Ctrl-C; sent again until the sweep stops, in case the first one reaches the
        # process on a busy machine before it can act on it
        for _ in range(120):
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                continue
        assert proc.wait(timeout=60) == 130
    stored = len(list((cut / "results").glob("chunk-*.parquet")))
    assert 4 <= stored < len(_files(whole)), "interrupted half-way"
    assert main(["sweep", str(path), "--out", str(cut)]) == 2  # refuses to overwrite
    assert main(["sweep", str(path), "--out", str(cut), "--resume"]) == 0
    assert _files(cut) == _files(whole)
    pd.testing.assert_frame_equal(
        pd.read_parquet(cut / "results"), pd.read_parquet(whole / "results")
    )
    assert main(["sweep", str(path), "--out", str(cut), "--resume"]) == 0  # nothing left
    assert _files(cut) == _files(whole)


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(
    experiment: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from casim.experiment import worker

    real = worker.Engine

    class Flaky(real):  # type: ignore[misc, valid-type]
        def run(self):  # type: ignore[no-untyped-def]
            if self.record.run == 1 and self.scenario.states["TKM"].neutrality > 0.5:
                raise ZeroDivisionError("float division by zero")
            return super().run()

    monkeypatch.setattr(worker, "Engine", Flaky)
    out = tmp_path / "flaky"
    assert main(["sweep", str(experiment()), "--out", str(out)]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "12 runs, 2 failed" in last
    rows = pd.read_parquet(out / "results")
    failed = rows[rows["error"].notna()]
    assert list(zip(failed["point"], failed["replicate"], strict=True)) == [(2, 1), (3, 1)]
    assert failed["error"].str.startswith("ZeroDivisionError: float division by zero").all()
    assert failed["index_2024"].isna().all()
    assert rows[rows["error"].isna()]["index_2024"].notna().sum() == 10
    failures = pd.read_csv(out / "failures.csv")
    assert list(failures.columns) == ["point", "replicate", "seed", "error"]
    assert len(failures) == 2


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (("states.TKM.neutrality", "states.TKM.neutralty"), "parameters[0].path", "neutralty"),
        (("states.*.pull.RUS", "partners.RUS.pull"), "parameters[1].path", "'pull'"),
        (("values = [0.2, 0.9]", "values = [0.2, 1.9]"), "parameters[0]", "1.9"),
        (('kind = "grid"', 'kind = "sobol"'), "parameters[0]", "low < high"),
        (("branch = 2016-01-01", "branch = 2016-13-01"), "", "TOML"),
        (
            ('signatures = ["ca_friendship_21c"]', 'signatures = ["nope"]'),
            "outputs.signatures[0]",
            "nope",
        ),
        (("replicates = 3", "replicates = 0"), "replicates", "0"),
        (("seed = 11", "seed = 11\nseeds = 2"), "seeds", "unknown key"),
    ],
)
def test_bad_experiment_is_rejected_before_any_run(
    experiment: Write,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str],
    key: str,
    words: str,
) -> None:
    path = experiment(GRID.replace(*change))
    out = tmp_path / "never"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"casim: error: {path}: {key}")
    assert words in err
    assert not out.exists()


def test_resume_refuses_another_experiment(experiment: Write, tmp_path: Path) -> None:
    out = tmp_path / "s"
    sweep(experiment(), out)
    other = experiment(GRID.replace("seed = 11", "seed = 12"), "other.toml")
    with pytest.raises(ScenarioError, match="fingerprint"):
        sweep(other, out, resume=True)


def test_designs_have_the_documented_sizes(experiment: Write) -> None:
    base = GRID.split("[[parameters]]")[0].replace('kind = "grid"', 'kind = "{kind}"\nsamples = 8')
    params = """
[[parameters]]
path = "states.TKM.neutrality"
low = 0.1
high = 0.9
[[parameters]]
path = "parameters.signature.peer"
low = 0.5
high = 3.0
[[parameters]]
path = "parameters.documents.rounds"
low = 1
high = 4
"""
    sizes = {}
    for kind in ("lhs", "sobol", "morris"):
        exp = load_experiment(experiment(base.replace("{kind}", kind) + params, f"{kind}.toml"))
        design = build_design(exp)
        assert design.values.shape[1] == 3
        assert (design.values >= [0.1, 0.5, 1]).all() and (design.values <= [0.9, 3.0, 4]).all()
        sizes[kind] = design.points
        assert np.array_equal(design.values, build_design(exp).values)  # a function of the file
    assert sizes == {"lhs": 8, "sobol": 8 * (3 + 2), "morris": 8 * (3 + 1)}
    grid = build_design(load_experiment(experiment()))
    assert grid.values.tolist() == [[0.2, 0.5], [0.2, 1.2], [0.9, 0.5], [0.9, 1.2]]


@pytest.mark.parametrize(
    ("kind", "points", "measure"), [("morris", 12, "mu_star"), ("sobol", 16, "ST")]
)
def test_analyze_writes_indices_and_figures(
    experiment: Write, tmp_path: Path, kind: str, points: int, measure: str
) -> None:
    body = f"""
scenario = "{HISTORY}"
seed = 3
replicates = 1
[run]
until = 2026-12-31
[design]
kind = "{kind}"
samples = 4
[[parameters]]
path = "states.TKM.neutrality"
low = 0.1
high = 0.9
[[parameters]]
path = "parameters.signature.neutrality"
low = 0.0
high = 4.0
[outputs]
index_years = [2024, 2026]
[analysis]
outputs = ["index_2026"]
"""
    out = tmp_path / "m"
    sweep(experiment(body), out)
    assert main(["analyze", str(out)]) == 0
    table = pd.read_csv(out / "analysis" / "sensitivity.csv")
    assert list(table["parameter"]) == ["states.TKM.neutrality", "parameters.signature.neutrality"]
    assert table[measure].notna().all()
    summary = pd.read_csv(out / "analysis" / "summary.csv")
    assert len(summary) == points and summary["index_2026_n"].eq(1).all()
    for name in ("fan.png", "heatmap.png", "sensitivity.png"):
        assert (out / "analysis" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "experiments").glob("*.toml") if not p.stem.startswith("backtest_")),
    ids=lambda p: p.stem,
)
def test_shipped_experiments_load_and_run(path: Path, tmp_path: Path) -> None:
    exp = load_experiment(path)
    design = build_design(exp)
    assert design.points >= 1 and exp.spec.replicates >= 1
    # one run of the first point, through the worker, gives a full row without error
    from casim.experiment.runner import payload_for, plan_outputs
    from casim.experiment.worker import Chunk, run_chunk

    payload = payload_for(exp, design=design)
    (row,) = run_chunk(payload, Chunk(0, 0, 1))
    assert row[-1] is None
    assert len(row) == 3 + len(design.columns) + len(plan_outputs(exp).columns) + 1


def test_unknown_record_kind_is_an_error(experiment: Write, tmp_path: Path) -> None:
    record = tmp_path / "bad.csv"
    record.write_text(
        "id,kind,subject,object,start,end,outcome,note,source\n"
        "a,summit_cancelled,KAZ,,2018-01-01,2018-12-31,1,,\n",
        encoding="utf-8",
    )
    path = experiment(GRID + f'record = "{record.as_posix()}"\n')
    with pytest.raises(
        ScenarioError, match=r"bad.csv: line 2.kind: expected one of .*summit_cancelled"
    ):
        load_experiment(path)


def test_pinned_history_replays_the_record(experiment: Write) -> None:
    from casim.experiment.runner import payload_for, plan_outputs
    from casim.experiment.worker import Chunk, run_chunk

    record = (ROOT / "records" / "record_2016_2022.csv").as_posix()
    body = f"""
scenario = "{HISTORY}"
seed = 4
replicates = 20
[outputs]
index_years = [2022]
record = "{record}"
"""
    exp = load_experiment(experiment(body))
    plan = plan_outputs(exp)
    payload = payload_for(exp, plan=plan)
    rows = run_chunk(payload, Chunk(0, 0, 20))
    col = 3 + plan.columns.index("record_brier")
    scores = [float(row[col]) for row in rows]  # type: ignore[arg-type]
    # every row of 2016-2022 is imposed by the scenario: each run reproduces the record
    assert scores == [0.0] * 20


def test_unreachable_scheduler_is_bad_input_and_writes_nothing(
    experiment: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never"
    argv = ["sweep", str(experiment()), "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("casim: error: <command line>: --scheduler: expected the address")
    assert len(err.splitlines()) == 1
    assert not out.exists()
