"""Whatever value a key of the history scenario (its prior file, which holds every value)
is given, loading either succeeds or raises one ScenarioError line: never another
exception (which the CLI would show as a traceback)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casim
from casim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "scenarios" / "history_prior.toml").read_text(encoding="utf-8").splitlines()
ASSIGNMENTS = [i for i, line in enumerate(TEXT) if re.match(r"^[A-Za-z_][\w-]* = ", line)]
VALUES = st.sampled_from(
    [
        '"text"',
        "''",
        "-5",
        "0",
        "1e9",
        "-1e-9",
        "nan",
        "inf",
        "true",
        "2099-01-01",
        "1999-12-31",
        "[1, 2]",
        '["KAZ", "XXX"]',
        "[]",
        "{ a = 1 }",
        "{}",
        '"03-45"',
        '"KAZ"',
        "12:00:00",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.sampled_from(ASSIGNMENTS), value=VALUES)
def test_any_value_gives_a_clear_error_or_a_scenario(tmp_path: Path, line: int, value: str) -> None:
    lines = list(TEXT)
    key = lines[line].split(" = ", 1)[0]
    lines[line] = f"{key} = {value}"
    path = tmp_path / "mutated.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        scenario = casim.load_scenario(path)
    except ScenarioError as err:
        message = str(err)
        assert "\n" not in message
        assert message.startswith(str(path.resolve())) or message.startswith(str(path))
        return
    casim.run(scenario, seed=1, until=scenario.start.replace(year=scenario.start.year + 3))
