"""The scripts that show the measures: the counterfactual table's rule for what moves and
its bound check (on hand-made compare frames), the index under other weights (the shipped
index function, giving the shipped index back under the shipped weights), and the figures
script's plot kinds."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from casim.analysis.compare import Comparison, paired_differences
from casim.api import run
from casim.model.indicators import COMPONENTS, FLOOR
from casim.present.plot_run import PLOT_KINDS
from casim.scenario.schema import Scenario

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


TABLE = _module("counterfactual_table")
WEIGHTS = _module("index_weights")
FIGURES = _module("make_figures")

YEARS = list(range(2022, 2032))
RUNS = 40


def _runs(values: dict[str, np.ndarray]) -> pd.DataFrame:
    """A per-run outcome frame: run, year and each column (RUNS x len(YEARS) values)."""
    run_ids, years = np.meshgrid(range(RUNS), YEARS, indexing="ij")
    frame = pd.DataFrame({"run": run_ids.ravel(), "year": years.ravel()})
    for name, v in values.items():
        frame[name] = v.ravel()
    return frame


def _comparison(history: Scenario) -> Comparison:
    """Base and other differing by: index +0.05 from 2025 (noisy); calm +0.2 from 2025
    but the base at its floor; treaties +0.005 (too small); trade small noise only; TJK's
    signature +0.5 of runs from 2026; borders at the ceiling in both; format +0.1 in
    2025-2027 and +0.18 from 2028, when the base sits on its floor."""
    rng = np.random.default_rng(7)
    shape = (RUNS, len(YEARS))
    late = np.array(YEARS) >= 2025
    base = {
        "index": np.full(shape, 0.5) + rng.normal(0, 0.01, shape),
        "format": np.full(shape, 0.6),
        "treaties": np.full(shape, 0.4),
        "borders": np.full(shape, 1.0),
        "calm": np.full(shape, 0.0),
        "trade": np.full(shape, 0.5),
        "signed_ca_friendship_21c_TJK": np.zeros(shape),
    }
    other = {k: v.copy() for k, v in base.items()}
    other["index"] = other["index"] + 0.05 * late + rng.normal(0, 0.01, shape)
    other["calm"] = other["calm"] + 0.2 * late
    other["treaties"] = other["treaties"] + 0.005
    other["trade"] = other["trade"] + rng.normal(0, 0.005, shape)
    floor_years = np.array(YEARS) >= 2028  # format: +0.1 from 2025, +0.18 off the floor later
    base["format"][:, floor_years] = 0.02
    other["format"] = base["format"] + 0.1 * late
    other["format"][:, floor_years] = 0.2
    other["signed_ca_friendship_21c_TJK"][: RUNS // 2, np.array(YEARS) >= 2026] = 1.0
    b, o = _runs(base), _runs(other)
    return Comparison(b, o, paired_differences(b, o), history, history)


def test_rule_thresholds_by_kind_of_outcome() -> None:
    assert TABLE.rule("index") == (0.01, "index")
    for c in COMPONENTS:
        assert TABLE.rule(c)[0] == 0.01
    assert TABLE.rule("signed_ca_friendship_21c_TKM")[0] == 0.05
    assert TABLE.rule("settled_KGZ-TJK")[0] == 0.05
    assert TABLE.rule("heads_present")[0] == 0.05
    assert TABLE.rule("incidents_KGZ-TJK")[0] == 0.1
    assert TABLE.rule("c5x_heads_UZB")[0] == 0.1


def test_bound_shares_count_floor_and_ceiling(history: Scenario) -> None:
    shares = TABLE.bound_shares(_comparison(history).base)
    by = shares.set_index(["outcome", "year"])["at_bound"]
    assert by[("calm", 2025)] == 1.0  # 0 is below the floor
    assert by[("borders", 2025)] == 1.0  # at the ceiling
    assert by[("format", 2025)] == 0.0
    assert by[("trade", 2025)] == 0.0


def test_moves_selects_material_significant_effects_not_at_bound(history: Scenario) -> None:
    effects = TABLE.moves(_comparison(history), since=2022, horizon=2030)
    moved = set(effects["outcome"])
    assert "treaties" not in moved  # significant but below 0.01
    assert "trade" not in moved  # noise: never material
    assert "borders" not in moved  # no difference
    assert {"index", "calm", "signed_ca_friendship_21c_TJK"} <= moved
    assert list(effects["outcome"])[:2] == ["index", "index"]  # the index first
    index = effects[effects["outcome"] == "index"].set_index("at")
    assert index.loc["peak", "year"] >= 2025
    assert index.loc["horizon", "year"] == 2030
    assert index.loc["peak", "headline"]
    assert index.loc["peak", "ci90_low"] > 0.03
    calm = effects[effects["outcome"] == "calm"]
    assert calm["at_bound"].all() and not calm["headline"].any()  # the base rests on the floor
    assert (calm["bound_base"] == 1.0).all()
    fmt = effects[effects["outcome"] == "format"].set_index("at")
    assert 2025 <= fmt.loc["peak", "year"] <= 2027  # the peak is not taken at the bound
    assert fmt.loc["peak", "diff_mean"] == pytest.approx(0.1)
    assert fmt.loc["peak", "headline"] and fmt.loc["horizon", "at_bound"]
    signed = effects[effects["outcome"] == "signed_ca_friendship_21c_TJK"]
    assert signed["diff_mean"].abs().max() == pytest.approx(0.5)
    assert signed["headline"].any()  # not a component: no bound applies
    firsts = effects.groupby("outcome", sort=False)["at"].first()
    assert firsts.str.startswith("peak").all()  # each outcome's peak before its horizon
    cell = TABLE.describe(effects)
    assert "(at bound)" in cell and "index: " in cell and "TJK signed ca_friendship_21c" in cell


def test_moves_is_empty_when_nothing_differs(history: Scenario) -> None:
    c = _comparison(history)
    same = Comparison(c.base, c.base, paired_differences(c.base, c.base), history, history)
    effects = TABLE.moves(same, since=2022)
    assert effects.empty
    assert TABLE.describe(effects) == "nothing moves"


def test_entries_cover_the_library_with_the_neutrality_pair_as_one_row() -> None:
    entries = TABLE.entries()
    files = sorted(p.name for p in TABLE.LIBRARY.glob("*.toml"))
    assert len(entries) == len(files) - 1
    pair = [e for e in entries if "tkm_neutrality_firm" in e.label]
    assert len(pair) == 1 and "tkm_neutrality_low" in pair[0].label
    assert pair[0].question.endswith("?")
    no_covid = next(e for e in entries if "no_covid" in e.label)
    assert no_covid.base == TABLE.HISTORY
    assert no_covid.question == "no COVID-19 pandemic"
    wrapped = next(e for e in entries if "treaty_without_security" in e.label)
    assert wrapped.question.endswith("security and alliance wording")  # over two lines


@pytest.fixture(scope="module")
def index(history: Scenario) -> pd.DataFrame:
    return run(history, seed=3, runs=2).index


def test_shipped_weights_give_the_shipped_index_back(
    history: Scenario, index: pd.DataFrame
) -> None:
    chosen = WEIGHTS.weightings(history.parameters.index)
    shipped = next(iter(chosen.values()))
    again = WEIGHTS.reweighted(index, shipped)
    assert np.allclose(again.to_numpy(), index["index"].to_numpy(), rtol=0, atol=1e-12)


def test_alternative_weights_leave_out_or_double_one_component(
    history: Scenario, index: pd.DataFrame
) -> None:
    shipped = history.parameters.index
    chosen = WEIGHTS.weightings(shipped, "leave_out")
    assert len(chosen) == 2 + len(COMPONENTS)
    without = chosen["without calm"]
    assert without.calm == 0 and without.trade == shipped.trade
    changed = index.assign(calm=1.0 - index["calm"])
    assert np.allclose(WEIGHTS.reweighted(changed, without), WEIGHTS.reweighted(index, without))
    equal = WEIGHTS.reweighted(index.iloc[[0]], chosen["equal weights"]).iloc[0]
    comps = [max(FLOOR, float(index.iloc[0][c])) for c in COMPONENTS]
    assert equal == pytest.approx(math.prod(comps) ** (1 / len(comps)))
    doubled = WEIGHTS.weightings(shipped, "double")
    assert doubled["trade weight doubled"].trade == pytest.approx(2 * shipped.trade)
    with pytest.raises(ValueError):
        WEIGHTS.weightings(shipped, "halve")


def test_weights_summary_has_one_row_per_weighting(history: Scenario, index: pd.DataFrame) -> None:
    chosen = WEIGHTS.weightings(history.parameters.index)
    table = WEIGHTS.summary(index, chosen, 2030)
    assert list(table["weighting"]) == list(chosen)
    assert ((table["q05"] <= table["median"]) & (table["median"] <= table["q95"])).all()


def test_figures_script_draws_kinds_casim_plot_has() -> None:
    assert set(FIGURES.MEASURE_KINDS) <= set(PLOT_KINDS)
    assert all(name.startswith("measures_") for name in FIGURES.MEASURE_KINDS.values())
