"""The year's end: the panel and index rows, then next year's trade.

At each 31 December (at the end of the day, after everything else of that day) the
mechanism writes one panel row per participant and one index row (the components of
:mod:`casim.model.indicators` and their weighted geometric mean), then sets trade for the
next year from its documented drivers, never from the index (:mod:`casim.model.trade`):
the potential grows with the economies and the investment and corridor offers accepted
that year; the target is the potential less the border barrier on the lines not settled
and the cost of the year's major clashes; trade closes a share of its gap to the target,
plus active trade shocks. The year's meeting score joins the regularity window; its peaks
and counts are then reset.
"""

from __future__ import annotations

import datetime as dt
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
from casim.model.trade import TradeLevel, open_share, year_end

__all__ = ["Yearly"]


class Yearly(Mechanism):
    """Year-end indicators and next year's trade."""

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
        """Append the year's panel and index rows, then set next year's trade."""
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
        self._trade()

    def _trade(self) -> None:
        """Move trade toward next year's target and reset the year's peaks and counts."""
        w = self.world
        nxt = year_end(
            TradeLevel(level_bn=w.trade_bn, potential_bn=w.trade_potential_bn),
            open_now=open_share(b.settled for b in w.borders.values()),
            majors=sum(b.majors_year for b in w.borders.values()),
            offers=w.economic_offers_year,
            shock=w.trade_shock(),
            p=self.scenario.parameters.trade,
        )
        w.trade_bn, w.trade_potential_bn = nxt.level_bn, nxt.potential_bn
        for pair, b in w.borders.items():
            b.peak = w.tension(pair)
            b.majors_year = 0
        w.economic_offers_year = 0
        w.year_meeting_levels = None
