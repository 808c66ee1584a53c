"""What the figures draw: the data, labels and artists a reader relies on (not pixels)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

import casim
from casim.analysis.compare_out import table_years
from casim.analysis.sensitivity import _panel_title, fan_points
from casim.present.plotting import (
    _heads_colour,
    plot_comparison,
    plot_heatmap,
    plot_relations,
    plot_stances,
    plot_timeline,
    timeline_label_side,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result() -> casim.Result:
    return casim.run(casim.load_scenario(ROOT / "scenarios" / "history.toml"), seed=1, runs=3)


# ---------------------------------------------------------------- timeline


def test_timeline_labels_never_overlap_on_their_band() -> None:
    above: list[tuple[float, float]] = []
    below: list[tuple[float, float]] = []
    sides = [timeline_label_side(x, 1.0, above, below) for x in (0.0, 0.5, 0.9, 1.6, 2.0)]
    assert sides == [0, 1, None, 0, 1]
    for band in (above, below):
        for (a0, a1), (b0, b1) in itertools.combinations(band, 2):
            assert a1 <= b0 or b1 <= a0


def test_timeline_one_marker_per_day_yearly_ticks_and_a_legend_like_the_markers(
    result: casim.Result,
) -> None:
    ax = plot_timeline(result.events, run=0)
    ev = result.events[result.events["run"] == 0]
    row = 2  # treaty signed
    signed_days = ev.loc[ev["kind"] == "treaty_signed", "date"].nunique()
    markers = [
        c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) == 1
    ]
    on_row = [c for c in markers if c.get_offsets()[0][1] == row]
    assert len(on_row) == signed_days
    labels = [t for t in ax.texts if abs(t.xy[1] - row) < 1e-9] if ax.texts else []
    assert len(labels) <= signed_days
    ticks = ax.get_xticks()
    lo, hi = ax.get_xlim()
    inside = [t for t in ticks if lo <= t <= hi]
    assert np.allclose(np.diff(inside), 1.0)

    # the legend's markers are drawn as the timeline's: blue filled (recorded), blue open
    # (the model's), red (clashes), and the meeting colours by the heads present
    def colours(c: PathCollection) -> tuple[tuple[float, ...], tuple[float, ...]]:
        return tuple(np.round(c.get_facecolor()[0], 3)), tuple(np.round(c.get_edgecolor()[0], 3))

    used = {colours(c) for c in markers}
    handles = ax.get_legend().legend_handles
    blue, white = tuple(np.round(to_rgba("tab:blue"), 3)), tuple(np.round(to_rgba("white"), 3))
    assert [colours(h) for h in handles[:2]] == [(blue, blue), (white, blue)]  # type: ignore[arg-type]
    assert all(colours(h) in used for h in handles[:3])  # type: ignore[arg-type]
    for handle, share in zip(handles[3:], (1.0, 0.5), strict=True):
        assert np.allclose(handle.get_edgecolor()[0], _heads_colour(share))  # type: ignore[union-attr]


# ---------------------------------------------------------------- analyze


def test_fan_panels_span_the_outcome_from_lowest_to_highest() -> None:
    rows = pd.DataFrame(
        {"point": np.repeat(np.arange(10), 3), "index_2030": np.repeat(np.arange(10)[::-1], 3)}
    )
    picked = fan_points(rows, "index_2030", 4)
    assert picked[0] == 9 and picked[-1] == 0 and len(picked) == 4  # lowest first
    assert fan_points(rows, "index_2030", 20) == list(range(9, -1, -1))


def test_fan_panel_titles_are_short() -> None:
    params = [f"states.S{k}.parameter_with_a_long_name" for k in range(9)]
    part = pd.DataFrame({**{p: [0.123456] for p in params}, "index_2030": [0.5]})
    title = _panel_title(3, part, params, "index_2030")
    lines = title.splitlines()
    assert lines[0] == "point 3: 1 runs, median index_2030 0.50"
    assert len(lines) == 3 and all(len(line) <= 46 for line in lines)
    assert lines[-1].endswith(" ...")


def test_a_sampled_heatmap_says_it_bins_and_averages() -> None:
    rng = np.random.default_rng(1)
    rows = pd.DataFrame(rng.random((200, 4)), columns=["a", "b", "c", "out"])
    title = plot_heatmap(rows, "a", "b", "out", others=["c"]).get_title()
    assert "both axes in 8 equal bins" in title
    assert "averages over the other 1 parameter(s)" in title
    grid = pd.DataFrame({"a": [0, 0, 1, 1], "b": [0, 1, 0, 1], "out": [1.0, 2, 3, 4]})
    title = plot_heatmap(grid, "a", "b", "out").get_title()
    assert "bins" not in title and "averages" not in title


# ---------------------------------------------------------------- relations


def test_relations_text_is_readable_and_no_border_is_marked(result: casim.Result) -> None:
    ax = plot_relations(result.panel, year=2022)
    states = sorted(result.panel["state"].unique())
    numbers = [t for t in ax.texts if t.get_text()[:1].isdigit()]
    assert numbers
    for t in numbers:
        value = float(t.get_text())
        assert to_rgba(t.get_color()) == to_rgba("white" if value > 0.55 else "black")
    no_border = [t for t in ax.texts if t.get_text() == "no\nborder"]
    assert len(numbers) + len(no_border) == len(states) * (len(states) - 1)
    assert len(no_border) > 0


# ---------------------------------------------------------------- compare


def _differences() -> pd.DataFrame:
    years = np.arange(2016, 2036)
    diff = np.where(years == 2027, 0.2, 0.01) * (years > 2022)
    return pd.DataFrame(
        {
            "outcome": "index",
            "year": years,
            "base_mean": 0.5,
            "other_mean": 0.5 + diff,
            "diff_mean": diff,
            "ci90_low": diff - 0.01,
            "ci90_high": diff + 0.01,
            "diff_q05": diff - 0.05,
            "diff_q95": diff + 0.05,
        }
    )


def test_compare_labels_the_index_once() -> None:
    fig = plot_comparison(_differences())
    assert fig.axes[0].get_ylabel() == "integration index (0-1)"


def test_compare_table_shows_the_peak_and_the_last_year() -> None:
    years = table_years(_differences(), 2023)
    assert 2027 in years and years[-1] == 2035 and years[0] == 2023
    assert len(years) <= 9


# ---------------------------------------------------------------- stances


def test_stances_give_each_state_its_own_dash_and_marker_on_top_of_the_last(
    result: casim.Result,
) -> None:
    ax = plot_stances(result.panel)
    lines = [line for line in ax.get_lines() if line.get_label() in {"KAZ", "UZB", "KGZ"}]
    styles = {(str(line.get_linestyle()), line.get_marker()) for line in ax.get_lines()}
    assert len(styles) == len(ax.get_lines())
    by_state = {line.get_label(): line for line in lines}
    # Kazakhstan's line is wider than Uzbekistan's, which is drawn over it
    assert by_state["KAZ"].get_linewidth() > by_state["UZB"].get_linewidth()
    assert by_state["KAZ"].get_zorder() < by_state["UZB"].get_zorder()


def test_analyze_fan_has_one_short_title_per_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    from casim.analysis import sensitivity

    rng = np.random.default_rng(2)
    rows = pd.DataFrame(
        {
            "point": np.repeat(np.arange(6), 4),
            "states.TKM.neutrality": np.repeat(np.linspace(0.1, 0.9, 6), 4),
            **{f"index_{y}": rng.random(24) for y in range(2020, 2026)},
        }
    )
    drawn: list[Figure] = []
    monkeypatch.setattr(sensitivity, "save_figure", lambda fig, path: drawn.append(fig))
    manifest = {"points": 6, "experiment": "x"}
    sensitivity._fans(rows, ["states.TKM.neutrality"], manifest, tmp_path / "fan.png")
    axes = [ax for ax in drawn[0].axes if ax.get_visible()]
    assert len(axes) == 6
    for ax in axes:
        assert ax.get_title(loc="center") == "" and ax.get_title(loc="right") == ""
        assert ax.get_title(loc="left").startswith("point ")
