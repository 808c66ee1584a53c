"""The ``casim`` command: a thin shell over the Python API.

Exit status: 0 on success, 2 on bad input (one line on stderr naming the file, the key
path, what was expected and what was found; never a traceback), 130 when interrupted.
``casim sweep`` exits 1 when any run failed (its last line says how many).

Each subcommand adds its parser and names the function that runs it (``func``); the
modules group them by concern: ``run`` (run, validate), ``sweeps`` (sweep, analyze,
calibrate), ``scoring`` (score, compare), ``forecast`` (forecast, judge), ``figures`` (plot,
report), ``backtest``; ``common`` holds the argument types and options they share.
Parsing imports no engine, pandas or plotting: each command imports what it needs when it
runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from casim._version import __version__
from casim.cli import backtest, figures, forecast, run, scoring, sweeps
from casim.cli.common import Command, Stopped, Subparsers
from casim.scenario import ScenarioError

__all__ = ["main"]

#: the subcommands, in the order ``casim --help`` lists them
_COMMANDS: tuple[Callable[[Subparsers], None], ...] = (
    run.add_run,
    run.add_validate,
    sweeps.add_sweep,
    sweeps.add_analyze,
    scoring.add_score,
    scoring.add_compare,
    forecast.add_forecast,
    forecast.add_judge,
    figures.add_plot,
    figures.add_report,
    sweeps.add_calibrate,
    backtest.add_backtest,
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are the one line every bad input gets, with a hint
    to ``--help`` instead of a usage dump (subcommand parsers are of the same class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"casim: error: {command_line_error(message)} (see {self.prog} --help)\n")


def command_line_error(message: str) -> str:
    """An argparse message as one line ``<command line>: KEY: expected ..., found ...``;
    KEY is the argument it names, else ``(arguments)``."""
    message = " ".join(message.split())
    head, sep, rest = message.partition(": ")
    if sep and head.startswith("argument "):
        key = head.removeprefix("argument ").split("/")[0]
        if not rest.startswith("expected"):
            rest = f"expected a valid value, found {rest}"
        return f"<command line>: {key}: {rest}"
    return f"<command line>: (arguments): expected valid arguments, found {message}"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="casim",
        description="Discrete-event simulation of diplomacy among the Central Asian states.",
    )
    parser.add_argument("--version", action="version", version=f"casim {__version__}")
    # the subcommands' parsers are _Parser too (argparse makes them of the parent's class)
    sub = cast(Subparsers, parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``casim`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    command: Command = args.func
    try:
        return command(args, argv)
    except ScenarioError as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 2
    except Stopped as stop:
        return stop.code
    except KeyboardInterrupt:
        print("casim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output went away (casim run | head): files are written, so stop
        # quietly with the status of SIGPIPE; stdout goes to devnull for the final flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as err:
        # a place that cannot be read or written (checked paths can still fail: a full disk,
        # a read-only file system); nothing is published after a failed write
        where = err.filename if err.filename is not None else "<file system>"
        found = " ".join((err.strerror or str(err)).split())
        problem = ScenarioError(where, "", "a readable or writable place", found)
        print(f"casim: error: {problem}", file=sys.stderr)
        return 2
