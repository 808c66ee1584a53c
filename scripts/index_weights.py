"""How much the index weights matter: the history ensemble's index under other weightings.

The integration index is the weighted geometric mean of its components
(:func:`casim.model.indicators.index_value`, weights ``[parameters.index]`` of the
scenario). This script recomputes it, with that same function, from each run-year's
component columns under alternative weightings and draws the median and 5-95% band of
each against the shipped weights' (one panel per weighting, one figure); it prints the 2030
median (and 5-95% range) under each weighting.

Weightings: the shipped weights; equal weights; and each component left out in turn
(weight 0, the others as shipped), or with ``--scheme double`` each component's weight
doubled in turn.

    python scripts/index_weights.py [--runs 100] [--seed 3] [--out docs/img/index_weights.png]
    python scripts/index_weights.py --run-dir out/history     # the index.csv of a casim run
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casim.api import run
from casim.model.indicators import COMPONENTS, index_value
from casim.present.plotting import save_figure
from casim.scenario.load import load_scenario
from casim.scenario.schema import IndexParams
from casim.scenario.window import resolved_window

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
YEAR = 2030
SCHEMES = ("leave_out", "double")


def weightings(shipped: IndexParams, scheme: str = "leave_out") -> dict[str, IndexParams]:
    """The shipped weights, equal weights, and each component left out (``leave_out``) or
    its weight doubled (``double``) in turn, by label."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme: expected one of {SCHEMES}, found {scheme!r}")
    weights = {c: float(getattr(shipped, c)) for c in COMPONENTS}
    out = {
        "shipped (" + ", ".join(f"{c} {w:g}" for c, w in weights.items()) + ")": shipped,
        "equal weights": shipped.model_copy(update=dict.fromkeys(COMPONENTS, 1.0)),
    }
    for c in COMPONENTS:
        if scheme == "leave_out":
            out[f"without {c}"] = shipped.model_copy(update={c: 0.0})
        else:
            out[f"{c} weight doubled"] = shipped.model_copy(update={c: 2.0 * weights[c]})
    return out


def reweighted(index: pd.DataFrame, weights: IndexParams) -> pd.Series:
    """The index of each row of an index table (component columns) under ``weights``,
    computed by :func:`casim.model.indicators.index_value`."""
    comps = index[list(COMPONENTS)].to_dict("records")
    return pd.Series([index_value(c, weights) for c in comps], index=index.index, name="index")


def bands(index: pd.DataFrame, weights: IndexParams) -> pd.DataFrame:
    """Per year: the 5%, 50% and 95% quantiles of the index under ``weights``."""
    frame = pd.DataFrame({"year": index["year"], "value": reweighted(index, weights)})
    q = frame.groupby("year")["value"].quantile([0.05, 0.5, 0.95]).unstack()
    q.columns = ["q05", "median", "q95"]
    return q.reset_index()


def summary(index: pd.DataFrame, chosen: dict[str, IndexParams], year: int) -> pd.DataFrame:
    """Per weighting: the median and 5-95% range of the index in ``year``."""
    rows = index[index["year"] == year]
    out = []
    for name, weights in chosen.items():
        values = reweighted(rows, weights)
        out.append(
            {
                "weighting": name,
                "median": float(values.median()),
                "q05": float(values.quantile(0.05)),
                "q95": float(values.quantile(0.95)),
            }
        )
    return pd.DataFrame(out)


def figure(
    index: pd.DataFrame, chosen: dict[str, IndexParams], *, pin_year: int | None, runs: int
) -> Figure:
    """One panel per alternative weighting: its median and 5-95% band (colour) over the
    shipped weights' (grey)."""
    names = list(chosen)
    shipped = bands(index, chosen[names[0]])
    others = names[1:]
    cols = 3
    rows = -(-len(others) // cols)
    fig = Figure(figsize=(4.0 * cols, 2.9 * rows), dpi=110)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(others):
            ax.set_visible(False)
            continue
        alt = bands(index, chosen[others[k]])
        x = shipped["year"].to_numpy(dtype=float) + 0.5
        ax.fill_between(x, shipped["q05"], shipped["q95"], color="0.6", alpha=0.3, lw=0)
        ax.plot(x, shipped["median"], color="0.35", lw=1.5, label="shipped weights")
        ax.fill_between(x, alt["q05"], alt["q95"], color="tab:blue", alpha=0.2, lw=0)
        ax.plot(x, alt["median"], color="tab:blue", lw=1.8, label=others[k])
        if pin_year is not None:
            ax.axvline(pin_year + 1, color="k", lw=0.6, ls=":")
        ax.set_title(others[k], fontsize=9)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        if k % cols == 0:
            ax.set_ylabel("integration index")
        if k >= len(others) - cols:
            ax.set_xlabel("year")
    fig.suptitle(
        "Integration index under other weights: median and 5-95% band "
        f"(blue) against the shipped weights (grey), {runs} runs; "
        f"dotted: end of the replayed history\n{names[0]}",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def _from_run_dir(directory: Path) -> tuple[pd.DataFrame, IndexParams, int]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    weights = IndexParams.model_validate(manifest["scenario"]["parameters"]["index"])
    index = pd.read_csv(directory / "index.csv")
    pin_year = int(manifest["window"]["pin_until"][:4])
    return index, weights, pin_year


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=HISTORY)
    parser.add_argument("--run-dir", type=Path, default=None, help="a casim run --out to read")
    parser.add_argument("--scheme", choices=SCHEMES, default="leave_out")
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "index_weights.png")
    args = parser.parse_args(argv)
    if args.run_dir is not None:
        index, shipped, pin_year = _from_run_dir(args.run_dir)
        source = str(args.run_dir)
    else:
        scenario = load_scenario(args.scenario)
        index = run(scenario, seed=args.seed, runs=args.runs).index
        shipped, pin_year = scenario.parameters.index, resolved_window(scenario)[0].year
        source = f"{args.scenario.name}, {args.runs} runs, seed {args.seed}"
    chosen = weightings(shipped, args.scheme)
    runs = int(index["run"].nunique())
    fig = figure(index, chosen, pin_year=pin_year, runs=runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, args.out)
    table = summary(index, chosen, args.year)
    print(f"index in {args.year} under each weighting ({source}); figure {args.out}")
    print("| weighting | median | 5-95% |")
    print("|---|---|---|")
    for r in table.itertuples():
        print(f"| {r.weighting} | {r.median:.3f} | {r.q05:.3f}-{r.q95:.3f} |")
    return 0 if np.isfinite(table["median"]).all() else 1


if __name__ == "__main__":
    sys.exit(main())
