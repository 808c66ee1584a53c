"""Both calibration searches on the same run budget: the iterated Latin hypercube of a
calibration file and Optuna's samplers, each given the runs the Latin hypercube spends.

Every method runs the file's calibration with only ``method`` (and ``sampler``) changed,
``trials`` left at its default (the Latin hypercube's runs of a stage divided by
``replicates``), so each spends the same runs before the same final round (the
``finalists`` best points, ``final_replicates`` runs each) and the same validation on fresh
streams. The score on fresh streams is the one to compare: the score on the search's own
streams favours whichever search tried more points on them. Each method writes under
``OUT/<method>/`` (its overlay as ``OUT/<method>/fit.toml``), never the file's overlay.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casim.analysis.calibrate import Calibration, at_edge, calibrate

__all__ = ["MethodScore", "compare_methods", "methods_table"]


@dataclass(frozen=True)
class MethodScore:
    """One search's fit and what it spent."""

    method: str  # "lhs", "optuna-tpe" or "optuna-cmaes"
    search_runs: int  # runs spent before the final round
    total_runs: int  # with the final round and the validation
    own: float  # ensemble Brier of the fit on the search's streams
    fresh: float  # the same on fresh streams: the score to compare
    climatology: float
    fitted: dict[str, float]
    edges: list[str]


def _as_method(cal: Calibration, method: str, out: Path) -> Calibration:
    """The calibration with its search replaced, writing its overlay under ``out``."""
    if method == "lhs":
        update: dict[str, Any] = {"method": "lhs"}
    else:
        update = {"method": "optuna", "sampler": method.removeprefix("optuna-"), "trials": None}
    spec = cal.spec.model_copy(update=update)
    return dataclasses.replace(cal, spec=spec, overlay=out / "fit.toml")


def compare_methods(
    cal: Calibration,
    out: str | Path,
    *,
    methods: Sequence[str] = ("lhs", "optuna-tpe"),
    **run: Any,
) -> list[MethodScore]:
    """Run the calibration once per method (``lhs``, ``optuna-tpe``, ``optuna-cmaes``) on
    the same run budget; ``run`` holds the keyword arguments of
    :func:`casim.analysis.calibrate.calibrate` (jobs, backend, resume, progress...)."""
    scores = []
    for method in methods:
        where = Path(out) / method
        where.mkdir(parents=True, exist_ok=True)
        this = _as_method(cal, method, where)
        result = calibrate(this, where, **run)
        points = result.points
        searched = int(points.loc[points["round"] != "final", "runs"].sum())
        final = int(points.loc[points["round"] == "final", "runs"].sum())
        scores.append(
            MethodScore(
                method=method,
                search_runs=searched,
                total_runs=searched + final + this.spec.final_replicates,
                own=result.score,
                fresh=result.validation["overall"],
                climatology=result.climatology["overall"],
                fitted=result.fitted,
                edges=at_edge(this.exp.spec.parameters, result.fitted),
            )
        )
    return scores


def methods_table(scores: Sequence[MethodScore]) -> str:
    """The printed comparison: per method the runs spent and the fit's scores."""

    def g(x: float) -> str:
        return "nan" if math.isnan(x) else f"{x:.4f}"

    head = (
        f"{'method':<13} {'search runs':>11} {'all runs':>9} {'own streams':>11}"
        f" {'fresh streams':>13} {'climatology':>11}"
    )
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.method:<13} {s.search_runs:>11} {s.total_runs:>9} {g(s.own):>11}"
            f" {g(s.fresh):>13} {g(s.climatology):>11}"
        )
    for s in scores:
        lines += [f"  {s.method}: at the edge of its range: {e}" for e in s.edges]
    if scores:
        best = min(scores, key=lambda s: (math.isnan(s.fresh), s.fresh))
        lines.append(f"  best on fresh streams: {best.method}")
    return "\n".join(lines)
