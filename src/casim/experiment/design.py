"""Design points of an experiment: a full grid, or a sampled design via SALib.

``grid`` crosses every parameter's values (the first parameter varies slowest); ``lhs``
is a Latin hypercube of ``samples`` points; ``sobol`` is Saltelli's scheme as SALib draws
it (``samples * (D + 2)`` points, ``samples * (2D + 2)`` with second order) and
``morris`` is ``samples`` trajectories of ``D + 1`` points on ``levels`` levels. Sampled
designs draw from ``SeedSequence([seed, 0x64657369676E])`` (the tag spells "design"), so a
design is a function of the experiment file alone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from casim.experiment.spec import Experiment

__all__ = ["Design", "build_design", "run_sequence"]

#: Second entropy word of the design's seed sequence, ``SeedSequence([seed, _DESIGN_TAG])``,
#: so that design draws never share a stream with a run ("design" in ASCII).
_DESIGN_TAG = 0x64657369676E


@dataclass(frozen=True)
class Design:
    """The design points: one row of ``values`` per point, one column per parameter."""

    kind: str
    columns: tuple[str, ...]  # column names of the parameters
    paths: tuple[str, ...]
    ops: tuple[str, ...]
    values: np.ndarray  # shape (points, parameters), float64
    problem: dict[str, Any]  # SALib's problem definition

    @property
    def points(self) -> int:
        return int(self.values.shape[0])

    def point(self, i: int) -> dict[str, float]:
        """The parameter values of point ``i`` as {path: value}."""
        return {p: float(v) for p, v in zip(self.paths, self.values[i], strict=True)}


def build_design(exp: Experiment) -> Design:
    spec = exp.spec
    params = spec.parameters
    columns = tuple(p.column for p in params)
    problem: dict[str, Any] = {
        "num_vars": len(params),
        "names": list(columns),
        "bounds": [[p.low, p.high] for p in params] if spec.design.kind != "grid" else [],
    }
    kind = spec.design.kind
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, _DESIGN_TAG]))
    n = spec.design.samples
    if kind == "grid":
        grids = [p.values or [] for p in params]
        combos = list(itertools.product(*grids))  # one empty combination without parameters
        values = np.array(combos, dtype=float).reshape(len(combos), len(params))
    elif kind == "lhs":
        from SALib.sample import latin

        values = latin.sample(problem, n, seed=rng)
    elif kind == "sobol":
        from SALib.sample import sobol

        values = sobol.sample(
            problem, n, calc_second_order=spec.design.second_order, scramble=True, seed=rng
        )
    else:
        from SALib.sample import morris

        values = morris.sample(problem, n, num_levels=spec.design.levels, seed=rng)
    return Design(
        kind=kind,
        columns=columns,
        paths=tuple(p.path for p in params),
        ops=tuple(p.op for p in params),
        values=np.ascontiguousarray(values, dtype=float),
        problem=problem,
    )


def run_sequence(
    seed: int, point: int, replicate: int, replicates: int, common: bool
) -> np.random.SeedSequence:
    """The seed sequence of one run of a sweep.

    Independent streams (default): ``SeedSequence(seed).spawn(points)[point]
    .spawn(replicates)[replicate]``, that is ``SeedSequence(seed, spawn_key=(point,
    replicate))``. With common random numbers: ``SeedSequence(seed).spawn(replicates)
    [replicate]``, the seed sequence of run ``replicate`` of ``casim run --seed seed``.
    """
    if common:
        return np.random.SeedSequence(seed, spawn_key=(replicate,))
    return np.random.SeedSequence(seed, spawn_key=(point, replicate))
