"""Key paths into a scenario, and scenarios with values set or scaled at those paths.

A key path names a number in the resolved scenario the way the scenario file writes it:
``states.TKM.neutrality``, ``parameters.signature.peer``, ``states.TKM.pull.RUS``,
``borders.KGZ-TJK.tension``; ``events.<id>.<field>`` reaches an event by its id, and
``*`` stands for every key at one level (``states.*.pull.RUS``). Nothing here validates
ranges: :mod:`casim.experiment.spec` does that once, before any run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from casim.scenario.schema import Scenario

__all__ = ["PathError", "apply_values", "leaves", "nodes_along", "set_value"]

Segments = tuple[str, ...]


class PathError(ValueError):
    """A key path that does not name a number of the scenario; ``str()`` says why."""


def _children(node: object) -> list[tuple[str, object]]:
    if isinstance(node, BaseModel):
        return [(name, getattr(node, name)) for name in type(node).model_fields]
    if isinstance(node, dict):
        return [(str(k), v) for k, v in node.items()]
    if isinstance(node, list):
        return [(str(getattr(e, "id", i)), e) for i, e in enumerate(node)]
    return []


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def nodes_along(root: object, segments: Segments) -> list[object]:
    """``root`` and the node at each segment of a concrete path (no ``*``), in order."""
    nodes = [root]
    for seg in segments:
        nodes.append(dict(_children(nodes[-1]))[seg])
    return nodes


def leaves(scenario: Scenario, path: str) -> Iterator[tuple[Segments, float]]:
    """Every (concrete segments, current value) the path names; raises PathError if none."""
    segments = tuple(path.split("."))
    if not path or any(not s for s in segments):
        raise PathError(f"{path!r} is not a dotted key path")
    found = list(_walk(scenario, segments, ()))
    if not found:  # pragma: no cover - _walk raises first
        raise PathError(f"{path!r} names nothing")
    yield from found


def _walk(node: object, rest: Segments, done: Segments) -> Iterator[tuple[Segments, float]]:
    if not rest:
        if not _is_number(node):
            raise PathError(f"{'.'.join(done)} is {type(node).__name__}, not a number")
        yield done, float(node)  # type: ignore[arg-type]
        return
    head, tail = rest[0], rest[1:]
    children = _children(node)
    if not children:
        raise PathError(f"{'.'.join(done)} is a number; nothing lies under it")
    names = [name for name, _ in children]
    if head == "*":
        for name, child in children:
            if name == "sources":
                continue
            yield from _walk(child, tail, (*done, name))
        return
    if head not in names:
        where = ".".join(done) or "the scenario"
        shown = ", ".join(n for n in names if n != "sources")
        if len(shown) > 120:
            shown = shown[:117] + "..."
        raise PathError(f"no key {head!r} under {where} (keys: {shown})")
    yield from _walk(children[names.index(head)][1], tail, (*done, head))


def set_value(node: Any, segments: Segments, value: float) -> Any:
    """A copy of ``node`` with the number at ``segments`` replaced (no validation).

    Integer fields receive the value rounded to the nearest integer.
    """
    if not segments:
        return round(value) if isinstance(node, int) else float(value)
    head, tail = segments[0], segments[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={head: set_value(getattr(node, head), tail, value)})
    if isinstance(node, dict):
        out = dict(node)
        out[head] = set_value(node[head], tail, value)
        return out
    if isinstance(node, list):
        out_list = list(node)
        for i, item in enumerate(node):
            if str(getattr(item, "id", i)) == head:
                out_list[i] = set_value(item, tail, value)
                return out_list
    raise PathError(f"no key {head!r}")  # pragma: no cover - paths are checked first


def apply_values(
    scenario: Scenario, values: dict[str, float], ops: dict[str, str] | None = None
) -> Scenario:
    """The scenario with each path set to its value, or scaled by it where ``ops`` says
    ``"scale"`` (the value multiplies every number the path names)."""
    ops = ops or {}
    out = scenario
    for path, value in values.items():
        scale = ops.get(path, "set") == "scale"
        for segments, current in list(leaves(scenario, path)):
            out = set_value(out, segments, current * value if scale else value)
    return out
