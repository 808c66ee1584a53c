"""``casim run`` and ``casim validate``: one scenario, run or checked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from casim._version import __version__
from casim.cli.common import (
    MAX_RUNS_STREAMED,
    Subparsers,
    add_force_arg,
    add_set_args,
    add_window_args,
    apply_settings,
    check_out_dir,
    out_path,
    runs,
    seed,
    window,
)
from casim.paths import default_scenario
from casim.scenario import ScenarioError, load_scenario, with_window

__all__ = ["add_run", "add_validate", "file_kind"]


def add_run(sub: Subparsers) -> None:
    p = sub.add_parser("run", help="run a scenario and write events, panel, index, manifest, plot")
    p.add_argument(
        "scenario", nargs="?", type=Path, help="scenario file (default: the history scenario)"
    )
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument(
        "--runs", type=runs(MAX_RUNS_STREAMED), default=1, help="number of runs (default 1)"
    )
    p.add_argument(
        "--out",
        type=out_path,
        default=Path("out"),
        help="output directory (default out/), replaced as a whole with every run",
    )
    add_force_arg(p)
    add_window_args(p)
    add_set_args(p)
    p.set_defaults(func=_run)


def add_validate(sub: Subparsers) -> None:
    p = sub.add_parser(
        "validate",
        help="check a scenario, experiment, calibration or backtest file; exit 0 (sound) or 2",
    )
    p.add_argument(
        "scenario",
        type=Path,
        metavar="FILE",
        help="a scenario file; an experiment file (it names a scenario), a calibration "
        "file (it has a [calibration] table) or a backtest file (it has origins) is "
        "checked as such",
    )
    p.set_defaults(func=_validate)


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    path = args.scenario or default_scenario()
    pin, known, until = window(args)
    scenario = with_window(load_scenario(path), pin_until=pin, known_until=known, until=until)
    scenario = apply_settings(scenario, args.set)
    check_out_dir(args.out)
    from casim import stream
    from casim.api import manifest
    from casim.files import check_replaceable
    from casim.present.output import OUTPUT_FILES, OWNED, write_stream

    check_replaceable(args.out, {*OUTPUT_FILES, *OWNED}, force=args.force)
    progress = sys.stderr if args.runs > 1 else None  # one run takes a fraction of a second
    chunks = stream.run_chunks(
        scenario,
        seed=args.seed,
        runs=args.runs,
        chunk_runs=stream.DEFAULT_CHUNK_RUNS,
        progress=progress,
    )
    extra = {"scenario_file": str(Path(path)), "command": ["casim", *argv]}
    try:
        streamed = write_stream(
            chunks,
            args.out,
            manifest={**manifest(scenario, args.seed, args.runs), **extra},
            force=args.force,
        )
    except OSError as err:
        raise ScenarioError(
            args.out, "--out", "a writable directory", err.strerror or str(err)
        ) from None
    print(
        f"casim {__version__}: {scenario.name}, {args.runs} run(s), seed {args.seed}: "
        f"{streamed.events} events in {streamed.seconds:.2f} s"
    )
    from casim.present.summary import summary_lines

    for line in summary_lines(
        streamed.scenario, streamed.runs, streamed.index, streamed.signatures
    ):
        print(line)
    for path_out in streamed.paths:
        print(f"  wrote {path_out}")
    return 0


def file_kind(raw: dict[str, object]) -> str:
    """What a parsed TOML file is: "backtest" (``origins``, or ``calibration`` naming a
    file), "calibration" (a ``[calibration]`` table), "experiment" (a ``scenario`` key
    naming the scenario it runs) or "scenario"."""
    if "origins" in raw or isinstance(raw.get("calibration"), str):
        return "backtest"
    if "calibration" in raw:
        return "calibration"
    if ("scenario" in raw or "design" in raw) and "states" not in raw:
        return "experiment"
    return "scenario"


def _validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.scenario.load import load_toml

    kind = file_kind(load_toml(args.scenario))
    if kind == "backtest":
        return _validate_backtest(args.scenario)
    if kind == "calibration":
        return _validate_calibration(args.scenario)
    if kind == "experiment":
        return _validate_experiment(args.scenario)
    scenario = load_scenario(args.scenario)
    print(
        f"{args.scenario}: ok ({scenario.name}: {len(scenario.states)} states, "
        f"{len(scenario.events)} events, {scenario.start} to {scenario.end})"
    )
    return 0


def _validate_experiment(path: Path) -> int:
    from casim.experiment import load_experiment
    from casim.experiment.design import build_design

    exp = load_experiment(path)
    points = build_design(exp).points
    print(
        f"{path}: ok (experiment {exp.name}: {exp.spec.design.kind} design, {points} point(s) "
        f"x {exp.spec.replicates} replicate(s) = {points * exp.spec.replicates} runs of "
        f"{exp.scenario.name})"
    )
    return 0


def _validate_calibration(path: Path) -> int:
    from casim.analysis.calibrate import load_calibration

    cal = load_calibration(path)
    print(
        f"{path}: ok (calibration {cal.name}: {len(cal.exp.spec.parameters)} parameter(s) "
        f"of {cal.exp.scenario.name} fitted to {len(cal.exp.record)} row(s) of "
        f"{cal.record_path.name}; overlay {cal.overlay})"
    )
    return 0


def _validate_backtest(path: Path) -> int:
    from casim.analysis.backtest import load_backtest

    bt = load_backtest(path)
    origins = ", ".join(o.isoformat() for o in bt.spec.origins)
    print(
        f"{path}: ok (backtest {bt.name}: {len(bt.spec.origins)} origin(s) {origins}, "
        f"{bt.spec.fit} fits of {bt.template_path.name}, {bt.spec.forecast.runs} runs "
        f"forecast to {bt.until})"
    )
    return 0
