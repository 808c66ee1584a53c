"""The outputs of ``casim backtest``: the manifest (resolved inputs, seeds, versions), the
table per origin with the mean skill (``backtest.csv``) and its printed form."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casim._version import __version__
from casim.analysis.backtest import Backtest, OriginResult, origin_dir

__all__ = ["backtest_csv", "backtest_table", "manifest", "mean_skill"]


def _file(path: Path) -> dict[str, str]:
    return {"file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def manifest(bt: Backtest, command: Sequence[str]) -> dict[str, Any]:
    """What the backtest runs: its files (with digests), the origins and each one's fit
    window, calibration and seeds, the forecast's runs and seed, the versions."""
    import numpy as np

    from casim.analysis.calibrate import validation_seed

    start = bt.scenario.start.isoformat()
    origins = []
    for origin, table in sorted(bt.calibrations.items()):
        seed = int(table["seed"])
        origins.append(
            {
                "origin": origin.isoformat(),
                "directory": origin_dir(Path("."), origin).as_posix(),
                "fit_window": {k: str(v) for k, v in table["run"].items()},
                "fit_rows": f"closing after {start} and by {origin}",
                "calibration_seed": seed,
                "validation_seed": validation_seed(seed),
                "forecast_window": {
                    "pin_until": origin.isoformat(),
                    "known_until": origin.isoformat(),
                    "until": bt.until.isoformat(),
                },
                "scored_rows": f"closing after {origin} and by {bt.until}",
                "baselines": f"record rows closing by {origin}",
            }
        )
    return {
        "casim_version": __version__,
        "name": bt.name,
        "fingerprint": bt.fingerprint(),
        "command": list(command),
        "backtest": _file(bt.path),
        "scenario": {**_file(bt.scenario_path), "name": bt.scenario.name},
        "record": _file(bt.record_path),
        "calibration_template": _file(bt.template_path),
        "fit": bt.spec.fit,
        "forecast": {
            "runs": bt.spec.forecast.runs,
            "seed": bt.spec.forecast.seed,
            "until": bt.until.isoformat(),
            "run_seeds": "numpy SeedSequence(seed).spawn(runs)[run]; streams by name",
        },
        "origins": origins,
        "versions": {"python": platform.python_version(), "numpy": np.__version__},
    }


def mean_skill(results: Sequence[OriginResult]) -> tuple[float, float]:
    """The mean over origins of the skill against climatology and against persistence."""
    n = len(results)
    if not n:
        return math.nan, math.nan
    return (
        sum(r.skill_climatology for r in results) / n,
        sum(r.skill_persistence for r in results) / n,
    )


_COLUMNS = [
    "origin",
    "rows_fitted",
    "fit_brier",
    "fit_validation",
    "rows_scored",
    "brier",
    "climatology",
    "persistence",
    "bss_climatology",
    "bss_persistence",
    "at_edge",
]


def _f(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:.6f}"


def backtest_csv(results: Sequence[OriginResult]) -> str:
    """One line per origin and a last line ``mean`` with the mean skill."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_COLUMNS)
    for r in results:
        w.writerow(
            [
                r.origin.isoformat(),
                r.rows_fitted,
                _f(r.fit_brier),
                _f(r.fit_validation),
                r.rows_scored,
                _f(r.brier),
                _f(r.climatology),
                _f(r.persistence),
                _f(r.skill_climatology),
                _f(r.skill_persistence),
                "; ".join(r.edges),
            ]
        )
    clim, pers = mean_skill(results)
    w.writerow(["mean", "", "", "", "", "", "", "", _f(clim), _f(pers), ""])
    return buf.getvalue()


def backtest_table(results: Sequence[OriginResult]) -> str:
    """The printed table: per origin the rows fitted and scored, the Brier of the forecast
    and of the two baselines, the skill against each; then the mean skill."""

    def g(x: float) -> str:
        return "nan" if math.isnan(x) else f"{x:.3f}"

    head = (
        f"{'origin':<10} {'fitted':>6} {'fit fresh':>9} {'scored':>6} {'brier':>7}"
        f" {'climat.':>7} {'persist.':>8} {'BSS clim':>8} {'BSS pers':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.origin.isoformat():<10} {r.rows_fitted:>6} {g(r.fit_validation):>9}"
            f" {r.rows_scored:>6} {g(r.brier):>7} {g(r.climatology):>7}"
            f" {g(r.persistence):>8} {g(r.skill_climatology):>8} {g(r.skill_persistence):>8}"
        )
    clim, pers = mean_skill(results)
    lines.append(f"{'mean':<10} {'':>48} {g(clim):>8} {g(pers):>8}")
    for r in results:
        for e in r.edges:
            lines.append(f"  {r.origin}: at the edge of its range: {e}")
    return "\n".join(lines)
