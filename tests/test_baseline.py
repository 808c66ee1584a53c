"""A fixed run of the history scenario equals the stored baseline.

Only ``scripts/update_baseline.py`` rewrites the baseline, when a model change is meant to
change the output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def test_history_matches_the_baseline(script: Callable[[str], ModuleType]) -> None:
    for name, text in script("update_baseline").render().items():
        stored = (ROOT / "tests" / "baseline" / name).read_text(encoding="utf-8")
        assert text == stored, f"{name} differs: if intended, run scripts/update_baseline.py"
