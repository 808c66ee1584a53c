"""``casim score`` and ``casim compare``: an ensemble against the record, and two scenarios
against each other."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from casim._version import __version__
from casim.cli.common import (
    Subparsers,
    add_set_args,
    add_window_args,
    apply_settings,
    positive,
    seed,
    window,
)
from casim.scenario import ScenarioError, load_scenario, with_window
from casim.scenario.schema import Scenario

if TYPE_CHECKING:
    from casim.analysis.forecast import Forecast

__all__ = ["add_compare", "add_score"]


def add_score(sub: Subparsers) -> None:
    p = sub.add_parser(
        "score", help="answer a record file with an ensemble's probabilities; Brier vs baselines"
    )
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument(
        "--record", type=Path, required=True, help="record file to score (record format)"
    )
    p.add_argument(
        "--reference",
        type=Path,
        help="record whose rates per kind are the climatology baseline "
        "(default: the shipped records/record_2016_2022.csv); a forecast from a pin date "
        "(--branch) uses only its rows closing by that date",
    )
    p.add_argument("--runs", type=positive, default=200, help="ensemble size (default 200)")
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument("--jobs", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE.csv",
        help="per-row probabilities; beside it FILE.json (scores, manifest), "
        "FILE_reliability.png and FILE_rows.png",
    )
    add_window_args(p)
    add_set_args(p)
    p.set_defaults(func=_score)


def add_compare(sub: Subparsers) -> None:
    p = sub.add_parser(
        "compare", help="run two scenarios on the same random streams; paired differences"
    )
    p.add_argument(
        "base", type=Path, help="the base scenario (run with OTHER's window: the same branch)"
    )
    p.add_argument("other", type=Path, help="the scenario to compare with it")
    p.add_argument("--runs", type=positive, default=200, help="runs of each (default 200)")
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument("--out", type=Path, help="output directory (default out/compare_<base>_<other>)")
    add_window_args(p)
    p.set_defaults(func=_compare)


def _score(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.forecast import RunFailed, baseline_origin, forecast
    from casim.paths import default_record
    from casim.record import load_record

    pin, known, until = window(args)
    scenario = with_window(
        load_scenario(args.scenario), pin_until=pin, known_until=known, until=until
    )
    scenario = apply_settings(scenario, args.set)
    rows = load_record(args.record)
    reference_path = args.reference or default_record()
    reference = load_record(reference_path)
    _check_score_out(args.out)
    began = time.perf_counter()
    try:
        fc = forecast(
            scenario,
            rows,
            runs=args.runs,
            seed=args.seed,
            reference=reference,
            origin=baseline_origin(scenario, reference),
            record_path=args.record,
            jobs=args.jobs,
        )
    except RunFailed as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - began
    _print_scores(args, fc, scenario, reference_path, elapsed)
    if args.out is not None:
        _write_scores(args, argv, fc, scenario, reference_path)
    return 0


def _check_score_out(out: Path | None) -> None:
    """Refuse an ``--out`` that is not a .csv file in an existing directory."""
    if out is not None and out.suffix.lower() != ".csv":
        raise ScenarioError("<command line>", "--out", "a file name ending in .csv", str(out))
    if out is not None and not out.parent.is_dir():
        raise ScenarioError("<command line>", "--out", "a file in an existing directory", str(out))


def _print_scores(
    args: argparse.Namespace,
    fc: Forecast,
    scenario: Scenario,
    reference_path: Path,
    elapsed: float,
) -> None:
    from casim.analysis.forecast import score_table

    p, u = fc.pin_until, fc.until
    print(
        f"casim {__version__}: {scenario.name}, {args.runs} runs, seed {args.seed}, "
        f"free after {p}, to {u}: {len(fc.rows)} rows of {args.record} scored "
        f"in {elapsed:.1f} s"
    )
    if fc.closed or fc.beyond:
        print(
            f"  not scored: {len(fc.closed)} row(s) closed by the pin date (imposed), "
            f"{len(fc.beyond)} ending after {u}"
        )
    if fc.origin is None:
        print(f"  baselines from {reference_path}")
    else:
        print(
            f"  baselines from the {fc.reference_rows} rows of {reference_path} closing by "
            f"{fc.origin} (a kind with none takes their pooled rate)"
        )
    print(score_table(fc))


def _write_scores(
    args: argparse.Namespace,
    argv: Sequence[str],
    fc: Forecast,
    scenario: Scenario,
    reference_path: Path,
) -> None:
    from casim.analysis.forecast_out import write_forecast

    for path in write_forecast(
        fc,
        args.out,
        scenario=scenario,
        record=args.record,
        reference=reference_path,
        command=["casim", *argv],
    ):
        print(f"  wrote {path}")


def _compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    pin, known, until = window(args)
    other = with_window(load_scenario(args.other), pin_until=pin, known_until=known, until=until)
    from casim.analysis.compare import compare_scenarios
    from casim.analysis.compare_out import summary_lines, write_comparison

    out = args.out or Path("out") / f"compare_{args.base.stem}_{args.other.stem}"
    began = time.perf_counter()
    result = compare_scenarios(load_scenario(args.base), other, seed=args.seed, runs=args.runs)
    elapsed = time.perf_counter() - began
    print(
        f"casim {__version__}: {other.name} against {result.base_scenario.name}, "
        f"{args.runs} paired runs, seed {args.seed}, in {elapsed:.1f} s"
    )
    for line in summary_lines(result):
        print(line)
    command = ["casim", *argv]
    for path in write_comparison(result, out, seed=args.seed, runs=args.runs, command=command):
        print(f"  wrote {path}")
    return 0
