"""Rows collected during a run, and the column names of every output table.

Rows are appended as tuples while a run goes; they become DataFrames once, at the end, in
:mod:`casim.api`. Column names are constants here so that every other module refers to
them by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "EVENT_COLUMNS",
    "INDEX_KEYS",
    "PANEL_KEYS",
    "RunRecord",
]

#: Columns of ``events.csv``: one row per thing that happened.
EVENT_COLUMNS: tuple[str, ...] = (
    "run",
    "seed",
    "date",
    "kind",
    "subject",
    "object",
    "outcome",
    "origin",
)
#: Leading columns of ``panel.csv`` (the stance columns follow, see model.indicators).
PANEL_KEYS: tuple[str, ...] = ("run", "seed", "year", "state")
#: Leading columns of ``index.csv`` (components, ``trade_bn`` and ``index`` follow).
INDEX_KEYS: tuple[str, ...] = ("run", "seed", "year", "pinned")


@dataclass
class RunRecord:
    """Everything one run produced, as plain rows."""

    run: int
    seed: int
    events: list[tuple[object, ...]] = field(default_factory=list)
    panel: list[tuple[object, ...]] = field(default_factory=list)
    index: list[tuple[object, ...]] = field(default_factory=list)

    def event(
        self, date: str, kind: str, subject: str, obj: str, outcome: str, origin: str
    ) -> None:
        self.events.append((self.run, self.seed, date, kind, subject, obj, outcome, origin))
