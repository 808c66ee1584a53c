"""The year's end: the panel and index rows, then next year's trade.

At each 31 December (at the end of the day, after everything else of that day) the
mechanism writes one panel row per participant and one index row (the components of
:mod:`casim.model.indicators` and their weighted geometric mean), then grows trade for the
next year from its documented drivers, never from the index: base growth, plus open-border
growth times the share of lines settled plus offer growth per investment or corridor
offer accepted that year, both times the room left below the reference level, plus settlement
growth per border settled that year, minus the loss per major clash, plus active trade
shocks. The year's meeting score joins the regularity window; its peaks and counts are
then reset.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from casim.kernel import Proc
from casim.mechanisms.base import Mechanism
from casim.model.indicators import (
    COMPONENTS,
    components,
    index_value,
    meeting_score,
    state_row,
)

__all__ = ["Yearly"]


class Yearly(Mechanism):
    """Year-end indicators and trade growth."""

    name = "yearly"

    def processes(self) -> Iterable[Proc]:
        yield self._year_ends()

    def _year_ends(self) -> Proc:
        k = self.kernel
        pin_date = k.start + dt.timedelta(days=int(k.pin_day))
        for year in range(k.start.year, k.until.year + 1):
            yield k.wait_until(k.day(dt.date(year, 12, 31)) + 0.999)
            self.sync()
            self._rows(year, dt.date(year, 12, 31) <= pin_date)

    def _rows(self, year: int, pinned: bool) -> None:
        """Append the year's panel and index rows, then grow trade."""
        w = self.world
        rec = self.sim.record
        if self.sim.keep_panel:
            for code in w.participants:
                rec.panel.append((rec.run, rec.seed, year, code, *state_row(w, code)))
        comp = components(w)
        index = index_value(comp, self.scenario.parameters.index)
        rec.index.append(
            (rec.run, rec.seed, year, pinned, *(comp[c] for c in COMPONENTS), w.trade_bn, index)
        )
        w.meeting_scores.append(meeting_score(w))
        self._trade(comp)

    def _trade(self, comp: dict[str, float]) -> None:
        """Grow trade for next year and reset the year's peaks and counts."""
        w = self.world
        trade = self.scenario.parameters.trade
        majors = sum(b.majors_year for b in w.borders.values())
        lines = list(w.borders.values())
        open_share = sum(1 for b in lines if b.settled) / len(lines) if lines else 1.0
        growth = (
            trade.base_growth
            + (trade.open_border_growth * open_share + trade.offer_growth * w.economic_offers_year)
            * (1.0 - comp["trade"])
            + trade.settlement_growth * w.settlements_year
            - trade.clash_loss * majors
            + w.trade_shock()
        )
        w.trade_bn *= math.exp(growth)
        for pair, b in w.borders.items():
            b.peak = w.tension(pair)
            b.majors_year = 0
        w.settlements_year = 0
        w.economic_offers_year = 0
        w.year_meeting_levels = None
