"""Benchmark: time per run of the history scenario and events per run.

    python benchmarks/bench_run.py [--runs N] [--repeat K]

Prints, for the history scenario as shipped (pinned to the end of the record) and for a
free run from 2016-01-01, the median wall time per run over K repeats of N runs, the
number of events per run, and the time per event. Run on an idle machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time

import casim
from casim.api import run_one
from casim.paths import default_scenario
from casim.rng import run_seed_sequences
from casim.scenario import with_window


def _bench(scenario: casim.Scenario, runs: int, repeat: int) -> tuple[float, float]:
    seqs = run_seed_sequences(1, runs)
    times, events = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        records = [run_one(scenario, seqs[r], r, 1) for r in range(runs)]
        times.append((time.perf_counter() - began) / runs)
        events = sum(len(rec.events) for rec in records)
    return statistics.median(times), events / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    history = casim.load_scenario(default_scenario())
    free = with_window(history, pin_until=dt.date(2016, 1, 1), known_until=dt.date(2016, 1, 1))
    print(f"casim {casim.__version__}, Python {platform.python_version()}, {platform.machine()}")
    print(f"{args.runs} runs x {args.repeat} repeats, median per run")
    print(f"{'scenario':<34}{'ms/run':>10}{'events/run':>12}{'us/event':>10}")
    for label, scenario in (
        ("history (pinned to 2022-12-31)", history),
        ("history --branch 2016-01-01", free),
    ):
        per_run, per_events = _bench(scenario, args.runs, args.repeat)
        print(
            f"{label:<34}{per_run * 1e3:>10.2f}{per_events:>12.1f}"
            f"{per_run / per_events * 1e6:>10.1f}"
        )


if __name__ == "__main__":
    main()
