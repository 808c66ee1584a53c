"""The streaming API: an ensemble run chunk by chunk, each chunk's tables as DataFrames.

>>> import casim
>>> scenario = casim.load_scenario("scenarios/history.toml")
>>> for chunk in casim.run_chunks(scenario, seed=1, runs=1000):  # doctest: +SKIP
...     chunk.index.groupby("year")["index"].median()

:func:`casim.api.run` holds every run of an ensemble; :func:`run_chunks` holds one chunk
at a time, so its memory does not grow with the number of runs. Run ``r`` draws from the
same seed sequence either way (``SeedSequence(seed).spawn(runs)[r]``), and the chunks'
rows, one after the other, are the rows of :class:`casim.api.Result` for the same
scenario, seed and runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

import pandas as pd

from casim.api import frames, run_one
from casim.mechanisms import Mechanism
from casim.model.measures import dyads as pair_panel
from casim.progress import Progress
from casim.rng import run_seed_chunks
from casim.scenario.schema import Scenario

__all__ = ["DEFAULT_CHUNK_RUNS", "Chunk", "run_chunks"]

#: Runs per chunk: while a chunk of the history scenario's runs becomes frames and tables
#: it holds about 0.7 MB per run, on top of some 150 MB for casim and its libraries; a
#: chunk of 100 runs keeps that near 70 MB and costs no time against larger chunks (the
#: per-run measures look each run up in its chunk's event log, so larger chunks are not
#: faster).
DEFAULT_CHUNK_RUNS = 100


@dataclass(frozen=True)
class Chunk:
    """The tables of runs ``first`` to ``first + runs - 1`` of an ensemble (the columns of
    :class:`casim.api.Result`'s tables)."""

    scenario: Scenario  # as run (window applied)
    seed: int
    first: int
    runs: int
    events: pd.DataFrame
    panel: pd.DataFrame
    index: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """The years of the chunk's index table, in order (every run has the same)."""
        return sorted(int(y) for y in self.index["year"].unique())

    @property
    def dyads(self) -> pd.DataFrame:
        """The chunk's pair panel (see :attr:`casim.api.Result.dyads`; it is read run by
        run, so the chunks' pair panels, one after the other, are the ensemble's)."""
        return pair_panel(self.events, self.panel, self.scenario, self.years)


def run_chunks(
    scenario: Scenario,
    *,
    seed: int = 1,
    runs: int = 1,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    pin_until: dt.date | None = None,
    known_until: dt.date | None = None,
    until: dt.date | None = None,
    mechanisms: Sequence[type[Mechanism]] = (),
    progress: TextIO | Progress | None = None,
) -> Iterator[Chunk]:
    """Run ``runs`` replicates of a scenario from ``seed``, ``chunk_runs`` at a time, and
    yield each chunk's tables in run order; the arguments are those of
    :func:`casim.api.run`. The runs of a chunk are simulated when it is asked for."""
    from casim.scenario.load import with_window

    for name, value in (("runs", runs), ("chunk_runs", chunk_runs)):
        if value < 1:
            raise ValueError(f"{name}: expected a positive integer, found {value}")
    scenario = with_window(scenario, pin_until=pin_until, known_until=known_until, until=until)
    bar = progress if isinstance(progress, Progress) else Progress(runs, 0, progress, label="run")
    return _chunks(scenario, seed, runs, chunk_runs, mechanisms, bar, own=bar is not progress)


def _chunks(
    scenario: Scenario,
    seed: int,
    runs: int,
    size: int,
    mechanisms: Sequence[type[Mechanism]],
    bar: Progress,
    *,
    own: bool,
) -> Iterator[Chunk]:
    first = 0
    try:
        for seqs in run_seed_chunks(seed, runs, size):
            records = []
            for i, seq in enumerate(seqs):
                records.append(run_one(scenario, seq, first + i, seed, mechanisms))
                bar.update()
            ev, panel, index = frames(scenario, records)
            del records
            yield Chunk(scenario, seed, first, len(seqs), ev, panel, index)
            first += len(seqs)
    finally:
        if own:
            bar.close()
