"""Run a calibration file with each search method on the same run budget and print both
scores: on the search's own streams and on fresh streams (the one to compare).

    python scripts/compare_calibration.py CALIBRATION [--out DIR] [--jobs N]
        [--method lhs --method optuna-tpe --method optuna-cmaes] [--resume]

Each method writes under DIR/<method>/ (default DIR: out/compare_<calibration name>), its
overlay as DIR/<method>/fit.toml; the file's own overlay is not touched. Optuna is given
the runs the Latin hypercube search spends (see casim.analysis.calibrate_compare).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casim.analysis.calibrate import load_calibration
from casim.analysis.calibrate_compare import compare_methods, methods_table
from casim.scenario import ScenarioError

METHODS = ("lhs", "optuna-tpe", "optuna-cmaes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calibration", type=Path, help="calibration file")
    parser.add_argument("--out", type=Path, help="work directory")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--method", action="append", choices=METHODS, help="default: lhs and optuna-tpe"
    )
    parser.add_argument("--resume", action="store_true", help="complete a stopped comparison")
    args = parser.parse_args(argv)
    try:
        cal = load_calibration(args.calibration)
        out = args.out or Path("out") / f"compare_{cal.name}"
        scores = compare_methods(
            cal,
            out,
            methods=args.method or ("lhs", "optuna-tpe"),
            jobs=max(1, args.jobs),
            resume=args.resume,
            progress=sys.stderr,
            command=["python", "scripts/compare_calibration.py", *(argv or sys.argv[1:])],
        )
    except ScenarioError as err:
        print(f"compare_calibration: error: {err}", file=sys.stderr)
        return 2
    print(f"{cal.name}: the same run budget for each search, {out}")
    print(methods_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
