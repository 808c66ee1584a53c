"""What a worker process runs: a chunk of (point, replicate) runs, into plain rows.

The payload (scenario, design, outputs) reaches each worker once; a chunk names only its
runs. A run that raises becomes a row with its error line and NaN outputs, so one bad
point never stops a sweep. No pandas here.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass

from casim.engine import Engine
from casim.experiment.design import Design, run_sequence
from casim.experiment.outputs import OutputPlan
from casim.experiment.overrides import apply_values
from casim.mechanisms import Mechanism
from casim.scenario.schema import Scenario

__all__ = ["Chunk", "Payload", "Row", "install", "run_chunk", "run_chunk_installed"]

#: (point, replicate, seed, *parameter values, *outputs, error or None)
Row = tuple[object, ...]


@dataclass(frozen=True)
class Chunk:
    """A deterministic slice of the sweep: runs ``first`` .. ``first + size - 1`` in
    (point, replicate) order."""

    id: int
    first: int
    size: int


@dataclass(frozen=True)
class Payload:
    """Everything a worker needs, sent once."""

    scenario: Scenario
    design: Design
    outputs: OutputPlan
    seed: int
    replicates: int
    common_random_numbers: bool
    keep_panel: bool = False
    mechanisms: tuple[type[Mechanism], ...] = ()  # added to the built-in ones


class _PointCache:
    """The scenario of the last design point built (chunks walk points in order)."""

    def __init__(self) -> None:
        self.point = -1
        self.scenario: Scenario | None = None

    def get(self, payload: Payload, point: int) -> Scenario:
        if point != self.point or self.scenario is None:
            d = payload.design
            ops = dict(zip(d.paths, d.ops, strict=True))
            self.scenario = apply_values(payload.scenario, d.point(point), ops)
            self.point = point
        return self.scenario


def run_chunk(payload: Payload, chunk: Chunk, cache: _PointCache | None = None) -> list[Row]:
    """Run every run of a chunk; each raising run becomes an error row."""
    cache = cache or _PointCache()
    reps = payload.replicates
    n_out = len(payload.outputs.columns)
    rows: list[Row] = []
    for k in range(chunk.first, chunk.first + chunk.size):
        point, replicate = divmod(k, reps)
        params = [float(v) for v in payload.design.values[point]]
        try:
            scenario = cache.get(payload, point)
            seq = run_sequence(payload.seed, point, replicate, reps, payload.common_random_numbers)
            rec = Engine(
                scenario,
                seq,
                replicate,
                payload.seed,
                panel=payload.keep_panel,
                mechanisms=payload.mechanisms,
            ).run()
            values = payload.outputs.values(rec, scenario)
            rows.append((point, replicate, payload.seed, *params, *values, None))
        except Exception as err:  # recorded; the sweep goes on
            line = " ".join(f"{type(err).__name__}: {err}".split())
            where = traceback.extract_tb(err.__traceback__)[-1]
            line = f"{line} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
            rows.append((point, replicate, payload.seed, *params, *([math.nan] * n_out), line))
    return rows


# One payload per worker process, installed by the pool's initializer (or scattered once
# by Dask): a cache of the experiment, not random state.
_INSTALLED: list[Payload] = []
_CACHE = _PointCache()


def install(payload: Payload) -> None:
    """Pool initializer: keep the payload for the chunks this process will run."""
    _INSTALLED[:] = [payload]


def run_chunk_installed(chunk: Chunk) -> list[Row]:
    """Run a chunk against the installed payload (process-pool workers)."""
    return run_chunk(_INSTALLED[0], chunk, _CACHE)
