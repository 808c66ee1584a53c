"""The run window of a scenario: the dates that split imposed history from the agents'
decisions (see the ``[run]`` table of a scenario file)."""

from __future__ import annotations

import datetime as dt

from casim.scenario.schema import Scenario

__all__ = ["resolved_window"]


def resolved_window(scenario: Scenario) -> tuple[dt.date, dt.date, dt.date]:
    """(pin_until, known_until, until); unset dates default to the scenario's end."""
    run = scenario.run
    return (
        run.pin_until or scenario.end,
        run.known_until or scenario.end,
        run.until or scenario.end,
    )
