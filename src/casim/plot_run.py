"""``casim plot RESULT_DIR``: the figures of a ``casim run`` output directory, read from
its ``events.csv``, ``panel.csv``, ``index.csv`` and ``manifest.json`` (which holds the
resolved scenario: index weights and the branch date)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from casim.output import publish
from casim.plotting import (
    plot_components,
    plot_relations,
    plot_stances,
    plot_timeline,
    plot_trajectory,
    save,
)
from casim.scenario.errors import ScenarioError

__all__ = ["plot_result_dir", "read_result_dir"]

_NEEDS = ("events.csv", "panel.csv", "index.csv", "manifest.json")


def read_result_dir(
    result_dir: Path,
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The manifest, events, panel and index of a ``casim run`` output directory."""
    for name in _NEEDS:
        if not (result_dir / name).is_file():
            raise ScenarioError(
                result_dir, name, "a casim run output directory (events, panel, index, manifest)",
                f"no {name}",
            )  # fmt: skip
    manifest = json.loads((result_dir / "manifest.json").read_text(encoding="utf-8"))
    if "scenario" not in manifest or "window" not in manifest:
        raise ScenarioError(
            result_dir / "manifest.json", "scenario", "the manifest of casim run", "another file"
        )
    events = pd.read_csv(result_dir / "events.csv", dtype={"object": str, "outcome": str})
    events["object"] = events["object"].fillna("")
    panel = pd.read_csv(result_dir / "panel.csv")
    index = pd.read_csv(result_dir / "index.csv")
    return manifest, events, panel, index


def plot_result_dir(
    result_dir: Path,
    out: Path,
    *,
    kinds: Sequence[str],
    formats: Sequence[str] = ("png", "svg"),
    run: int = 0,
    year: int | None = None,
) -> list[Path]:
    """Draw each kind of figure into ``out`` as ``<kind>.<format>``; return the paths."""
    manifest, events, panel, index = read_result_dir(Path(result_dir))
    pin = dt.date.fromisoformat(manifest["window"]["pin_until"])
    known = dt.date.fromisoformat(manifest["window"]["known_until"])
    name = manifest.get("scenario_name", "scenario")
    weights = {k: float(v) for k, v in manifest["scenario"]["parameters"]["index"].items()
               if k != "sources"}  # fmt: skip
    if run not in set(events["run"]):
        raise ScenarioError(result_dir, "--run", f"a run of 0..{events['run'].max()}", str(run))
    years = sorted(panel["year"].unique())
    year = year if year is not None else min(pin.year, years[-1])
    if year not in years:
        raise ScenarioError(result_dir, "--year", f"a year of {years[0]}..{years[-1]}", str(year))

    def build(tmp: Path) -> None:
        for kind in kinds:
            if kind == "fan":
                ax = plot_trajectory(index, pin_until=pin, known_until=known,
                                     title=f"{name}: integration index")  # fmt: skip
            elif kind == "components":
                title = f"{name}: components of the index (mean of runs)"
                ax = plot_components(index, weights, pin_until=pin, title=title)
            elif kind == "stances":
                ax = plot_stances(panel, pin_until=pin,
                                  title=f"{name}: leaders' disposition per state")  # fmt: skip
            elif kind == "timeline":
                ax = plot_timeline(events, run=run, pin_until=pin,
                                   title=f"{name}: events of run {run}")  # fmt: skip
            else:
                ax = plot_relations(panel, year=year)
            for fmt in formats:
                save(ax, tmp / f"{kind}.{fmt}")

    names = [f"{k}.{f}" for k in kinds for f in formats]
    return publish(Path(out), names, build)
