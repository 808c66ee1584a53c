"""casim plot: the figures of a run directory, PNG and SVG, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from casim.cli import main
from casim.present.plot_run import read_result_dir

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("fan", "components", "stances", "timeline", "relations")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    history = str(ROOT / "scenarios" / "history.toml")
    assert main(["run", history, "--runs", "3", "--until", "2026-12-31", "--out", str(out)]) == 0
    return out


def test_plot_draws_every_kind_as_png_and_svg(run_dir: Path) -> None:
    assert main(["plot", str(run_dir)]) == 0
    for kind in KINDS:
        assert (run_dir / "plots" / f"{kind}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (run_dir / "plots" / f"{kind}.svg").read_bytes()[:400]


def test_plot_one_kind_for_one_run_and_year(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    args = ["plot", str(run_dir), "--kind", "timeline", "--kind", "relations"]
    assert main([*args, "--run", "2", "--year", "2021", "--format", "svg", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["relations.svg", "timeline.svg"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--run", "9"], "--run: expected a run of 0..2"), (["--year", "1990"], "--year")],
)
def test_plot_rejects_what_the_directory_does_not_hold(
    run_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "figs"
    assert main(["plot", str(run_dir), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not out.exists()


def test_plot_of_a_directory_that_is_not_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(tmp_path)]) == 2
    assert "expected a casim run output directory" in capsys.readouterr().err


def test_report_is_one_self_contained_page(run_dir: Path) -> None:
    import re

    assert main(["report", str(run_dir)]) == 0
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('src="data:image/png;base64,') == len(read_result_dir(run_dir).kinds)
    # nothing is fetched: no external src or href, no script, no stylesheet link
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page and "<link" not in page
    assert "Index per year" in page and "&quot;seed&quot;: 1" in page


def test_report_of_a_directory_that_is_not_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "expected a casim run output directory" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


def test_the_command_line_offers_every_kind_plot_draws() -> None:
    from casim.cli import figures
    from casim.present.plot_run import PLOT_KINDS

    assert figures.PLOT_KINDS == PLOT_KINDS


def test_svg_is_byte_identical_across_processes(run_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    outs = []
    for k in range(2):
        out = tmp_path / f"p{k}"
        cmd = [sys.executable, "-m", "casim", "plot", str(run_dir), "--kind", "relations"]
        subprocess.run([*cmd, "--format", "svg", "--out", str(out)], check=True)
        outs.append((out / "relations.svg").read_bytes())
    assert outs[0] == outs[1]
