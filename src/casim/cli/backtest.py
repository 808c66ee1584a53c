"""``casim backtest``: rolling-origin backtests, out of sample (fit on the rows closing by
each origin, forecast from it, score the rows after it against baselines from before it)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from casim._version import __version__
from casim.cli.common import (
    Subparsers,
    add_backend_args,
    check_out_dir,
    out_path,
    resumable,
    sweep_options,
)

__all__ = ["add_backtest"]


def add_backtest(sub: Subparsers) -> None:
    p = sub.add_parser(
        "backtest",
        help="rolling-origin backtest: per origin fit on earlier rows, forecast, score later ones",
    )
    p.add_argument("backtest", type=Path, help="backtest file (experiments/backtest_*.toml)")
    add_backend_args(p, scheduler_help="dask: a running scheduler")
    p.add_argument("--out", type=out_path, help="output directory (default out/<backtest name>)")
    p.add_argument("--resume", action="store_true", help="complete a stopped backtest in --out")
    p.set_defaults(func=_backtest)


def _backtest(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.backtest import load_backtest, run_backtest
    from casim.analysis.backtest_out import backtest_csv, backtest_table
    from casim.analysis.forecast import RunFailed
    from casim.files import write_text_atomic

    options = sweep_options(args, argv)
    bt = load_backtest(args.backtest)
    out = check_out_dir(args.out or Path("out") / bt.name)
    origins = ", ".join(o.isoformat() for o in bt.spec.origins)
    print(
        f"casim {__version__}: backtest {bt.name} of {bt.scenario.name} on {bt.record_path} "
        f"({bt.spec.fit} fits), origins {origins}, forecasts to {bt.until} into {out}",
        flush=True,
    )
    results = resumable(
        lambda: run_backtest(bt, out, **options),
        f"run again with --out {out} --resume to continue",
        failures=(RunFailed,),
    )
    table = out / "backtest.csv"
    write_text_atomic(table, backtest_csv(results))
    print(backtest_table(results))
    print(f"  wrote {table}")
    print(f"  wrote {out / 'backtest.json'}")
    return 0
