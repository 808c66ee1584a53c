"""The historical record (``../shared/record`` format): its rows, how one run answers
them, and the Brier score of a set of answers.

A record row is a yes/no question about a window (``kind, subject, object, start, end,
outcome``). One run answers it 0 or 1 from its event log, or not at all when the question
does not arise in that run (whether the head attended the meeting of a year without one).
The Brier score is computed per kind and averaged over kinds. Pure Python: answers are
computed inside sweeps. Ensemble probabilities and the baselines they are set beside are
in :mod:`casim.analysis.scoring`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from casim.log import KINDS, RECORD_KINDS, EventRow
from casim.scenario.errors import ScenarioError, format_found

__all__ = [
    "RECORD_KINDS",
    "EventIndex",
    "RecordRow",
    "answer",
    "brier_by_kind",
    "load_record",
]

_COLUMNS = ("id", "kind", "subject", "object", "start", "end", "outcome")
#: The kinds of the event log that answers are read from (the log's vocabulary says which
#: record kinds each answers).
_ANSWERING_KINDS = frozenset(k.name for k in KINDS.values() if k.record)


@dataclass(frozen=True)
class RecordRow:
    """One yes/no question about a window (dates as ISO strings, inclusive)."""

    id: str
    kind: str
    subject: str
    object: str
    start: str
    end: str
    outcome: int


def load_record(path: str | Path) -> tuple[RecordRow, ...]:
    """Read and check a record file; any defect is one ScenarioError line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "an existing record file", "no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(path, "", "a readable UTF-8 CSV file", str(err)) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ScenarioError(
            path, "header", f"the columns {', '.join(_COLUMNS)}", f"no {missing[0]}"
        )
    rows: list[RecordRow] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        where = f"line {n}"
        if raw["kind"] not in RECORD_KINDS:
            raise ScenarioError(
                path,
                f"{where}.kind",
                f"one of {', '.join(RECORD_KINDS)}",
                format_found(raw["kind"]),
            )
        for col in ("start", "end"):
            try:
                dt.date.fromisoformat(raw[col] or "")
            except ValueError:
                raise ScenarioError(
                    path, f"{where}.{col}", "an ISO date YYYY-MM-DD", format_found(raw[col])
                ) from None
        if raw["start"] > raw["end"]:
            raise ScenarioError(path, f"{where}.end", "a date on or after start", raw["end"])
        if raw["outcome"] not in ("0", "1"):
            raise ScenarioError(path, f"{where}.outcome", "0 or 1", format_found(raw["outcome"]))
        if not raw["id"] or raw["id"] in seen:
            raise ScenarioError(path, f"{where}.id", "a unique id", format_found(raw["id"]))
        seen.add(raw["id"])
        rows.append(
            RecordRow(
                raw["id"],
                raw["kind"],
                raw["subject"] or "",
                raw["object"] or "",
                raw["start"],
                raw["end"],
                int(raw["outcome"]),
            )
        )
    if not rows:
        raise ScenarioError(path, "", "at least one row", "none")
    return tuple(rows)


class EventIndex:
    """One run's event log, indexed by (kind, subject): a list of (date, object)."""

    __slots__ = ("by_key", "meetings")

    def __init__(self, events: Iterable[EventRow]) -> None:
        self.by_key: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.meetings: list[str] = []  # dates of the meetings held
        by_key = self.by_key
        for ev in events:
            kind = ev.kind
            if kind in _ANSWERING_KINDS:
                key = (kind, ev.subject)
                if key in by_key:
                    by_key[key].append((ev.date, ev.object))
                else:
                    by_key[key] = [(ev.date, ev.object)]
                if kind == "summit_held":
                    self.meetings.append(ev.date)

    def within(self, kind: str, subject: str, start: str, end: str) -> list[str]:
        """Objects of the events of a kind and subject dated in [start, end]."""
        return [o for d, o in self.by_key.get((kind, subject), ()) if start <= d <= end]


def answer(row: RecordRow, log: EventIndex) -> int | None:
    """1 if the run's log says the row's event happened, 0 if not, None if it cannot arise.

    - ``summit_held``: a meeting hosted by the subject opened in the window;
    - ``summit_head_attended``: the subject's head attended in person the meeting held in
      the window (0 if it sent a stand-in or nobody); None when no meeting was held in the
      window, as the record asks this only about a meeting that took place;
    - ``treaty_signed``: the subject signed the treaty on or before ``end``;
    - ``border_treaty_signed``: the pair signed a border treaty in the window;
    - ``border_clash_major``: a clash the model calls major took place in the window.
    """
    s, e = row.start, row.end
    if row.kind == "summit_held":
        return int(bool(log.within("summit_held", row.subject, s, e)))
    if row.kind == "summit_head_attended":
        days = [d for d in log.meetings if s <= d <= e]
        if not days:
            return None
        levels = [o for d, o in log.by_key.get(("summit_attended", row.subject), ()) if d in days]
        return int("head" in levels)
    if row.kind == "treaty_signed":
        return int(row.object in log.within("treaty_signed", row.subject, "0000", e))
    if row.kind == "border_treaty_signed":
        return int(bool(log.within("border_treaty_signed", row.subject, s, e)))
    return int("major" in log.within("border_clash", row.subject, s, e))


def brier_by_kind(
    rows: Sequence[RecordRow], probabilities: Sequence[float | None]
) -> dict[str, float]:
    """Brier score per kind, mean((p - outcome)^2), and ``overall``: the mean over kinds.

    A row answered None (the question did not arise) is left out; a kind with no row left
    is absent, and ``overall`` is NaN when no row is left at all.
    """
    sums: dict[str, list[float]] = {}
    for row, p in zip(rows, probabilities, strict=True):
        if p is not None:
            sums.setdefault(row.kind, []).append((p - row.outcome) ** 2)
    scores = {k: sum(v) / len(v) for k in RECORD_KINDS if (v := sums.get(k))}
    scores["overall"] = sum(scores.values()) / len(scores) if scores else math.nan
    return scores
