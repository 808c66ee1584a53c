"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

Every backend runs the same function on the same chunks; only the order in which chunks
finish differs, and the store makes that order irrelevant. The local pool uses the
``spawn`` start method, chosen for this pool only (the global default is never touched),
so a sweep started from a notebook or a threaded program cannot hang on a forked lock.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from casim.experiment.worker import Chunk, Payload, Row, install, run_chunk, run_chunk_installed
from casim.scenario.errors import ScenarioError

__all__ = ["Backend", "BackendError", "drain", "in_flight_limit", "open_backend"]


class BackendError(RuntimeError):
    """A backend failed as a whole (a worker died, a scheduler is unreachable)."""


class Backend(Protocol):
    def submit(self, chunk: Chunk) -> Any: ...

    def wait_any(self, futures: Iterable[Any]) -> set[Any]: ...

    def result(self, future: Any) -> list[Row]: ...

    def close(self, cancel: bool = False) -> None: ...


class InProcess:
    """``--jobs 1``: chunks run here, one at a time, when they are waited for."""

    def __init__(self, payload: Payload) -> None:
        from casim.experiment.worker import _PointCache

        self.payload = payload
        self.cache = _PointCache()

    def submit(self, chunk: Chunk) -> Any:
        return chunk

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        return {next(iter(futures))}

    def result(self, future: Any) -> list[Row]:
        return run_chunk(self.payload, future, self.cache)

    def close(self, cancel: bool = False) -> None:
        return None


class LocalPool:
    """``--backend local --jobs N``: a process pool with the spawn start method."""

    def __init__(self, payload: Payload, jobs: int) -> None:
        self.pool = cf.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=install,
            initargs=(payload,),
        )

    def submit(self, chunk: Chunk) -> Any:
        return self.pool.submit(run_chunk_installed, chunk)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return set(done)

    def result(self, future: Any) -> list[Row]:
        try:
            rows: list[Row] = future.result()
        except cf.process.BrokenProcessPool as err:
            raise BackendError(f"a worker process died ({err})") from None
        return rows

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)


class DaskCluster:
    """``--backend dask``: a LocalCluster on loopback, or the scheduler at an address."""

    def __init__(self, payload: Payload, jobs: int, scheduler: str | None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError(
                "<command line>",
                "--backend dask",
                "the dask extra installed (pip install -e '.[dask]')",
                "no module dask.distributed",
            ) from None
        self.cluster = None
        try:
            if scheduler is None:
                self.cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout="5s")
        except OSError as err:
            raise ScenarioError(
                "<command line>", "--scheduler", "the address of a running Dask scheduler", str(err)
            ) from None
        self.payload = self.client.scatter(payload, broadcast=True)

    def submit(self, chunk: Chunk) -> Any:
        return self.client.submit(run_chunk, self.payload, chunk, pure=False)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        from dask.distributed import wait

        done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def result(self, future: Any) -> list[Row]:
        rows: list[Row] = future.result()
        return rows

    def close(self, cancel: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def open_backend(payload: Payload, backend: str, jobs: int, scheduler: str | None) -> Backend:
    if backend == "dask":
        return DaskCluster(payload, jobs, scheduler)
    if jobs == 1:
        return InProcess(payload)
    return LocalPool(payload, jobs)


def in_flight_limit(backend: str, jobs: int) -> int:
    """Chunks submitted ahead: one in-process, else four per worker."""
    return 1 if jobs == 1 and backend != "dask" else 4 * jobs


def drain(
    runner: Backend,
    chunks: Iterable[Chunk],
    limit: int,
    on_rows: Callable[[Chunk, list[Row]], None],
) -> None:
    """Run chunks on an open backend, at most ``limit`` in flight, handing each chunk's rows
    to ``on_rows`` as it completes (in completion order). Closes the backend; cancels what
    is pending if interrupted."""
    cancel = True
    try:
        queue = iter(chunks)
        inflight: dict[Any, Chunk] = {}
        for chunk in queue:
            inflight[runner.submit(chunk)] = chunk
            if len(inflight) >= limit:
                break
        while inflight:
            for fut in runner.wait_any(inflight):
                chunk = inflight.pop(fut)
                on_rows(chunk, runner.result(fut))
                nxt = next(queue, None)
                if nxt is not None:
                    inflight[runner.submit(nxt)] = nxt
        cancel = False
    finally:
        runner.close(cancel=cancel)
