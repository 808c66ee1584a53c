"""Record files (``../shared/record`` format), how runs answer their rows, and scores.

A record row is a yes/no question about a window (``kind, subject, object, start, end,
outcome``). One run answers it 0 or 1 from its event log, or not at all when the question
does not arise in that run (whether the head attended the meeting of a year without one).
An ensemble's probability is the mean of the answers its runs give. The Brier score is
computed per kind and averaged over kinds, and set beside two baselines read from a
reference record: climatology (each kind's rate) and persistence (the outcome of the same
question's latest earlier window). Pure Python: answers are computed inside sweeps.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casim.scenario.errors import ScenarioError, format_found

__all__ = [
    "RECORD_KINDS",
    "EventIndex",
    "RecordRow",
    "answer",
    "brier_by_kind",
    "climatology",
    "ensemble_probabilities",
    "load_record",
    "persistence",
    "reliability",
    "scorable",
    "skill",
]

#: The kinds a record row may have, and so the kinds casim answers.
RECORD_KINDS: tuple[str, ...] = (
    "summit_held",
    "summit_head_attended",
    "treaty_signed",
    "border_treaty_signed",
    "border_clash_major",
)
_COLUMNS = ("id", "kind", "subject", "object", "start", "end", "outcome")
#: The kinds of the event log that answers are read from.
_ANSWERING_KINDS = frozenset(
    {"summit_held", "summit_attended", "treaty_signed", "border_treaty_signed", "border_clash"}
)


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

    def __init__(self, events: Iterable[Sequence[Any]]) -> None:
        self.by_key: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.meetings: list[str] = []  # dates of the meetings held
        by_key = self.by_key
        for ev in events:  # rows as in casim.record.EVENT_COLUMNS: all text but run, seed
            kind = ev[3]
            if kind in _ANSWERING_KINDS:
                key = (kind, ev[4])
                if key in by_key:
                    by_key[key].append((ev[2], ev[5]))
                else:
                    by_key[key] = [(ev[2], ev[5])]
                if kind == "summit_held":
                    self.meetings.append(ev[2])

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


def scorable(
    rows: Sequence[RecordRow], pin_until: dt.date, until: dt.date
) -> tuple[list[RecordRow], list[RecordRow], list[RecordRow]]:
    """Split rows into (scored, closed, beyond).

    A row is scored when its window closes after the pin date (its outcome is not
    imposed) and on or before the last simulated day; ``closed`` rows end on or before
    the pin date and are answered by the imposed record; ``beyond`` rows end after the
    simulation does.
    """
    pin, last = pin_until.isoformat(), until.isoformat()
    scored = [r for r in rows if pin < r.end <= last]
    closed = [r for r in rows if r.end <= pin]
    beyond = [r for r in rows if r.end > last]
    return scored, closed, beyond


def climatology(reference: Sequence[RecordRow]) -> dict[str, float]:
    """Each kind's rate of outcome 1 in a reference record (kinds it holds only)."""
    hits: dict[str, list[int]] = {}
    for row in reference:
        hits.setdefault(row.kind, []).append(row.outcome)
    return {k: sum(v) / len(v) for k, v in hits.items()}


def persistence(
    rows: Sequence[RecordRow], reference: Sequence[RecordRow], fallback: dict[str, float]
) -> list[float]:
    """The "nothing changes" forecast: for each row, the outcome of the reference row with
    the same kind, subject and object whose window ended last before the row's opens
    (the same row excluded); the kind's ``fallback`` rate (0.5 if none) when there is none.
    """
    latest: dict[tuple[str, str, str], list[RecordRow]] = {}
    for ref in reference:
        latest.setdefault((ref.kind, ref.subject, ref.object), []).append(ref)
    out: list[float] = []
    for row in rows:
        earlier = [
            r
            for r in latest.get((row.kind, row.subject, row.object), ())
            if r.end < row.start and r.id != row.id
        ]
        if earlier:
            out.append(float(max(earlier, key=lambda r: (r.end, r.start)).outcome))
        else:
            out.append(fallback.get(row.kind, 0.5))
    return out


def ensemble_probabilities(
    rows: Sequence[RecordRow],
    answers: Iterable[Sequence[float]],
    fallback: dict[str, float],
) -> tuple[list[float], list[int]]:
    """Each row's probability of outcome 1 from its runs' answers, and how many runs
    answered it.

    ``answers`` holds one sequence per run, in the order of ``rows``: 0, 1, or NaN (or
    None) when the question did not arise in that run. A row no run answered gets the
    kind's ``fallback`` rate (0.5 if none): the model has no view on it.
    """
    n = len(rows)
    ones = [0.0] * n
    counts = [0] * n
    for run in answers:
        for i, a in enumerate(run):
            if a is not None and a == a:  # NaN != NaN
                ones[i] += a
                counts[i] += 1
    probs = [
        ones[i] / counts[i] if counts[i] else fallback.get(rows[i].kind, 0.5) for i in range(n)
    ]
    return probs, counts


def skill(score: float, reference: float) -> float:
    """Brier skill score, 1 - score / reference: 1 is perfect, 0 no better than the
    reference, negative worse (NaN when the reference is perfect)."""
    return 1.0 - score / reference if reference > 0 else math.nan


def reliability(
    probabilities: Sequence[float], outcomes: Sequence[int], bins: int = 10
) -> list[tuple[float, float, float, int]]:
    """Reliability table: per non-empty bin of forecast probability, (bin middle, mean
    forecast, observed frequency, rows). Bins are [k/bins, (k+1)/bins), the last closed."""
    groups: dict[int, list[tuple[float, int]]] = {}
    for p, o in zip(probabilities, outcomes, strict=True):
        groups.setdefault(min(int(p * bins), bins - 1), []).append((p, o))
    table = []
    for k in sorted(groups):
        g = groups[k]
        table.append(
            (
                (k + 0.5) / bins,
                sum(p for p, _ in g) / len(g),
                sum(o for _, o in g) / len(g),
                len(g),
            )
        )
    return table
