"""Yearly indicators read off the world: the integration index's components and the panel.

Pure functions of the world at a year's end; no simpy, no randomness. The components are
combined into the index by :func:`index_value` (a weighted geometric mean), with the
scenario's ``parameters.index`` weights.
"""

from __future__ import annotations

import math

from casim.model.world import World, pair_key
from casim.scenario.schema import IndexParams, Scenario

__all__ = [
    "COMPONENTS",
    "FLOOR",
    "REGULARITY_YEARS",
    "STAGE_SCORE",
    "border_stage_score",
    "components",
    "index_value",
    "meeting_score",
    "panel_columns",
    "state_row",
]

#: Names of the integration index's components, in column order.
COMPONENTS: tuple[str, ...] = ("format", "treaties", "borders", "calm", "trade")

#: Each component enters the index at no less than this (a geometric mean of a 0 is 0).
FLOOR = 0.05

#: Years over which the format's regularity is averaged (this year and the ones before).
REGULARITY_YEARS = 3

#: Score of a border line's stage; an open line scores its delimitation progress times
#: the open stage's score.
STAGE_SCORE: dict[str, float] = {"open": 0.5, "delimited": 0.75, "demarcated": 1.0}


def meeting_score(world: World) -> float:
    """This year's meeting: the participants' mean delegation level (head 1, stand-in 0.5,
    none 0); 0 with no meeting this year."""
    levels = world.year_meeting_levels
    if not levels or not world.participants:
        return 0.0
    return sum(levels.get(c, 0.0) for c in world.participants) / len(world.participants)


def border_stage_score(stage: str, progress: float) -> float:
    """A line's score: 1 demarcated, 0.75 delimited, 0.5 x delimitation progress open."""
    if stage == "open":
        return STAGE_SCORE["open"] * min(1.0, max(0.0, progress))
    return STAGE_SCORE[stage]


def components(world: World) -> dict[str, float]:
    """The components of the integration index for the year that ends now, each in [0, 1].

    - format (institutionalisation): 0.6 x regularity + 0.4 x depth, where regularity is
      the mean meeting score (:func:`meeting_score`) of this year and the
      ``REGULARITY_YEARS - 1`` years before (a postponed meeting costs a third, not all),
      and depth is the mean over the scenario's issue dimensions of the deepest wording
      (0..1, the bargained text) of a document in force on it (0 where none is);
    - treaties (the network by issue area): over issue dimensions, the mean over the
      opened documents covering it of their standing (0.5 x share of signatures + 0.25 x
      share of ratifications + 0.25 x in force) times their wording on the dimension, 0
      where no document covers it (more documents on an area add depth, not a count);
    - borders: mean over lines of :func:`border_stage_score`;
    - calm: 1 - the mean over lines of the highest tension each reached this year;
    - trade: log(trade / low) / log(high / low), clipped to [0, 1].
    """
    past = world.meeting_scores[-(REGULARITY_YEARS - 1) :] if REGULARITY_YEARS > 1 else []
    window = [*past, meeting_score(world)]
    regularity = sum(window) / len(window)
    dims = list(world.scenario.dimensions)
    in_force = [d for d in world.documents.values() if d.in_force_day is not None]
    deepest = {dim: max((d.text.get(dim, 0.0) for d in in_force), default=0.0) for dim in dims}
    depth = sum(deepest.values()) / len(dims) if dims else 0.0
    n = len(world.participants) or 1
    standing: dict[str, list[float]] = {dim: [] for dim in dims}
    for d in world.documents.values():
        if not d.open:
            continue
        signed = sum(1 for c in world.participants if c in d.signed) / n
        ratified = sum(1 for c in world.participants if c in d.ratified) / n
        value = 0.5 * signed + 0.25 * ratified + 0.25 * (d.in_force_day is not None)
        for dim in d.spec.scope:
            if dim in standing:
                standing[dim].append(value * d.text.get(dim, 0.0))
    per_area = [sum(v) / len(v) if v else 0.0 for v in standing.values()]
    treaties = sum(per_area) / len(dims) if dims else 0.0
    lines = list(world.borders.values())
    borders = (
        sum(border_stage_score(b.stage, b.progress) for b in lines) / len(lines) if lines else 1.0
    )
    calm = 1.0 - (sum(b.peak for b in lines) / len(lines) if lines else 0.0)
    t = world.scenario.parameters.trade
    trade = math.log(world.trade_bn / t.ref_low_bn) / math.log(t.ref_high_bn / t.ref_low_bn)
    return {
        "format": 0.6 * regularity + 0.4 * depth,
        "treaties": treaties,
        "borders": borders,
        "calm": min(1.0, max(0.0, calm)),
        "trade": min(1.0, max(0.0, trade)),
    }


def index_value(comp: dict[str, float], weights: IndexParams) -> float:
    """The integration index: the weighted geometric mean of the components, each floored
    at ``FLOOR`` (non-compensatory: a component near 0 pulls the index down whatever the
    others are; the index is in [FLOOR, 1])."""
    w = {c: float(getattr(weights, c)) for c in COMPONENTS}
    total = sum(w.values())
    if total <= 0:
        return math.nan
    log_mean = sum(w[c] * math.log(max(FLOOR, comp[c])) for c in COMPONENTS) / total
    return math.exp(log_mean)


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
        st.irregular_day is not None,
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
        "leader_irregular",
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
