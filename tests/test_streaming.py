"""Streamed ensembles: ``casim run`` and ``casim compare`` run chunk by chunk and write,
byte for byte, the files of the whole-frame API (``casim.run`` with ``write_result``,
``compare_scenarios`` with ``write_comparison``), with a chunk size that does not divide
the runs; a failure or an interrupt in the middle of the stream publishes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import casim
import casim.stream
from casim.analysis.compare import compare_scenarios
from casim.analysis.compare_out import write_comparison, write_streamed_comparison
from casim.cli import main
from casim.present.output import OUTPUT_FILES, write_result, write_stream
from casim.present.summary import run_summary, summary_lines
from casim.rng import run_seed_chunks, run_seed_sequences
from casim.scenario import load_scenario, with_window
from casim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
#: the agents decide from the start, for four years: runs differ and are quick
WINDOW = {"pin_until": dt.date(2016, 1, 1), "known_until": dt.date(2016, 1, 1),
          "until": dt.date(2019, 12, 31)}  # fmt: skip
CLI_WINDOW = ["--branch", "2016-01-01", "--until", "2019-12-31"]


def _scenario(path: Path = HISTORY) -> Scenario:
    return with_window(load_scenario(path), **WINDOW)


def _same_files(a: Path, b: Path, *, manifest: bool = True) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name == "manifest.json" and not manifest:
            continue
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _manifest(path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    meta.pop("wall_time_s", None)
    return meta


def test_chunked_seed_sequences_are_those_of_the_whole_ensemble() -> None:
    whole = run_seed_sequences(9, 23)
    chunked = [s for chunk in run_seed_chunks(9, 23, 5) for s in chunk]
    assert [len(c) for c in run_seed_chunks(9, 23, 5)] == [5, 5, 5, 5, 3]
    assert [(s.entropy, s.spawn_key) for s in chunked] == [(s.entropy, s.spawn_key) for s in whole]


@pytest.mark.parametrize(("runs", "chunk_runs"), [(7, 3), (1, 100)])
def test_a_streamed_run_writes_the_files_of_the_whole_result(
    tmp_path: Path, runs: int, chunk_runs: int
) -> None:
    scenario = _scenario()
    result = casim.run(scenario, seed=4, runs=runs)
    write_result(result, tmp_path / "whole", extra_manifest={"wall_time_s": 0})
    chunks = casim.stream.run_chunks(scenario, seed=4, runs=runs, chunk_runs=chunk_runs)
    streamed = write_stream(chunks, tmp_path / "streamed", manifest=result.manifest)
    _same_files(tmp_path / "whole", tmp_path / "streamed", manifest=False)
    assert _manifest(tmp_path / "whole") == _manifest(tmp_path / "streamed")
    assert [p.name for p in streamed.paths] == list(OUTPUT_FILES)
    assert streamed.events == len(result.events) and streamed.runs == runs
    lines = summary_lines(streamed.scenario, runs, streamed.index, streamed.signatures)
    assert lines == run_summary(result)


def test_the_run_command_streams_the_files_of_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(casim.stream, "DEFAULT_CHUNK_RUNS", 4)
    out = tmp_path / "out"
    cmd = ["run", str(HISTORY), *CLI_WINDOW, "--runs", "10", "--seed", "3", "--out", str(out)]
    assert main(cmd) == 0
    write_result(casim.run(_scenario(), seed=3, runs=10), tmp_path / "whole")
    _same_files(tmp_path / "whole", out, manifest=False)


def _joining(tmp_path: Path) -> Path:
    """A scenario in which Azerbaijan joins the format in 2016: its table has every
    disposition column, the history's has none for Azerbaijan."""
    path = tmp_path / "joining.toml"
    path.write_text(
        f'extends = "{HISTORY.as_posix()}"\nname = "joining"\n'
        '[[events]]\nid = "aze_joins"\nkind = "participant_join"\ndate = 2016-06-01\n'
        'state = "AZE"\nsource = "test"\n',
        encoding="utf-8",
    )
    return path


def test_a_streamed_comparison_writes_the_files_of_the_whole_comparison(tmp_path: Path) -> None:
    base = load_scenario(HISTORY)
    other = with_window(
        load_scenario(_joining(tmp_path)),
        pin_until=dt.date(2016, 1, 1),
        known_until=dt.date(2019, 12, 31),
        until=dt.date(2019, 12, 31),
    )
    whole = compare_scenarios(base, other, seed=6, runs=9)
    assert "disposition_AZE" in whole.other.columns
    assert "disposition_AZE" not in whole.base.columns
    write_comparison(whole, tmp_path / "whole", seed=6, runs=9, command=["casim"])
    streamed, paths = write_streamed_comparison(
        base, other, tmp_path / "streamed", seed=6, runs=9, command=["casim"], chunk_runs=4
    )
    _same_files(tmp_path / "whole", tmp_path / "streamed")
    assert streamed.differences.equals(whole.differences)
    assert [p.parent for p in paths] == [tmp_path / "streamed"] * len(paths)


def test_the_compare_command_streams_the_files_of_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(casim.stream, "DEFAULT_CHUNK_RUNS", 3)
    other = _joining(tmp_path)
    out = tmp_path / "out"
    cmd = ["compare", str(HISTORY), str(other), *CLI_WINDOW, "--runs", "8", "--out", str(out)]
    assert main(cmd) == 0
    whole = compare_scenarios(load_scenario(HISTORY), _scenario(other), seed=1, runs=8)
    write_comparison(whole, tmp_path / "whole", seed=1, runs=8, command=["casim", *cmd])
    _same_files(tmp_path / "whole", out)


def _failing(monkeypatch: pytest.MonkeyPatch, at: int, error: BaseException) -> None:
    """Make run ``at`` of every ensemble raise ``error``."""
    run_one = casim.stream.run_one

    def fail(scenario: Scenario, seq: np.random.SeedSequence, run: int, *rest: Any) -> Any:
        if run == at:
            raise error
        return run_one(scenario, seq, run, *rest)

    monkeypatch.setattr(casim.stream, "run_one", fail)
    monkeypatch.setattr(casim.stream, "DEFAULT_CHUNK_RUNS", 2)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_failure_in_the_middle_of_the_stream_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    _failing(monkeypatch, 4, RuntimeError("a run failed"))
    args = [str(HISTORY)] if command == "run" else [str(HISTORY), str(HISTORY)]
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="a run failed"):
        main([command, *args, *CLI_WINDOW, "--runs", "6", "--out", str(out)])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_interrupt_in_the_middle_of_the_stream_keeps_the_earlier_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    cmd = ["run", str(HISTORY), *CLI_WINDOW, "--runs", "6", "--out", str(out)]
    assert main(cmd) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _failing(monkeypatch, 3, KeyboardInterrupt())
    assert main([*cmd, "--seed", "2"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("command", ["run", "compare"])
def test_run_and_compare_take_up_to_100000_runs(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from casim.cli import _parser

    args = [str(HISTORY)] if command == "run" else [str(HISTORY), str(HISTORY)]
    assert _parser().parse_args([command, *args, "--runs", "100000"]).runs == 100_000
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args([command, *args, "--runs", "100001"])
    assert stop.value.code == 2
    assert "expected at most 100000 runs" in capsys.readouterr().err
