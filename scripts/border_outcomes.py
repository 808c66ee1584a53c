"""Border outcomes of a run directory written by ``casim run``: clashes, ceasefires,
settlements, who signed, and how often a line's tension sits at its ceiling.

    python scripts/border_outcomes.py out/ [--pair KGZ-TJK] [--from 2023] [--to 2035]

Reads ``events.csv``, ``panel.csv`` and ``index.csv`` and prints one figure a line:
major clashes of the pair per run in the years, the share of runs with a major clash in
each year, the share of runs in which the pair's treaty was signed by the end of each
year, the share of run-years in which the pair's tension at the year's end is at 1, the
share of run-years with the calm component at 0, the model's border treaties by who
signed them, and counts per run of the de-escalation events.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

DEESCALATION = (
    "ceasefire",
    "ceasefire_broken",
    "mediation",
    "border_sections_agreed",
    "border_demarcated",
)


def outcomes(directory: Path, pair: str, first: int, last: int) -> list[tuple[str, float]]:
    """The figures of a run directory, as (label, value) pairs."""
    ev = pd.read_csv(directory / "events.csv", dtype={"object": str}, keep_default_na=False)
    panel = pd.read_csv(directory / "panel.csv")
    index = pd.read_csv(directory / "index.csv")
    runs = ev["run"].nunique()
    ev["year"] = ev["date"].str[:4].astype(int)
    years = range(first, last + 1)
    line = ev[ev["subject"] == pair]
    majors = line[(line["kind"] == "border_clash") & (line["object"] == "major")]
    majors = majors[majors["year"].isin(years)]
    out: list[tuple[str, float]] = [
        (f"major {pair} clashes per run {first}-{last}", len(majors) / runs)
    ]
    for year in years:
        out.append(
            (
                f"share of runs with a major {pair} clash in {year}",
                majors[majors["year"] == year]["run"].nunique() / runs,
            )
        )
    signed = line[line["kind"] == "border_treaty_signed"]
    for year in years:
        out.append(
            (
                f"share of runs with the {pair} treaty signed by {year}",
                signed[signed["year"] <= year]["run"].nunique() / runs,
            )
        )
    a, b = pair.split("-")
    side = panel[(panel["state"] == a) & panel["year"].isin(years)]
    out.append(
        (
            f"share of run-years with {pair} tension at 1 at the year's end",
            float((side[f"tension_{b}"] >= 0.999).mean()),
        )
    )
    calm = index[index["year"].isin(years)]
    out.append(
        (
            f"share of run-years with the calm component at 0 ({first}-{last})",
            float((calm["calm"] <= 0.001).mean()),
        )
    )
    model = ev[
        (ev["kind"] == "border_treaty_signed") & (ev["origin"] == "model") & ev["year"].isin(years)
    ]
    for who in ("heads", "ministers"):
        out.append(
            (
                f"border treaties signed by {who} ({first}-{last}, all lines, all runs)",
                float((model["object"] == who).sum()),
            )
        )
    for kind in DEESCALATION:
        rows = ev[(ev["kind"] == kind) & ev["year"].isin(years)]
        out.append((f"{kind} per run ({first}-{last}, all lines)", len(rows) / runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--pair", default="KGZ-TJK")
    parser.add_argument("--from", dest="first", type=int, default=2023)
    parser.add_argument("--to", dest="last", type=int, default=2035)
    args = parser.parse_args()
    for label, value in outcomes(args.directory, args.pair, args.first, args.last):
        print(
            f"{label}: {int(value)}"
            if label.startswith("border treaties")
            else f"{label}: {value:.3f}"
        )


if __name__ == "__main__":
    main()
