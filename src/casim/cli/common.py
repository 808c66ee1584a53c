"""What the subcommands of ``casim`` share: argument types, the run window and ``--set``
options, and the backend options of ``sweep`` and ``calibrate``."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from casim.scenario import ScenarioError
from casim.scenario.schema import Scenario

#: what ``add_subparsers`` returns, to which each subcommand adds its parser
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

__all__ = [
    "MAX_RUNS_SCORED",
    "MAX_RUNS_STREAMED",
    "Command",
    "Subparsers",
    "add_force_arg",
    "add_set_args",
    "add_window_args",
    "apply_settings",
    "check_out_csv",
    "check_out_dir",
    "iso_date",
    "out_path",
    "positive",
    "runs",
    "seed",
    "sweep_options",
    "window",
]

#: what a subcommand runs: the parsed arguments and the command line, in; the exit status, out
Command: TypeAlias = Callable[[argparse.Namespace, Sequence[str]], int]


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO date YYYY-MM-DD, found {text!r}"
        ) from None


def positive(text: str) -> int:
    try:
        value = int(text) if len(text) <= 20 else 0
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {_short(text)}")
    return value


#: The most runs ``run`` and ``compare`` take. They stream their runs chunk by chunk, so
#: memory does not bound them; the cap bounds what one command writes and how long it
#: takes: 100,000 runs of the history scenario write some 8 GB of CSV (about 84 kB a run,
#: two thirds of it events.csv) and take about an hour on one core. The most runs ``score`` answers
#: (a few bytes per run and record row).
MAX_RUNS_STREAMED = 100_000
MAX_RUNS_SCORED = 100_000


def runs(maximum: int) -> Callable[[str], int]:
    """The type of a ``--runs`` option: a positive integer of at most ``maximum`` (larger
    ensembles go through ``casim sweep``, which stores its runs in chunk files)."""

    def parse(text: str) -> int:
        value = positive(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(
                f"expected at most {maximum} runs (more: casim sweep), found {_short(text)}"
            )
        return value

    return parse


#: The largest seed (seeds are stored in 64-bit signed integer columns).
MAX_SEED = 2**63 - 1


def seed(text: str) -> int:
    try:
        value = int(text) if len(text) <= 20 else -1
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 0 to 2**63-1, found {_short(text)}"
        )
    return value


def _short(text: str, limit: int = 40) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def out_path(text: str) -> Path:
    """The type of an ``--out`` option: a path that is not empty (an empty one would write
    into the current directory) and holds no null byte."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a path, found {text!r}")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("expected a path, found a null byte in it")
    return Path(text)


def check_out_dir(out: Path, flag: str = "--out") -> Path:
    """Refuse an output directory that cannot be made before anything is computed: an
    existing file, or a path under a file or a directory that cannot be written."""
    if out.exists() and not out.is_dir():
        raise ScenarioError(out, flag, "a directory", "an existing file")
    parent = out
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise ScenarioError(out, flag, "a path under a directory", f"{parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError(out, flag, "a writable directory", f"{parent} is not writable")
    return out


def check_out_csv(out: Path | None, flag: str = "--out") -> None:
    """Refuse an output file that is not a .csv file, or whose directory is a file."""
    if out is not None and out.suffix.lower() != ".csv":
        raise ScenarioError("<command line>", flag, "a file name ending in .csv", str(out))
    if out is not None:
        for above in (out.parent, *out.parent.parents):
            if above.exists() and not above.is_dir():
                raise ScenarioError(
                    "<command line>", flag, "a file in a directory", f"{str(above)!r}, a file"
                )


def add_window_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--branch",
        type=iso_date,
        metavar="DATE",
        help="a true forecast from DATE: sets both --pin-until and --known-until",
    )
    p.add_argument(
        "--pin-until", type=iso_date, metavar="DATE", help="impose observed outcomes up to DATE"
    )
    p.add_argument(
        "--known-until", type=iso_date, metavar="DATE", help="keep exogenous events up to DATE"
    )
    p.add_argument("--until", type=iso_date, metavar="DATE", help="stop the simulation at DATE")


def add_force_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="replace --out as a whole even if it holds other files than an earlier output",
    )


def add_set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a number of the scenario by its key path, as experiment files name it "
        "(repeatable): --set states.UZB.turnover_hazard=0.15",
    )


def window(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """``--pin-until``, ``--known-until`` and ``--until``, with ``--branch`` setting the
    first two (and refusing either beside it)."""
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
    if args.until is not None and pin is not None and args.until < pin:
        flag = "--branch" if args.branch is not None else "--pin-until"
        raise ScenarioError(
            "<command line>", "--until", f"a date on or after {flag} {pin}", str(args.until)
        )
    return pin, known, args.until


def apply_settings(scenario: Scenario, settings: Sequence[str]) -> Scenario:
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


def add_backend_args(p: argparse.ArgumentParser, *, scheduler_help: str) -> None:
    """``--jobs``, ``--backend`` and ``--scheduler`` of ``sweep`` and ``calibrate`` (read
    back by :func:`sweep_options`)."""
    p.add_argument("--jobs", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument("--backend", choices=("local", "dask"), default="local", help="default: local")
    p.add_argument("--scheduler", metavar="ADDRESS", help=scheduler_help)


def sweep_options(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
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


_T = TypeVar("_T")


class Stopped(Exception):
    """A long command stopped early with its message printed; ``code`` is its exit status
    (:func:`casim.cli.main` returns it)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def resumable(
    work: Callable[[], _T], interrupted: str, failures: tuple[type[Exception], ...] = ()
) -> _T:
    """Run a long, resumable command (a sweep, calibration or backtest): a backend failure
    (or one of ``failures``) stops it with status 1, an interrupt with status 130, each with
    one line saying what is kept and how ``--resume`` continues (``interrupted`` says it
    for an interrupt)."""
    from casim.experiment.backends import BackendError

    stopping: tuple[type[Exception], ...] = (BackendError, *failures)
    try:
        return work()
    except stopping as err:
        print(f"casim: error: {err}; stored runs are kept, --resume continues", file=sys.stderr)
        raise Stopped(1) from err
    except KeyboardInterrupt:
        print(f"casim: interrupted; {interrupted}", file=sys.stderr)
        raise Stopped(130) from None
