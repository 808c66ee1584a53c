"""Yearly indicators read off the world: the integration index's components and the panel.

Pure functions of the world at a year's end; no simpy, no randomness. The components are
weighted into the index by :func:`index_value`, with the scenario's ``parameters.index``
weights.
"""

from __future__ import annotations

import math

from casim.model.world import World, pair_key
from casim.scenario.schema import IndexParams, Scenario

__all__ = ["COMPONENTS", "components", "index_value", "panel_columns", "state_row"]

#: Names of the integration index's components, in column order.
COMPONENTS: tuple[str, ...] = ("meetings", "treaties", "borders", "calm", "trade")


def components(world: World) -> dict[str, float]:
    """The components of the integration index for the year that ends now, each in [0, 1].

    - meetings: 0 with no meeting this year, else the participants' mean delegation level
      (head 1, stand-in 0.5, none 0);
    - treaties: over opened documents, 0.5 x share of participant signatures
      + 0.25 x share of ratifications + 0.25 x share of documents in force (0 if none open);
    - borders: share of border lines settled;
    - calm: 1 - the highest tension any border reached this year;
    - trade: log(trade / low) / log(high / low), clipped to [0, 1].
    """
    levels = world.year_meeting_levels
    meetings = 0.0
    if levels:
        meetings = sum(levels.get(c, 0.0) for c in world.participants) / len(world.participants)
    opened = [d for d in world.documents.values() if d.open]
    treaties = 0.0
    if opened:
        n = len(world.participants)
        signed = sum(sum(1 for c in world.participants if c in d.signed) for d in opened)
        ratified = sum(sum(1 for c in world.participants if c in d.ratified) for d in opened)
        in_force = sum(1 for d in opened if d.in_force_day is not None)
        cells = n * len(opened)
        treaties = 0.5 * signed / cells + 0.25 * ratified / cells + 0.25 * in_force / len(opened)
    borders = (
        sum(1 for b in world.borders.values() if b.settled) / len(world.borders)
        if world.borders
        else 1.0
    )
    calm = 1.0 - max((b.peak for b in world.borders.values()), default=0.0)
    t = world.scenario.parameters.trade
    trade = math.log(world.trade_bn / t.ref_low_bn) / math.log(t.ref_high_bn / t.ref_low_bn)
    return {
        "meetings": meetings,
        "treaties": treaties,
        "borders": borders,
        "calm": calm,
        "trade": min(1.0, max(0.0, trade)),
    }


def index_value(comp: dict[str, float], weights: IndexParams) -> float:
    """The integration index: the weighted mean of the components (weights from the scenario)."""
    w = {c: float(getattr(weights, c)) for c in COMPONENTS}
    return sum(w[c] * comp[c] for c in COMPONENTS) / sum(w.values())


def state_row(world: World, code: str) -> list[object]:
    """One state's stance and relations at a year's end (columns: see ``panel_columns``)."""
    st = world.states[code]
    levels = world.year_meeting_levels
    level = levels.get(code, math.nan) if levels else math.nan
    tensions = []
    for other in world.states:
        key = pair_key(code, other)
        tensions.append(world.tension(key) if key in world.borders else math.nan)  # self: nan
    open_borders = sum(1 for b in world.borders.values() if code in (b.a, b.b) and not b.settled)
    finite = [t for t in tensions if not math.isnan(t)]
    return [
        code in world.participants,
        st.leader,
        world.disposition(code),
        st.neutrality,
        st.sovereignty,
        st.capability,
        world.external_support(code),
        *(world.pull(code, p) for p in world.scenario.partners),
        *(st.position[d] for d in world.scenario.dimensions),
        *(st.salience[d] for d in world.scenario.dimensions),
        level,
        sum(1 for d in world.documents.values() if code in d.signed),
        sum(1 for d in world.documents.values() if code in d.ratified),
        open_borders,
        max(finite) if finite else 0.0,
        *tensions,
    ]


def panel_columns(scenario: Scenario) -> list[str]:
    """Column names of :func:`state_row` (after ``run, seed, year, state``)."""
    codes = list(scenario.states)
    return [
        "participant",
        "leader",
        "disposition",
        "neutrality",
        "sovereignty",
        "capability",
        "external_support",
        *(f"pull_{p}" for p in scenario.partners),
        *(f"position_{d}" for d in scenario.dimensions),
        *(f"salience_{d}" for d in scenario.dimensions),
        "meeting_level",
        "documents_signed",
        "documents_ratified",
        "borders_open",
        "tension_max",
        *(f"tension_{c}" for c in codes),
    ]
