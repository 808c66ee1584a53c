"""Borders can calm: the direction of the de-escalation mechanisms on ensembles of the
history scenario (forecasts from its pin date, 2022-12-31, unless said), on common random
numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import casim
from casim.scenario.schema import Scenario

PAIR = "KGZ-TJK"
UNTIL = dt.date(2030, 12, 31)


def _events(scenario: Scenario, runs: int = 60, seed: int = 5) -> pd.DataFrame:
    return casim.run(scenario, seed=seed, runs=runs, until=UNTIL).events


def _majors(ev: pd.DataFrame) -> int:
    return int(
        (
            (ev.kind == "border_clash")
            & (ev.subject == PAIR)
            & (ev.object == "major")
            & (ev.origin == "model")
        ).sum()
    )


def _settled(ev: pd.DataFrame) -> int:
    return ev[(ev.kind == "border_treaty_signed") & (ev.subject == PAIR)].run.nunique()


def test_mediation_settles_the_line_sooner(
    history: Scenario, overlay: Callable[[str], Path]
) -> None:
    alone = casim.load_scenario(overlay("[parameters.deescalation]\nmediation_threshold = 1.0\n"))
    mediated, unmediated = _events(history), _events(alone)
    assert (mediated.kind == "mediation").any() and not (unmediated.kind == "mediation").any()
    assert _settled(mediated) > _settled(unmediated)


def test_ceasefires_lower_the_clash_rate(history: Scenario, overlay: Callable[[str], Path]) -> None:
    never = casim.load_scenario(
        overlay(
            "[parameters.deescalation]\nceasefire_intercept = -20.0\n"
            "ceasefire_cost = 0.0\nceasefire_mediation = 0.0\nceasefire_disposition = 0.0\n"
        )
    )
    with_ceasefires, without = _events(history), _events(never)
    assert (with_ceasefires.kind == "ceasefire").any() and not (without.kind == "ceasefire").any()
    assert _majors(with_ceasefires) < _majors(without)


def test_an_early_settlement_ends_the_clashes(
    history: Scenario, overlay: Callable[[str], Path]
) -> None:
    early = casim.load_scenario(
        overlay(
            '[[events]]\nid = "early"\nkind = "border_treaty_signed"\ndate = 2022-12-01\n'
            'pair = "KGZ-TJK"\nsigned_by = "heads"\nsource = "counterfactual"\n'
        )
    )
    ev = _events(early)
    assert _majors(_events(history)) > 0 == _majors(ev)
    signed = ev[(ev.kind == "border_treaty_signed") & (ev.subject == PAIR)]
    assert set(signed.object) == {"heads"} and set(signed.origin) == {"observed"}


def test_ceasefires_follow_clashes_and_demarcation_follows_ratification(
    history: Scenario,
) -> None:
    ev = casim.run(
        history,
        seed=2,
        runs=30,
        pin_until=dt.date(2016, 1, 1),
        known_until=dt.date(2016, 1, 1),
    ).events
    for (run, pair), rows in ev.groupby(["run", "subject"]):
        majors = rows[(rows.kind == "border_clash") & (rows.object == "major")]
        ceasefires = rows[rows.kind == "ceasefire"]
        assert len(ceasefires) <= len(majors)
        if len(ceasefires):
            assert ceasefires.date.min() >= majors.date.min()
        demarcated = rows[rows.kind == "border_demarcated"]
        if len(demarcated):
            ratified = ev[
                (ev.run == run) & (ev.kind == "border_treaty_ratified") & (ev.object == pair)
            ]
            assert len(ratified) == 2 and demarcated.date.iloc[0] >= ratified.date.max()
        shares = rows[rows.kind == "border_sections_agreed"].outcome.astype(float)
        assert shares.is_monotonic_increasing and (shares < 1.0).all()
    assert (ev.kind == "border_demarcated").any() and (ev.kind == "ceasefire").any()


def test_recorded_section_agreements_bring_the_treaty_forward(
    history: Scenario, overlay: Callable[[str], Path]
) -> None:
    without = casim.load_scenario(
        overlay('remove_events = ["sections_KGZ-TJK_2023_10", "sections_KGZ-TJK_2023_12"]\n')
    )
    window = {"pin_until": dt.date(2023, 12, 31), "known_until": dt.date(2023, 12, 31)}

    def settled(s: Scenario) -> int:
        ev = casim.run(s, seed=4, runs=60, until=dt.date(2026, 12, 31), **window).events
        return _settled(ev)

    ev = casim.run(history, seed=4, runs=2, until=dt.date(2024, 1, 31), **window).events
    observed = (ev.kind == "border_sections_agreed") & (ev.origin == "observed")
    rows = ev[observed & (ev.subject == "KGZ-TJK")]
    assert list(rows[rows.run == 0].outcome) == ["0.70", "0.90"]
    assert settled(history) > settled(without)
