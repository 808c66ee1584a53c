"""Rewrite the golden baseline that tests/test_baseline.py compares against.

    python scripts/update_baseline.py

Run it only when a change to the model is meant to change its output, and say so in the
commit message. The baseline is the history scenario as shipped, seed 1, 3 runs.
"""

from __future__ import annotations

from pathlib import Path

import casim
from casim.paths import default_scenario
from casim.present.output import csv_text

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "baseline"
SEED, RUNS = 1, 3


def render() -> dict[str, str]:
    """The baseline files' text: the index of all runs and the event log of run 0."""
    result = casim.run(casim.load_scenario(default_scenario()), seed=SEED, runs=RUNS)
    events = result.events[result.events.run == 0]
    return {
        "history_seed1_index.csv": csv_text(result.index),
        "history_seed1_run0_events.csv": csv_text(events),
    }


def main() -> None:
    BASELINE.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (BASELINE / name).write_text(text, encoding="utf-8")
        print(f"wrote {BASELINE / name}")


if __name__ == "__main__":
    main()
