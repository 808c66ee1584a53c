"""Write the shipped forecast from 2022-12-31: forecasts/history_2022-12-31.csv and .json.

It is ``casim forecast`` of the shipped history scenario, as fitted, on the shipped
questions (records/questions_2023_2030.csv), run from the repository's root so that the
manifest names the files by their paths in the repository:

    casim forecast scenarios/history.toml --runs 1000 --seed 1 --jobs 2 \\
        --out forecasts/history_2022-12-31.csv

Run it again whenever the fit (scenarios/fitted/hindcast_2016_2022.toml), the model or the
questions change; ``--jobs`` changes the time it takes, not a byte of the output.

    python scripts/make_forecast.py [--jobs N]
    python scripts/make_forecast.py --table    # print the README's summary of the file
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = "forecasts/history_2022-12-31.csv"


def table(path: Path) -> str:
    """The README's summary of a stored forecast: per year, the likeliest host of the
    meeting, the two holdouts' signature by the year's end, the Kyrgyz-Tajik treaty and a
    major Kyrgyz-Tajik clash in the year."""
    with path.open(encoding="utf-8") as fh:
        p = {r["id"]: float(r["probability"]) for r in csv.DictReader(fh)}
    years = sorted({i.split("_")[1] for i in p if i.startswith("summit_")})
    lines = [
        "| year | likeliest host | TJK signed | TKM signed | KGZ-TJK treaty | KGZ-TJK clash |",
        "|---|---|---|---|---|---|",
    ]
    for y in years:
        hosts = {i.split("_")[2]: v for i, v in p.items() if i.startswith(f"summit_{y}_")}
        host = max(hosts, key=lambda s: hosts[s])
        lines.append(
            f"| {y} | {host} {hosts[host]:.2f} | {p[f'friendship_TJK_{y}']:.2f} "
            f"| {p[f'friendship_TKM_{y}']:.2f} | {p[f'border_KGZ-TJK_{y}']:.2f} "
            f"| {p[f'clash_KGZ-TJK_{y}']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from casim.cli import main as casim

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="2", help="worker processes (default 2)")
    parser.add_argument("--table", action="store_true", help="print the summary, run nothing")
    args = parser.parse_args(argv)
    if args.table:
        print(table(ROOT / OUT))
        return 0
    os.chdir(ROOT)
    command = ["forecast", "scenarios/history.toml", "--runs", "1000", "--seed", "1"]
    return casim([*command, "--jobs", args.jobs, "--out", OUT])


if __name__ == "__main__":
    sys.exit(main())
