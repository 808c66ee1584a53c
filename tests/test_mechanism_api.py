"""Adding a mechanism through the Python API, without editing the engine.

``HeadCount`` is the worked example of docs/ARCHITECTURE.md: a yearly process that logs
one new event kind, declared by the mechanism itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pytest

import casim
from casim.experiment import load_experiment, sweep
from casim.kernel import Proc
from casim.log import EventKind
from casim.mechanisms import Mechanism
from casim.present.output import write_result
from casim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"


class HeadCount(Mechanism):
    """On 1 July of every year, log how many states take part in the meetings."""

    name = "head_count"
    kinds = (
        EventKind(
            "participants_counted",
            "the participants of the consultative meetings, counted on 1 July",
            subject="ALL",
            outcome="the number of participants",
        ),
    )

    def processes(self) -> Iterable[Proc]:
        yield self._count()

    def _count(self) -> Proc:
        k = self.kernel
        for year in range(k.start.year, k.until.year + 1):
            yield k.wait_until(k.day(dt.date(year, 7, 1)))
            self.sync()
            self.log("participants_counted", "ALL", "", str(len(self.world.participants)))


@pytest.fixture(scope="module")
def scenario() -> casim.Scenario:
    return casim.load_scenario(HISTORY)


def test_added_mechanism_logs_its_kind(scenario: casim.Scenario, tmp_path: Path) -> None:
    result = casim.run(scenario, seed=3, runs=2, mechanisms=[HeadCount])
    counted = result.events[result.events["kind"] == "participants_counted"]
    years = scenario.end.year - scenario.start.year + 1
    assert len(counted) == 2 * years
    assert set(counted["outcome"]) <= {"5", "6"}  # Azerbaijan may join after 2025
    assert ((counted["date"].dt.month == 7) & (counted["date"].dt.day == 1)).all()
    assert result.manifest["mechanisms"][-1].endswith(":HeadCount")
    written = write_result(result, tmp_path / "out")
    events = pd.read_csv(tmp_path / "out" / "events.csv")
    assert (events["kind"] == "participants_counted").sum() == 2 * years
    assert tmp_path / "out" / "events.csv" in written


def test_an_observing_mechanism_leaves_the_run_alone(scenario: casim.Scenario) -> None:
    plain = casim.run(scenario, seed=5, runs=2, until=dt.date(2027, 12, 31))
    added = casim.run(scenario, seed=5, runs=2, until=dt.date(2027, 12, 31), mechanisms=[HeadCount])
    others = added.events[added.events["kind"] != "participants_counted"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, plain.events)
    pd.testing.assert_frame_equal(added.index, plain.index)


def _experiment(tmp_path: Path, counts: list[str]) -> Path:
    path = tmp_path / "count.toml"
    path.write_text(
        f'scenario = "{HISTORY.as_posix()}"\n'
        "seed = 7\nreplicates = 3\n"
        "[run]\nuntil = 2024-12-31\n"
        f"[outputs]\nindex_years = [2024]\nevent_counts = {counts!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_experiment_counts_the_added_kind(tmp_path: Path, jobs: int) -> None:
    path = _experiment(tmp_path, ["participants_counted", "state_visit", "leader_turn"])
    result = sweep(path, tmp_path / "out", jobs=jobs, mechanisms=[HeadCount])
    assert result.failed == 0
    table = pd.read_parquet(tmp_path / "out" / "results")
    assert list(table["n_participants_counted"]) == [2024 - 2016 + 1] * 3
    assert (table["n_state_visit"] >= 0).all()


def test_an_undeclared_kind_is_refused(tmp_path: Path) -> None:
    path = _experiment(tmp_path, ["participants_counted"])
    with pytest.raises(ScenarioError, match=r"outputs\.event_counts\[0\].*an event kind"):
        load_experiment(path)


def test_two_handlers_for_one_event_type_are_refused(scenario: casim.Scenario) -> None:
    from casim.mechanisms.stances import Stances

    class MoreStances(Stances):
        name = "more_stances"

    with pytest.raises(ValueError, match="StanceChange has two handlers"):
        casim.run(scenario, mechanisms=[MoreStances])


def test_a_name_used_twice_is_refused(scenario: casim.Scenario) -> None:
    class Twin(HeadCount):
        pass

    with pytest.raises(ValueError, match="'head_count' is used twice"):
        casim.run(scenario, mechanisms=[HeadCount, Twin])
