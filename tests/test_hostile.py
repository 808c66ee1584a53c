"""Hostile input: every kind of bad file, directory or command line is refused with exit
status 2 and one line on stderr that names the file, the key path, what was expected and
what was found; never a traceback, never a hang, and nothing left in the output directory.
Large inputs are generated here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casim.cli import main

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
PRIOR = ROOT / "scenarios" / "history_prior.toml"
RECORD = ROOT / "records" / "record_2016_2022.csv"

#: (command line, text the line must name as the file, the key path)
Case = tuple[list[str], str, str]
Build = Callable[[Path], Case]


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _casim(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:  # argparse exits by itself
        return int(stop.code or 0)


def _refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], file: str, key: str
) -> str:
    """Run casim in ``tmp_path``; assert the refusal, return its line."""
    before = _listing(tmp_path)
    status = _casim(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("casim: error: ")
    assert "Traceback" not in err
    assert file in line and (not key or f": {key}:" in line), line
    assert ": expected " in line and ", found " in line, line
    assert _listing(tmp_path) == before, "files left behind"
    return line


def _scenario(tmp: Path, body: str, name: str = "s.toml") -> Path:
    path = tmp / name
    path.write_text(f'extends = "{HISTORY.as_posix()}"\n{body}', encoding="utf-8")
    return path


def _experiment(tmp: Path, body: str, name: str = "e.toml") -> Path:
    path = tmp / name
    path.write_text(f'scenario = "{HISTORY.as_posix()}"\n{body}', encoding="utf-8")
    return path


def _record(tmp: Path, rows: list[str]) -> Path:
    path = tmp / "r.csv"
    head = "id,kind,subject,object,start,end,outcome,note,source\n"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _score(record: Path) -> list[str]:
    return ["score", str(HISTORY), "--record", str(record), "--runs", "2"]


# ------------------------------------------------------------------ files that crashed


def _end_9999(tmp: Path) -> Case:
    path = _scenario(tmp, "end = 9999-12-31\n")
    return ["run", str(path), "--out", "o"], "s.toml", "end"


def _null_byte_extends(tmp: Path) -> Case:
    path = tmp / "s.toml"
    path.write_text('extends = "a\\u0000b.toml"\n', encoding="utf-8")
    return ["validate", str(path)], "s.toml", "extends"


def _lhs_without_parameters(tmp: Path) -> Case:
    path = _experiment(tmp, 'seed = 1\n[design]\nkind = "lhs"\nsamples = 2\n')
    return ["sweep", str(path), "--out", "o"], "e.toml", "parameters"


def _seed_beyond_64_bits(tmp: Path) -> Case:
    path = _experiment(tmp, f"seed = {2**64}\n")
    return ["sweep", str(path), "--out", "o"], "e.toml", "seed"


def _huge_integer(tmp: Path) -> Case:
    path = _scenario(tmp, "[states.TKM]\nneutrality = " + "9" * 5000 + "\n")
    return ["validate", str(path)], "s.toml", "(top level)"


def _deep_arrays(tmp: Path) -> Case:
    path = _scenario(tmp, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    return ["validate", str(path)], "s.toml", "(top level)"


def _deep_tables(tmp: Path) -> Case:
    path = _scenario(tmp, "x = " + "{a = " * 200 + "1" + "}" * 200 + "\n")
    return ["validate", str(path)], "s.toml", "x" + ".a" * 31


def _csv_field_of_200_kb(tmp: Path) -> Case:
    lines = RECORD.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("summit_2018_KAZ", "x" * 200_000)
    path = tmp / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return _score(path), "r.csv", "line 2"


# ------------------------------------------------------------------ hangs and memory


def _fifo_scenario(tmp: Path) -> Case:
    os.mkfifo(tmp / "f.toml")
    return ["validate", str(tmp / "f.toml")], "f.toml", "(top level)"


def _fifo_extends(tmp: Path) -> Case:
    os.mkfifo(tmp / "f.toml")
    path = tmp / "s.toml"
    path.write_text('extends = "f.toml"\n', encoding="utf-8")
    return ["validate", str(path)], "f.toml", "(top level)"


def _device_scenario(tmp: Path) -> Case:
    return ["validate", "/dev/zero"], "/dev/zero", "(top level)"


def _device_record(tmp: Path) -> Case:
    return _score(Path("/dev/zero")), "/dev/zero", "(top level)"


def _fifo_record(tmp: Path) -> Case:
    os.mkfifo(tmp / "r.csv")
    return _score(tmp / "r.csv"), "r.csv", "(top level)"


def _file_too_large(tmp: Path) -> Case:
    path = _scenario(tmp, "")
    with path.open("r+b") as fh:  # sparse: no data written
        fh.truncate(65 * 1024 * 1024)
    return ["validate", str(path)], "s.toml", "(top level)"


def _runs_beyond_memory(tmp: Path) -> Case:
    return ["run", "--runs", str(10**12), "--out", "o"], "<command line>", "--runs"


def _compare_runs_beyond_memory(tmp: Path) -> Case:
    argv = ["compare", str(HISTORY), str(HISTORY), "--runs", str(10**12), "--out", "o"]
    return argv, "<command line>", "--runs"


# ------------------------------------------------------------------ silently wrong answers


def _record_compact_date(tmp: Path) -> Case:
    path = _record(tmp, ["a,summit_held,KAZ,,20230101,20231231,1,,x"])
    return _score(path), "r.csv", "line 2.start"


def _record_reversed_pair(tmp: Path) -> Case:
    path = _record(tmp, ["a,border_treaty_signed,TJK-KGZ,,2023-01-01,2023-12-31,1,,x"])
    return _score(path), "r.csv", "line 2.subject"


def _record_unknown_state(tmp: Path) -> Case:
    path = _record(tmp, ["a,summit_held,XYZ,,2023-01-01,2023-12-31,1,,x"])
    return _score(path), "r.csv", "line 2.subject"


def _record_unknown_treaty(tmp: Path) -> Case:
    path = _record(tmp, ["a,treaty_signed,KAZ,no_such,2023-01-01,2023-12-31,1,,x"])
    return _score(path), "r.csv", "line 2.object"


def _participant_twice(tmp: Path) -> Case:
    path = _scenario(tmp, 'participants = ["KAZ", "UZB", "KAZ"]\n')
    return ["validate", str(path)], "s.toml", "participants[2]"


def _pin_after_known(tmp: Path) -> Case:
    path = _scenario(tmp, "[run]\npin_until = 2020-01-01\nknown_until = 2018-01-01\n")
    return ["validate", str(path)], "s.toml", "run.pin_until"


def _until_before_branch(tmp: Path) -> Case:
    argv = ["run", "--branch", "2020-01-01", "--until", "2018-01-01", "--out", "o"]
    return argv, "<command line>", "--until"


def _experiment_until_before_branch(tmp: Path) -> Case:
    path = _experiment(tmp, "seed = 1\n[run]\nbranch = 2020-01-01\nuntil = 2018-01-01\n")
    return ["sweep", str(path), "--out", "o"], "e.toml", "run"


def _overlay_is_its_base(tmp: Path) -> Case:
    prior = tmp / "prior.toml"
    shutil.copy(PRIOR, prior)
    path = tmp / "c.toml"
    path.write_text(
        'scenario = "prior.toml"\nseed = 1\n[design]\nkind = "lhs"\nsamples = 4\n'
        '[[parameters]]\npath = "parameters.borders.negotiation_rate"\nlow = 0.1\nhigh = 0.5\n'
        f'[outputs]\nrecord = "{RECORD.as_posix()}"\n'
        "[run]\nbranch = 2016-01-01\nuntil = 2022-12-31\n"
        '[calibration]\noverlay = "prior.toml"\n',
        encoding="utf-8",
    )
    return ["calibrate", str(path), "--out", "o"], "c.toml", "calibration.overlay"


def _name_escapes_out(tmp: Path) -> Case:
    path = _experiment(tmp, 'seed = 1\nname = "../escaped"\n')
    return ["sweep", str(path)], "e.toml", "name"


def _empty_out(tmp: Path) -> Case:
    return ["run", "--out", ""], "<command line>", "--out"


# ------------------------------------------------------------------ silent coercion


def _neutrality_text(tmp: Path) -> Case:
    path = _scenario(tmp, '[states.TKM]\nneutrality = "0.5"\n')
    return ["validate", str(path)], "s.toml", "states.TKM.neutrality"


def _neutrality_bool(tmp: Path) -> Case:
    path = _scenario(tmp, "[states.TKM]\nneutrality = true\n")
    return ["validate", str(path)], "s.toml", "states.TKM.neutrality"


def _replicates_text(tmp: Path) -> Case:
    path = _experiment(tmp, 'seed = 1\nreplicates = "2"\n')
    return ["sweep", str(path), "--out", "o"], "e.toml", "replicates"


def _integer_given_fraction(tmp: Path) -> Case:
    path = _scenario(tmp, "[parameters.documents]\nrounds = 2.5\n")
    return ["validate", str(path)], "s.toml", "parameters.documents.rounds"


def _blank_source(tmp: Path) -> Case:
    event = 'id = "z"\nkind = "participant_join"\ndate = 2017-01-01\nstate = "KAZ"\n'
    path = _scenario(tmp, f'[[events]]\n{event}source = "   "\n')
    return ["validate", str(path)], "s.toml", "events[0].source"


# ------------------------------------------------------------------ output places


def _out_is_a_file(tmp: Path) -> Case:
    (tmp / "f").write_text("x", encoding="utf-8")
    path = _experiment(tmp, "seed = 1\n")
    return ["sweep", str(path), "--out", "f"], "f", "--out"


def _out_under_a_file(tmp: Path) -> Case:
    (tmp / "f").write_text("x", encoding="utf-8")
    return ["run", "--out", "f/o"], "f/o", "--out"


# ------------------------------------------------------------------ messages


def _argparse_unknown_option(tmp: Path) -> Case:
    return ["run", "--bogus"], "<command line>", "(arguments)"


def _argparse_bad_value(tmp: Path) -> Case:
    return ["run", "--runs", "x"], "<command line>", "--runs"


def _error_names_the_overlay(tmp: Path) -> Case:
    _scenario(tmp, "[states.TKM]\nneutrality = 0.5\n", name="b.toml")
    path = tmp / "t.toml"
    path.write_text('extends = "b.toml"\n[states.TKM]\nneutrality = 1.5\n', encoding="utf-8")
    return ["validate", str(path)], "t.toml", "states.TKM.neutrality"


def _chain_too_long(tmp: Path) -> Case:
    previous = HISTORY
    for i in range(70):
        path = tmp / f"c{i}.toml"
        path.write_text(f'extends = "{previous.as_posix()}"\n', encoding="utf-8")
        previous = path
    return ["validate", str(previous)], ".toml", "extends"


def _chain_cycle(tmp: Path) -> Case:
    (tmp / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    return ["validate", str(tmp / "a.toml")], "b.toml", "extends"


CASES: dict[str, Build] = {
    name.removeprefix("_"): build
    for name, build in list(globals().items())
    if name.startswith("_") and callable(build) and build.__annotations__.get("return") == "Case"
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_refused_in_one_line(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    argv, file, key = CASES[name](tmp_path)
    _refused(tmp_path, capsys, argv, file, key)


def test_argparse_errors_hint_at_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert _casim(["validate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "usage:" not in err
    assert err.startswith("casim: error: ") and "(see casim validate --help)" in err


# ------------------------------------------------------------------ accepted as they should


def test_a_chain_of_twenty_files_is_no_cycle(tmp_path: Path) -> None:
    previous = HISTORY
    for i in range(20):
        path = tmp_path / f"c{i}.toml"
        path.write_text(f'extends = "{previous.as_posix()}"\n', encoding="utf-8")
        previous = path
    assert _casim(["validate", str(previous)]) == 0


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'extends = "{HISTORY.as_posix()}"\n'.encode())
    assert _casim(["validate", str(path)]) == 0
    record = tmp_path / "r.csv"
    record.write_bytes(b"\xef\xbb\xbf" + RECORD.read_bytes())
    from casim.record import load_record

    assert load_record(record)[0].id == "summit_2018_KAZ"


def test_many_events_are_checked_in_linear_time(tmp_path: Path) -> None:
    """30,000 events: a quadratic duplicate check took minutes; a linear one takes seconds
    (this asserts the answer, not the time: a quadratic check would time the suite out)."""
    event = 'kind = "participant_join"\ndate = 2017-01-01\nstate = "KAZ"\nsource = "x"\n'
    body = "".join(f'[[events]]\nid = "e{i}"\n{event}' for i in range(30_000))
    path = _scenario(tmp_path, body)
    assert _casim(["validate", str(path)]) == 0


def test_a_run_ending_in_its_first_year_draws_its_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _casim(["run", "--until", "2016-03-01", "--out", "o"]) == 0
    assert (tmp_path / "o" / "trajectory.png").is_file()


def test_per_row_figure_of_a_large_record_is_bounded() -> None:
    import pandas as pd

    from casim.present.plotting import MAX_ROWS_DRAWN, plot_forecast_rows

    n = 20 * MAX_ROWS_DRAWN
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "kind": ["summit_held"] * n,
            "probability": [0.5] * n,
            "climatology": [0.4] * n,
            "outcome": [1] * n,
        }
    )
    ax = plot_forecast_rows(frame, title="t")
    assert ax.figure.get_size_inches()[0] < 0.16 * MAX_ROWS_DRAWN + 4
    assert f"of {n} rows" in ax.get_title()
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


# ------------------------------------------------------------------ damaged result directories


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "r"
    assert _casim(["run", "--until", "2018-01-01", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("sweep")
    exp = _experiment(tmp, "seed = 1\n[run]\nuntil = 2017-01-01\n[outputs]\nindex_years = [2016]\n")
    assert _casim(["sweep", str(exp), "--out", str(tmp / "sw")]) == 0
    return exp, tmp / "sw"


@pytest.mark.parametrize(
    ("name", "content", "command"),
    [
        ("manifest.json", b"{not json", "plot"),
        ("manifest.json", b"[1, 2]", "report"),
        ("panel.csv", b"", "plot"),
        ("panel.csv", b"", "report"),
        ("index.csv", b"\x00\xff garbage\n", "plot"),
        ("index.csv", b"a,b\n1,2\n", "report"),
    ],
)
def test_a_damaged_run_directory_is_refused(
    run_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    command: str,
) -> None:
    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    (copy / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    argv = [command, "r"] + (["--out", "p"] if command == "plot" else [])
    line = _refused(tmp_path, capsys, argv, f"r/{name}", "")[len("casim: error: ") :]
    assert line.startswith(f"r/{name}: ")


@pytest.mark.parametrize("damage", ["sweep.json", "chunk"])
@pytest.mark.parametrize("command", ["analyze", "resume"])
def test_a_damaged_sweep_directory_is_refused(
    sweep_dir: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
    command: str,
) -> None:
    exp, stored = sweep_dir
    copy = tmp_path / "sw"
    shutil.copytree(stored, copy)
    if damage == "sweep.json":
        (copy / "sweep.json").write_text("{oops", encoding="utf-8")
        file = "sw/sweep.json"
    else:
        for chunk in (copy / "results").glob("*.parquet"):
            chunk.write_bytes(b"PAR1garbage")
        file = "sw/results/chunk-"
    monkeypatch.chdir(tmp_path)
    argv = (
        ["analyze", "sw"]
        if command == "analyze"
        else ["sweep", str(exp), "--out", "sw", "--resume"]
    )
    line = _refused(tmp_path, capsys, argv, file, "")
    assert f"error: {file}" in line
