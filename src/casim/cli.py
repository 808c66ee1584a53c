"""The ``casim`` command: a thin shell over the Python API.

Exit status: 0 on success, 2 on bad input (one line on stderr naming the file, the key
path, what was expected and what was found; never a traceback), 130 when interrupted.
``casim sweep`` exits 1 when any run failed (its last line says how many).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casim._version import __version__
from casim.paths import default_scenario
from casim.scenario import ScenarioError, load_scenario, with_window
from casim.scenario.schema import Scenario

__all__ = ["main"]

#: casim.present.plot_run.PLOT_KINDS, kept here so that parsing the command line imports no
#: plotting (a test checks that the two agree).
_PLOT_KINDS = ("fan", "components", "stances", "timeline", "relations")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO date YYYY-MM-DD, found {text!r}"
        ) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, found {text!r}")
    return value


def _window_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--branch",
        type=_date,
        metavar="DATE",
        help="a true forecast from DATE: sets both --pin-until and --known-until",
    )
    p.add_argument(
        "--pin-until", type=_date, metavar="DATE", help="impose observed outcomes up to DATE"
    )
    p.add_argument(
        "--known-until", type=_date, metavar="DATE", help="keep exogenous events up to DATE"
    )
    p.add_argument("--until", type=_date, metavar="DATE", help="stop the simulation at DATE")


def _set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a number of the scenario by its key path, as experiment files name it "
        "(repeatable): --set states.UZB.turnover_hazard=0.15",
    )


def _settings(scenario: Scenario, settings: Sequence[str]) -> Scenario:
    """The scenario with each ``--set KEY=VALUE`` applied and checked, in order."""
    from casim.experiment.spec import set_checked

    for item in settings:
        key, eq, text = item.partition("=")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not eq or not key or not math.isfinite(value):
            raise ScenarioError("<command line>", "--set", "KEY=NUMBER", item)
        scenario = set_checked(scenario, key, value, where=f"--set {key}")
    return scenario


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casim",
        description="Discrete-event simulation of diplomacy among the Central Asian states.",
    )
    parser.add_argument("--version", action="version", version=f"casim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_run = sub.add_parser(
        "run", help="run a scenario and write events, panel, index, manifest, plot"
    )
    p_run.add_argument(
        "scenario", nargs="?", type=Path, help="scenario file (default: the history scenario)"
    )
    p_run.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p_run.add_argument("--runs", type=_positive, default=1, help="number of runs (default 1)")
    p_run.add_argument(
        "--out", type=Path, default=Path("out"), help="output directory (default out/)"
    )
    _window_args(p_run)
    _set_args(p_run)

    p_val = sub.add_parser("validate", help="check a scenario file and exit 0 (sound) or 2")
    p_val.add_argument("scenario", type=Path)

    p_sw = sub.add_parser("sweep", help="run an experiment file: ensembles, grids, sampled designs")
    p_sw.add_argument("experiment", type=Path, help="experiment file (experiments/*.toml)")
    p_sw.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    p_sw.add_argument(
        "--backend", choices=("local", "dask"), default="local", help="default: local"
    )
    p_sw.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask: a running scheduler (tcp://HOST:PORT); default: a LocalCluster",
    )
    p_sw.add_argument("--out", type=Path, help="output directory (default out/<experiment name>)")
    p_sw.add_argument("--resume", action="store_true", help="complete a stopped sweep in --out")

    p_an = sub.add_parser(
        "analyze", help="sensitivity indices, summaries and plots of a stored sweep"
    )
    p_an.add_argument("sweep_dir", type=Path, metavar="DIR", help="a sweep's --out directory")
    p_an.add_argument(
        "--output",
        action="append",
        metavar="COLUMN",
        help="output column to analyse (repeatable; default: the experiment's [analysis])",
    )
    p_sc = sub.add_parser(
        "score", help="answer a record file with an ensemble's probabilities; Brier vs baselines"
    )
    p_sc.add_argument("scenario", type=Path, help="scenario file")
    p_sc.add_argument(
        "--record", type=Path, required=True, help="record file to score (record format)"
    )
    p_sc.add_argument(
        "--reference",
        type=Path,
        help="record whose rates per kind are the climatology baseline "
        "(default: the shipped records/record_2016_2022.csv)",
    )
    p_sc.add_argument("--runs", type=_positive, default=200, help="ensemble size (default 200)")
    p_sc.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p_sc.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    p_sc.add_argument(
        "--out",
        type=Path,
        metavar="FILE.csv",
        help="per-row probabilities; beside it FILE.json (scores, manifest), "
        "FILE_reliability.png and FILE_rows.png",
    )
    _window_args(p_sc)
    _set_args(p_sc)

    p_co = sub.add_parser(
        "compare", help="run two scenarios on the same random streams; paired differences"
    )
    p_co.add_argument(
        "base", type=Path, help="the base scenario (run with OTHER's window: the same branch)"
    )
    p_co.add_argument("other", type=Path, help="the scenario to compare with it")
    p_co.add_argument("--runs", type=_positive, default=200, help="runs of each (default 200)")
    p_co.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p_co.add_argument(
        "--out", type=Path, help="output directory (default out/compare_<base>_<other>)"
    )
    _window_args(p_co)

    p_pl = sub.add_parser("plot", help="figures of a `casim run` output directory")
    p_pl.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a casim run --out")
    p_pl.add_argument(
        "--kind",
        action="append",
        choices=_PLOT_KINDS,
        help="figure to draw (repeatable; default: all)",
    )
    p_pl.add_argument("--out", type=Path, help="directory (default RESULT_DIR/plots)")
    p_pl.add_argument(
        "--format", choices=("png", "svg", "both"), default="both", help="default: both"
    )
    p_pl.add_argument("--run", type=int, default=0, help="run for the timeline (default 0)")
    p_pl.add_argument(
        "--year", type=int, help="year for the relations (default: the last pinned year)"
    )

    p_re = sub.add_parser("report", help="one self-contained HTML page of a run directory")
    p_re.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a casim run --out")

    p_ca = sub.add_parser(
        "calibrate", help="fit free parameters to a record; write a fitted scenario overlay"
    )
    p_ca.add_argument(
        "calibration", type=Path, help="calibration file (experiments/calibrate_*.toml)"
    )
    p_ca.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    p_ca.add_argument(
        "--backend", choices=("local", "dask"), default="local", help="default: local"
    )
    p_ca.add_argument("--scheduler", metavar="ADDRESS", help="dask: a running scheduler")
    p_ca.add_argument("--out", type=Path, help="work directory (default out/<calibration name>)")
    p_ca.add_argument("--resume", action="store_true", help="complete a stopped calibration")
    return parser


def _window(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    pin, known = args.pin_until, args.known_until
    if args.branch is not None:
        if pin is not None or known is not None:
            given = " and ".join(
                flag for flag, v in (("--pin-until", pin), ("--known-until", known)) if v
            )
            raise ScenarioError(
                "<command line>", "--branch", "no --pin-until or --known-until beside it", given
            )
        pin = known = args.branch
    return pin, known, args.until


def _cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    path = args.scenario or default_scenario()
    pin, known, until = _window(args)
    scenario = with_window(load_scenario(path), pin_until=pin, known_until=known, until=until)
    scenario = _settings(scenario, args.set)
    from casim.api import run

    began = time.perf_counter()
    result = run(scenario, seed=args.seed, runs=args.runs)
    elapsed = time.perf_counter() - began
    from casim.present.output import write_result

    try:
        written = write_result(
            result,
            args.out,
            extra_manifest={
                "scenario_file": str(Path(path)),
                "command": ["casim", *argv],
                "wall_time_s": round(elapsed, 3),
            },
        )
    except OSError as err:
        raise ScenarioError(
            args.out, "--out", "a writable directory", err.strerror or str(err)
        ) from None
    n_events = len(result.events)
    print(
        f"casim {__version__}: {scenario.name}, {args.runs} run(s), seed {args.seed}: "
        f"{n_events} events in {elapsed:.2f} s"
    )
    for path_out in written:
        print(f"  wrote {path_out}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    print(
        f"{args.scenario}: ok ({scenario.name}: {len(scenario.states)} states, "
        f"{len(scenario.events)} events, {scenario.start} to {scenario.end})"
    )
    return 0


def _sweep_options(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
    """The backend options shared by ``sweep`` and ``calibrate``, checked."""
    if args.scheduler is not None and args.backend != "dask":
        raise ScenarioError(
            "<command line>", "--scheduler", "--backend dask beside it", args.scheduler
        )
    return {
        "jobs": args.jobs,
        "backend": args.backend,
        "scheduler": args.scheduler,
        "resume": args.resume,
        "progress": sys.stderr,
        "command": ["casim", *argv],
    }


def _cmd_sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.experiment import load_experiment, sweep
    from casim.experiment.backends import BackendError

    options = _sweep_options(args, argv)
    exp = load_experiment(args.experiment)
    out = args.out or Path("out") / exp.name
    print(
        f"casim {__version__}: sweep {exp.name} ({exp.spec.design.kind} design, "
        f"{exp.spec.replicates} replicate(s) per point) into {out}",
        flush=True,
    )
    try:
        result = sweep(exp, out, **options)
    except BackendError as err:
        print(f"casim: error: {err}; stored runs are kept, --resume continues", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"casim: interrupted; whole chunks are stored in {out / 'results'}, "
            "run again with --resume to complete the sweep",
            file=sys.stderr,
        )
        return 130
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


def _cmd_analyze(args: argparse.Namespace) -> int:
    from casim.analysis.sensitivity import analyze

    written = analyze(args.sweep_dir, outputs=args.output)
    for path in written:
        print(f"  wrote {path}")
    return 0


def _cmd_score(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.forecast import RunFailed, forecast
    from casim.paths import default_record
    from casim.record import load_record

    pin, known, until = _window(args)
    scenario = with_window(
        load_scenario(args.scenario), pin_until=pin, known_until=known, until=until
    )
    scenario = _settings(scenario, args.set)
    rows = load_record(args.record)
    reference_path = args.reference or default_record()
    reference = load_record(reference_path)
    if args.out is not None and args.out.suffix.lower() != ".csv":
        raise ScenarioError("<command line>", "--out", "a file name ending in .csv", str(args.out))
    if args.out is not None and not args.out.parent.is_dir():
        raise ScenarioError(
            "<command line>", "--out", "a file in an existing directory", str(args.out)
        )
    began = time.perf_counter()
    try:
        fc = forecast(
            scenario,
            rows,
            runs=args.runs,
            seed=args.seed,
            reference=reference,
            record_path=args.record,
            jobs=args.jobs,
        )
    except RunFailed as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - began
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
    print(f"  baselines from {reference_path}")
    print(score_table(fc))
    if args.out is not None:
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
    return 0


def _cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    pin, known, until = _window(args)
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


def _cmd_plot(args: argparse.Namespace) -> int:
    from casim.present.plot_run import plot_result_dir

    kinds = args.kind or list(_PLOT_KINDS)
    formats = ["png", "svg"] if args.format == "both" else [args.format]
    out = args.out or args.result_dir / "plots"
    for path in plot_result_dir(
        args.result_dir, out, kinds=kinds, formats=formats, run=args.run, year=args.year
    ):
        print(f"  wrote {path}")
    return 0


def _cmd_calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.calibrate import calibrate, load_calibration
    from casim.experiment.backends import BackendError

    options = _sweep_options(args, argv)
    cal = load_calibration(args.calibration)
    out = args.out or Path("out") / cal.name
    try:
        result = calibrate(cal, out, **options)
    except BackendError as err:
        print(f"casim: error: {err}; stored runs are kept, --resume continues", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"casim: interrupted; run again with --out {out} --resume to continue",
            file=sys.stderr,
        )
        return 130
    for line in result.summary:
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``casim`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args, argv)
        if args.command == "sweep":
            return _cmd_sweep(args, argv)
        if args.command == "analyze":
            return _cmd_analyze(args)
        if args.command == "score":
            return _cmd_score(args, argv)
        if args.command == "report":
            from casim.present.report import write_report

            print(f"  wrote {write_report(args.result_dir)}")
            return 0
        if args.command == "plot":
            return _cmd_plot(args)
        if args.command == "compare":
            return _cmd_compare(args, argv)
        if args.command == "calibrate":
            return _cmd_calibrate(args, argv)
        return _cmd_validate(args)
    except ScenarioError as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("casim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output went away (casim run | head): files are written, so stop
        # quietly with the status of SIGPIPE; stdout goes to devnull for the final flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
