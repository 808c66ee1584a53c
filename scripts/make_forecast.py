"""Write the shipped forecast from 2022-12-31: forecasts/history_2022-12-31.csv and .json.

It is ``casim forecast`` of the shipped history scenario, as fitted, on the shipped
questions (records/questions_2023_2030.csv), run from the repository's root so that the
manifest names the files by their paths in the repository:

    casim forecast scenarios/history.toml --runs 1000 --seed 1 --jobs 2 \\
        --out forecasts/history_2022-12-31.csv

Run it again whenever the fit (scenarios/fitted/history_2016_2022.toml), the model or the
questions change; ``--jobs`` changes the time it takes, not a byte of the output.

    python scripts/make_forecast.py [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = "forecasts/history_2022-12-31.csv"


def main(argv: list[str] | None = None) -> int:
    from casim.cli import main as casim

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="2", help="worker processes (default 2)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    command = ["forecast", "scenarios/history.toml", "--runs", "1000", "--seed", "1"]
    return casim([*command, "--jobs", args.jobs, "--out", OUT])


if __name__ == "__main__":
    sys.exit(main())
