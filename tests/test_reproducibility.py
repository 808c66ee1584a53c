"""Same scenario and seed, same output, byte for byte; named streams give common random numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import casim
from casim.cli import main
from casim.scenario.schema import Scenario


def test_same_seed_same_frames(history: Scenario) -> None:
    a = casim.run(history, seed=7, runs=3)
    b = casim.run(history, seed=7, runs=3)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.panel, b.panel)
    pd.testing.assert_frame_equal(a.index, b.index)


def test_different_seeds_differ(history: Scenario) -> None:
    a = casim.run(history, seed=1, pin_until=history.start, known_until=history.start)
    b = casim.run(history, seed=2, pin_until=history.start, known_until=history.start)
    assert not a.events.drop(columns="seed").equals(b.events.drop(columns="seed"))


def test_run_r_does_not_depend_on_the_number_of_runs(history: Scenario) -> None:
    """Run 2 of a 3-run ensemble equals run 2 of a 5-run ensemble."""
    three = casim.run(history, seed=5, runs=3).events
    five = casim.run(history, seed=5, runs=5).events
    pd.testing.assert_frame_equal(
        three[three.run == 2].reset_index(drop=True), five[five.run == 2].reset_index(drop=True)
    )


def test_cli_output_is_byte_identical(tmp_path: Path, history_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            main(
                [
                    "run",
                    str(history_path),
                    "--seed",
                    "1",
                    "--runs",
                    "2",
                    "--out",
                    str(tmp_path / name),
                ]
            )
            == 0
        )
    for file in ("events.csv", "panel.csv", "index.csv", "trajectory.png"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    ma = json.loads((tmp_path / "a" / "manifest.json").read_text())
    mb = json.loads((tmp_path / "b" / "manifest.json").read_text())
    for m in (ma, mb):
        m.pop("wall_time_s")
        m.pop("command")
    assert ma == mb
    assert ma["seed"] == 1 and ma["casim_version"] == casim.__version__
    assert ma["scenario"]["name"] == "history" and "events" in ma["scenario"]


def test_common_random_numbers(history: Scenario, overlay: Callable[[str], Path]) -> None:
    """Changing Turkmenistan's neutrality changes signatures, not the border incidents of
    the lines Turkmenistan is not on (its delegations, and so the meetings of its head with
    its neighbours' on the margins of summits, may change).

    Neutrality also decides which partners' offers Turkmenistan takes, and offers move
    leaders' dispositions, which act on the borders; kept agreements move dispositions too
    (trust); offers move the pulls a mediator needs. These channels are closed in both runs
    (``offer_disposition = 0``, trust off, ``mediation_threshold = 1``) so that only the
    draws are compared."""
    closed = (
        "[parameters.partners]\noffer_disposition = 0.0\n"
        "[parameters.trust]\nmeeting_gain = 0.0\nkept_gain = 0.0\nclash_loss = 0.0\n"
        "[parameters.deescalation]\nmediation_threshold = 1.0\n"
    )
    plain = casim.load_scenario(overlay(closed, "plain.toml"))
    soft = casim.load_scenario(overlay(closed + "[states.TKM]\nneutrality = 0.1\n"))
    kw = {"seed": 11, "runs": 4, "pin_until": history.start, "known_until": history.start}
    base, other = casim.run(plain, **kw).events, casim.run(soft, **kw).events
    border_kinds = ["border_clash", "border_treaty_signed", "border_treaty_ratified"]
    borders = [
        e[
            e.kind.isin(border_kinds)
            & ~e.subject.str.contains("TKM")
            & ~e.object.astype(str).str.contains("TKM")
        ].reset_index(drop=True)
        for e in (base, other)
    ]
    assert len(borders[0]) > 0
    pd.testing.assert_frame_equal(borders[0], borders[1])
    leaders = [e[e.kind == "leader_change"].reset_index(drop=True) for e in (base, other)]
    pd.testing.assert_frame_equal(leaders[0], leaders[1])
    signed = [
        set(map(tuple, e[e.kind == "treaty_signed"][["run", "subject", "object"]].values))
        for e in (base, other)
    ]
    assert signed[0] != signed[1]
