"""casim plot and casim report read a run directory a block of whole runs at a time: the
figures and the report are those of the whole tables, and a fault anywhere in a table is
refused in one line."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from casim.cli import main
from casim.present.plot_run import PLOT_KINDS, draw, plot_result_dir, read_result_dir
from casim.present.plotting import save
from casim.present.report import _event_counts, _signers, write_report
from casim.present.run_dir import RunDir
from casim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
#: rows parsed at a time: fewer than a run's rows of events and panel, and more than a
#: run's rows of the index, neither dividing the runs' rows
SMALL_CHUNKS = (37, 523)
WHOLE = 10**9


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    history = str(ROOT / "scenarios" / "history.toml")
    argv = ["run", history, "--runs", "5", "--seed", "4", "--until", "2027-12-31"]
    assert main([*argv, "--out", str(out)]) == 0
    return out


def _svgs(data: RunDir) -> dict[str, bytes]:
    figures = {}
    for kind in PLOT_KINDS:
        buf = io.BytesIO()
        save(draw(data, kind, run=data.run, year=data.year), buf, "svg")
        figures[kind] = buf.getvalue()
    return figures


@pytest.mark.parametrize("chunk_rows", SMALL_CHUNKS)
def test_the_figures_read_in_blocks_are_those_read_whole(run_dir: Path, chunk_rows: int) -> None:
    for run, year in ((None, None), (3, 2020)):
        whole = read_result_dir(run_dir, run=run, year=year, chunk_rows=WHOLE)
        parts = read_result_dir(run_dir, run=run, year=year, chunk_rows=chunk_rows)
        assert _svgs(parts) == _svgs(whole)


@pytest.mark.parametrize("chunk_rows", SMALL_CHUNKS)
def test_the_report_read_in_blocks_is_the_one_read_whole(
    run_dir: Path, tmp_path: Path, chunk_rows: int
) -> None:
    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    whole = write_report(copy, chunk_rows=WHOLE).read_bytes()
    assert write_report(copy, chunk_rows=chunk_rows).read_bytes() == whole


def test_what_the_blocks_keep_is_what_the_whole_tables_give(run_dir: Path) -> None:
    """The figures' and tables' data read in blocks against the whole tables, computed as
    the figures did from whole frames before they were read in blocks."""
    data = read_result_dir(run_dir, run=2, chunk_rows=SMALL_CHUNKS[0])
    events = pd.read_csv(run_dir / "events.csv", dtype={"object": str, "outcome": str})
    events["object"] = events["object"].fillna("")
    panel = pd.read_csv(run_dir / "panel.csv")
    index = pd.read_csv(run_dir / "index.csv")
    dyads = pd.read_csv(run_dir / "dyads.csv")
    runs = events["run"].nunique()

    cols = list(data.index.columns)
    pd.testing.assert_frame_equal(data.index, index[cols])
    part = panel[panel["participant"].astype(str) == "True"]
    stances = part[["run", "year", "state", "disposition"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(data.stances, stances)
    year = data.default_year
    relations = panel.loc[panel["year"] == year, list(data.relations.columns)]
    pd.testing.assert_frame_equal(data.relations, relations.reset_index(drop=True))
    timeline = events.loc[events["run"] == 2, list(data.timeline.columns)]
    pd.testing.assert_frame_equal(data.timeline, timeline.reset_index(drop=True))

    # the treaty network
    assert data.treaties.runs == runs
    first = events[events["kind"] == "document_opened"].groupby("object")["date"].min()
    assert data.treaties.opened == first.to_dict()
    signed = events[events["kind"] == "treaty_signed"].drop_duplicates(["run", "subject", "object"])
    assert dict(data.treaties.signed) == signed.groupby(["object", "subject"]).size().to_dict()

    # border stages, as the figure counted them run by run
    ev = events.assign(year=pd.to_datetime(events["date"]).dt.year)
    drawn = ev[ev["kind"] == "border_treaty_signed"].groupby(["run", "subject"])["year"].min()
    marked = ev[ev["kind"] == "border_demarcated"].groupby(["run", "subject"])["year"].min()
    years = sorted(index["year"].unique())
    for pair, progress in data.start_progress.items():
        for year, got in zip(years, data.borders.table().loc[pair], strict=True):
            total = 0.0
            for run in sorted(ev["run"].unique()):
                if marked.get((run, pair), year + 1) <= year:
                    total += 2.0
                elif progress >= 1.0 or drawn.get((run, pair), year + 1) <= year:
                    total += 1.0
            assert got == total / runs

    # pairs: the mean per pair and year over runs
    assert data.pairs is not None and data.pairs.runs == dyads["run"].nunique()
    lines = dyads[dyads["border"] == 1]
    framed = lines.assign(pair=lines["a"] + "-" + lines["b"])
    means = framed.groupby(["pair", "year"])[["tension", "visits"]].mean()
    got = data.pairs.means()
    assert sorted(got) == sorted(framed["pair"].unique())
    for pair, table in got.items():
        pd.testing.assert_frame_equal(table, means.loc[pair])

    # the report's tables
    counts = events.groupby(["kind", "origin"]).size().unstack(fill_value=0).reset_index()
    counts.columns.name = None
    pd.testing.assert_frame_equal(_event_counts(data.tally), counts)
    sig = events[events["kind"] == "treaty_signed"]
    signers = (
        sig.assign(year=sig["date"].astype(str).str[:4])
        .groupby(["object", "subject"])["year"]
        .agg(runs="count", first="min")
        .reset_index()
        .rename(columns={"object": "document", "subject": "state"})
    )
    signers["share of runs"] = signers["runs"] / runs
    pd.testing.assert_frame_equal(_signers(data.tally, runs), signers)


def _damage(run_dir: Path, tmp_path: Path, name: str, row: str) -> Path:
    """A copy of the run directory with ``row`` put in ``name`` two rows before its end."""
    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    lines = (copy / name).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(len(lines) - 2, row)
    (copy / name).write_text("".join(lines), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("name", "row", "message"),
    [
        ("events.csv", "4,4,2027-12-01,summit_held,KAZ,,,model,extra,fields\n", "Expected 8"),
        ("panel.csv", "4,4,2027,KAZ" + ",x" * 34 + "\n", "disposition: expected numbers"),
        ("index.csv", "4.5,4,2027,False,0,0,0,0,0,0,0\n", "run: expected whole numbers"),
        ("events.csv", "1,4,2027-12-01,summit_held,KAZ,,,model\n", "run 1 after run 4"),
        ("dyads.csv", "4,4,2027,KAZ,KGZ,1," + "9" * 20_000 + ",0,0,0,0\n", "lines of at most"),
        ("events.csv", "4,4,2027-13-45,summit_held,KAZ,,,model\n", "expected dates YYYY-MM-DD"),
        ("events.csv", "4,4,2027-12-01,summit_attended,,,,model\n", "subject: expected a state"),
    ],
)
def test_a_fault_late_in_a_table_is_refused_in_one_line(
    run_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    row: str,
    message: str,
) -> None:
    copy = _damage(run_dir, tmp_path, name, row)
    out = tmp_path / "figs"
    # read in small blocks, the fault is in a late one: the earlier blocks were read
    with pytest.raises(ScenarioError, match=message) as err:
        plot_result_dir(copy, out, chunk_rows=SMALL_CHUNKS[0])
    assert err.value.file == str(copy / name)
    with pytest.raises(ScenarioError, match=message):
        write_report(copy, chunk_rows=SMALL_CHUNKS[0])
    # and on the command line
    assert main(["plot", str(copy), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"casim: error: {copy / name}: ")
    assert message in lines[0]
    assert not out.exists()
    assert main(["report", str(copy)]) == 2
    assert message in capsys.readouterr().err
    assert not (copy / "report.html").exists()


def test_plot_writes_the_figures_of_blocks(run_dir: Path, tmp_path: Path) -> None:
    whole = plot_result_dir(run_dir, tmp_path / "a", formats=["svg"], chunk_rows=WHOLE)
    parts = plot_result_dir(run_dir, tmp_path / "b", formats=["svg"], chunk_rows=SMALL_CHUNKS[0])
    assert [p.name for p in parts] == [p.name for p in whole]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(whole, parts, strict=True))


def test_a_manifest_whose_lines_have_no_numeric_progress_is_refused(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    line = next(iter(manifest["scenario"]["borders"]))
    manifest["scenario"]["borders"][line]["progress"] = "x"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    # refused even when the figure asked for does not draw the lines
    assert main(["plot", str(copy), "--kind", "fan", "--out", str(tmp_path / "figs")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "manifest.json: scenario: expected the manifest" in lines[0]
    assert not (tmp_path / "figs").exists()
