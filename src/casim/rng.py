"""Named random streams derived from one seed.

Each mechanism (and each entity within it) draws from its own stream, so a change in one
mechanism leaves the draws of every other alone: two scenarios run with the same seed see
common random numbers. There is no global random state anywhere in casim.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Streams", "run_seed_sequences"]


def _name_key(name: str) -> int:
    """A stable 63-bit integer for a stream name (independent of PYTHONHASHSEED)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def run_seed_sequences(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """The seed sequence of each run: ``SeedSequence(seed).spawn(runs)``."""
    return np.random.SeedSequence(seed).spawn(runs)


class Streams:
    """Lazily created generators, one per name, all children of one seed sequence."""

    __slots__ = ("_base", "_cache")

    def __init__(self, base: np.random.SeedSequence) -> None:
        self._base = base
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence(
                entropy=self._base.entropy,
                spawn_key=(*self._base.spawn_key, _name_key(name)),
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen
