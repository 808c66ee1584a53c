"""The files of ``casim score --out FILE.csv``: the per-row forecast, a manifest with the
scores, and the two forecast pictures. All are staged in a hidden directory and moved into
place together (:func:`casim.files.publish`), so a failure leaves no half-written output."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casim.analysis.forecast import Forecast, forecast_csv
from casim.files import publish
from casim.scenario.errors import ScenarioError
from casim.scenario.schema import Scenario

__all__ = ["write_forecast"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_forecast(
    fc: Forecast,
    out: Path,
    *,
    scenario: Scenario,
    record: Path,
    reference: Path,
    command: Sequence[str] = (),
) -> list[Path]:
    """Write FILE.csv, FILE.json, FILE_reliability.png and FILE_rows.png; return them."""
    import pandas as pd

    from casim.analysis.scoring import reliability
    from casim.api import manifest
    from casim.present.plotting import plot_forecast_rows, plot_reliability, save

    stem = out.stem
    names = [out.name, f"{stem}.json", f"{stem}_reliability.png", f"{stem}_rows.png"]
    text = forecast_csv(fc)
    meta: dict[str, Any] = manifest(scenario, fc.seed, fc.runs, command)
    meta["record"] = {"file": str(record), "sha256": _digest(record)}
    meta["reference"] = {"file": str(reference), "sha256": _digest(reference)}
    meta["baselines"] = {
        "origin": fc.origin.isoformat() if fc.origin is not None else None,
        "reference_rows": fc.reference_rows,
    }
    meta["rows_scored"] = len(fc.rows)
    meta["rows_not_scored"] = {
        "closed_by_pin_date": [r.id for r in fc.closed],
        "ending_after_last_day": [r.id for r in fc.beyond],
    }
    meta["brier"] = fc.scores
    meta["brier_climatology"] = fc.scores_climatology
    meta["brier_persistence"] = fc.scores_persistence
    meta["skill_climatology"] = fc.skill("climatology")
    meta["skill_persistence"] = fc.skill("persistence")
    meta["climatology_rates"] = fc.rates
    frame = pd.read_csv(io.StringIO(text))
    name = scenario.name

    def build(tmp: Path) -> None:
        (tmp / names[0]).write_text(text, encoding="utf-8", newline="\n")
        (tmp / names[1]).write_text(
            json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        title = f"{name}: reliability, {fc.runs} runs, Brier {fc.scores['overall']:.3f}"
        probabilities = list(frame["probability"].to_numpy(dtype=float))
        table = reliability(probabilities, list(frame["outcome"].to_numpy(dtype=int)), bins=5)
        save(plot_reliability(frame, table, bins=5, title=title), tmp / names[2])
        title = f"{name}: probability per record row, {fc.runs} runs"
        save(plot_forecast_rows(frame, title=title), tmp / names[3])

    try:
        return publish(out.parent, names, build)
    except OSError as err:
        raise ScenarioError(out, "--out", "a writable file", err.strerror or str(err)) from None
