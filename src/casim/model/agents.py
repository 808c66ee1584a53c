"""The actors of one run: the states and the external partners.

An agent holds its scenario spec (the starting values, which never change during a run)
beside the fields that do change: a state's leader and stances, a partner's activity.
Data only: decisions read agents through :class:`~casim.model.world.World`, mechanisms
change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from casim.scenario.schema import PartnerSpec, StateSpec

__all__ = ["PartnerAgent", "StateAgent"]


@dataclass(slots=True)
class StateAgent:
    """A state during a run: its spec, its capability, and the fields that change."""

    code: str
    spec: StateSpec
    capability: float  # share of the states' GDP and population, averaged
    leader: str
    disposition: float  # the sitting leader's own line (experience and shocks on top, see World)
    neutrality: float
    sovereignty: float
    turnover_hazard: float
    position: dict[str, float]
    salience: dict[str, float]
    pull: dict[str, float]
    leaders_seen: int = 1
    irregular_day: float | None = None  # day the sitting leader came irregularly (else None)
    office_day: float | None = None  # day the sitting leader took office (None: at the start)
    # the leader (its leaders_seen count) in office when a stance change last set the
    # disposition: a setting made while that leader consolidates carries into its turn
    disposition_set_for: int | None = None
    experience: float = 0.0  # trust offset on the leader's line (see casim.model.trust)
    experience_day: float = 0.0  # day ``experience`` was last brought up to date

    @classmethod
    def from_spec(
        cls, code: str, spec: StateSpec, capability: float, irregular_day: float | None = None
    ) -> StateAgent:
        """The state at the start; ``irregular_day`` is the scenario day (negative: before
        the start) on which its sitting leader came to office irregularly, if so."""
        return cls(
            code=code,
            spec=spec,
            capability=capability,
            leader=spec.leader,
            disposition=spec.disposition,
            neutrality=spec.neutrality,
            sovereignty=spec.sovereignty,
            turnover_hazard=spec.turnover_hazard,
            position=dict(spec.position),
            salience=dict(spec.salience),
            pull=dict(spec.pull),
            irregular_day=irregular_day,
        )


@dataclass(slots=True)
class PartnerAgent:
    """An external partner during a run: its spec, the blocs it leads, its activity.

    ``activity`` is the level of its summit activity at ``activity_day``; it decays with
    ``parameters.partners.activity_half_life_days`` (see ``World.partner_activity``).
    """

    id: str
    spec: PartnerSpec
    blocs: list[str]
    activity: float = 0.0
    activity_day: float = 0.0
