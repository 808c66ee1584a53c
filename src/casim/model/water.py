"""Water and energy: upstream and downstream roles, seasonal pressure on lines with shared
intakes, and water-for-energy linkage as a side payment in bargaining.

Pure functions of a read-only :class:`~casim.model.world.World`. Equations are in
``docs/MODEL.md`` (section 3.3, "Water and energy").
"""

from __future__ import annotations

from casim.model.world import Document, World

__all__ = ["compensation", "linkage", "linked", "seasonal_factor"]


def linked(world: World, pair: str) -> bool:
    """An upstream and a downstream neighbour: a water-for-energy deal is on the table."""
    b = world.borders[pair]
    roles = {world.states[b.a].spec.water_role, world.states[b.b].spec.water_role}
    return roles == {"upstream", "downstream"}


def seasonal_factor(world: World, pair: str) -> float:
    """Factor on a line's incident rate in the current month:
    1 + w (irrigation [month in irrigation_months] + energy [month in energy_months] [U]),
    with w the line's ``shared_water`` and U whether a side is upstream (its winter
    energy deficit is what the downstream side is asked to cover). The twelve factors
    depend on the line and the parameters only: they are computed once per run."""
    b = world.borders[pair]
    table = b.season
    if table is None:
        table = b.season = tuple(_seasonal(world, pair, m) for m in range(1, 13))
    return table[world.month() - 1]


def _seasonal(world: World, pair: str, month: int) -> float:
    b = world.borders[pair]
    if b.shared_water <= 0.0:
        return 1.0
    p = world.scenario.parameters.water
    x = 0.0
    if month in p.irrigation_months:
        x += p.irrigation
    if month in p.energy_months and "upstream" in (
        world.states[b.a].spec.water_role,
        world.states[b.b].spec.water_role,
    ):
        x += p.energy
    return 1.0 + b.shared_water * x


def linkage(world: World, pair: str) -> float:
    """The share of a line's remaining difficulty a water-for-energy deal between an
    upstream and a downstream neighbour removes: linkage * shared_water (0 for other
    lines). The side payment widens what both can accept, so the hard sections (intakes,
    reservoirs) give way sooner."""
    if not linked(world, pair):
        return 0.0
    return world.scenario.parameters.water.linkage * world.borders[pair].shared_water


def compensation(world: World, code: str, doc: Document) -> float:
    """The side payment an upstream state is offered to sign a text on water and energy.

    compensation * s_w |text_w - x_w| * D, with s_w and x_w the state's salience and
    position on the water-energy dimension and D the downstream participants' share of
    the other participants' capability (who can pay in energy or money); 0 for a state
    that is not upstream or a text without the dimension.
    """
    p = world.scenario.parameters.water
    st = world.states[code]
    if st.spec.water_role != "upstream" or p.dimension not in doc.text:
        return 0.0
    gap = st.salience[p.dimension] * abs(doc.text[p.dimension] - st.position[p.dimension])
    total = down = 0.0
    for other in world.participants:
        if other == code:
            continue
        cap = world.states[other].capability
        total += cap
        if world.states[other].spec.water_role == "downstream":
            down += cap
    return p.compensation * gap * (down / total if total > 0 else 0.0)
