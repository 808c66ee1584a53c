"""Reading scenario files: TOML, ``extends`` chains, overrides, and validation.

A scenario file may extend another (``extends = "history.toml"``, relative to itself); its
tables are merged key by key into the base, its ``events`` are added to the base's, and
``remove_events = [ids]`` drops base events. Every failure becomes a
:class:`~casim.scenario.errors.ScenarioError` naming the file that holds the bad key.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from casim.scenario.errors import ScenarioError, format_found
from casim.scenario.reading import check_path, read_input_text
from casim.scenario.schema import EVENT_MODELS, EventBase, Scenario
from casim.scenario.validate import check_scenario

__all__ = ["load_scenario", "load_toml", "raise_validation", "scenario_files", "with_window"]

#: the longest ``extends`` chain followed (a longer one is refused, not called a cycle)
_MAX_CHAIN = 64
#: the deepest nesting of tables and arrays a file may hold (the schema needs 4)
_MAX_DEPTH = 32


@dataclass
class _Origin:
    """Where each part of a merged scenario came from, for error messages."""

    chain: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    # per merged event: (file, key, index in that file's list)
    events: list[tuple[Path, str, int]] = field(default_factory=list)
    # the files being read, from the one named first to the current one
    visiting: list[Path] = field(default_factory=list)

    def file_of(self, loc: tuple[str | int, ...]) -> Path:
        """The last file of the chain that holds the longest prefix of ``loc``."""
        for depth in range(len(loc), 0, -1):
            for path, raw in reversed(self.chain):
                if _has_path(raw, loc[:depth]):
                    return Path(path)
        return self.chain[-1][0]


def _has_path(raw: dict[str, Any], keys: tuple[str | int, ...]) -> bool:
    node: Any = raw
    for key in keys:
        if not (isinstance(node, dict) and isinstance(key, str) and key in node):
            return False
        node = node[key]
    return True


def load_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file, turning every failure into a one-line ScenarioError: only a
    regular UTF-8 file of bounded size (a BOM is dropped), nested at most ``_MAX_DEPTH``
    levels."""
    text = read_input_text(path, what="TOML file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(path, "", "valid TOML", str(err)) from None
    except RecursionError:
        raise ScenarioError(
            path, "", f"TOML nested at most {_MAX_DEPTH} levels deep", "deeper nesting"
        ) from None
    except ValueError:  # an integer of thousands of digits
        limit = sys.get_int_max_str_digits()
        raise ScenarioError(
            path, "", f"integers of at most {limit} digits", "a longer one"
        ) from None
    where = _too_deep(data)
    if where is not None:
        raise ScenarioError(
            path, where, f"TOML nested at most {_MAX_DEPTH} levels deep", "deeper nesting"
        )
    return data


def _too_deep(data: dict[str, Any]) -> str | None:
    """The key path where ``data`` nests deeper than ``_MAX_DEPTH``, or None (iterative,
    so that the check itself cannot exhaust the stack)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, loc = stack.pop()
        if len(loc) > _MAX_DEPTH:
            return _loc_text(loc[:_MAX_DEPTH])
        if isinstance(node, dict):
            stack.extend((v, (*loc, str(k))) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*loc, i)) for i, v in enumerate(node))
    return None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, origin: _Origin, depth: int = 0) -> dict[str, Any]:
    path = path.resolve()
    if path in origin.visiting:
        raise ScenarioError(
            origin.visiting[-1], "extends", "a chain of files without a cycle",
            f"a cycle back to {path}",
        )  # fmt: skip
    if depth >= _MAX_CHAIN:
        raise ScenarioError(
            origin.visiting[-1], "extends", f"a chain of at most {_MAX_CHAIN} files",
            "a longer chain",
        )  # fmt: skip
    raw = load_toml(path)
    parent = raw.get("extends")
    if parent is None:
        merged = {k: v for k, v in raw.items() if k != "remove_events"}
        if "remove_events" in raw:
            raise ScenarioError(path, "remove_events", "an `extends` to remove from", "none")
        origin.chain.append((path, raw))
        events = merged.get("events", [])
        if not isinstance(events, list):
            raise ScenarioError(path, "events", "an array of tables", format_found(events))
        origin.events = [(path, "events", i) for i in range(len(events))]
        return merged
    if not isinstance(parent, str):
        raise ScenarioError(path, "extends", "a file name (string)", format_found(parent))
    if "\x00" in parent:
        raise ScenarioError(path, "extends", "a file name without a null byte", "a null byte")
    origin.visiting.append(path)
    base = _resolve(path.parent / parent, origin, depth + 1)
    origin.visiting.pop()
    origin.chain.append((path, raw))
    over = {k: v for k, v in raw.items() if k not in ("extends", "events", "remove_events")}
    merged = _merge(base, over)
    events = list(base.get("events", []))
    files = list(origin.events)
    removed = raw.get("remove_events", [])
    if not isinstance(removed, list):
        raise ScenarioError(path, "remove_events", "an array of event ids", format_found(removed))
    present = {_id(e) for e in events}
    for i, event_id in enumerate(removed):
        if not isinstance(event_id, str) or event_id not in present:
            raise ScenarioError(
                path, f"remove_events[{i}]", "the id of an event of the base", repr(event_id)
            )
    if removed:
        drop = set(removed)
        keep = [j for j, e in enumerate(events) if _id(e) not in drop]
        events = [events[j] for j in keep]
        files = [files[j] for j in keep]
    added = raw.get("events", [])
    if not isinstance(added, list):
        raise ScenarioError(path, "events", "an array of tables", format_found(added))
    events.extend(added)
    files.extend((path, "events", i) for i in range(len(added)))
    merged["events"] = events
    origin.events = files
    return merged


def _id(event: object) -> str | None:
    """The id of a raw event table, if it has a string one."""
    value = event.get("id") if isinstance(event, dict) else None
    return value if isinstance(value, str) else None


def _loc_text(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def raise_validation(err: ValidationError, file: Path, prefix: str) -> NoReturn:
    """Raise the first error of a pydantic ValidationError as one ScenarioError line about
    ``file``, its key path prefixed by ``prefix``."""
    first = err.errors()[0]
    loc = tuple(first["loc"])
    path = _loc_text(loc)
    if prefix:
        path = prefix + ("." + path if path and not path.startswith("[") else path)
    kind = first["type"]
    if kind == "extra_forbidden":
        expected, found = "a known key", f"unknown key {loc[-1]!r}" if loc else "unknown key"
    elif kind == "missing":
        expected, found = "a value (required key)", "nothing"
    else:
        expected = str(first["msg"]).removeprefix("Input should be ").removeprefix("Value error, ")
        found = format_found(first.get("input"))
    raise ScenarioError(file, path, expected, found) from None


def _parse_events(raw_events: list[Any], origin: _Origin) -> list[EventBase]:
    events: list[EventBase] = []
    ids: set[str] = set()
    for raw, (file, key, index) in zip(raw_events, origin.events, strict=True):
        where = f"{key}[{index}]"
        if not isinstance(raw, dict):
            raise ScenarioError(file, where, "a table", format_found(raw))
        kind = raw.get("kind")
        model = EVENT_MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            raise ScenarioError(
                file, f"{where}.kind", f"one of {sorted(EVENT_MODELS)}", format_found(kind)
            )
        try:
            event = model.model_validate(raw)
        except ValidationError as err:
            raise_validation(err, file, where)
        if event.id in ids:
            raise ScenarioError(file, f"{where}.id", "an id no other event has", repr(event.id))
        ids.add(event.id)
        events.append(event)
    return events


def scenario_files(path: str | Path) -> list[Path]:
    """The files a scenario is read from, resolved: ``path`` first, then each file it
    extends in turn (the scenario is loaded, so any defect is a ScenarioError)."""
    origin = _Origin()
    _resolve(check_path(path), origin)
    return [file for file, _ in reversed(origin.chain)]


def load_scenario(path: str | Path) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError on any defect."""
    path = check_path(path)
    origin = _Origin()
    merged = _resolve(path, origin)
    events = _parse_events(merged.get("events", []), origin)
    body = {k: v for k, v in merged.items() if k != "events"}
    if "schema" in body:
        body["schema_version"] = body.pop("schema")
    try:
        scenario = Scenario.model_validate(body)
    except ValidationError as err:
        loc = tuple(err.errors()[0]["loc"])
        if loc and loc[0] == "schema_version":
            loc = ("schema", *loc[1:])
        raise_validation(err, origin.file_of(loc), "")
    ordered = sorted(
        zip(events, origin.events, strict=True), key=lambda pair: (pair[0].date, pair[0].id)
    )
    scenario = scenario.model_copy(update={"events": [e for e, _ in ordered]})
    problem = check_scenario(scenario)
    if problem is not None:
        loc, expected, found = problem
        if loc and loc[0] == "events":
            event_id = loc[1]
            for event, (file, key, index) in ordered:
                if event.id == event_id:
                    raise ScenarioError(file, _loc_text((key, index, *loc[2:])), expected, found)
        raise ScenarioError(origin.file_of(loc), _loc_text(loc), expected, found)
    return scenario


def with_window(
    scenario: Scenario,
    *,
    pin_until: dt.date | None = None,
    known_until: dt.date | None = None,
    until: dt.date | None = None,
    source: str = "<command line>",
) -> Scenario:
    """Return the scenario with its run window overridden (validated again)."""
    update: dict[str, Any] = {}
    if pin_until is not None:
        update["pin_until"] = pin_until
    if known_until is not None:
        update["known_until"] = known_until
    if until is not None:
        update["until"] = until
    if not update:
        return scenario
    new = scenario.model_copy(update={"run": scenario.run.model_copy(update=update)})
    problem = check_scenario(new)
    if problem is not None:
        loc, expected, found = problem
        key = _loc_text(loc)
        if source == "<command line>":  # name the option that set the date
            key = {f"run.{k}": f"--{k.replace('_', '-')}" for k in update}.get(key, key)
        raise ScenarioError(source, key, expected, found)
    return new
