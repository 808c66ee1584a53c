"""``casim sweep``, ``casim analyze`` and ``casim calibrate``: many runs, on a backend, and
what is made of them."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from casim._version import __version__
from casim.cli.common import (
    Subparsers,
    add_backend_args,
    check_out_dir,
    out_path,
    resumable,
    sweep_options,
)

if TYPE_CHECKING:
    from casim.experiment import SweepResult

__all__ = ["add_analyze", "add_calibrate", "add_sweep"]


def add_sweep(sub: Subparsers) -> None:
    p = sub.add_parser("sweep", help="run an experiment file: ensembles, grids, sampled designs")
    p.add_argument("experiment", type=Path, help="experiment file (experiments/*.toml)")
    add_backend_args(
        p, scheduler_help="dask: a running scheduler (tcp://HOST:PORT); default: a LocalCluster"
    )
    p.add_argument("--out", type=out_path, help="output directory (default out/<experiment name>)")
    p.add_argument("--resume", action="store_true", help="complete a stopped sweep in --out")
    p.set_defaults(func=_sweep)


def add_analyze(sub: Subparsers) -> None:
    p = sub.add_parser("analyze", help="sensitivity indices, summaries and plots of a stored sweep")
    p.add_argument("sweep_dir", type=Path, metavar="DIR", help="a sweep's --out directory")
    p.add_argument(
        "--output",
        action="append",
        metavar="COLUMN",
        help="output column to analyse (repeatable; default: the experiment's [analysis])",
    )
    p.set_defaults(func=_analyze)


def add_calibrate(sub: Subparsers) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit free parameters to a record; write a fitted scenario overlay into --out",
    )
    p.add_argument("calibration", type=Path, help="calibration file (experiments/calibrate_*.toml)")
    add_backend_args(p, scheduler_help="dask: a running scheduler")
    p.add_argument("--out", type=out_path, help="work directory (default out/<calibration name>)")
    p.add_argument("--resume", action="store_true", help="complete a stopped calibration")
    p.add_argument(
        "--update",
        action="store_true",
        help="also write the overlay where the calibration file names it (the shipped one "
        "under scenarios/fitted/); without it, the overlay is written into --out only",
    )
    p.set_defaults(func=_calibrate)


def _sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.experiment import load_experiment, sweep

    options = sweep_options(args, argv)
    exp = load_experiment(args.experiment)
    out = check_out_dir(args.out or Path("out") / exp.name)
    print(
        f"casim {__version__}: sweep {exp.name} ({exp.spec.design.kind} design, "
        f"{exp.spec.replicates} replicate(s) per point) into {out}",
        flush=True,
    )
    result = resumable(
        lambda: sweep(exp, out, **options),
        f"whole chunks are stored in {out / 'results'}, "
        "run again with --resume to complete the sweep",
    )
    return _sweep_summary(result, out)


def _sweep_summary(result: SweepResult, out: Path) -> int:
    """Print what the sweep computed and how many runs failed; the exit status."""
    rate = result.computed / result.seconds if result.seconds > 0 else 0.0
    print(
        f"computed {result.computed} run(s) in {result.seconds:.1f} s ({rate:.0f} runs/s); "
        f"{result.stored_before} were stored already"
    )
    print(f"results: {out / 'results'} (pandas.read_parquet)")
    if result.failed:
        print(f"sweep: {result.runs} runs, {result.failed} failed (see {out / 'failures.csv'})")
        return 1
    print(f"sweep: {result.runs} runs, 0 failed")
    return 0


def _analyze(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.sensitivity import analyze

    written = analyze(args.sweep_dir, outputs=args.output)
    for path in written:
        print(f"  wrote {path}")
    return 0


def _calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.calibrate import calibrate, load_calibration

    options = sweep_options(args, argv)
    cal = load_calibration(args.calibration)
    out = check_out_dir(args.out or Path("out") / cal.name)
    result = resumable(
        lambda: calibrate(cal, out, update=args.update, **options),
        f"run again with --out {out} --resume to continue",
    )
    for line in result.summary:
        print(line)
    return 0
