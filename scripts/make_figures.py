"""Regenerate the README's figures of the measures of integration in one command.

    python scripts/make_figures.py                 # measures and weights figures
    python scripts/make_figures.py --sobol --jobs 2   # and the Sobol study (15,360 runs)

Runs ``casim run scenarios/history.toml --runs 100 --seed 3`` into a temporary directory,
draws ``casim plot DIR --kind pairs --kind treaties --kind borders`` and copies them to
``docs/img/measures_pairs.png``, ``measures_treaties.png`` and ``measures_borders.png``;
draws the index under alternative weights from the same run (``scripts/index_weights.py
--run-dir DIR``) into ``docs/img/index_weights.png``. With ``--sobol`` it also runs
``casim sweep experiments/sobol_index_2030.toml --jobs N --out out/sobol_index_2030``
(``--resume`` when that directory holds a stopped sweep) and ``casim analyze``, and copies
``analysis/sensitivity.png`` to ``docs/img/sobol_sensitivity.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.toml"
SOBOL = ROOT / "experiments" / "sobol_index_2030.toml"
#: plot kinds of ``casim plot`` and the README's names for them
MEASURE_KINDS = {
    "pairs": "measures_pairs.png",
    "treaties": "measures_treaties.png",
    "borders": "measures_borders.png",
}


def _env() -> dict[str, str]:
    """The environment with this checkout's sources first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def casim(*args: str) -> None:
    """Run a casim command of this checkout (its output shown); fail on an error."""
    command = [sys.executable, "-m", "casim", *args]
    print("$ casim " + " ".join(args), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, env=_env())


def measures(img: Path, runs: int, seed: int) -> list[Path]:
    """The three measure figures and the weights figure from one history ensemble."""
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "history"
        casim("run", str(HISTORY), "--runs", str(runs), "--seed", str(seed), "--out", str(out))
        plots = Path(tmp) / "plots"
        kinds = [a for k in MEASURE_KINDS for a in ("--kind", k)]
        casim("plot", str(out), *kinds, "--format", "png", "--out", str(plots))
        for kind, name in MEASURE_KINDS.items():
            shutil.copyfile(plots / f"{kind}.png", img / name)
            written.append(img / name)
        weights = img / "index_weights.png"
        command = [sys.executable, str(ROOT / "scripts" / "index_weights.py")]
        command += ["--run-dir", str(out), "--out", str(weights)]
        print("$ python scripts/index_weights.py --run-dir DIR --out " + str(weights), flush=True)
        subprocess.run(command, check=True, cwd=ROOT, env=_env())
        written.append(weights)
    return written


def sobol(img: Path, jobs: int, out: Path) -> Path:
    """The Sobol study of the 2030 index and its figure."""
    resume = ["--resume"] if (out / "manifest.json").is_file() else []
    casim("sweep", str(SOBOL), "--jobs", str(jobs), "--out", str(out), *resume)
    casim("analyze", str(out))
    target = img / "sobol_sensitivity.png"
    shutil.copyfile(out / "analysis" / "sensitivity.png", target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--img", type=Path, default=ROOT / "docs" / "img", help="target directory")
    parser.add_argument("--sobol", action="store_true", help="also the Sobol study (long)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the Sobol sweep")
    parser.add_argument("--sobol-out", type=Path, default=ROOT / "out" / "sobol_index_2030")
    args = parser.parse_args(argv)
    args.img.mkdir(parents=True, exist_ok=True)
    written = measures(args.img, args.runs, args.seed)
    if args.sobol:
        written.append(sobol(args.img, args.jobs, args.sobol_out))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
