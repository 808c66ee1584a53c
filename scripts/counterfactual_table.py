"""The counterfactual library's table: for each scenario, which measures move and by how much.

Each file of ``scenarios/counterfactuals/`` is compared with ``scenarios/history.toml`` (the
neutrality pair ``tkm_neutrality_firm`` / ``tkm_neutrality_low`` with each other) on
common random numbers, as ``casim compare`` does
(:func:`casim.analysis.compare.compare_scenarios`): run ``r`` of both draws from the same
named streams, so the paired difference ``other - base`` of an outcome is the change's
effect, with its 90% interval.

    python scripts/counterfactual_table.py --runs 200                  # the README table
    python scripts/counterfactual_table.py --runs 200 --jobs 2 --csv out/counterfactuals.csv

An outcome *moves* in a year when its 90% interval excludes 0 and the mean paired
difference is material: at least :data:`RULES`' threshold for its kind (0.01 for the index
and its components, 5 percentage points of runs for a signature, a settled line or a
clash, 0.05 for the format's shares, 0.02 for a disposition, 0.1 a run-year for counts,
0.1 bn USD for trade). For an outcome that moves, two years are reported: the year of its
largest moving effect from the branch year on (its *peak*), and the fixed horizon
(``--horizon``, 2030), whether it moves there or not. An effect on the index or one of its
components is *at bound* when more than half the runs of either scenario have it at the
floor (:data:`casim.model.indicators.FLOOR`) or at the ceiling (>= 0.99) that year; such
an effect is never a headline: the peak is taken among the years not at bound, and an
outcome that moves only at bound is listed with "(at bound)". ``--csv`` writes every
effect (peak and horizon rows of every outcome that moves) with its interval, both
scenarios' means and bound shares.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casim.analysis.compare import Comparison, compare_scenarios
from casim.model.indicators import COMPONENTS, FLOOR
from casim.scenario.load import load_scenario
from casim.scenario.window import resolved_window

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
LIBRARY = ROOT / "scenarios" / "counterfactuals"
#: Files compared with each other (base, other) rather than with the history.
PAIRED = ("tkm_neutrality_firm.toml", "tkm_neutrality_low.toml")
#: A component at or above this is at its ceiling.
CEILING = 0.99
#: Outcomes whose runs are checked against the floor and the ceiling.
BOUNDED = (*COMPONENTS, "index")
HORIZON = 2030

#: (outcome pattern, smallest material |effect|, kind), first match wins.
RULES: tuple[tuple[str, float, str], ...] = (
    (r"^index$", 0.01, "index"),
    (r"^(" + "|".join(COMPONENTS) + r")$", 0.01, "component"),
    (r"^(signed|settled|major_clash)_", 0.05, "share of runs"),
    (r"^(regularity|heads_present|scope)$", 0.05, "format share"),
    (r"^disposition_", 0.02, "disposition"),
    (r"^trade_bn$", 0.1, "USD bn"),
    (r"^(held|documents_opened|documents_in_force|members|stage_|incidents_|c5x_heads_)", 0.1,
     "count"),
)  # fmt: skip
#: Threshold of an outcome no rule names.
DEFAULT_THRESHOLD = 0.01


@dataclass(frozen=True)
class Entry:
    """One row of the table: a counterfactual compared with its base."""

    label: str  # the file(s), as the table prints them
    base: Path
    other: Path
    question: str


def rule(outcome: str) -> tuple[float, str]:
    """The smallest material effect of ``outcome`` and its kind (see :data:`RULES`)."""
    for pattern, threshold, kind in RULES:
        if re.match(pattern, outcome):
            return threshold, kind
    return DEFAULT_THRESHOLD, "measure"


def header(path: Path) -> tuple[str, str]:
    """The first sentence of a scenario file's header comment (without
    ``Counterfactual:``; it may run over several comment lines) and its question (the
    sentence after ``Question:``); the scenario's ``description`` where the file has no
    header comment."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    paragraph = " ".join(lines[: lines.index("")] if "" in lines else lines)
    first = re.split(r"\.(?:\s|$)", paragraph, maxsplit=1)[0]
    first = re.sub(r"^Counterfactual:\s*", "", first)
    if not first:
        first = load_scenario(path).description
    text = " ".join(lines)
    found = re.search(r"Question:\s*([^?]*\?)", text)
    return first, found.group(1) if found else first


def entries(directory: Path = LIBRARY) -> list[Entry]:
    """Every counterfactual against the history, and the neutrality pair against itself."""
    out = []
    for path in sorted(directory.glob("*.toml")):
        if path.name in PAIRED:
            continue
        out.append(Entry(f"`{path.name}`", HISTORY, path, header(path)[0]))
    base, other = (directory / name for name in PAIRED)
    if base.is_file() and other.is_file():
        question = header(base)[1]
        out.append(Entry(f"`{base.name}` vs `{other.name}`", base, other, question))
    return out


def bound_shares(runs: pd.DataFrame, outcomes: Sequence[str] = BOUNDED) -> pd.DataFrame:
    """Per year and bounded outcome: the share of runs at the floor or the ceiling
    (columns year, outcome, at_bound)."""
    cols = [c for c in outcomes if c in runs.columns]
    values = runs[cols].to_numpy(dtype=float)
    hit = (values <= FLOOR) | (values >= CEILING)
    frame = pd.DataFrame(hit.astype(float), columns=cols)
    frame["year"] = runs["year"].to_numpy()
    shares = frame.groupby("year").mean().reset_index()
    return shares.melt(id_vars="year", var_name="outcome", value_name="at_bound")


def moves(
    comparison: Comparison, *, since: int, horizon: int = HORIZON, half: float = 0.5
) -> pd.DataFrame:
    """The effects of every outcome that moves from ``since`` on: its peak row and its
    horizon row (``at`` peak, horizon, or both), with the materiality threshold, whether
    the effect moves in that year, the bound shares of both scenarios and ``at_bound``
    (either share above ``half``); sorted index first, then components, then the others
    by size relative to their threshold."""
    d = comparison.differences
    d = d[d["year"] >= since].copy()
    rules = {o: rule(o) for o in d["outcome"].unique()}
    d["threshold"] = d["outcome"].map(lambda o: rules[o][0])
    d["kind"] = d["outcome"].map(lambda o: rules[o][1])
    d["significant"] = (d["ci90_low"] > 0) | (d["ci90_high"] < 0)
    d["material"] = d["diff_mean"].abs() >= d["threshold"] - 1e-12
    d["moves"] = d["significant"] & d["material"]
    b = bound_shares(comparison.base).rename(columns={"at_bound": "bound_base"})
    o = bound_shares(comparison.other).rename(columns={"at_bound": "bound_other"})
    d = d.merge(b, on=["year", "outcome"], how="left").merge(o, on=["year", "outcome"], how="left")
    d[["bound_base", "bound_other"]] = d[["bound_base", "bound_other"]].fillna(0.0)
    d["at_bound"] = (d["bound_base"] > half) | (d["bound_other"] > half)
    rows = []
    for _, g in d.groupby("outcome", sort=False):
        moving = g[g["moves"]]
        if moving.empty:
            continue
        free = moving[~moving["at_bound"]]
        pool = free if len(free) else moving
        peak = pool.loc[pool["diff_mean"].abs().idxmax()]
        at_horizon = g[g["year"] == horizon]
        if len(at_horizon) and int(at_horizon.iloc[0]["year"]) != int(peak["year"]):
            rows.append(peak.to_frame().T.assign(at="peak"))
            rows.append(at_horizon.iloc[[0]].assign(at="horizon"))
        else:
            rows.append(peak.to_frame().T.assign(at="peak+horizon" if len(at_horizon) else "peak"))
    if not rows:
        return d.iloc[0:0].assign(at=pd.Series(dtype=str), headline=pd.Series(dtype=bool))
    out = pd.concat(rows, ignore_index=True)
    out = out.astype({"year": int, "n": int, "moves": bool, "at_bound": bool})
    out["headline"] = out["moves"] & ~out["at_bound"] & out["at"].str.startswith("peak")
    order = {"index": 0, **{c: 1 + i for i, c in enumerate(COMPONENTS)}}
    size = out.groupby("outcome")["diff_mean"].transform(lambda s: s.abs().max())
    out["_rank"] = out["outcome"].map(lambda o: order.get(o, len(order)))
    out["_size"] = -(size / out["threshold"].astype(float))
    out["_at"] = (out["at"] == "horizon").astype(int)  # the peak first
    out = out.sort_values(["_rank", "_size", "outcome", "_at"], kind="stable")
    return out.drop(columns=["_rank", "_size", "_at"]).reset_index(drop=True)


def label(outcome: str) -> str:
    """An outcome as the table names it."""
    names = {
        "index": "index",
        "trade_bn": "trade (USD bn)",
        "held": "meetings held",
        "heads_present": "heads present",
        "documents_opened": "documents opened",
        "documents_in_force": "documents in force",
    }
    if outcome in names:
        return names[outcome]
    if outcome in COMPONENTS:
        return f"{outcome} component"
    m = re.match(r"^signed_(.+)_([A-Z]{3})$", outcome)
    if m:
        return f"{m.group(2)} signed {m.group(1)}"
    for prefix, word in (
        ("settled_", "settled"),
        ("major_clash_", "major clash"),
        ("stage_", "stage"),
        ("incidents_", "incidents"),
    ):
        if outcome.startswith(prefix):
            return f"{outcome[len(prefix) :]} {word}"
    if outcome.startswith("disposition_"):
        return f"disposition {outcome[len('disposition_') :]}"
    if outcome.startswith("c5x_heads_"):
        return f"C5+X summits attended {outcome[len('c5x_heads_') :]}"
    return outcome


def _effect(row: pd.Series) -> str:
    text = (
        f"{row['year']} {row['diff_mean']:+.3f} ({row['ci90_low']:+.3f}, {row['ci90_high']:+.3f})"
    )
    if not row["moves"]:
        text += " n.s." if not row["significant"] else " small"
    if row["at_bound"]:
        text += " (at bound)"
    return text


def describe(effects: pd.DataFrame, limit: int = 6) -> str:
    """The table's cell: each outcome that moves, its peak and horizon effects, at most
    ``limit`` outcomes (the rest counted)."""
    if effects.empty:
        return "nothing moves"
    parts = []
    names = list(dict.fromkeys(effects["outcome"]))
    for outcome in names[:limit]:
        rows = effects[effects["outcome"] == outcome]
        parts.append(f"{label(outcome)}: " + "; ".join(_effect(r) for _, r in rows.iterrows()))
    if len(names) > limit:
        parts.append(f"{len(names) - limit} more (csv)")
    return "<br>".join(parts)


def measure(entry: Entry, runs: int, seed: int, horizon: int = HORIZON) -> pd.DataFrame:
    """Compare the entry's scenarios and return its effects (:func:`moves`), with the
    entry's file, question and branch date."""
    base, other = load_scenario(entry.base), load_scenario(entry.other)
    branch = resolved_window(other)[0]
    comparison = compare_scenarios(base, other, seed=seed, runs=runs)
    out = moves(comparison, since=branch.year, horizon=horizon)
    return out.assign(file=entry.label, question=entry.question, branch=branch.isoformat())


def _measure(args: tuple[Entry, int, int, int]) -> pd.DataFrame:
    return measure(*args)


def table(
    chosen: Sequence[Entry], runs: int, seed: int, jobs: int = 1, horizon: int = HORIZON
) -> list[tuple[Entry, pd.DataFrame]]:
    """Each entry with its effects; ``jobs`` entries at once in worker processes."""
    work = [(e, runs, seed, horizon) for e in chosen]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            frames = list(pool.map(_measure, work))
    else:
        frames = [_measure(w) for w in work]
    return list(zip(chosen, frames, strict=True))


def markdown(results: Sequence[tuple[Entry, pd.DataFrame]], branch: dict[str, str]) -> str:
    lines = [
        "| file | question | branch | what moves (peak year; horizon): effect (90% interval) |",
        "|---|---|---|---|",
    ]
    for entry, effects in results:
        lines.append(
            f"| {entry.label} | {entry.question} | {branch[entry.label]} | {describe(effects)} |"
        )
    return "\n".join(lines)


COLUMNS = [
    "file",
    "question",
    "branch",
    "outcome",
    "kind",
    "at",
    "year",
    "n",
    "base_mean",
    "other_mean",
    "diff_mean",
    "ci90_low",
    "ci90_high",
    "threshold",
    "significant",
    "material",
    "moves",
    "bound_base",
    "bound_other",
    "at_bound",
    "headline",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="counterfactuals compared at once")
    parser.add_argument("--horizon", type=int, default=HORIZON)
    parser.add_argument("--csv", type=Path, default=None)
    parser.add_argument(
        "--only", nargs="*", default=None, help="file names to compare (default: all)"
    )
    args = parser.parse_args(argv)
    chosen = entries()
    if args.only:
        chosen = [e for e in chosen if any(name in e.label for name in args.only)]
    results = table(chosen, args.runs, args.seed, args.jobs, args.horizon)
    branch = {e.label: resolved_window(load_scenario(e.other))[0].isoformat() for e in chosen}
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        frames = [f for _, f in results if len(f)]
        full = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
        full[COLUMNS].to_csv(args.csv, index=False, float_format="%.4f")
    print(
        f"counterfactual effects, casim compare on {args.runs} runs, seed {args.seed}, "
        f"horizon {args.horizon}"
    )
    print(markdown(results, branch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
