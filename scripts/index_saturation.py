"""How often each component of the integration index rests at its floor or ceiling.

    python scripts/index_saturation.py out/ [--from 2023] [--to 2035] [--eps 0.01]

Reads ``index.csv`` of a ``casim run`` output directory and prints, per component (and for
the index), the share of run-years in the years asked whose value is at most the floor
(``casim.model.indicators.FLOOR`` for the index and for a component as it enters the
index) or at least 1 - eps (the ceiling), and the mean. A component that sits at either
bound in more than half of the run-years cannot carry a trajectory.

    casim run scenarios/history.toml --runs 100 --seed 3 --out out/history
    python scripts/index_saturation.py out/history
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from casim.model.indicators import COMPONENTS, FLOOR


def saturation(index: pd.DataFrame, first: int, last: int, eps: float) -> pd.DataFrame:
    """Per column (the components, then ``index``): share at floor, at ceiling, mean."""
    rows = index[(index["year"] >= first) & (index["year"] <= last)]
    out = []
    for col in (*COMPONENTS, "index"):
        values = rows[col]
        out.append(
            {
                "column": col,
                "at_floor": float((values <= FLOOR).mean()),
                "at_ceiling": float((values >= 1.0 - eps).mean()),
                "mean": float(values.mean()),
            }
        )
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--from", dest="first", type=int, default=2023)
    parser.add_argument("--to", dest="last", type=int, default=2035)
    parser.add_argument("--eps", type=float, default=0.01)
    args = parser.parse_args()
    index = pd.read_csv(args.directory / "index.csv")
    table = saturation(index, args.first, args.last, args.eps)
    print(f"run-years {args.first}-{args.last}: {index['run'].nunique()} runs")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    worst = table[["at_floor", "at_ceiling"]].to_numpy().max()
    print(f"largest share at a bound: {worst:.3f} ({'ok' if worst <= 0.5 else 'saturated'})")


if __name__ == "__main__":
    main()
