"""Bad scenario files are rejected with one line naming file, key path, expected, found."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import casim
from casim.cli import main
from casim.scenario import ScenarioError

Overlay = Callable[[str], Path]


def _error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        casim.load_scenario(path)
    return info.value


@pytest.mark.parametrize(
    ("body", "key", "found"),
    [
        # unknown key
        ("[states.KAZ]\nfavourite_colour = 'blue'\n", "states.KAZ.favourite_colour", "unknown key"),
        ("colour = 1\n", "colour", "unknown key"),
        # wrong type
        ("[states.TKM]\nneutrality = 'very'\n", "states.TKM.neutrality", "'very'"),
        ("[meetings]\nrotation = 'KAZ'\n", "meetings.rotation", "'KAZ'"),
        # out of range
        ("[states.TKM]\nneutrality = 1.5\n", "states.TKM.neutrality", "1.5"),
        ("[parameters.borders]\nmajor_step = -0.1\n", "parameters.borders.major_step", "-0.1"),
        ("[states.KAZ.position]\nsecurity = 2.0\n", "states.KAZ.position.security", "2.0"),
        # unknown state codes
        ("participants = ['KAZ', 'XYZ']\n", "participants[1]", "'XYZ'"),
        ("[meetings]\nrotation = ['KAZ', 'ZZZ']\n", "meetings.rotation[1]", "'ZZZ'"),
        ("[meetings]\nfirst_host = 'ZZZ'\n", "meetings.first_host", "'ZZZ'"),
        ("[blocs.CSTO]\nmembers = ['KAZ', 'RUS']\n", "blocs.CSTO.members[1]", "'RUS'"),
        # missing partner
        ("[states.KAZ.pull]\nIND = 0.2\n", "states.KAZ.pull.IND", "IND"),
        # missing source
        ("[states.KAZ.sources]\ndisposition = ''\n", "states.KAZ.sources.disposition", "nothing"),
        # dates out of order
        ("end = 2015-01-01\n", "end", "2015-01-01"),
        ("[states.KGZ]\nirregular_since = 2017-01-01\n", "states.KGZ.irregular_since", "2017"),
        (
            "[[events]]\nid = 'x'\nkind = 'leader_change'\ndate = 2020-01-01\nstate = 'KGZ'\n"
            "leader = 'X'\ndisposition = 0.5\nentry = 'coup'\nsource = 's'\n",
            "events[0].entry",
            "'coup'",
        ),
        ("[run]\npin_until = 2040-01-01\n", "run.pin_until", "2040-01-01"),
        (
            "[meetings]\nwindow_start = '12-01'\nwindow_end = '03-01'\n",
            "meetings.window_end",
            "03-01",
        ),
    ],
)
def test_rejections(overlay: Overlay, body: str, key: str, found: str) -> None:
    path = overlay(body)
    err = _error(path)
    assert err.file == str(path.resolve()) or err.file == str(path)
    assert err.path == key
    assert found in err.found
    text = str(err)
    assert "\n" not in text
    assert text.startswith(err.file) and "expected" in text and "found" in text


@pytest.mark.parametrize(
    ("event", "key", "found"),
    [
        (
            "kind = 'treaty_signed'\nstate = 'KAZ'\ntreaty = 'no_such_treaty'",
            "events[0].treaty",
            "'no_such_treaty'",
        ),
        (
            "kind = 'treaty_signed'\nstate = 'XXX'\ntreaty = 'ca_friendship_21c'",
            "events[0].state",
            "'XXX'",
        ),
        ("kind = 'partner_summit'\npartner = 'MARS'", "events[0].partner", "'MARS'"),
        (
            "kind = 'border_clash'\npair = 'TJK-KGZ'\nseverity = 'major'",
            "events[0].pair",
            "'TJK-KGZ'",
        ),
        (
            "kind = 'border_clash'\npair = 'KGZ-TJK'\nseverity = 'huge'",
            "events[0].severity",
            "'huge'",
        ),
        (
            "kind = 'shock'\nname = 'x'\nend = 2019-01-01\n"
            "effects = [{target = 'meetings_blocked'}]",
            "events[0].end",
            "2019-01-01",
        ),
        (
            "kind = 'leader_change'\nstate = 'KAZ'\nleader = 'X'\ndisposition = 7",
            "events[0].disposition",
            "7",
        ),
        ("kind = 'state_visit'\nhost = 'KAZ'\nguest = 'MARS'", "events[0].guest", "'MARS'"),
        ("kind = 'state_visit'\nhost = 'KAZ'\nguest = 'KAZ'", "events[0].guest", "'KAZ'"),
        ("kind = 'coup'", "events[0].kind", "'coup'"),
        ("kind = 'summit'\nhost = 'KAZ'\nbogus = 1", "events[0].bogus", "unknown key"),
    ],
)
def test_event_rejections(overlay: Overlay, event: str, key: str, found: str) -> None:
    body = f"[[events]]\nid = 'x1'\ndate = 2020-06-01\nsource = 'test'\n{event}\n"
    err = _error(overlay(body))
    assert err.path == key
    assert found in err.found


def test_duplicate_event_id(overlay: Overlay) -> None:
    body = (
        "[[events]]\nid = 'summit_2018'\nkind = 'summit_postponed'\ndate = 2020-06-01\n"
        "host = 'KAZ'\nsource = 'test'\n"
    )
    err = _error(overlay(body))
    assert err.path == "events[0].id"
    assert "summit_2018" in err.found


def test_two_meetings_in_one_year(overlay: Overlay) -> None:
    body = (
        "[[events]]\nid = 'extra'\nkind = 'summit'\ndate = 2018-09-01\nhost = 'UZB'\nsource = 't'\n"
    )
    err = _error(overlay(body))
    assert err.path == "events[0].date"
    assert "second meeting in 2018" in err.found


def test_remove_unknown_event(overlay: Overlay) -> None:
    err = _error(overlay("remove_events = ['summit_2018', 'no_such_event']\n"))
    assert err.path == "remove_events[1]"


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [unclosed\n", encoding="utf-8")
    assert "valid TOML" in str(_error(bad))
    missing = _error(tmp_path / "nope.toml")
    assert "no such file" in str(missing)


def test_error_names_the_file_that_holds_the_key(overlay: Overlay, tmp_path: Path) -> None:
    """An overlay of an overlay: the error points at the file with the bad value."""
    middle = overlay("[states.TKM]\nneutrality = 3.0\n", name="middle.toml")
    top = tmp_path / "top.toml"
    top.write_text('extends = "middle.toml"\nname = "top"\n', encoding="utf-8")
    err = _error(top)
    assert Path(err.file).name == "middle.toml" == middle.name


def test_cli_exit_status_2_and_one_line(
    overlay: Overlay, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = overlay("[states.TKM]\nneutrality = 1.5\n")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "states.TKM.neutrality" in err[0]
    assert not out.exists()  # nothing half-written
    assert main(["validate", str(path)]) == 2


def test_cli_bad_window_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["run", "--until", "2000-01-01", "--out", str(tmp_path / "o")]) == 2
    assert "<command line>: --until:" in capsys.readouterr().err


def test_console_script_prints_no_traceback(overlay: Overlay) -> None:
    """The real process: exit status 2, one line on stderr, no traceback."""
    path = overlay(
        "[[events]]\nid = 'x'\ndate = 2020-01-01\nsource = 's'\nkind = 'summit'\nhost = 'NOPE'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "casim", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "events[0].host" in lines[0] and "'NOPE'" in lines[0]


def test_a_closed_pipe_ends_the_output_quietly(tmp_path: Path) -> None:
    """`casim run | head -1`: the reader leaves early; the files are whole, no traceback."""
    out = tmp_path / "o"
    proc = subprocess.Popen(
        [sys.executable, "-m", "casim", "run", "--until", "2017-12-31", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before casim prints its first line
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert "Traceback" not in err and not err.strip()
    assert (out / "manifest.json").is_file()
