"""Writing a result directory: the four tables (events, panel, index, dyads), the
manifest and the trajectory plot, from a whole :class:`~casim.api.Result`
(:func:`write_result`) or from an ensemble's chunks as they are run (:func:`write_stream`:
each chunk's rows are appended to the tables, so memory does not grow with the runs, and
the files are byte for byte those :func:`write_result` writes for the same runs).

Everything is rendered into a hidden staging directory beside the target first, which
takes the target's place as a whole only when all of it succeeded: a failure never leaves a
half-written output, and an earlier output there (with its ``plots/`` and ``report.html``)
is gone, never mixed with the new one (:func:`casim.files.publish_dir`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from casim.api import Result
from casim.files import publish_dir
from casim.present.plotting import plot_trajectory, save
from casim.scenario.schema import Scenario
from casim.scenario.window import resolved_window

if TYPE_CHECKING:
    from casim.stream import Chunk

__all__ = [
    "OUTPUT_FILES",
    "OWNED",
    "TABLES",
    "Streamed",
    "csv_rows",
    "csv_text",
    "write_result",
    "write_stream",
]

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
#: the tables of a result directory, in the order they are written
TABLES = ("events.csv", "panel.csv", "index.csv", "dyads.csv")
#: the columns of the index a streamed run keeps for its summary and plot
_KEPT_INDEX = ["run", "year", "pinned", "index"]
_FLOAT = "%.6g"


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as the CSV text casim writes (no index, 6 significant digits, LF)."""
    return frame.to_csv(index=False, float_format=_FLOAT, lineterminator="\n")


def csv_rows(frame: pd.DataFrame, stream: IO[str], *, header: bool) -> None:
    """Write a frame to ``stream`` as :func:`csv_text` renders it, with or without its
    header line: the header once, then the rows of each chunk of a table, give the text of
    the whole table."""
    frame.to_csv(stream, index=False, header=header, float_format=_FLOAT, lineterminator="\n")


def _manifest_text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"


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
        (tmp / "manifest.json").write_text(_manifest_text(manifest), encoding="utf-8")
        _plot(result.scenario, result.index, tmp)

    return publish_dir(out, OUTPUT_FILES, build, owned=OWNED, force=force)


def _plot(scenario: Scenario, index: pd.DataFrame, tmp: Path) -> None:
    pin, known, _ = resolved_window(scenario)
    ax = plot_trajectory(index, pin_until=pin, known_until=known)
    save(ax, tmp / "trajectory.png")


@dataclass(frozen=True)
class Streamed:
    """What :func:`write_stream` wrote, and what it kept for the printed summary."""

    paths: list[Path]
    scenario: Scenario  # as run (window applied)
    runs: int
    events: int  # rows of events.csv
    index: pd.DataFrame  # run, year, pinned and index of every run and year
    signatures: pd.DataFrame  # casim.present.summary.signatures of all the runs
    seconds: float  # wall time of the runs and their tables (the manifest's wall_time_s)


def write_stream(
    chunks: Iterable[Chunk],
    out: Path,
    *,
    manifest: Mapping[str, Any],
    force: bool = False,
) -> Streamed:
    """Write the output files (``OUTPUT_FILES``) of an ensemble run chunk by chunk
    (:func:`casim.stream.run_chunks`) as the directory ``out``, as :func:`write_result`
    does: each chunk's rows are appended to the tables in a hidden staging directory, which
    takes the place of ``out`` only when every chunk, the manifest and the plot are
    written (a failure or an interrupt leaves ``out`` as it was). ``manifest`` is written
    with ``wall_time_s``, the seconds the runs and their tables took. Only the index (four
    columns) and the count of runs that first signed each document in each year are held
    until the end."""
    from casim.present.summary import add_signatures, signatures

    kept: dict[str, Any] = {}

    def build(tmp: Path) -> None:
        began = time.perf_counter()
        streams = [(tmp / name).open("w", encoding="utf-8", newline="") for name in TABLES]
        index: list[pd.DataFrame] = []
        signed: pd.DataFrame | None = None  # its size does not grow with the runs
        runs = events = 0
        scenario: Scenario | None = None
        try:
            for chunk in chunks:
                header = scenario is None
                scenario = chunk.scenario
                tables = (chunk.events, chunk.panel, chunk.index, chunk.dyads)
                for stream, frame in zip(streams, tables, strict=True):
                    csv_rows(frame, stream, header=header)
                index.append(chunk.index[_KEPT_INDEX])
                mine = signatures(chunk.events)
                signed = mine if signed is None else add_signatures([signed, mine])
                runs += chunk.runs
                events += len(chunk.events)
        finally:
            for stream in streams:
                stream.close()
        if scenario is None or signed is None:
            raise ValueError("write_stream: no chunk of runs to write")
        seconds = time.perf_counter() - began
        whole = pd.concat(index, ignore_index=True)
        (tmp / "manifest.json").write_text(
            _manifest_text({**manifest, "wall_time_s": round(seconds, 3)}), encoding="utf-8"
        )
        _plot(scenario, whole, tmp)
        kept.update(
            scenario=scenario,
            runs=runs,
            events=events,
            index=whole,
            signatures=signed,
            seconds=seconds,
        )

    paths = publish_dir(out, OUTPUT_FILES, build, owned=OWNED, force=force)
    return Streamed(paths=paths, **kept)
