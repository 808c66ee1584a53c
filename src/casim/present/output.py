"""Writing a result directory: the four tables (events, panel, index, dyads), the
manifest and the trajectory plot.

Everything is rendered into a hidden staging directory beside the target first, which
takes the target's place as a whole only when all of it succeeded: a failure never leaves a
half-written output, and an earlier output there (with its ``plots/`` and ``report.html``)
is gone, never mixed with the new one (:func:`casim.files.publish_dir`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from casim.api import Result
from casim.files import publish_dir
from casim.present.plotting import plot_trajectory, save
from casim.scenario.window import resolved_window

__all__ = ["OUTPUT_FILES", "OWNED", "csv_text", "write_result"]

OUTPUT_FILES = (
    "events.csv",
    "panel.csv",
    "index.csv",
    "dyads.csv",
    "manifest.json",
    "trajectory.png",
)
#: what else casim writes into a result directory (casim plot, casim report)
OWNED = ("plots", "report.html")
_FLOAT = "%.6g"


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as the CSV text casim writes (no index, 6 significant digits, LF)."""
    return frame.to_csv(index=False, float_format=_FLOAT, lineterminator="\n")


def write_result(
    result: Result,
    out: Path,
    *,
    extra_manifest: dict[str, Any] | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the output files (``OUTPUT_FILES``) as the directory ``out``, replacing an
    earlier result directory there as a whole (any other directory only with ``force``);
    return their paths."""

    def build(tmp: Path) -> None:
        for name, frame in (
            ("events.csv", result.events),
            ("panel.csv", result.panel),
            ("index.csv", result.index),
            ("dyads.csv", result.dyads),
        ):
            (tmp / name).write_text(csv_text(frame), encoding="utf-8")
        manifest = dict(result.manifest)
        manifest.update(extra_manifest or {})
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        pin, known, _ = resolved_window(result.scenario)
        ax = plot_trajectory(result.index, pin_until=pin, known_until=known)
        save(ax, tmp / "trajectory.png")

    return publish_dir(out, OUTPUT_FILES, build, owned=OWNED, force=force)
