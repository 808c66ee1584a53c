"""Leaders' turns: a disposition a stance change sets while a new leader consolidates is
that leader's, and the turn keeps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import casim


def _turned_disposition(path: Path) -> set[str]:
    """The dispositions logged at Turkmenistan's leader's turn after 2022 (Serdar
    Berdimuhamedov took office in March 2022 and turns in 2023) in the scenario at
    ``path``."""
    s = casim.load_scenario(path)
    ev = casim.run(
        s, seed=3, runs=4, until=dt.date(2024, 12, 31), pin_until=dt.date(2022, 12, 31)
    ).events
    turns = ev[(ev.kind == "leader_turn") & (ev.subject == "TKM") & (ev.date > "2023-01-01")]
    return set(turns.outcome)


def _stance(value: float) -> str:
    return (
        "[[events]]\n"
        'id = "tkm_disposition"\n'
        'kind = "stance_change"\n'
        "date = 2023-01-01\n"
        'state = "TKM"\n'
        'field = "disposition"\n'
        f"value = {value}\n"
        "assumed = true\n"
        'source = "test"\n'
    )


def test_a_disposition_set_while_the_leader_consolidates_carries_into_the_turn(
    overlay: Callable[[str], Path],
) -> None:
    plain = _turned_disposition(overlay(""))
    assert plain and "0.20" not in plain and "0.90" not in plain  # the recorded one
    assert _turned_disposition(overlay(_stance(0.2), name="low.toml")) == {"0.20"}
    assert _turned_disposition(overlay(_stance(0.9), name="high.toml")) == {"0.90"}
