"""A fixed run of the history scenario equals the stored baseline.

Only ``scripts/update_baseline.py`` rewrites the baseline, when a model change is meant to
change the output.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_history_matches_the_baseline() -> None:
    spec = importlib.util.spec_from_file_location(
        "update_baseline", ROOT / "scripts" / "update_baseline.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.render().items():
        stored = (ROOT / "tests" / "baseline" / name).read_text(encoding="utf-8")
        assert text == stored, f"{name} differs: if intended, run scripts/update_baseline.py"
