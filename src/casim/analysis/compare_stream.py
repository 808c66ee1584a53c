"""A paired comparison of two scenarios run chunk by chunk (``casim compare``), in bounded
memory whatever the number of runs.

Both scenarios run a chunk of runs at a time, run ``r`` of each from the same seed
sequence (``SeedSequence(seed).spawn(runs)[r]``, :mod:`casim.stream`). Each chunk's
per-run outcome table (:func:`casim.model.outcomes.outcome_columns`) is appended to
``runs_base.csv`` or ``runs_other.csv``, and its values, as float64, to a scratch file;
the paired differences are then read off the scratch files one outcome and year at a time
(:func:`casim.analysis.compare.difference_row` on the same values in the same order), so
the files and the differences are byte for byte those of
:func:`casim.analysis.compare.compare_scenarios` and
:func:`casim.analysis.compare_out.write_comparison`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

import numpy as np
import pandas as pd

from casim.analysis.compare import aligned, difference_row, shared
from casim.model.outcomes import outcome_columns
from casim.model.run_measures import outcome_names
from casim.present.output import csv_rows
from casim.progress import Progress
from casim.scenario.schema import Scenario
from casim.stream import DEFAULT_CHUNK_RUNS, Chunk, run_chunks

__all__ = ["StreamedComparison", "stream_comparison"]


@dataclass(frozen=True)
class StreamedComparison:
    """The paired differences of a streamed comparison and both scenarios as run (the
    per-run outcomes are in ``runs_base.csv`` and ``runs_other.csv``)."""

    differences: pd.DataFrame  # outcome, year, n, base_mean, other_mean, diff_mean, ...
    base_scenario: Scenario  # as run (the other's window)
    other_scenario: Scenario


class _Side:
    """The outcome table of one scenario, chunk by chunk: its CSV rows (every column it may
    have) in one scratch file, its values in another, per chunk a block of float64 laid
    out year by year, column by column, run by run, so that one outcome's values in one
    year are a contiguous run of each block."""

    def __init__(
        self, scenario: Scenario, documents: Sequence[str], pairs: Sequence[str], scratch: Path
    ) -> None:
        self.names = outcome_names(scenario, documents, pairs, panel=True)
        self.present: set[str] = set()
        self.years: list[int] | None = None
        self.sizes: list[int] = []  # runs of each chunk
        self.rows_path, self.values_path = scratch.with_suffix(".csv"), scratch.with_suffix(".f8")
        self.rows: IO[str] = self.rows_path.open("w", encoding="utf-8", newline="")
        self.values: IO[bytes] = self.values_path.open("wb")
        self.documents, self.pairs = documents, pairs

    def append(self, chunk: Chunk) -> None:
        table, present = outcome_columns(
            chunk.events, chunk.panel, chunk.index, chunk.scenario, self.documents, self.pairs
        )
        years = chunk.years
        if self.years is None:
            self.years = years
        runs = np.arange(chunk.first, chunk.first + chunk.runs)
        if (
            years != self.years
            or not np.array_equal(table["run"].to_numpy(), np.repeat(runs, len(years)))
            or not np.array_equal(table["year"].to_numpy(), np.tile(years, chunk.runs))
        ):
            raise RuntimeError("compare: every run needs one outcome row per year, in order")
        self.present |= present
        csv_rows(table, self.rows, header=False)
        values = table[self.names].to_numpy(dtype=np.float64)
        block = values.reshape(chunk.runs, len(years), len(self.names)).transpose(1, 2, 0)
        self.values.write(np.ascontiguousarray(block).tobytes())
        self.sizes.append(chunk.runs)

    def close(self) -> None:
        self.rows.close()
        self.values.close()

    def kept(self) -> list[str]:
        """The table's columns (after run and year): those some run has a value for."""
        return [n for n in self.names if n in self.present]

    def write_table(self, path: Path) -> None:
        """Write the outcome table with its kept columns: the header, then the rows, less
        the fields of the columns no run has (the table is numeric: no field is quoted)."""
        kept = self.kept()
        with path.open("w", encoding="utf-8", newline="") as out:
            csv_rows(pd.DataFrame(columns=["run", "year", *kept]), out, header=True)
            with self.rows_path.open(encoding="utf-8", newline="") as rows:
                if len(kept) == len(self.names):
                    shutil.copyfileobj(rows, out)
                    return
                keep = [0, 1, *(2 + i for i, n in enumerate(self.names) if n in self.present)]
                for line in rows:
                    fields = line.rstrip("\n").split(",")
                    out.write(",".join(fields[i] for i in keep) + "\n")

    def column(self, values: IO[bytes], year: int, at: int) -> np.ndarray:
        """The values of the column ``names[at]`` in ``year``: one float64 per run, in run
        order, contiguous."""
        assert self.years is not None
        width, here = len(self.names), self.years.index(year)
        parts = []
        offset = 0  # in values, where the chunk's block starts
        for size in self.sizes:
            values.seek(8 * (offset + (here * width + at) * size))
            parts.append(np.frombuffer(values.read(8 * size), dtype=np.float64))
            offset += len(self.years) * width * size
        return np.concatenate(parts)


def stream_comparison(
    base: Scenario,
    other: Scenario,
    where: Path,
    *,
    seed: int,
    runs: int,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    progress: TextIO | None = None,
) -> StreamedComparison:
    """Run both scenarios ``runs`` times from ``seed``, ``chunk_runs`` at a time (the base
    with the other's window), write ``runs_base.csv`` and ``runs_other.csv`` into the
    directory ``where`` and return the paired differences: those of
    :func:`casim.analysis.compare.compare_scenarios`. ``progress`` gets one bar (or plain
    lines) over the runs of both."""
    base = aligned(base, other)
    documents, pairs = shared(base, other)
    with (
        tempfile.TemporaryDirectory(prefix=".compare.", dir=where) as scratch,
        Progress(2 * runs, 0, progress, label="compare") as bar,
    ):
        sides = (
            _Side(base, documents, pairs, Path(scratch) / "base"),
            _Side(other, documents, pairs, Path(scratch) / "other"),
        )
        try:
            chunks = [
                run_chunks(s, seed=seed, runs=runs, chunk_runs=chunk_runs, progress=bar)
                for s in (base, other)
            ]
            for first in chunks[0]:  # one chunk's frames at a time: the base's, the other's
                sides[0].append(first)
                del first
                sides[1].append(next(chunks[1]))
        finally:
            for side in sides:
                side.close()
        sides[0].write_table(where / "runs_base.csv")
        sides[1].write_table(where / "runs_other.csv")
        differences = _differences(*sides)
    return StreamedComparison(differences, base, other)


def _differences(base: _Side, other: _Side) -> pd.DataFrame:
    """The rows of :func:`casim.analysis.compare.paired_differences`: per year both sides
    have, per outcome both tables have (in the base table's order), one outcome's values
    read at a time."""
    theirs = set(other.kept())
    names = [n for n in base.kept() if n in theirs]
    at_b = {n: i for i, n in enumerate(base.names)}
    at_o = {n: i for i, n in enumerate(other.names)}
    years = [y for y in base.years or [] if y in (other.years or [])]
    rows = []
    with base.values_path.open("rb") as vb, other.values_path.open("rb") as vo:
        for year in years:
            for n in names:
                b, o = base.column(vb, year, at_b[n]), other.column(vo, year, at_o[n])
                rows.append(difference_row(n, year, b, o))
    return pd.DataFrame(rows)
