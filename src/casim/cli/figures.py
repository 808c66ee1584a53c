"""``casim plot`` and ``casim report``: figures and a page of a run directory."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from casim.cli.common import Subparsers, add_force_arg, check_out_dir, out_path

__all__ = ["PLOT_KINDS", "add_plot", "add_report"]

#: casim.present.plot_run.PLOT_KINDS, kept here so that parsing the command line imports no
#: plotting (a test checks that the two agree).
PLOT_KINDS = (
    "fan",
    "components",
    "stances",
    "timeline",
    "relations",
    "pairs",
    "treaties",
    "borders",
)


def add_plot(sub: Subparsers) -> None:
    p = sub.add_parser("plot", help="figures of a `casim run` output directory")
    p.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a casim run --out")
    p.add_argument(
        "--kind",
        action="append",
        choices=PLOT_KINDS,
        help="figure to draw (repeatable; default: all)",
    )
    p.add_argument(
        "--out", type=out_path, help="directory (default RESULT_DIR/plots), replaced as a whole"
    )
    add_force_arg(p)
    p.add_argument("--format", choices=("png", "svg", "both"), default="both", help="default: both")
    p.add_argument("--run", type=int, default=0, help="run for the timeline (default 0)")
    p.add_argument(
        "--year", type=int, help="year for the relations (default: the last pinned year)"
    )
    p.set_defaults(func=_plot)


def add_report(sub: Subparsers) -> None:
    p = sub.add_parser("report", help="one self-contained HTML page of a run directory")
    p.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a casim run --out")
    p.set_defaults(func=_report)


def _plot(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.present.plot_run import plot_result_dir
    from casim.present.run_dir import check_result_dir

    check_result_dir(args.result_dir)
    formats = ["png", "svg"] if args.format == "both" else [args.format]
    out = check_out_dir(args.out or args.result_dir / "plots")
    for path in plot_result_dir(
        args.result_dir,
        out,
        kinds=args.kind,
        formats=formats,
        run=args.run,
        year=args.year,
        force=args.force,
    ):
        print(f"  wrote {path}")
    return 0


def _report(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.present.report import write_report

    print(f"  wrote {write_report(args.result_dir)}")
    return 0
