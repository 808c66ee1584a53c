"""One event vocabulary: every kind the log holds is declared once, in casim.log, and
everything that reads the log agrees with it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import casim
from casim.experiment import load_experiment
from casim.log import KINDS, OBSERVED_ORDER, ORIGINS, RECORD_KINDS, EventRow
from casim.scenario.schema import EVENT_MODELS, OBSERVED_KINDS

ROOT = Path(__file__).resolve().parents[1]
MECHANISMS = ROOT / "src" / "casim" / "mechanisms"


def test_scenario_events_are_the_vocabulary_kinds_a_scenario_may_impose() -> None:
    imposed = {k.scenario for k in KINDS.values() if k.scenario}
    assert set(EVENT_MODELS) == imposed
    assert set(OBSERVED_ORDER) == set(OBSERVED_KINDS)
    assert all(KINDS[k].imposed in ("observed", "exogenous") for k in KINDS if KINDS[k].scenario)


def test_record_kinds_are_the_record_formats() -> None:
    assert RECORD_KINDS == (
        "summit_held",
        "summit_head_attended",
        "treaty_signed",
        "border_treaty_signed",
        "border_clash_major",
    )


def _logged_literals() -> set[str]:
    """The kinds the mechanisms' source logs by name: ``.log("kind", ...)``,
    ``partial(self.log, "kind", ...)``, or the ``kind`` of an attendance."""
    found: set[str] = set()
    for path in MECHANISMS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            args = node.args
            if name == "log" and args and isinstance(args[0], ast.Constant):
                found.add(str(args[0].value))
            if name == "attend" and len(args) > 5 and isinstance(args[5], ast.Constant):
                found.add(str(args[5].value))
            if (
                name == "partial"
                and len(args) > 1
                and getattr(args[0], "attr", "") == "log"
                and isinstance(args[1], ast.Constant)
            ):
                found.add(str(args[1].value))
    return found


def test_every_kind_the_mechanisms_log_is_declared() -> None:
    literals = _logged_literals()
    assert literals, "the scan found no log calls"
    assert literals <= set(KINDS), literals - set(KINDS)
    assert set(KINDS) <= literals, f"declared but never logged: {set(KINDS) - literals}"


@pytest.mark.parametrize(
    ("file", "window"),
    [
        ("history.toml", {}),
        ("history.toml", {"pin_until": dt.date(2016, 1, 1), "known_until": dt.date(2016, 1, 1)}),
        ("counterfactuals/kgz_tjk_war.toml", {}),
        ("counterfactuals/tkm_opens.toml", {}),
    ],
)
def test_every_row_of_a_run_is_a_declared_kind_and_origin(
    file: str, window: dict[str, dt.date]
) -> None:
    scenario = casim.load_scenario(ROOT / "scenarios" / file)
    result = casim.run(scenario, seed=2, runs=4, **window)
    assert set(result.events["kind"]) <= set(KINDS)
    assert set(result.events["origin"]) <= set(ORIGINS)
    assert list(result.events.columns) == list(EventRow._fields)


def test_every_kind_can_be_counted(tmp_path: Path) -> None:
    kinds = sorted(KINDS)
    path = tmp_path / "all_kinds.toml"
    path.write_text(
        f'scenario = "{(ROOT / "scenarios" / "history.toml").as_posix()}"\n'
        "seed = 1\n[outputs]\nevent_counts = [" + ", ".join(f'"{k}"' for k in kinds) + "]\n",
        encoding="utf-8",
    )
    exp = load_experiment(path)
    assert exp.spec.outputs.event_counts == kinds


_LOG_READERS = ("experiment/outputs.py",)


def _reads_kind(node: ast.expr, path: Path) -> bool:
    """``events["kind"]``, ``ev.kind``, or a name ``kind`` in a module that reads the log
    (a sweep's ``design["kind"]`` is not the log's)."""
    text = ast.unparse(node)
    if (text.endswith("['kind']") and not text.startswith("design")) or text == "ev.kind":
        return True
    return text == "kind" and path.as_posix().endswith(_LOG_READERS)


def _compared_kinds() -> set[str]:
    """String constants compared with an event row's kind anywhere in casim
    (``ev["kind"] == "treaty_signed"``, ``kind == "border_clash"``, ...)."""
    found: set[str] = set()
    for path in (ROOT / "src" / "casim").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare) or len(node.comparators) != 1:
                continue
            left, right = node.left, node.comparators[0]
            for this, other in ((left, right), (right, left)):
                if (
                    isinstance(this, ast.Constant)
                    and isinstance(this.value, str)
                    and _reads_kind(other, path)
                ):
                    found.add(this.value)
    return found


def test_kinds_read_off_the_log_are_declared() -> None:
    from casim.present.plotting import _TIMELINE_ROWS

    compared = _compared_kinds()
    assert {"treaty_signed", "border_clash", "summit_attended"} <= compared
    assert compared <= set(KINDS) | set(RECORD_KINDS), compared - set(KINDS) - set(RECORD_KINDS)
    assert {kind for kind, _ in _TIMELINE_ROWS} <= set(KINDS)
