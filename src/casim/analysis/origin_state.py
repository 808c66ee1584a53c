"""What a forecaster knows of the lines at a forecast's origin, as record rows.

The record states a border question over the window its answer is known for: the
Kyrgyz-Uzbek line was not settled in 2016-2021 (``border_KGZ-UZB_2016_2021``), the
Kazakh-Uzbek treaty was signed in 2022 (``border_KAZ-UZB_2022``). A fit on the rows that
close by an origin O drops these rows whole, and with them a fact a forecaster at O has:
which lines were still open at O, and which had seen no major clash. Without it a fit at
2018 sees only the three lines settled quickly in 2017-2018 and none of those that stayed
open, and it makes every line's talks fast.

:func:`state_rows` restores that fact from the scenario's dated events, the same history
a forecast from O imposes: for each line open at the start and each border kind
(``border_treaty_signed``, ``border_clash_major``) that no record row closing by O asks
about, one row over the window from the start to O, 1 if the scenario dates such an event
on the line by O, else 0. Nothing after O enters: the rows are read from the events dated
by O, not from the record's later rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from casim.record import RecordRow, record_csv
from casim.scenario.schema import BorderClash, BorderTreaty, Scenario

__all__ = ["STATE_PREFIX", "record_text", "state_rows"]

#: The id prefix of a row derived from the state at an origin.
STATE_PREFIX = "state_"

_KINDS = ("border_treaty_signed", "border_clash_major")


def _happened(scenario: Scenario, kind: str, pair: str, origin: dt.date) -> bool:
    """Whether the scenario dates an observed event of ``kind`` on ``pair`` by ``origin``
    (assumed events are a scenario's, not the history's, and do not count)."""
    for e in scenario.events:
        if e.date > origin or e.assumed:
            continue
        if kind == "border_treaty_signed" and isinstance(e, BorderTreaty) and e.pair == pair:
            return True
        if (
            kind == "border_clash_major"
            and isinstance(e, BorderClash)
            and e.pair == pair
            and e.severity == "major"
        ):
            return True
    return False


def state_rows(scenario: Scenario, record: Sequence[RecordRow], origin: dt.date) -> list[RecordRow]:
    """The rows of the state of the lines at ``origin`` that the record's rows closing by
    it do not already ask (see the module docstring), in the order of the scenario's
    lines and the two kinds."""
    start, day = scenario.start.isoformat(), origin.isoformat()
    asked = {(r.kind, r.subject) for r in record if start < r.end <= day}
    rows: list[RecordRow] = []
    for pair, line in scenario.borders.items():
        if line.progress >= 1.0:  # settled at the start: nothing to ask
            continue
        for kind in _KINDS:
            if (kind, pair) in asked:
                continue
            what = "treaty" if kind == "border_treaty_signed" else "clash"
            rows.append(
                RecordRow(
                    id=f"{STATE_PREFIX}{what}_{pair}_to_{day}",
                    kind=kind,
                    subject=pair,
                    object="",
                    start=start,
                    end=day,
                    outcome=int(_happened(scenario, kind, pair, origin)),
                )
            )
    return rows


def record_text(rows: Sequence[RecordRow], note: str = "") -> str:
    """A record file of ``rows`` (:func:`casim.record.record_csv`); ``note`` fills the note
    column of the rows whose id starts with :data:`STATE_PREFIX`."""

    def notes(r: RecordRow) -> tuple[str, str]:
        if r.id.startswith(STATE_PREFIX):
            return note, "the scenario's dated events"
        return "", ""

    return record_csv(rows, notes)
