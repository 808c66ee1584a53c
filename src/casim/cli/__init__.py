"""The ``casim`` command: a thin shell over the Python API.

Exit status: 0 on success, 2 on bad input (one line on stderr naming the file, the key
path, what was expected and what was found; never a traceback), 130 when interrupted.
``casim sweep`` exits 1 when any run failed (its last line says how many).

Each subcommand adds its parser and names the function that runs it (``func``); the
modules group them by concern: ``run`` (run, validate), ``sweeps`` (sweep, analyze,
calibrate), ``scoring`` (score, compare), ``figures`` (plot, report), ``backtest``; ``common`` holds
the argument types and options they share. Parsing imports no engine, pandas or plotting:
each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from casim._version import __version__
from casim.cli import backtest, figures, run, scoring, sweeps
from casim.cli.common import Command, Subparsers
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
    figures.add_plot,
    figures.add_report,
    sweeps.add_calibrate,
    backtest.add_backtest,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casim",
        description="Discrete-event simulation of diplomacy among the Central Asian states.",
    )
    parser.add_argument("--version", action="version", version=f"casim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    except KeyboardInterrupt:
        print("casim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output went away (casim run | head): files are written, so stop
        # quietly with the status of SIGPIPE; stdout goes to devnull for the final flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
