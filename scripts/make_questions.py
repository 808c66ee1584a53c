"""Write the questions a forecast from 2022-12-31 answers, in the record's format.

The rows ask, for each year from 2023 to 2030, what the record asks of 2016-2022: whether
each state hosted a consultative meeting and whether its head attended the year's meeting,
whether Tajikistan and Turkmenistan have signed the Friendship Treaty by the year's end,
whether the Kyrgyz-Tajik line gets its treaty in the year, and whether a major clash takes
place on each line the record watches for clashes. ``outcome`` is empty: it is what
happened after the record, to be filled in when it is known. Only the five founding states
are asked about (a sixth participant only in a scenario that makes it one).

Every window opens after 2022-12-31, so that no row is settled by the imposed history of a
forecast from that day. A treaty row asks whether the state has signed by the window's end;
for the two states that had not signed by the end of the record (rows friendship_TJK_2022
and friendship_TKM_2022 are 0) that is the same as signing between 2023-01-01 and the end,
which is the window written.

    python scripts/make_questions.py            # writes records/questions_2023_2030.csv
    python scripts/make_questions.py --check    # exit 1 if the file differs from what it writes
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "records" / "questions_2023_2030.csv"
STATES = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
YEARS = range(2023, 2031)
FIRST_DAY = "2023-01-01"  # the day after the record's last
TREATY = "ca_friendship_21c"
HOLDOUTS = ("TJK", "TKM")  # had not signed the Friendship Treaty by the end of 2022
OPEN_LINES = ("KGZ-TJK",)  # no treaty on the whole line by the end of 2022
CLASH_LINES = ("KAZ-KGZ", "KGZ-TJK", "KGZ-UZB", "TJK-UZB")  # the lines of the record's clash rows
COLUMNS = ("id", "kind", "subject", "object", "start", "end", "outcome", "note", "source")


def rows() -> list[dict[str, str]]:
    """The question rows, year by year, in the record's order of kinds."""
    out: list[dict[str, str]] = []

    def add(id_: str, kind: str, subject: str, obj: str, start: str, end: str, note: str) -> None:
        out.append(
            {
                "id": id_,
                "kind": kind,
                "subject": subject,
                "object": obj,
                "start": start,
                "end": end,
                "outcome": "",
                "note": note,
                "source": "",
            }
        )

    for y in YEARS:
        start, end = f"{y}-01-01", f"{y}-12-31"
        for s in STATES:
            add(f"summit_{y}_{s}", "summit_held", s, "", start, end, f"hosts a meeting in {y}")
        for s in STATES:
            note = f"its head attends in person the meeting of {y} (asked if one is held)"
            add(f"head_{y}_{s}", "summit_head_attended", s, "", start, end, note)
        for s in HOLDOUTS:
            note = f"has signed by {end} (not signed by 2022-12-31: friendship_{s}_2022 = 0)"
            add(f"friendship_{s}_{y}", "treaty_signed", s, TREATY, FIRST_DAY, end, note)
        for p in OPEN_LINES:
            note = f"the treaty closing the line is signed in {y}"
            add(f"border_{p}_{y}", "border_treaty_signed", p, "", start, end, note)
        for p in CLASH_LINES:
            add(f"clash_{p}_{y}", "border_clash_major", p, "", start, end, f"a major clash in {y}")
    return out


def text() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows())
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    wanted = text()
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == wanted
        print(f"{OUT.relative_to(ROOT)} {'is' if same else 'is NOT'} up to date")
        return 0 if same else 1
    OUT.write_text(wanted, encoding="utf-8", newline="\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows())} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
