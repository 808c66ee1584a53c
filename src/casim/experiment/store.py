"""The results of a sweep on disk: a Parquet dataset written one chunk file at a time.

``DIR/results/chunk-NNNNNNNN.parquet`` holds the rows of one chunk, sorted by (point,
replicate); chunks are cut from the design alone, so the files, their names and their
bytes are the same whatever the number of processes or the backend, and reading the
directory (files in name order) gives every row in (point, replicate) order. Each file is
written under a hidden temporary name and renamed into place, so a sweep killed at any
moment leaves only whole chunks, which ``--resume`` keeps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from casim.experiment.worker import Row

__all__ = ["ResultStore", "schema"]

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
        files = sorted(f for f in os.listdir(self.dir) if _CHUNK.match(f))
        tables = [pq.read_table(self.dir / f, columns=columns) for f in files]
        if not tables:
            return self.schema.empty_table()
        return pa.concat_tables(tables)
