"""The stances act: each stance the model carries, set low and high from 2023, and what it moves.

For every stance (neutrality, each open border dispute, sovereignty, disposition, each
partner's pull and its stance on the five-state format) two variants of the history
scenario differ only in that stance from 2023-01-01 (assumed stance changes, or a partner's
data); both forecast from 2022-12-31 with the history before it imposed, and are compared
on common random numbers (:func:`casim.analysis.compare.compare_scenarios`): run ``r`` of
both draws from the same named streams, so the paired difference ``high - low`` of the
outcome is the stance's effect, with its 90% interval.

    python scripts/stance_effects.py --runs 200            # the README table
    python scripts/stance_effects.py --runs 200 --csv out/stance_effects.csv

Each case names the outcome the stance must move and the direction it must move it in; the
tests (``tests/test_stance_effects.py``) run the same cases on fewer runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casim.analysis.compare import compare_scenarios
from casim.scenario.load import load_scenario
from casim.scenario.schema import BorderTreaty, Scenario, TreatySigned

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
PIN = dt.date(2022, 12, 31)
FROM = "2023-01-01"
TREATY = "ca_friendship_21c"


@dataclass(frozen=True)
class Case:
    """One stance set low and high; the outcome it must move, and in which direction."""

    stance: str  # what is varied, as a reader would name it
    low: str  # TOML appended to a file that extends the history (the low setting)
    high: str  # the high setting
    outcome: str  # an outcome column of casim compare
    year: int  # the outcome by (or in) this year
    direction: int  # +1: high raises the outcome; -1: high lowers it
    label: str  # the outcome as the table prints it
    least: float  # the smallest effect that counts as clearly visible
    pin: str = "2022-12-31"  # pin and known dates of both variants


def _stance(state: str, field: str, value: float, key: str | None = None) -> str:
    key_line = f'key = "{key}"\n' if key else ""
    return (
        "[[events]]\n"
        f'id = "stance_{state}_{field}{"_" + key if key else ""}"\n'
        'kind = "stance_change"\n'
        f"date = {FROM}\n"
        f'state = "{state}"\n'
        f'field = "{field}"\n'
        f"{key_line}"
        f"value = {value}\n"
        "assumed = true\n"
        'source = "stance effect: the setting compared"\n'
    )


def _pull_all(scenario: Scenario, partner: str, value: float) -> str:
    return "".join(_stance(c, "pull", value, partner) for c in scenario.participants)


def _settled(pair: str) -> str:
    return (
        "[[events]]\n"
        f'id = "settled_{pair}"\n'
        'kind = "border_treaty_signed"\n'
        f"date = {FROM}\n"
        f'pair = "{pair}"\n'
        "assumed = true\n"
        'source = "stance effect: the line settled early"\n'
    )


def _support(partner: str, value: float) -> str:
    return f"[partners.{partner}]\nregional_support = {value}\n"


def open_lines(scenario: Scenario) -> list[str]:
    """Lines with no treaty by the pin date (2022-12-31) that divide two participants."""
    settled = {e.pair for e in scenario.events if isinstance(e, BorderTreaty) and e.date <= PIN}
    return [p for p, b in scenario.borders.items() if b.progress < 1.0 and p not in settled]


def signed_by_pin(scenario: Scenario) -> set[str]:
    """States that signed the Friendship Treaty by the pin date (2022-12-31)."""
    return {
        e.state
        for e in scenario.events
        if isinstance(e, TreatySigned) and e.treaty == TREATY and e.date <= PIN
    }


def cases(scenario: Scenario) -> list[Case]:
    """The stances the mission names, each with the outcome it must move."""
    out = [
        Case(
            "Turkmenistan's neutrality 0.1 -> 0.99",
            _stance("TKM", "neutrality", 0.1),
            _stance("TKM", "neutrality", 0.99),
            f"signed_{TREATY}_TKM",
            2027,
            -1,
            "Turkmenistan signed the Friendship Treaty by 2027",
            0.3,
        ),
        Case(
            "Tajikistan's sovereignty sensitivity 0.1 -> 0.95",
            _stance("TJK", "sovereignty", 0.1),
            _stance("TJK", "sovereignty", 0.95),
            f"signed_{TREATY}_TJK",
            2027,
            -1,
            "Tajikistan signed the Friendship Treaty by 2027",
            0.15,
        ),
        Case(
            "Turkmenistan's leader's disposition 0.2 -> 0.9",
            _stance("TKM", "disposition", 0.2),
            _stance("TKM", "disposition", 0.9),
            "treaties",
            2027,
            +1,
            "documents signed and ratified, 2027 (treaties component)",
            0.01,  # one state of five, times the documents' wording
        ),
        Case(
            "every leader's disposition 0.2 -> 0.9",
            "".join(_stance(c, "disposition", 0.2) for c in scenario.participants),
            "".join(_stance(c, "disposition", 0.9) for c in scenario.participants),
            "index",
            2030,
            +1,
            "integration index in 2030",
            0.05,
        ),
    ]
    signed = signed_by_pin(scenario)
    for pair in open_lines(scenario):
        for state in pair.split("-"):
            if state in signed or state not in scenario.participants:
                continue
            out.append(
                Case(
                    f"the {pair} dispute: open -> settled in 2023",
                    "",
                    _settled(pair),
                    f"signed_{TREATY}_{state}",
                    2026,
                    +1,
                    f"{scenario.states[state].name} signed the Friendship Treaty by 2026",
                    0.1,
                    pin=FROM,
                )
            )
    for pid, partner in scenario.partners.items():
        if partner.regional_support != 0:
            out.append(
                Case(
                    f"{partner.name}'s pull on every state 0.05 -> 0.95 "
                    f"(stance on the format {partner.regional_support:+.2f})",
                    _pull_all(scenario, pid, 0.05),
                    _pull_all(scenario, pid, 0.95),
                    "treaties",
                    2030,
                    1 if partner.regional_support > 0 else -1,
                    "documents signed and ratified, 2030 (treaties component)",
                    0.005,
                )
            )
        out.append(
            Case(
                f"{partner.name}'s stance on the format -1 -> +1 (pull 0.95 on every state)",
                _support(pid, -1.0) + _pull_all(scenario, pid, 0.95),
                _support(pid, 1.0) + _pull_all(scenario, pid, 0.95),
                "treaties",
                2030,
                +1,
                "documents signed and ratified, 2030 (treaties component)",
                0.02,
            )
        )
    return out


def _variant(directory: Path, name: str, body: str, pin: str) -> Scenario:
    path = directory / f"{name}.toml"
    path.write_text(
        f'extends = "{HISTORY.as_posix()}"\nname = "{name}"\n\n[run]\n'
        f"pin_until = {pin}\nknown_until = {pin}\n\n" + body,
        encoding="utf-8",
    )
    return load_scenario(path)


def measure(case: Case, *, runs: int, seed: int) -> dict[str, object]:
    """The paired effect high - low of ``case`` on its outcome: mean and 90% interval."""
    with tempfile.TemporaryDirectory() as tmp:
        low = _variant(Path(tmp), "low", case.low, case.pin)
        high = _variant(Path(tmp), "high", case.high, case.pin)
        comparison = compare_scenarios(low, high, seed=seed, runs=runs)
    d = comparison.differences
    row = d[(d["outcome"] == case.outcome) & (d["year"] == case.year)].iloc[0]
    return {
        "stance": case.stance,
        "outcome": case.label,
        "direction": "raises" if case.direction > 0 else "lowers",
        "low": float(row["base_mean"]),
        "high": float(row["other_mean"]),
        "effect": float(row["diff_mean"]),
        "ci90_low": float(row["ci90_low"]),
        "ci90_high": float(row["ci90_high"]),
        "least": case.least,
        "as_expected": _as_expected(case, row),
    }


def _as_expected(case: Case, row: pd.Series) -> bool:
    """The effect goes the case's way, its 90% interval excludes 0, and it is at least
    ``least`` in size."""
    near = float(row["ci90_low"] if case.direction > 0 else row["ci90_high"])
    effect = float(row["diff_mean"])
    return case.direction * near > 0 and case.direction * effect >= case.least


def table(runs: int, seed: int, select: Callable[[Case], bool] = lambda c: True) -> pd.DataFrame:
    scenario = load_scenario(HISTORY)
    rows = [measure(c, runs=runs, seed=seed) for c in cases(scenario) if select(c)]
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    lines = [
        "| stance (low -> high, from 2023) | outcome | must | by at least | low | high "
        "| effect (90% interval) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in frame.itertuples():
        mark = "" if r.as_expected else " **not as expected**"
        lines.append(
            f"| {r.stance} | {r.outcome} | {r.direction} | {r.least:.2f} | {r.low:.2f} | "
            f"{r.high:.2f} | "
            f"{r.effect:+.2f} ({r.ci90_low:+.2f}, {r.ci90_high:+.2f}){mark} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", type=Path, default=None)
    args = parser.parse_args(argv)
    frame = table(args.runs, args.seed)
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(args.csv, index=False, float_format="%.4f")
    print(f"stance effects, casim compare on {args.runs} runs, seed {args.seed}, from {FROM}")
    print(markdown(frame))
    return 0 if frame["as_expected"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
