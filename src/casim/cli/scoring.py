"""``casim score`` and ``casim compare``: an ensemble against the record, and two scenarios
against each other."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from casim._version import __version__
from casim.cli.common import (
    MAX_RUNS_SCORED,
    MAX_RUNS_STREAMED,
    Subparsers,
    add_force_arg,
    add_set_args,
    add_window_args,
    apply_settings,
    check_out_csv,
    check_out_dir,
    out_path,
    positive,
    runs,
    seed,
    window,
)
from casim.scenario import ScenarioError, load_scenario, with_window
from casim.scenario.schema import Scenario

if TYPE_CHECKING:
    from casim.analysis.forecast import Forecast

__all__ = ["add_compare", "add_score"]

#: the most answers ``score`` holds (runs x record rows)
_MAX_ANSWERS = 20_000_000


def add_score(sub: Subparsers) -> None:
    p = sub.add_parser(
        "score", help="answer a record file with an ensemble's probabilities; Brier vs baselines"
    )
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument(
        "--record",
        type=Path,
        help="record file to score (record format; default: the shipped "
        "records/record_2016_2022.csv)",
    )
    p.add_argument(
        "--reference",
        type=Path,
        help="record whose rates per kind are the climatology baseline "
        "(default: the shipped records/record_2016_2022.csv); a forecast from a pin date "
        "(--branch) uses only its rows closing by that date",
    )
    p.add_argument(
        "--runs", type=runs(MAX_RUNS_SCORED), default=200, help="ensemble size (default 200)"
    )
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument("--jobs", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--out",
        type=out_path,
        metavar="FILE.csv",
        help="per-row probabilities; beside it FILE.json (scores, manifest), "
        "FILE_reliability.png and FILE_rows.png (the directory is created if needed; "
        "these four files are replaced together)",
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
    p.add_argument(
        "--runs", type=runs(MAX_RUNS_STREAMED), default=200, help="runs of each (default 200)"
    )
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument(
        "--out",
        type=out_path,
        help="output directory (default out/compare_<base>_<other>), replaced as a whole",
    )
    add_force_arg(p)
    add_window_args(p)
    p.set_defaults(func=_compare)


def _score(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.forecast import RunFailed, baseline_origin, forecast
    from casim.paths import default_record
    from casim.record import check_record, load_record

    pin, known, until = window(args)
    scenario = with_window(
        load_scenario(args.scenario), pin_until=pin, known_until=known, until=until
    )
    scenario = apply_settings(scenario, args.set)
    args.record = args.record or default_record()
    rows = load_record(args.record)
    check_record(rows, scenario, args.record)
    if args.runs * len(rows) > _MAX_ANSWERS:
        raise ScenarioError(
            "<command line>", "--runs",
            f"at most {_MAX_ANSWERS // len(rows)} runs for {len(rows)} record rows",
            str(args.runs),
        )  # fmt: skip
    reference_path = args.reference or default_record()
    reference = load_record(reference_path)
    check_out_csv(args.out)
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
            progress=sys.stderr,
        )
    except RunFailed as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - began
    _print_scores(args, fc, scenario, reference_path, elapsed)
    if args.out is not None:
        _write_scores(args, argv, fc, scenario, reference_path)
    return 0


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
    base = load_scenario(args.base)
    _check_a_year_end(args, other, base)
    from casim.analysis.compare_out import (
        COMPARE_FILES,
        summary_lines,
        write_streamed_comparison,
    )
    from casim.files import check_replaceable

    out = check_out_dir(args.out or Path("out") / f"compare_{args.base.stem}_{args.other.stem}")
    check_replaceable(out, COMPARE_FILES, force=args.force)
    began = time.perf_counter()
    result, written = write_streamed_comparison(
        base,
        other,
        out,
        seed=args.seed,
        runs=args.runs,
        command=["casim", *argv],
        force=args.force,
        progress=sys.stderr,
    )
    elapsed = time.perf_counter() - began
    print(
        f"casim {__version__}: {other.name} against {result.base_scenario.name}, "
        f"{args.runs} paired runs, seed {args.seed}, in {elapsed:.1f} s"
    )
    for line in summary_lines(result):
        print(line)
    for path in written:
        print(f"  wrote {path}")
    return 0


def _check_a_year_end(args: argparse.Namespace, other: Scenario, base: Scenario) -> None:
    """Refuse a window that ends before the first year's end: compare reads its outcomes
    at each year's end (both scenarios run to the other's end date)."""
    from casim.scenario.window import resolved_window

    _pin, _known, until = resolved_window(other)
    first = dt.date(max(other.start.year, base.start.year), 12, 31)
    if until < first:
        where, key = ("<command line>", "--until") if args.until else (args.other, "run.until")
        raise ScenarioError(
            where, key, f"a date on or after {first} (outcomes are read at each year's end)",
            str(until),
        )  # fmt: skip
