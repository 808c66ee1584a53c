"""Progress of a long command: a tqdm bar on a terminal, otherwise a plain line at every
tenth of the work and at its end (``sweep: 40/400 runs (10%), 35 runs/s, 10 s left``), so
a log file or a pipe gets a few readable lines and no control characters."""

from __future__ import annotations

import math
import time
from typing import Any, TextIO

__all__ = ["Progress"]


class Progress:
    """Counts runs done out of ``total`` (``initial`` already done) and reports them on
    ``stream`` under ``label``; reports nothing when ``stream`` is None."""

    def __init__(
        self, total: int, initial: int = 0, stream: TextIO | None = None, *, label: str = "sweep"
    ) -> None:
        self.total, self.done, self.stream, self.label = total, initial, stream, label
        self.began = time.perf_counter()
        self.computed = 0
        self.bar: Any = None
        self.next_report = initial + max(1, total // 10)
        if stream is not None and _is_terminal(stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="run", file=stream, desc=label)

    def update(self, n: int = 1) -> None:
        self.done += n
        self.computed += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.stream is not None and (self.done >= self.next_report or self.done == self.total):
            self.next_report = self.done + max(1, self.total // 10)
            elapsed = time.perf_counter() - self.began
            rate = self.computed / elapsed if elapsed > 0 else 0.0
            left = (self.total - self.done) / rate if rate > 0 else math.inf
            print(
                f"{self.label}: {self.done}/{self.total} runs "
                f"({100 * self.done // max(1, self.total)}%), "
                f"{rate:.0f} runs/s, {left:.0f} s left",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
