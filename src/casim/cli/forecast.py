"""``casim forecast`` and ``casim judge``: an ensemble's probabilities for open questions,
stored; and the stored probabilities scored once the outcomes are known."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from casim._version import __version__
from casim.cli.common import (
    MAX_RUNS_SCORED,
    Subparsers,
    add_force_arg,
    add_window_args,
    check_out_csv,
    out_path,
    positive,
    runs,
    seed,
    window,
)
from casim.scenario import ScenarioError, load_scenario, with_window

__all__ = ["add_forecast", "add_judge"]

#: the most answers ``forecast`` holds (runs x question rows), as ``score``
_MAX_ANSWERS = 20_000_000


def add_forecast(sub: Subparsers) -> None:
    p = sub.add_parser(
        "forecast",
        help="answer the open questions of a question file with an ensemble's probabilities",
    )
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument(
        "--questions",
        type=Path,
        help="question file (record format, outcome empty while unknown; default: the "
        "shipped records/questions_2023_2030.csv); rows whose window opens on or before "
        "the pin date are skipped and counted",
    )
    p.add_argument(
        "--reference",
        type=Path,
        help="record whose rows closing by the pin date give the rate of a row no run "
        "answered (default: the shipped records/record_2016_2022.csv)",
    )
    p.add_argument(
        "--runs", type=runs(MAX_RUNS_SCORED), default=200, help="ensemble size (default 200)"
    )
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument(
        "--jobs", type=positive, default=1, help="worker processes (default 1; same output)"
    )
    p.add_argument(
        "--out",
        type=out_path,
        metavar="FILE.csv",
        help="the probabilities (default out/forecast_<scenario>.csv); beside it FILE.json "
        "(scenario, seed, runs, versions, the questions' sha256, command); an existing "
        "file that is not an earlier forecast is replaced only with --force",
    )
    add_force_arg(p)
    add_window_args(p)
    p.set_defaults(func=_forecast)


def add_judge(sub: Subparsers) -> None:
    p = sub.add_parser(
        "judge",
        help="score a stored forecast (casim forecast's FILE.csv) against known outcomes",
    )
    p.add_argument("forecast", type=Path, help="FILE.csv of casim forecast (FILE.json beside it)")
    p.add_argument(
        "--record",
        type=Path,
        required=True,
        help="the outcomes, in the record format (a question file with some outcomes "
        "filled in will do: rows with an empty outcome are not judged)",
    )
    p.add_argument(
        "--reference",
        type=Path,
        help="record whose rows closing by the forecast's pin date give the baselines "
        "(default: the shipped records/record_2016_2022.csv)",
    )
    p.set_defaults(func=_judge)


def _forecast(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.forecast import RunFailed
    from casim.analysis.questions import forecast_questions
    from casim.analysis.questions_out import check_forecast_out, write_outlook
    from casim.paths import default_questions, default_record
    from casim.record import check_record, load_questions, load_record

    pin, known, until = window(args)
    scenario = with_window(
        load_scenario(args.scenario), pin_until=pin, known_until=known, until=until
    )
    questions_path = args.questions or default_questions()
    questions = load_questions(questions_path)
    check_record(questions, scenario, questions_path)
    if args.runs * len(questions) > _MAX_ANSWERS:
        raise ScenarioError(
            "<command line>", "--runs",
            f"at most {_MAX_ANSWERS // len(questions)} runs for {len(questions)} questions",
            str(args.runs),
        )  # fmt: skip
    reference_path = args.reference or default_record()
    reference = load_record(reference_path)
    out = args.out or Path("out") / f"forecast_{args.scenario.stem}.csv"
    check_out_csv(out)
    check_forecast_out(out, force=args.force)
    began = time.perf_counter()
    try:
        outlook = forecast_questions(
            scenario,
            questions,
            runs=args.runs,
            seed=args.seed,
            reference=reference,
            questions_path=questions_path,
            jobs=args.jobs,
            progress=sys.stderr,
        )
    except RunFailed as err:
        print(f"casim: error: {err}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - began
    print(
        f"casim {__version__}: {scenario.name}, {args.runs} runs, seed {args.seed}, free after "
        f"{outlook.pin_until}, to {outlook.until}: {len(outlook.rows)} rows of "
        f"{questions_path} forecast in {elapsed:.1f} s"
    )
    if outlook.opened or outlook.beyond:
        print(
            f"  not forecast: {len(outlook.opened)} row(s) opening on or before the pin date "
            f"{outlook.pin_until}, {len(outlook.beyond)} ending after {outlook.until}"
        )
    unanswered = sum(1 for n in outlook.answered if n == 0)
    if unanswered:
        print(
            f"  {unanswered} row(s) no run answered (no meeting in the window): their kind's "
            f"rate in the rows of {reference_path} closing by {outlook.pin_until}"
        )
    for path in write_outlook(
        outlook,
        out,
        scenario=scenario,
        questions=Path(questions_path),
        reference=Path(reference_path),
        command=["casim", *argv],
    ):
        print(f"  wrote {path}")
    return 0


def _judge(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from casim.analysis.forecast import score_table
    from casim.analysis.questions import judge, read_forecast
    from casim.paths import default_record
    from casim.record import load_questions, load_record

    stored = read_forecast(args.forecast)
    outcomes = load_questions(args.record)
    reference_path = args.reference or default_record()
    reference = load_record(reference_path)
    fc, pending = judge(
        stored, outcomes, reference=reference, forecast_path=args.forecast,
        outcomes_path=args.record,
    )  # fmt: skip
    print(
        f"casim {__version__}: the forecast {args.forecast} ({stored.scenario_name}, "
        f"{stored.runs} runs, seed {stored.seed}, from {stored.pin_until}) judged on "
        f"{len(fc.rows)} rows of {args.record}"
    )
    if pending:
        print(f"  not judged: {len(pending)} row(s) with no outcome in {args.record}")
    print(
        f"  baselines from the {fc.reference_rows} rows of {reference_path} closing by "
        f"{stored.pin_until} (a kind with none takes their pooled rate)"
    )
    print(score_table(fc))
    return 0
