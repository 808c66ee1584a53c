"""Benchmark of sweeps: runs per second, the cost of casim's events against bare SimPy,
and the peak memory of a large sweep.

    pip install -e '.[bench]'
    python benchmarks/bench_sweep.py [--runs N] [--sizes 1000,10000] [--repeat K]
                                     [--instructions]

Prints:

0. the sweep ratio: the wall time of ``casim sweep experiments/history_montecarlo.toml
   --jobs 2`` (10,000 runs, start-up and Parquet writing included) divided by that of
   10,000 bare SimPy runs of 1,000 timeouts each on 2 processes (a ``multiprocessing`` pool,
   start-up included), the two commands timed back to back, ``--repeat`` times; the median
   ratio is the figure the speed target is set on (at most 3). With ``--instructions``, the
   same ratio in CPU instructions per run (callgrind), which does not depend on the load
   of the machine;
1. runs per second of the history scenario (``experiments/history_montecarlo.toml``'s
   outputs) in one process (the worker's loop, no pool) and with ``casim sweep --jobs 2``
   (pool start-up and Parquet writing included);
2. casim's time per SimPy event divided by a bare SimPy loop's, the bare loop scheduling
   the same number of events (one process yielding that many timeouts) in this process;
3. wall time and peak memory (the summed RSS of the sweep's whole process tree, sampled
   every 50 ms) of ``casim sweep experiments/history_montecarlo.toml --jobs 2`` at each
   size given by ``--sizes`` (10,000 runs is the shipped experiment), ``--repeat`` times;
4. with ``--instructions`` (needs valgrind): the CPU instructions per run of the sweep's
   worker loop, counted by callgrind. Unlike seconds, this count does not depend on what
   else the machine is doing, so it is the figure to compare two versions of casim by.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import simpy

import casim
from casim.engine import Engine
from casim.experiment import load_experiment, sweep
from casim.experiment.design import run_sequence
from casim.experiment.runner import payload_for
from casim.experiment.worker import Chunk, run_chunk

ROOT = Path(__file__).resolve().parents[1]
MONTE_CARLO = ROOT / "experiments" / "history_montecarlo.toml"


def _with_replicates(runs: int, folder: Path) -> Path:
    text = MONTE_CARLO.read_text(encoding="utf-8")
    text = text.replace("replicates = 10000", f"replicates = {runs}")
    text = text.replace('"../', f'"{ROOT.as_posix()}/')  # paths relative to experiments/
    path = folder / f"montecarlo_{runs}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_process(runs: int) -> float:
    exp = load_experiment(MONTE_CARLO)
    payload = payload_for(exp, replicates=runs)
    run_chunk(payload, Chunk(0, 0, 20))  # warm up
    began = time.perf_counter()
    run_chunk(payload, Chunk(0, 0, runs))
    return runs / (time.perf_counter() - began)


def two_processes(runs: int, folder: Path) -> float:
    result = sweep(_with_replicates(runs, folder), folder / f"sweep_{runs}", jobs=2)
    return result.computed / result.seconds


def per_event_ratio(runs: int) -> tuple[float, float, float, float]:
    """(casim us/event, bare us/event, ratio, events per run) for `casim run`'s path."""
    scenario = casim.load_scenario(ROOT / "scenarios" / "history.toml")
    events = 0
    began = time.perf_counter()
    for r in range(runs):
        engine = Engine(scenario, run_sequence(1, 0, r, runs, True), r, 1)
        engine.run()
        events += next(engine.kernel.env._eid)  # events SimPy scheduled in this run
    casim_s = time.perf_counter() - began
    per_run = events // runs

    def bare() -> None:
        env = simpy.Environment()

        def proc(env: simpy.Environment):  # type: ignore[no-untyped-def]
            for _ in range(per_run):
                yield env.timeout(1.0)

        env.process(proc(env))
        env.run()

    began = time.perf_counter()
    for _ in range(runs):
        bare()
    bare_s = time.perf_counter() - began
    casim_us = casim_s / events * 1e6
    bare_us = bare_s / (per_run * runs) * 1e6
    return casim_us, bare_us, casim_us / bare_us, events / runs


def peak_memory(runs: int, folder: Path) -> tuple[float, float]:
    """(wall seconds, peak summed RSS in MB) of a --jobs 2 sweep of `runs` runs."""
    path = _with_replicates(runs, folder) if runs != 10000 else MONTE_CARLO
    out = folder / f"rss_{runs}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "casim", "sweep", str(path), "--jobs", "2", "--out", str(out)]
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    top = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed with status {proc.returncode}")
    return time.perf_counter() - began, peak / 2**20


_BARE = """
import multiprocessing
import sys

import simpy


def proc(env):
    for _ in range(1000):
        yield env.timeout(1.0)


def runs(n):
    for _ in range(n):
        env = simpy.Environment()
        env.process(proc(env))
        env.run()
    return n


if __name__ == "__main__":
    total, jobs = int(sys.argv[1]), int(sys.argv[2])
    shares = [total // jobs + (i < total % jobs) for i in range(jobs)]
    if jobs == 1:
        runs(total)
    else:
        with multiprocessing.Pool(jobs) as pool:
            assert sum(pool.map(runs, shares)) == total
"""

BARE_RUNS = 10_000  # the shipped Monte Carlo's runs, and the bare runs it is compared with


def _script(folder: Path, name: str, text: str) -> Path:
    """The script ``name`` in the benchmark's folder, written on first use."""
    path = folder / name
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def _timed(cmd: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def sweep_ratio(folder: Path) -> tuple[float, float, float]:
    """(casim seconds, bare seconds, ratio): ``casim sweep`` of the shipped Monte Carlo
    (10,000 runs, --jobs 2) and 10,000 bare SimPy runs of 1,000 timeouts on 2 processes,
    timed back to back."""
    script = _script(folder, "bare.py", _BARE)
    out = folder / "ratio_sweep"
    shutil.rmtree(out, ignore_errors=True)
    casim_s = _timed(
        [sys.executable, "-m", "casim", "sweep", str(MONTE_CARLO), "--jobs", "2", "--out", str(out)]
    )
    bare_s = _timed([sys.executable, str(script), str(BARE_RUNS), "2"])
    return casim_s, bare_s, casim_s / bare_s


def _callgrind(args: list[str]) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # string hashing moves the count
    )
    line = next(x for x in out.stderr.splitlines() if "Collected" in x)
    return int(line.split()[-1])


def bare_instructions_per_run(folder: Path, runs: int = 60) -> float | None:
    """CPU instructions per bare SimPy run of 1,000 timeouts (callgrind, one process)."""
    if shutil.which("valgrind") is None:
        return None
    script = _script(folder, "bare.py", _BARE)
    one, many = (_callgrind([str(script), str(n), "1"]) for n in (1, 1 + runs))
    return (many - one) / runs


_LOOP = """
import sys
from casim.experiment import load_experiment
from casim.experiment.runner import payload_for
from casim.experiment.worker import Chunk, run_chunk
exp = load_experiment(sys.argv[1])
payload = payload_for(exp, replicates=10**6)
run_chunk(payload, Chunk(0, 0, int(sys.argv[2])))
"""


def instructions_per_run(folder: Path, runs: int = 60) -> float | None:
    """CPU instructions per run (callgrind), from the difference of 1 and 1 + runs runs."""
    if shutil.which("valgrind") is None:
        return None
    script = _script(folder, "loop.py", _LOOP)
    one, many = (_callgrind([str(script), str(MONTE_CARLO), str(n)]) for n in (1, 1 + runs))
    return (many - one) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs for rates and the ratio")
    parser.add_argument("--sizes", default="1000,10000", help="sweep sizes for the memory test")
    parser.add_argument(
        "--repeat", type=int, default=3, help="repeats of the ratio and of each sweep size"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions per run (valgrind)"
    )
    args = parser.parse_args()
    print(
        f"casim {casim.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, simpy {simpy.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(
            "sweep ratio: casim sweep experiments/history_montecarlo.toml --jobs 2 (10,000 runs)"
            " / 10,000 bare SimPy runs of 1,000 timeouts on 2 processes:"
        )
        ratios = []
        for _ in range(args.repeat):
            casim_s, bare_s, ratio = sweep_ratio(folder)
            ratios.append(ratio)
            print(f"  casim {casim_s:6.1f} s, bare {bare_s:5.1f} s, ratio {ratio:5.2f}")
        print(f"  median ratio {statistics.median(ratios):.2f} (target: at most 3)")
        rate1 = one_process(args.runs)
        rate2 = two_processes(args.runs, folder)
        print(f"history scenario, {args.runs} runs:")
        print(f"  1 process  : {rate1:8.1f} runs/s")
        print(f"  2 processes: {rate2:8.1f} runs/s (casim sweep --jobs 2, start-up included)")
        casim_us, bare_us, ratio, per_run = per_event_ratio(min(args.runs, 500))
        print(f"time per SimPy event ({per_run:.0f} events per run, as casim run):")
        print(f"  casim {casim_us:.2f} us, bare SimPy loop {bare_us:.2f} us, ratio {ratio:.1f}")
        print("casim sweep experiments/history_montecarlo.toml --jobs 2:")
        for size in (int(s) for s in args.sizes.split(",")):
            for _ in range(args.repeat):
                seconds, mb = peak_memory(size, folder)
                print(
                    f"  {size:>6} runs: {seconds:6.1f} s wall, peak RSS {mb:6.0f} MB (process tree)"
                )
        if args.instructions:
            count = instructions_per_run(folder)
            bare = bare_instructions_per_run(folder)
            if count is None or bare is None:
                print("instructions per run (callgrind): valgrind not found")
            else:
                print(f"instructions per run of the worker loop (callgrind): {count / 1e6:.2f} M")
                print(f"instructions per bare SimPy run of 1,000 timeouts: {bare / 1e6:.2f} M")
                print(f"  instruction ratio {count / bare:.2f}")


if __name__ == "__main__":
    main()
