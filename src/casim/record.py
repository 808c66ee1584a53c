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
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from casim.log import KINDS, RECORD_KINDS, EventRow
from casim.scenario.errors import ScenarioError, format_found
from casim.scenario.reading import read_input_text
from casim.scenario.schema import Scenario

__all__ = [
    "RECORD_KINDS",
    "EventIndex",
    "Question",
    "RecordRow",
    "answer",
    "brier_by_kind",
    "check_record",
    "load_questions",
    "load_record",
    "question_cells",
    "record_csv",
]

_COLUMNS = ("id", "kind", "subject", "object", "start", "end", "outcome")
#: The kinds of the event log that answers are read from (the log's vocabulary says which
#: record kinds each answers).
_ANSWERING_KINDS = frozenset(k.name for k in KINDS.values() if k.record)
#: Record kinds whose subject is a border pair.
_PAIR_KINDS = frozenset({"border_treaty_signed", "border_clash_major"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Question:
    """One yes/no question about a window (dates as ISO strings, inclusive), its outcome
    not yet known: a row of a question file whose ``outcome`` is empty."""

    id: str
    kind: str
    subject: str
    object: str
    start: str
    end: str


@dataclass(frozen=True)
class RecordRow(Question):
    """A question with its outcome: 1 if it happened in the window, else 0."""

    outcome: int


def question_cells(q: Question) -> list[str]:
    """A question's cells as a file of the record's format lists them: id, kind, subject,
    object, start, end."""
    return [q.id, q.kind, q.subject, q.object, q.start, q.end]


def record_csv(rows: Sequence[RecordRow], notes: Callable[[RecordRow], tuple[str, str]]) -> str:
    """A record file of ``rows``: the record's columns, then ``note`` and ``source`` as
    ``notes(row)`` gives them; :func:`load_record` reads it back as ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*_COLUMNS, "note", "source"])
    for r in rows:
        writer.writerow([*question_cells(r), r.outcome, *notes(r)])
    return out.getvalue()


def load_record(path: str | Path) -> tuple[RecordRow, ...]:
    """Read and check a record file; any defect is one ScenarioError line.

    Dates are ISO dates ``YYYY-MM-DD`` (rows are compared as text, so no other form is
    accepted); the subject of a border kind is a pair in alphabetical order (``KGZ-TJK``);
    every row has an outcome, 0 or 1. Whether the states, pairs and treaties exist in a
    scenario is :func:`check_record`'s.
    """
    rows = _load(Path(path), questions=False)
    return tuple(r for r in rows if isinstance(r, RecordRow))


def load_questions(path: str | Path) -> tuple[Question, ...]:
    """Read and check a question file: the record's format, where an empty ``outcome``
    means not yet known (such a row is a :class:`Question`; a row with 0 or 1 is a
    :class:`RecordRow`). Otherwise checked as :func:`load_record` checks a record."""
    return _load(Path(path), questions=True)


def _load(path: Path, *, questions: bool) -> tuple[Question, ...]:
    text = read_input_text(path, what="question file" if questions else "record file")
    reader = csv.DictReader(text.splitlines())
    try:
        return _rows(path, reader, questions)
    except csv.Error as err:
        raise ScenarioError(
            path, f"line {reader.line_num + 1}", "a CSV row", format_found(str(err))
        ) from None


def _rows(path: Path, reader: csv.DictReader[str], questions: bool) -> tuple[Question, ...]:
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ScenarioError(
            path, "header", f"the columns {', '.join(_COLUMNS)}", f"no {missing[0]}"
        )
    rows: list[Question] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        rows.append(_row(path, f"line {n}", raw, seen, questions))
    if not rows:
        raise ScenarioError(path, "", "at least one row", "none")
    return tuple(rows)


def _row(
    path: Path, where: str, raw: dict[str, str | None], seen: set[str], questions: bool
) -> Question:
    """One checked row (``seen``: the ids of the rows before it, to which its id is added;
    ``questions``: an empty outcome is allowed and makes the row a :class:`Question`)."""
    kind = raw["kind"] or ""
    if kind not in RECORD_KINDS:
        raise ScenarioError(
            path, f"{where}.kind", f"one of {', '.join(RECORD_KINDS)}", format_found(raw["kind"])
        )
    for col in ("start", "end"):
        value = raw[col] or ""
        try:
            ok = bool(_ISO_DATE.fullmatch(value)) and bool(dt.date.fromisoformat(value))
        except ValueError:
            ok = False
        if not ok:
            raise ScenarioError(
                path, f"{where}.{col}", "an ISO date YYYY-MM-DD", format_found(raw[col])
            )
    start, end = raw["start"] or "", raw["end"] or ""
    if start > end:
        raise ScenarioError(path, f"{where}.end", "a date on or after start", end)
    unknown = questions and not (raw["outcome"] or "").strip()
    if raw["outcome"] not in ("0", "1") and not unknown:
        expected = "0, 1 or empty (not yet known)" if questions else "0 or 1"
        raise ScenarioError(path, f"{where}.outcome", expected, format_found(raw["outcome"]))
    row_id = raw["id"] or ""
    if not row_id.strip() or row_id in seen:
        raise ScenarioError(path, f"{where}.id", "a unique id", format_found(raw["id"]))
    seen.add(row_id)
    subject = raw["subject"] or ""
    if kind in _PAIR_KINDS:
        parts = subject.split("-")
        if len(parts) != 2 or parts[0] >= parts[1]:
            hint = "-".join(sorted(parts)) if len(parts) == 2 else "KGZ-TJK"
            raise ScenarioError(
                path,
                f"{where}.subject",
                f"two state codes in alphabetical order joined by '-' ({hint})",
                format_found(subject),
            )
    obj = raw["object"] or ""
    if unknown:
        return Question(row_id, kind, subject, obj, start, end)
    return RecordRow(row_id, kind, subject, obj, start, end, int(raw["outcome"] or ""))


def check_record(rows: Sequence[Question], scenario: Scenario, path: Path | str) -> None:
    """Refuse a row about a state, border pair or treaty the scenario does not have (a run
    would answer it 0, with full confidence). ``rows`` are in file order: row ``i`` is on
    line ``i + 2``."""
    for i, row in enumerate(rows):
        where = f"line {i + 2}"
        if row.kind in _PAIR_KINDS:
            if row.subject not in scenario.borders:
                known = ", ".join(scenario.borders)
                raise ScenarioError(
                    path, f"{where}.subject", f"a border pair of the scenario ({known})",
                    format_found(row.subject),
                )  # fmt: skip
        elif row.subject not in scenario.states:
            known = ", ".join(scenario.states)
            raise ScenarioError(
                path, f"{where}.subject", f"a state of the scenario ({known})",
                format_found(row.subject),
            )  # fmt: skip
        if row.kind == "treaty_signed" and row.object not in scenario.documents:
            raise ScenarioError(
                path, f"{where}.object", "a document id of the scenario's [documents]",
                format_found(row.object),
            )  # fmt: skip


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


def answer(row: Question, log: EventIndex) -> int | None:
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
