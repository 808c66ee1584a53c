"""``casim run`` and ``casim validate``: one scenario, run or checked."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from casim._version import __version__
from casim.cli.common import (
    MAX_RUNS_HELD,
    Subparsers,
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

__all__ = ["add_run", "add_validate"]


def add_run(sub: Subparsers) -> None:
    p = sub.add_parser("run", help="run a scenario and write events, panel, index, manifest, plot")
    p.add_argument(
        "scenario", nargs="?", type=Path, help="scenario file (default: the history scenario)"
    )
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument("--runs", type=runs(MAX_RUNS_HELD), default=1, help="number of runs (default 1)")
    p.add_argument(
        "--out", type=out_path, default=Path("out"), help="output directory (default out/)"
    )
    add_window_args(p)
    add_set_args(p)
    p.set_defaults(func=_run)


def add_validate(sub: Subparsers) -> None:
    p = sub.add_parser("validate", help="check a scenario file and exit 0 (sound) or 2")
    p.add_argument("scenario", type=Path)
    p.set_defaults(func=_validate)


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    path = args.scenario or default_scenario()
    pin, known, until = window(args)
    scenario = with_window(load_scenario(path), pin_until=pin, known_until=known, until=until)
    scenario = apply_settings(scenario, args.set)
    check_out_dir(args.out)
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


def _validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenario = load_scenario(args.scenario)
    print(
        f"{args.scenario}: ok ({scenario.name}: {len(scenario.states)} states, "
        f"{len(scenario.events)} events, {scenario.start} to {scenario.end})"
    )
    return 0
