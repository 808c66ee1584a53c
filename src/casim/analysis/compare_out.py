"""The printed summary and the files of ``casim compare``: ``compare.csv`` (the paired
differences), ``runs_base.csv`` and ``runs_other.csv`` (per-run outcomes),
``manifest.json`` (both resolved scenarios, seed, runs, versions, command) and
``index.png`` / ``index.svg`` (both trajectories and their difference). Written into a
hidden directory that takes the place of ``out`` as a whole, so a failure leaves no
half-written output and nothing of an earlier comparison survives: from a whole
:class:`~casim.analysis.compare.Comparison` (:func:`write_comparison`) or from both
scenarios run chunk by chunk into that directory (:func:`write_streamed_comparison`, the
same files in bounded memory)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

from casim.analysis.compare import Comparison, Paired
from casim.analysis.compare_stream import StreamedComparison, stream_comparison
from casim.api import manifest
from casim.files import publish_dir
from casim.present.output import csv_text
from casim.present.plotting import plot_comparison, save_figure
from casim.scenario.errors import ScenarioError
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

__all__ = [
    "COMPARE_FILES",
    "summary_lines",
    "table_years",
    "write_comparison",
    "write_streamed_comparison",
]

COMPARE_FILES = ("compare.csv", "runs_base.csv", "runs_other.csv", "manifest.json", "index.png",
          "index.svg")  # fmt: skip


def table_years(differences: pd.DataFrame, branch_year: int) -> list[int]:
    """The years of the printed index table: about six from the branch year on, always
    with the year of the largest mean difference of the index and the last year."""
    years = sorted(int(y) for y in differences["year"].unique())
    after = [y for y in years if y >= branch_year] or years
    shown = set(after[:: max(1, len(after) // 6)])
    ix = differences[(differences["outcome"] == "index") & differences["year"].isin(after)]
    if len(ix):
        peak = ix["diff_mean"].abs().to_numpy(dtype=float).argmax()
        shown.add(int(ix["year"].to_numpy()[peak]))
    shown.add(after[-1])
    return sorted(shown)


def summary_lines(result: Paired) -> list[str]:
    """The index every few years after the branch (with the year of its largest
    difference and the last year), then the outcomes whose final-year difference is
    largest (and whose 90% interval excludes zero)."""
    d = result.differences
    base, other = result.base_scenario, result.other_scenario
    pin, _k, _u = resolved_window(base)
    years = sorted(d["year"].unique())
    shown = table_years(d, pin.year)
    lines = [
        f"{'outcome':<34} {'year':>4} {base.name[:10]:>10} {other.name[:10]:>10}"
        f" {'diff':>7}  90% interval",
    ]

    def fmt(r: object) -> str:
        row = r  # a namedtuple from itertuples
        return (
            f"{row.outcome[:34]:<34} {row.year:>4} {row.base_mean:>10.3f} {row.other_mean:>10.3f}"  # type: ignore[attr-defined]
            f" {row.diff_mean:>+7.3f}  [{row.ci90_low:+.3f}, {row.ci90_high:+.3f}]"  # type: ignore[attr-defined]
        )

    ix = d[(d["outcome"] == "index") & d["year"].isin(shown)]
    lines += [fmt(r) for r in ix.itertuples()]
    last = d[(d["year"] == years[-1]) & ~d["outcome"].isin(["index"])]
    sig = last[(last["ci90_low"] > 0) | (last["ci90_high"] < 0)]
    top = sig.reindex(sig["diff_mean"].abs().sort_values(ascending=False).index).head(10)
    if len(top):
        lines.append(f"largest differences in {years[-1]} (90% interval excludes 0):")
        lines += [fmt(r) for r in top.itertuples()]
    else:
        lines.append(f"no other outcome differs in {years[-1]} (every 90% interval holds 0)")
    return lines


def write_comparison(
    result: Comparison,
    out: Path,
    *,
    seed: int,
    runs: int,
    command: Sequence[str] = (),
    force: bool = False,
) -> list[Path]:
    """Write the comparison's files as the directory ``out``, replacing an earlier
    comparison there as a whole (any other directory only with ``force``); return their
    paths."""

    def build(tmp: Path) -> None:
        (tmp / "runs_base.csv").write_text(csv_text(result.base), encoding="utf-8")
        (tmp / "runs_other.csv").write_text(csv_text(result.other), encoding="utf-8")
        _write_differences(tmp, result, seed=seed, runs=runs, command=command)

    return _publish(out, build, force)


def write_streamed_comparison(
    base: Scenario,
    other: Scenario,
    out: Path,
    *,
    seed: int,
    runs: int,
    command: Sequence[str] = (),
    force: bool = False,
    chunk_runs: int | None = None,
    progress: TextIO | None = None,
) -> tuple[StreamedComparison, list[Path]]:
    """Run both scenarios chunk by chunk (:func:`casim.analysis.compare_stream.
    stream_comparison`, ``chunk_runs`` runs at a time, by default
    :data:`casim.stream.DEFAULT_CHUNK_RUNS`) into a staging directory and write there the
    files :func:`write_comparison` writes for the same runs, byte for byte; the directory
    takes the place of ``out`` when all are written (a failure or an interrupt leaves
    ``out`` as it was). Return the comparison and the paths."""
    from casim import stream

    done: list[StreamedComparison] = []

    def build(tmp: Path) -> None:
        result = stream_comparison(
            base,
            other,
            tmp,
            seed=seed,
            runs=runs,
            chunk_runs=chunk_runs or stream.DEFAULT_CHUNK_RUNS,
            progress=progress,
        )
        _write_differences(tmp, result, seed=seed, runs=runs, command=command)
        done.append(result)

    paths = _publish(out, build, force)
    return done[0], paths


def _write_differences(
    tmp: Path, result: Paired, *, seed: int, runs: int, command: Sequence[str]
) -> None:
    """Write compare.csv, manifest.json and the plots of a comparison into ``tmp``."""
    base, other = result.base_scenario, result.other_scenario
    (tmp / "compare.csv").write_text(csv_text(result.differences), encoding="utf-8")
    meta = {
        "base": manifest(base, seed, runs, command),
        "other": manifest(other, seed, runs, command),
        "pairing": "run r of both scenarios draws from SeedSequence(seed).spawn(runs)[r]",
        "interval": "mean paired difference +- 1.645 standard errors",
    }
    (tmp / "manifest.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
    pin, _k, _u = resolved_window(base)
    fig = plot_comparison(
        result.differences, base_name=base.name, other_name=other.name, branch=pin
    )
    save_figure(fig, tmp / "index.png")
    save_figure(fig, tmp / "index.svg")


def _publish(out: Path, build: Callable[[Path], None], force: bool) -> list[Path]:
    try:
        return publish_dir(Path(out), COMPARE_FILES, build, force=force)
    except OSError as err:
        raise ScenarioError(
            out, "--out", "a writable directory", err.strerror or str(err)
        ) from None
