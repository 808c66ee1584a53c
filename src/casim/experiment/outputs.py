"""What one run of a sweep keeps: a flat row of numbers read off its record.

Pure Python over the run's rows (no pandas): this is on the hot path of every sweep. The
``measures`` come from :func:`casim.model.run_measures.outcome_rows`, the function the
outcome table of ``casim compare`` is built from, so a measure has one formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from casim.log import RECORD_KINDS, RunRecord
from casim.model.indicators import COMPONENTS, panel_columns
from casim.model.run_measures import events_of, outcome_rows
from casim.record import EventIndex, Question, RecordRow, answer, brier_by_kind
from casim.scenario.schema import Scenario

__all__ = ["OutputPlan"]

_IX_YEAR, _IX_FIRST_COMPONENT, _IX_INDEX = 2, 4, -1
_PANEL_STATE, _PANEL_FIRST = 3, 4  # panel rows: run, seed, year, state, *panel_columns


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


@dataclass(frozen=True)
class OutputPlan:
    """The output columns of a sweep and how to fill them from a run record."""

    years: tuple[int, ...]
    components: bool
    event_counts: tuple[str, ...]
    signatures: tuple[str, ...]
    settlements: tuple[str, ...]
    record: tuple[Question, ...] = ()  # a row with no outcome is answered, not scored
    answers: bool = False  # also answer_<row id>: 0, 1, or NaN when the question does not arise
    measures: tuple[str, ...] = ()  # <measure>_<year>: columns of the outcome table

    @property
    def needs_panel(self) -> bool:
        """Whether a measure is read off the panel (which the run must then keep)."""
        return any(m.startswith("disposition_") for m in self.measures)

    @cached_property
    def record_kinds(self) -> list[str]:
        present = {row.kind for row in self.record}
        return [k for k in RECORD_KINDS if k in present]

    @property
    def columns(self) -> list[str]:
        cols = [f"index_{y}" for y in self.years]
        if self.components:
            cols += [f"{c}_{y}" for y in self.years for c in COMPONENTS]
        cols += [f"{m}_{y}" for y in self.years for m in self.measures]
        cols += [f"n_{_slug(k)}" for k in self.event_counts]
        cols += [f"signed_{d}" for d in self.signatures]
        cols += [f"settled_{p}" for p in self.settlements]
        if self.record:
            cols += ["record_brier", *(f"record_brier_{k}" for k in self.record_kinds)]
            if self.answers:
                cols += [f"answer_{row.id}" for row in self.record]
        return cols

    @cached_property
    def _wanted(self) -> dict[str, list[tuple[str, str]]]:
        """The event counts by log kind: (column key, object filter or '')."""
        wanted: dict[str, list[tuple[str, str]]] = {}
        for key in self.event_counts:
            kind, _, obj = key.partition(":")
            wanted.setdefault(kind, []).append((key, obj))
        return wanted

    def values(self, rec: RunRecord, scenario: Scenario | None = None) -> list[float]:
        """The row of one run, in the order of :attr:`columns` (``scenario``, the one the
        run ran, is needed for ``measures``)."""
        out = self._index_values(rec)
        if self.measures:
            if scenario is None:
                raise ValueError("OutputPlan.values: measures need the run's scenario")
            out += self._measure_values(rec, scenario)
        out += self._event_values(rec)
        if self.record:
            out += self._record_values(rec)
        return out

    def _index_values(self, rec: RunRecord) -> list[float]:
        """index_<year>, then <component>_<year> if asked (NaN for a year not run)."""
        by_year = {row[_IX_YEAR]: row for row in rec.index}
        out: list[float] = []
        for y in self.years:
            row = by_year.get(y)
            out.append(float(row[_IX_INDEX]) if row else math.nan)  # type: ignore[arg-type]
        if self.components:
            for y in self.years:
                row = by_year.get(y)
                for j in range(len(COMPONENTS)):
                    value = row[_IX_FIRST_COMPONENT + j] if row else math.nan
                    out.append(float(value))  # type: ignore[arg-type]
        return out

    def _measure_values(self, rec: RunRecord, scenario: Scenario) -> list[float]:
        """<measure>_<year> from the outcome rows of the run (NaN for a year not run, or a
        state's disposition while it is no participant)."""
        names = [*COMPONENTS, "trade_bn", "index"]
        index: dict[int, dict[str, float]] = {}
        for row in rec.index:
            values = cast("Sequence[float]", row[_IX_FIRST_COMPONENT:])
            index[cast("int", row[_IX_YEAR])] = dict(zip(names, values, strict=True))
        disposition: dict[tuple[int, str], float] = {}
        if rec.panel:
            at = _PANEL_FIRST + panel_columns(scenario).index("disposition")
            for row in rec.panel:
                key = (cast("int", row[_IX_YEAR]), cast("str", row[_PANEL_STATE]))
                disposition[key] = cast("float", row[at])
        table = outcome_rows(
            events_of(rec.events),
            index,
            disposition,
            scenario,
            list(scenario.documents),
            list(scenario.borders),
        )
        by_year = dict(zip(index, table, strict=True))
        out: list[float] = []
        for y in self.years:
            found = by_year.get(y, {})
            out += [float(found.get(m, math.nan)) for m in self.measures]
        return out

    def _event_values(self, rec: RunRecord) -> list[float]:
        """n_<kind>, signed_<doc> and settled_<pair>, in one pass over the log."""
        wanted = self._wanted
        counts = dict.fromkeys(self.event_counts, 0)
        signers: dict[str, set[str]] = {doc: set() for doc in self.signatures}
        settled: dict[str, float] = {}
        for ev in rec.events:
            kind = ev.kind
            for key, obj in wanted.get(kind, ()):
                if not obj or ev.object == obj:
                    counts[key] += 1
            if kind == "treaty_signed" and ev.object in signers:
                signers[ev.object].add(ev.subject)
            elif kind == "border_treaty_signed" and ev.subject not in settled:
                settled[ev.subject] = float(ev.date[:4])
        out = [float(counts[k]) for k in self.event_counts]
        out += [float(len(signers[doc])) for doc in self.signatures]
        out += [settled.get(pair, math.nan) for pair in self.settlements]
        return out

    def _record_values(self, rec: RunRecord) -> list[float]:
        """record_brier, record_brier_<kind>, then answer_<row id> if asked."""
        log = EventIndex(rec.events)
        answers = [answer(row, log) for row in self.record]
        known = [
            (r, a) for r, a in zip(self.record, answers, strict=True) if isinstance(r, RecordRow)
        ]
        scores = brier_by_kind([r for r, _ in known], [a for _, a in known])
        out = [scores["overall"], *(scores.get(k, math.nan) for k in self.record_kinds)]
        if self.answers:
            out += [math.nan if a is None else float(a) for a in answers]
        return out
