"""The measures read off a hand-made event log, the pair panel written by casim run, the
xarray view, and the figures of the measures."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

import casim
from casim.cli import main
from casim.model import measures as m
from casim.scenario.schema import Scenario

YEARS = [2018, 2019, 2020]


def _log(rows: list[tuple[int, str, str, str, str, str]]) -> pd.DataFrame:
    """An event log from (run, date, kind, subject, object, outcome) rows, seed 1."""
    cols = ["run", "date", "kind", "subject", "object", "outcome"]
    frame = pd.DataFrame(rows, columns=cols)
    frame.insert(1, "seed", 1)
    frame["origin"] = "model"
    return frame


def _summit(run: int, date: str, heads: list[str], members: list[str]) -> list[tuple]:  # type: ignore[type-arg]
    rows: list[tuple] = [(run, date, "summit_held", "KAZ", "meeting_1", "held")]  # type: ignore[type-arg]
    for code in members:
        rows.append(
            (run, date, "summit_attended", code, "head" if code in heads else "standin", "KAZ")
        )
    return rows


def test_format_measures_count_meetings_heads_and_documents(history: Scenario) -> None:
    members = list(history.participants)
    ev = _log(
        [
            *_summit(0, "2018-03-15", members, members),
            *_summit(0, "2020-11-01", members[:2], members),
            (0, "2019-01-01", "document_proposed", "KAZ", "ca_friendship_21c", "treaty"),
            (0, "2019-06-01", "document_opened", "KAZ", "ca_friendship_21c", "security=0.5"),
            (0, "2020-06-01", "treaty_in_force", "ALL", "ca_friendship_21c", "5 ratifications"),
        ]
    )
    f = m.format_measures(ev, history, YEARS, window=3).set_index("year")
    assert list(f["held"]) == [1, 0, 1]
    assert f.loc[2019, "regularity"] == pytest.approx(1 / 3)  # one missed year costs a third
    assert f.loc[2020, "regularity"] == pytest.approx(2 / 3)
    assert f.loc[2018, "heads_present"] == 1.0
    assert f.loc[2019, "heads_present"] == 0.0
    assert f.loc[2020, "heads_present"] == pytest.approx(2 / len(members))
    assert list(f["documents_in_force"]) == [0, 0, 1]
    scope = history.documents["ca_friendship_21c"].scope
    assert f.loc[2020, "scope"] == pytest.approx(len(scope) / len(history.dimensions))
    assert (f["members"] == len(members)).all()


def test_the_treaty_network_names_holdouts_with_their_objection(history: Scenario) -> None:
    members = list(history.participants)
    signer, holdout, absent = members[0], members[1], members[2]
    ev = _log(
        [
            (0, "2022-07-21", "document_opened", "KAZ", "ca_friendship_21c", "security=0.5"),
            (0, "2022-07-31", "treaty_signed", signer, "ca_friendship_21c", "signed"),
            (0, "2022-07-21", "treaty_deferred", holdout, "ca_friendship_21c", "timing"),
            (0, "2023-07-21", "treaty_deferred", holdout, "ca_friendship_21c", "neutrality"),
        ]
    )
    net = m.treaty_network(ev, history).iloc[0]
    assert net["signed"] == 1 and net["ratified"] == 0 and net["in_force"] == ""
    assert net["days_to_sign"] == 10.0
    assert f"{holdout}:neutrality" in net["holdouts"].split()  # the last stated objection
    assert f"{absent}:absent" in net["holdouts"].split()
    assert signer not in net["holdouts"]
    assert net["kind"] == "treaty" and "security" in net["areas"]


def test_border_lines_go_through_their_stages(history: Scenario) -> None:
    pair = next(p for p, line in history.borders.items() if line.progress < 1.0)
    start_settled = next(p for p, line in history.borders.items() if line.progress >= 1.0)
    ev = _log(
        [
            (0, "2018-05-01", "border_clash", pair, "minor", "clash"),
            (0, "2018-06-01", "border_clash", pair, "major", "clash"),
            (0, "2019-02-01", "border_treaty_signed", pair, "heads", "signed"),
            (0, "2020-02-01", "border_demarcated", pair, "", "demarcated"),
        ]
    )
    lines = m.border_lines(ev, history, YEARS).set_index(["pair", "year"])
    assert [lines.loc[(pair, y), "stage"] for y in YEARS] == ["open", "delimited", "demarcated"]
    assert lines.loc[(pair, 2018), "incidents"] == 1 and lines.loc[(pair, 2018), "clashes"] == 1
    assert lines.loc[(pair, 2019), "clashes"] == 0
    assert (lines.loc[start_settled, "stage"] == "delimited").all()


def test_dyads_hold_visits_agreements_clashes_and_heads_met(history: Scenario) -> None:
    pair = next(p for p in history.borders)
    a, b = pair.split("-")
    members = list(history.participants)
    ev = _log(
        [
            *_summit(0, "2019-03-15", [a, b], members),
            (0, "2019-04-01", "state_visit", pair, "", "talks"),
            (0, "2019-05-01", "border_sections_agreed", pair, "", "0.5"),
            (0, "2020-05-01", "ceasefire", pair, "", "agreed"),
            (0, "2020-06-01", "border_clash", pair, "major", "clash"),
        ]
    )
    d = m.dyads(ev, pd.DataFrame(), history, YEARS)
    assert list(d.columns) == [*m.DYAD_KEYS, *m.DYAD_MEASURES]
    row = d[(d["a"] == a) & (d["b"] == b)].set_index("year")
    assert list(row["visits"]) == [0, 1, 0]
    assert list(row["agreements"]) == [0, 1, 2]
    assert list(row["clashes"]) == [0, 0, 1]
    assert list(row["heads_met"]) == [0, 1, 0]
    assert (row["border"] == 1).all() and row["tension"].isna().all()  # no panel given
    n = len(history.states)
    assert len(d) == len(YEARS) * n * (n - 1) // 2


def test_alignment_counts_c5x_heads_and_bloc_ties(history: Scenario) -> None:
    code, bloc = next(
        (c, b) for c in history.states for b, spec in history.blocs.items() if c not in spec.members
    )
    ev = _log(
        [
            (0, "2019-05-01", "partner_summit", "CHN", "", "held"),
            (0, "2019-05-01", "partner_summit_attended", code, "head", "CHN"),
            (0, "2020-01-01", "bloc_join", code, bloc, "member"),
        ]
    )
    al = m.alignment(ev, pd.DataFrame(), history, YEARS)
    row = al[al["state"] == code].set_index("year")
    assert list(row["c5x_summits"]) == [0, 1, 0] and list(row["c5x_heads"]) == [0, 1, 0]
    assert row.loc[2020, "blocs"] == row.loc[2019, "blocs"] + 1


def test_casim_run_writes_the_pair_panel(tmp_path: Path, history_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(history_path), "--runs", "2", "--seed", "3", "--out", str(out)]) == 0
    dyads = pd.read_csv(out / "dyads.csv")
    assert list(dyads.columns) == [*m.DYAD_KEYS, *m.DYAD_MEASURES]
    assert set(dyads["run"]) == {0, 1}
    lines = dyads[dyads["border"] == 1]
    assert lines["tension"].between(0, 1).all()
    assert dyads.loc[dyads["border"] == 0, "tension"].isna().all()


def test_plot_draws_the_measures(tmp_path: Path, history_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(history_path), "--runs", "2", "--seed", "3", "--out", str(out)]) == 0
    plots = tmp_path / "plots"
    argv = ["plot", str(out), "--out", str(plots), "--format", "png"]
    for kind in ("pairs", "treaties", "borders"):
        argv += ["--kind", kind]
    assert main(argv) == 0
    for kind in ("pairs", "treaties", "borders"):
        assert (plots / f"{kind}.png").stat().st_size > 10_000
    from casim.present.plot_run import draw, read_result_dir

    data = read_result_dir(out)
    pairs = draw(data, "pairs", run=0, year=2022)
    lines = len(history_lines(data.manifest))
    assert (
        len([ln for ln in pairs.get_lines() if ln.get_label() and "-" in ln.get_label()]) == lines
    )
    treaties = draw(data, "treaties", run=0, year=2022)
    events = pd.read_csv(out / "events.csv")
    assert (
        len(treaties.get_yticklabels())
        == events.query("kind == 'document_opened'")["object"].nunique()
    )
    borders = draw(data, "borders", run=0, year=2022)
    assert [t.get_text() for t in borders.get_yticklabels()] == list(history_lines(data.manifest))


def history_lines(manifest: dict) -> list[str]:  # type: ignore[type-arg]
    return list(manifest["scenario"]["borders"])


def test_the_xarray_view_round_trips_the_tables(history: Scenario) -> None:
    pytest.importorskip("xarray")
    result = casim.run(history, seed=2, runs=2)
    ds = result.to_xarray()
    assert dict(ds.sizes)["run"] == 2
    idx = result.index.set_index(["run", "year"])["index"]
    assert float(ds["index"].sel(run=1, year=2030)) == pytest.approx(idx.loc[(1, 2030)])
    dy = result.dyads
    row = dy[(dy["run"] == 1) & (dy["year"] == 2021) & (dy["a"] == "KGZ") & (dy["b"] == "TJK")]
    value = float(ds["pair_tension"].sel(run=1, year=2021, pair="KGZ-TJK"))
    assert value == pytest.approx(float(row["tension"].iloc[0]))
    panel = result.panel.set_index(["run", "year", "state"])["disposition"]
    got = float(ds["disposition"].sel(run=0, year=2025, state="UZB"))
    assert got == pytest.approx(panel.loc[(0, 2025, "UZB")])
    assert not math.isnan(got)


def test_the_xarray_view_without_the_extra_says_what_to_install(
    history: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    result = casim.run(history, seed=2, runs=1, until=dt.date(2017, 12, 31))
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(ImportError, match=r"pip install 'casim\[xarray\]'"):
        result.to_xarray()
