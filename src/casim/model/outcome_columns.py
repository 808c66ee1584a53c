"""The names of the outcome columns (:mod:`casim.model.outcomes`), without pandas: an
experiment checks the measures it names against them when it loads."""

from __future__ import annotations

from collections.abc import Sequence

from casim.model.indicators import COMPONENTS
from casim.scenario.schema import Scenario

__all__ = ["FORMAT_MEASURES", "outcome_names", "outcome_states"]

#: Measure columns of :func:`casim.model.measures.format_measures` (after run, seed, year).
FORMAT_MEASURES: tuple[str, ...] = (
    "held",
    "regularity",
    "heads_present",
    "documents_opened",
    "documents_in_force",
    "scope",
    "members",
)


def outcome_states(scenario: Scenario) -> list[str]:
    """The participants, then the other states of the scenario."""
    states = list(scenario.participants)
    return states + [code for code in scenario.states if code not in states]


def outcome_names(
    scenario: Scenario, documents: Sequence[str], pairs: Sequence[str], *, panel: bool = True
) -> list[str]:
    """The outcome columns :func:`casim.model.outcomes.outcome_table` writes for
    ``scenario`` (without ``run`` and ``year``); ``disposition_<state>`` only with the
    panel, and the table has it once the state is a participant in some run."""
    names = [*COMPONENTS, "index", "trade_bn"]
    names += [f"signed_{doc}_{code}" for doc in documents for code in outcome_states(scenario)]
    for pair in pairs:
        names += [f"settled_{pair}", f"major_clash_{pair}"]
    if panel:
        names += [f"disposition_{code}" for code in scenario.states]
    names += list(FORMAT_MEASURES)
    names += [f"{m}_{pair}" for m in ("incidents", "stage") for pair in pairs]
    names += [f"c5x_heads_{code}" for code in sorted(scenario.states)]
    return names
