"""Prior values use only what was known at the forecast's origin (docs/MODEL.md 3.5).

The shipped forecast runs from 2022-12-31 and is judged on what happened after it, so every
value of ``scenarios/history_prior.toml`` outside its ``[[events]]`` must be one a forecaster
could have set on that day. Its source may not cite a later year, nor a seed written after
the origin, unless the clause that does is marked as a later check not used for the value.
Observed events after the origin are exempt: they stay for the record and the window drops
them from a forecast.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRIOR = ROOT / "scenarios" / "history_prior.toml"
ORIGIN = dt.date(2022, 12, 31)
MARKER = "(after the origin; not used for the value)"
# Seeds written after the origin (their dates are in the seeds' README): citing one is
# citing what was known only then.
LATE_SEEDS = {"004_89774b402583500b.txt": dt.date(2024, 8, 9)}
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def late_citations(text: str, origin: dt.date = ORIGIN) -> list[str]:
    """What a source cites from after ``origin``: each later year and each seed written
    after it, in the clauses (split on ';') that do not carry the marker."""
    found: list[str] = []
    marked = "\0"  # the marker holds a ';' of its own
    for clause in text.replace(MARKER, marked).split(";"):
        if marked in clause:
            continue
        found += [y for y in _YEAR.findall(clause) if int(y) > origin.year]
        found += [s for s, d in LATE_SEEDS.items() if s in clause and d > origin]
    return found


def _sources(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Every entry of every ``sources`` table, with its dotted path; ``events`` skipped."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key == "events":
                continue
            if key == "sources" and isinstance(value, dict):
                for name, text in value.items():
                    yield ".".join((*path, "sources", name)), str(text)
            else:
                yield from _sources(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _sources(item, (*path, str(i)))


@pytest.fixture(scope="module")
def prior() -> dict[str, object]:
    with PRIOR.open("rb") as fh:
        return tomllib.load(fh)


def test_prior_window_is_the_origin(prior: dict[str, object]) -> None:
    run = prior["run"]
    assert isinstance(run, dict)
    assert run["pin_until"] == ORIGIN
    assert run["known_until"] == ORIGIN


def test_every_kind_of_table_is_checked(prior: dict[str, object]) -> None:
    tops = {path.split(".")[0] for path, _ in _sources(prior)}
    assert {"states", "partners", "blocs", "borders", "documents", "meetings"} <= tops
    assert "parameters" in tops


def test_prior_sources_cite_nothing_after_the_origin(prior: dict[str, object]) -> None:
    late = {path: cited for path, text in _sources(prior) if (cited := late_citations(text))}
    assert late == {}, (
        f"sources citing what was known only after {ORIGIN} (set the value from what was "
        f"known by then, or mark a later check {MARKER!r}): {late}"
    )


@pytest.mark.parametrize(
    ("text", "late"),
    [
        ("judgement: first summit, Astana, 14 Oct 2022 (001_daf0f4081d86ebab.txt)", []),
        ("summits in Oct 2022 and Oct 2025 (event rus_ca_2025)", ["2025", "2025"]),
        ("https://www.newscentralasia.net/2023/09/15/outcomes/", ["2023"]),
        ("a roadmap for 2022-2024", ["2024"]),
        ("004_89774b402583500b.txt (security framework)", ["004_89774b402583500b.txt"]),
        ("judgement: one a year; held again in 2025 " + MARKER, []),
        ("held again in 2025 " + MARKER + "; signed in 2023", ["2023"]),
        ("article id 1107037322, resolution 50/80, 1095 days", []),
    ],
)
def test_late_citations(text: str, late: list[str]) -> None:
    assert late_citations(text) == late
