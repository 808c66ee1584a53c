"""Named random streams derived from one seed.

Each mechanism (and each entity within it) draws from its own stream, so a change in one
mechanism leaves the draws of every other alone: two scenarios run with the same seed see
common random numbers. There is no global random state anywhere in casim.

A run is identified by its numpy ``SeedSequence`` (its entropy and spawn key). The stream
named ``name`` is a PCG64 generator whose seed words are the BLAKE2b digest of that
identity and the name (:class:`NamedSeed`): as well mixed as a SeedSequence child, and
about three times cheaper to create, which matters because a run creates some fifty
streams.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

__all__ = ["NamedSeed", "Streams", "run_seed_chunks", "run_seed_sequences"]


def run_seed_sequences(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """The seed sequence of each run: ``SeedSequence(seed).spawn(runs)``."""
    return np.random.SeedSequence(seed).spawn(runs)


def run_seed_chunks(seed: int, runs: int, size: int) -> Iterator[list[np.random.SeedSequence]]:
    """The seed sequences of :func:`run_seed_sequences`, ``size`` runs at a time (the last
    chunk may be shorter): ``spawn`` numbers its children in order, so spawning
    ``SeedSequence(seed)`` chunk by chunk gives run ``r`` the same sequence, without holding
    one object per run of a large ensemble."""
    if size < 1:
        raise ValueError(f"size: expected a positive integer, found {size}")
    parent = np.random.SeedSequence(seed)
    for first in range(0, runs, size):
        yield parent.spawn(min(size, runs - first))


class NamedSeed(ISeedSequence):
    """Seed words for one named stream: BLAKE2b(identity of the run, name) in counter mode."""

    __slots__ = ("key",)

    def __init__(self, base: np.random.SeedSequence | bytes, name: str) -> None:
        prefix = base if isinstance(base, bytes) else _identity(base)
        self.key = prefix + name.encode()

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        dt = np.dtype(dtype)
        size = n_words * dt.itemsize
        blocks = []
        for counter in range(-(-size // 64)):
            h = hashlib.blake2b(self.key, digest_size=64, salt=counter.to_bytes(16, "little"))
            blocks.append(h.digest())
        data = b"".join(blocks)[:size]
        return np.frombuffer(data, dtype=dt.newbyteorder("<")).astype(dt)


def _identity(base: np.random.SeedSequence) -> bytes:
    return f"casim-stream|{base.entropy}|{tuple(base.spawn_key)}|".encode()


class Streams:
    """Lazily created generators, one per name, all derived from one run's seed sequence."""

    __slots__ = ("_cache", "_prefix")

    def __init__(self, base: np.random.SeedSequence) -> None:
        self._prefix = _identity(base)
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        gen = self._cache.get(name)
        if gen is None:
            seed = NamedSeed(self._prefix, name)  # an ISeedSequence; numpy stubs omit it
            gen = np.random.Generator(np.random.PCG64(seed))  # type: ignore[arg-type]
            self._cache[name] = gen
        return gen
