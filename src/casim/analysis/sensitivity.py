"""``casim analyze DIR``: what a stored sweep says, as tables and figures.

Writes into ``DIR/analysis/``:

- ``summary.csv``: per design point, the parameter values and, per analysed output, the
  number of successful runs, mean, standard deviation and the 5/50/95% quantiles;
- ``sensitivity.csv`` (sobol and morris designs): per output and parameter, Sobol S1, ST
  (and S2 with second order) with 95% confidence intervals, or Morris mu, mu*, sigma and
  the interval of mu*, computed by SALib on the mean output of each design point;
- ``fan.png``: the integration index per year, a fan per design point (up to 12 points,
  spread evenly over the design when there are more);
- ``heatmap.png`` (two or more parameters): the mean of the first analysed output over the
  first two parameters;
- ``sensitivity.png`` (sobol and morris): the indices as bars.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casim.experiment.store import read_chunks, read_sweep_json
from casim.present.plotting import (
    plot_fan,
    plot_heatmap,
    plot_sensitivity,
    save,
    save_figure,
)
from casim.scenario.errors import ScenarioError

__all__ = ["analyze", "load_sweep"]

_MAX_FANS = 12


def load_sweep(out: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and the rows of a stored sweep (runs in (point, replicate) order)."""
    out = Path(out)
    meta = out / "sweep.json"
    if not meta.is_file():
        raise ScenarioError(out, "sweep.json", "a sweep's output directory", "no sweep.json")
    manifest = read_sweep_json(meta)
    _check_manifest(meta, manifest)
    results = out / "results"
    table = read_chunks(results) if results.is_dir() else None
    if table is None:
        raise ScenarioError(out, "results", "stored runs", "none")
    return manifest, table.to_pandas()


def _check_manifest(meta: Path, manifest: dict[str, Any]) -> None:
    """What analyze reads from ``sweep.json`` is there, with the right types."""
    design = manifest.get("design")
    checks = {
        "design": isinstance(design, dict),
        "design.columns": isinstance(design, dict) and _strings(design.get("columns")),
        "design.kind": isinstance(design, dict) and isinstance(design.get("kind"), str),
        "outputs": _strings(manifest.get("outputs")),
        "runs": _count(manifest.get("runs")),
        "points": _count(manifest.get("points")),
        "replicates": _count(manifest.get("replicates")),
    }
    for key, ok in checks.items():
        if not ok:
            raise ScenarioError(meta, key, "the manifest of a casim sweep", "another value")


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def analyze(out: str | Path, outputs: list[str] | None = None) -> list[Path]:
    """Write the summary, the sensitivity indices and the figures; return the paths."""
    out = Path(out)
    manifest, rows = load_sweep(out)
    params: list[str] = manifest["design"]["columns"]
    columns: list[str] = manifest["outputs"]
    chosen = outputs or manifest.get("analysis_outputs") or _default_outputs(columns)
    for name in chosen:
        if name not in columns:
            raise ScenarioError(
                out, "--output", f"an output column ({', '.join(columns[:4])}, ...)", name
            )
    expected = manifest["runs"]
    if len(rows) < expected:
        raise ScenarioError(
            out, "results", f"all {expected} runs (finish with --resume)", f"{len(rows)} runs"
        )
    ok = rows[rows["error"].isna()]
    target = out / "analysis"
    target.mkdir(exist_ok=True)
    written = [_summary(ok, params, chosen, manifest["points"], target / "summary.csv")]
    kind = manifest["design"]["kind"]
    if kind in ("sobol", "morris"):
        table = _sensitivity(manifest, rows, params, chosen)
        path = target / "sensitivity.csv"
        table.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
        written.append(path)
        reps = manifest["replicates"]
        ax = plot_sensitivity(
            table,
            method=kind,
            title=f"{kind.capitalize()} sensitivity of {', '.join(chosen)}\n"
            f"({manifest['points']} design points x {reps} replicates; bars: 95% intervals)",
        )
        save(ax, target / "sensitivity.png")
        written.append(target / "sensitivity.png")
    if any(c.startswith("index_") for c in columns):
        written.append(_fans(ok, params, manifest, target / "fan.png"))
    if len(params) >= 2:
        ax = plot_heatmap(
            ok,
            params[0],
            params[1],
            chosen[0],
            others=params[2:],
            title=f"mean {chosen[0]} ({len(ok)} runs)\nover {params[0]} and {params[1]}",
        )
        save(ax, target / "heatmap.png")
        written.append(target / "heatmap.png")
    return written


def _default_outputs(columns: list[str]) -> list[str]:
    index = [c for c in columns if c.startswith("index_")]
    return [index[-1]] if index else columns[:1]


def _summary(
    ok: pd.DataFrame, params: list[str], chosen: list[str], points: int, path: Path
) -> Path:
    grouped = ok.groupby("point")
    table = pd.DataFrame(index=pd.RangeIndex(points, name="point"))
    if params:
        table = table.join(grouped[params].first())
    for name in chosen:
        g = grouped[name]
        table[f"{name}_n"] = g.count()
        table[f"{name}_mean"] = g.mean()
        table[f"{name}_sd"] = g.std()
        for q in (0.05, 0.5, 0.95):
            table[f"{name}_q{int(q * 100):02d}"] = g.quantile(q)
    table.reset_index().to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    return path


def _point_means(rows: pd.DataFrame, name: str, points: int, out: str) -> np.ndarray:
    means = rows.groupby("point")[name].mean().reindex(range(points))
    missing = int(means.isna().sum())
    if missing:
        raise ScenarioError(
            out,
            name,
            "a value at every design point (SALib needs them all)",
            f"{missing} point(s) where every run failed",
        )
    return means.to_numpy(dtype=float)


def _sensitivity(
    manifest: dict[str, Any], rows: pd.DataFrame, params: list[str], chosen: list[str]
) -> pd.DataFrame:
    design = manifest["design"]
    problem = design["problem"]
    points = manifest["points"]
    seed = int(manifest["seed"]) + 1  # SALib treats 0 as "no seed"
    x = rows.groupby("point")[params].first().reindex(range(points)).to_numpy(dtype=float)
    records: list[dict[str, Any]] = []
    for name in chosen:
        y = _point_means(rows, name, points, manifest["experiment"])
        if design["kind"] == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=design["second_order"], seed=seed)
            measures = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, x, y, num_levels=design["levels"], seed=seed)
            measures = ("mu", "mu_star", "sigma", "mu_star_conf")
        for i, p in enumerate(params):
            rec = {"output": name, "parameter": p, **{m: res[m][i] for m in measures}}
            if design["kind"] == "sobol" and design["second_order"]:
                rec.update({f"S2_{q}": res["S2"][i][j] for j, q in enumerate(params) if j > i})
            records.append(rec)
    return pd.DataFrame.from_records(records)


def _short(column: str) -> str:
    """The last two parts of a key path (states.TKM.neutrality -> TKM.neutrality)."""
    return ".".join(column.split(".")[-2:])


def fan_points(ok: pd.DataFrame, column: str, most: int) -> list[int]:
    """Up to ``most`` design points spread over the range of ``column``'s median per
    point (the lowest, the highest and evenly spaced ranks between), ordered by it: the
    panels of the fan show how far apart the points' trajectories are."""
    medians = ok.groupby("point")[column].median().dropna().sort_values(kind="stable")
    if medians.empty:
        return []
    ranks = np.linspace(0, len(medians) - 1, min(len(medians), most))
    return list(dict.fromkeys(int(medians.index[round(r)]) for r in ranks))


def _panel_title(point: int, part: pd.DataFrame, params: list[str], column: str) -> str:
    """Two or three short lines: the point, its runs and median outcome, its parameters."""
    head = f"point {point}: {len(part)} runs, median {column} {part[column].median():.2f}"
    if not params or not len(part):
        return head
    values = ", ".join(f"{_short(p)}={part[p].iloc[0]:.3g}" for p in params)
    lines = textwrap.wrap(values, width=46)
    if len(lines) > 2:
        lines = [lines[0], lines[1][:42] + " ..."]
    return "\n".join([head, *lines])


def _fans(ok: pd.DataFrame, params: list[str], manifest: dict[str, Any], path: Path) -> Path:
    points = manifest["points"]
    index_cols = sorted(c for c in ok.columns if c.startswith("index_") and c[6:].isdigit())
    last = index_cols[-1]
    # the years before the branch are the imposed history, the same at every point
    pin = str(manifest.get("window", {}).get("pin_until", ""))[:4]
    branch = int(pin) if pin.isdigit() else 0
    index_cols = [c for c in index_cols if int(c[6:]) >= branch] or index_cols
    picked = fan_points(ok, last, _MAX_FANS)
    ncols = min(4, max(1, len(picked)))
    nrows = max(1, -(-len(picked) // ncols))
    size = (9.0, 5.5) if len(picked) <= 1 else (3.4 * ncols + 0.6, 3.0 * nrows + 1.0)
    fig = Figure(figsize=size, dpi=110, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    years = np.array([int(c[6:]) for c in index_cols], dtype=float) + 0.5
    overall = ok[index_cols].median().to_numpy(dtype=float)
    for k, point in enumerate(picked):
        ax = axes[k // ncols][k % ncols]
        part = ok[ok["point"] == point]
        plot_fan(part[["point", *params, *index_cols]], ax=ax)
        if points > 1:
            ax.plot(years, overall, color="0.35", lw=1, ls="--", label="median of all points")
        ax.set_title("")  # the fan's own title: the panel's short one replaces it
        ax.set_title(_panel_title(point, part, params, last), fontsize=7, loc="left")
        if k % ncols:
            ax.set_ylabel("")
    for k in range(len(picked), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    # one y range for every panel, fitted to the bands drawn, so that points differ visibly
    drawn = ok[ok["point"].isin(picked)][index_cols].to_numpy(dtype=float)
    if np.isfinite(drawn).any():
        lo, hi = np.nanquantile(drawn, [0.02, 0.98])
        axes[0][0].set_ylim(max(0.0, lo - 0.05), min(1.0, hi + 0.05))
    axes[0][0].legend(fontsize=7, loc="lower right")
    shown = (
        f"{len(picked)} of {points} design points, from the lowest to the highest median {last}"
        if len(picked) < points
        else (f"{points} design point{'s' if points > 1 else ''}")
    )
    since = f" from {index_cols[0][6:]}" if branch else ""
    fig.suptitle(
        f"{manifest['experiment']}: integration index per year{since}\n{shown}", fontsize=10
    )
    save_figure(fig, path)
    return path
