"""The results of a sweep on disk: a Parquet dataset written one chunk file at a time.

``DIR/results/chunk-NNNNNNNN.parquet`` holds the rows of one chunk, sorted by (point,
replicate); chunks are cut from the design alone, so the files, their names and their
bytes are the same whatever the number of processes or the backend, and reading the
directory (files in name order) gives every row in (point, replicate) order. Each file is
written under a hidden temporary name and renamed into place, so a sweep killed at any
moment leaves only whole chunks, which ``--resume`` keeps.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from casim.experiment.worker import Row
from casim.scenario.errors import ScenarioError
from casim.scenario.reading import read_input_text

__all__ = ["ResultStore", "read_chunks", "read_sweep_json", "schema"]

_CHUNK = re.compile(r"^chunk-(\d{8})\.parquet$")


def schema(parameters: Sequence[str], outputs: Sequence[str]) -> pa.Schema:
    """Columns of the results: point, replicate, seed, the parameters, outputs, error."""
    fields = [
        pa.field("point", pa.int64(), nullable=False),
        pa.field("replicate", pa.int64(), nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
        *(pa.field(p, pa.float64()) for p in parameters),
        *(pa.field(o, pa.float64()) for o in outputs),
        pa.field("error", pa.string()),
    ]
    return pa.schema(fields)


class ResultStore:
    """Chunk files under ``DIR/results``."""

    def __init__(self, out: Path, schema: pa.Schema) -> None:
        self.dir = out / "results"
        self.schema = schema

    def prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.dir.glob(".*.tmp"):
            leftover.unlink()  # a write cut short by a kill

    def done(self) -> set[int]:
        """Ids of the chunks already stored."""
        if not self.dir.is_dir():
            return set()
        return {int(m.group(1)) for f in os.listdir(self.dir) if (m := _CHUNK.match(f))}

    def write(self, chunk_id: int, rows: list[Row]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.schema]
        table = pa.Table.from_arrays(
            [pa.array(col, type=f.type) for col, f in zip(columns, self.schema, strict=True)],
            schema=self.schema,
        )
        name = f"chunk-{chunk_id:08d}.parquet"
        tmp = self.dir / f".{name}.tmp"
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, self.dir / name)

    def read(self, columns: Sequence[str] | None = None) -> pa.Table:
        """All stored rows (files in name order, hence (point, replicate) order)."""
        table = read_chunks(self.dir, columns)
        return self.schema.empty_table() if table is None else table


def read_chunks(results: Path, columns: Sequence[str] | None = None) -> pa.Table | None:
    """The rows of every chunk file under ``results`` in name order, or None when there is
    none; a chunk that cannot be read is a ScenarioError naming it."""
    files = sorted(f for f in os.listdir(results) if _CHUNK.match(f))
    tables = []
    for name in files:
        try:
            tables.append(pq.read_table(results / name, columns=columns))
        except (pa.ArrowException, OSError) as err:
            found = " ".join(str(err).split())[:80]
            raise ScenarioError(
                results / name, "", "a chunk of stored runs (delete it; --resume runs it again)",
                found,
            ) from None  # fmt: skip
    if not tables:
        return None
    try:
        return pa.concat_tables(tables)
    except pa.ArrowException as err:
        found = " ".join(str(err).split())[:80]
        raise ScenarioError(results, "", "chunks of one sweep (one schema)", found) from None


def read_sweep_json(path: Path) -> dict[str, Any]:
    """The manifest of a stored sweep (``sweep.json``), or a ScenarioError naming it."""
    try:
        data = json.loads(read_input_text(path, what="JSON file"))
    except (json.JSONDecodeError, RecursionError):
        raise ScenarioError(path, "", "the JSON manifest of a sweep", "invalid JSON") from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "the JSON manifest of a sweep", "another JSON value")
    return data
