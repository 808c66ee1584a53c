"""The files of ``casim forecast --out FILE.csv``: the probabilities (FILE.csv) and what
produced them (FILE.json). Both are staged in a hidden directory and moved into place
together (:func:`casim.files.publish`); an existing file of either name is replaced only
when it is an earlier forecast, or with ``force``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casim.analysis.questions import FORECAST_COLUMNS, KIND, Outlook, outlook_csv
from casim.files import check_replaceable_file, publish
from casim.scenario.errors import ScenarioError
from casim.scenario.schema import Scenario

__all__ = ["check_forecast_out", "forecast_files", "write_outlook"]


def forecast_files(out: Path) -> tuple[Path, Path]:
    """FILE.csv and FILE.json."""
    return out, out.with_suffix(".json")


def _is_forecast_csv(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as f:
            head = f.readline(1000)
    except (OSError, UnicodeDecodeError):
        return False
    return head.rstrip("\r\n") == ",".join(FORECAST_COLUMNS)


def _is_forecast_json(path: Path) -> bool:
    try:
        if path.stat().st_size > 50_000_000:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("kind") == KIND


def check_forecast_out(out: Path, *, force: bool = False) -> None:
    """Refuse, before anything runs, to replace a FILE.csv or FILE.json that is not an
    earlier forecast (unless ``force``)."""
    csv_path, json_path = forecast_files(out)
    check_replaceable_file(csv_path, _is_forecast_csv, force=force)
    check_replaceable_file(json_path, _is_forecast_json, force=force)


def _file(path: Path) -> dict[str, str]:
    """A file's name (relative to the current directory when under it) and sha256."""
    shown = path
    if path.is_absolute():
        try:
            shown = path.relative_to(Path.cwd())
        except ValueError:
            shown = path
    return {"file": shown.as_posix(), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def write_outlook(
    outlook: Outlook,
    out: Path,
    *,
    scenario: Scenario,
    questions: Path,
    reference: Path,
    command: Sequence[str] = (),
) -> list[Path]:
    """Write FILE.csv and FILE.json; return them."""
    from casim.api import manifest

    csv_path, json_path = forecast_files(out)
    meta: dict[str, Any] = {"kind": KIND, **manifest(scenario, outlook.seed, outlook.runs, command)}
    meta["questions"] = _file(questions)
    meta["reference"] = _file(reference)
    meta["rows_forecast"] = len(outlook.rows)
    meta["rows_not_forecast"] = {
        "opening_by_pin_date": [r.id for r in outlook.opened],
        "ending_after_last_day": [r.id for r in outlook.beyond],
    }
    pairs = zip(outlook.rows, outlook.answered, strict=True)
    meta["rows_no_run_answered"] = [r.id for r, n in pairs if n == 0]
    meta["fallback_rates"] = outlook.rates
    text = outlook_csv(outlook)

    def build(tmp: Path) -> None:
        (tmp / csv_path.name).write_text(text, encoding="utf-8", newline="\n")
        (tmp / json_path.name).write_text(
            json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )

    try:
        return publish(out.parent, [csv_path.name, json_path.name], build)
    except OSError as err:
        raise ScenarioError(out, "--out", "a writable file", err.strerror or str(err)) from None
