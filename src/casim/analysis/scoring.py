"""Scoring an ensemble against the record: probabilities from the runs' answers, and the
baselines they are set beside.

An ensemble's probability is the mean of the answers its runs give (:mod:`casim.record`
says how one run answers a row). The Brier score is set beside two baselines read from a
reference record: climatology (each kind's rate) and persistence (the outcome of the same
question's latest earlier window).

A forecast from an origin (a pin date) is judged against baselines a forecaster could have
computed on that day: :func:`before_origin` keeps the reference rows whose window closes by
the origin, :func:`origin_climatology` takes the rates from them alone (a kind with no such
row gets the pooled rate of every kind's rows before the origin).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

from casim.record import Question, RecordRow

_Row = TypeVar("_Row", bound=Question)

__all__ = [
    "before_origin",
    "climatology",
    "ensemble_probabilities",
    "origin_climatology",
    "persistence",
    "reliability",
    "scorable",
    "skill",
]


def scorable(
    rows: Sequence[_Row], pin_until: dt.date, until: dt.date
) -> tuple[list[_Row], list[_Row], list[_Row]]:
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


def before_origin(reference: Sequence[RecordRow], origin: dt.date) -> list[RecordRow]:
    """The reference rows whose window closes on or before ``origin``: what was known on
    that day."""
    day = origin.isoformat()
    return [r for r in reference if r.end <= day]


def origin_climatology(
    reference: Sequence[RecordRow], origin: dt.date, kinds: Iterable[str] = ()
) -> dict[str, float]:
    """Each kind's rate of outcome 1 among the reference rows closing by ``origin``.

    Every kind in ``kinds`` gets a rate: a kind with no row before the origin gets the
    pooled rate of all rows before it (every kind together), and 0.5 when there is none.
    """
    known = before_origin(reference, origin)
    rates = climatology(known)
    pooled = sum(r.outcome for r in known) / len(known) if known else 0.5
    for kind in kinds:
        rates.setdefault(kind, pooled)
    return rates


def persistence(
    rows: Sequence[Question], reference: Sequence[RecordRow], fallback: dict[str, float]
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
    rows: Sequence[Question],
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
