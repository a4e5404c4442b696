"""Grading on a Dask cluster: `python -m grader autograde SUBMITTED --out OUT --scheduler
tcp://HOST:8786`.

Only the sandboxed run of each notebook goes to a worker (grader/sandbox_host.run_here:
in.ipynb's bytes and the hidden cases' bytes in; how the run ended and out.ipynb's bytes
back), as with the sandbox service. nbgrader's steps, the verdicts and the gradebook stay in
the grader's processes, so each submission is graded, and written to the gradebook, once,
whichever worker ran it and however often Dask had to run it again (a worker lost in the
middle of a batch: its tasks are rescheduled on the others).

At the start of a batch every worker the scheduler has is checked
(grader/cluster_check.py): bubblewrap, root, tmpfs mounts, and the course at the grader's
path in the same version, run from the same venv. A worker that fails is named, with what
it lacks, and never used: tasks go only to the workers that passed (`workers=...,
allow_other_workers=False`), so a worker that joins later is not used either.

This module imports distributed only inside its functions: a batch without --scheduler
never loads it. The check runs in a child process, so that the grader's own process has
no distributed event loop running when it forks its pool.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import Limits, RunResult, SandboxUnavailable
from .sandbox_host import prepare_here, received, run_here

CONNECT_SECONDS = 10      # to reach the scheduler before saying it cannot be reached
LOCAL_PROCESS_MB = 150    # what one local grading process (nbgrader's steps) takes, measured
LOST_CHECK_SECONDS = 30   # how often a waiting run checks that a worker it may use is still there


@dataclass
class Cluster:
    """The cluster as found at the start of a batch."""
    scheduler: str
    workers: list[str]                  # addresses of the workers that passed the check
    threads: int                        # their threads, in all: how many notebooks run at once
    dashboard: str | None = None
    refused: list[str] = field(default_factory=list)  # one message per worker refused

    def default_jobs(self) -> int:
        """Local processes that run nbgrader's steps: one per worker thread, so that every
        thread has a notebook to run, but not more than half the memory available here
        allows (LOCAL_PROCESS_MB each)."""
        return max(1, min(self.threads, _available_mb() // (2 * LOCAL_PROCESS_MB)))


def _available_mb() -> int:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


def connect(scheduler: str) -> Cluster:
    """Reach the scheduler at `scheduler` and check each of its workers. Raises
    GraderConfigError if the scheduler cannot be reached or no worker passes (saying
    why for each). Runs in a child process (see the module's docstring)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as child:
        return child.submit(_connect_here, scheduler).result()


def _connect_here(scheduler: str) -> Cluster:
    import logging

    import cloudpickle

    from . import cluster_check
    from .autograde import GraderConfigError
    from .course import REPO

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # its retries; the error below says it once
    from distributed import Client, fire_and_forget

    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, a malformed address: one message
        raise GraderConfigError(f"cannot reach the Dask scheduler at {scheduler} ({_first_line(exc)}): is it "
                                "running there (dask scheduler), and is the address right (tcp://HOST:8786)?") from None
    with client:
        # the check goes by value: a worker without the course can still run it and say so
        cloudpickle.register_pickle_by_value(cluster_check)
        expected = cluster_check.fingerprint(str(REPO))
        names = {addr: info.get("name", addr) for addr, info in _workers(client).items()}
        answers = client.run(cluster_check.check, str(REPO), expected, on_error="return") if names else {}
        nthreads = client.nthreads()
        good, refused = [], []
        for addr in sorted(names):
            answer = answers.get(addr)
            if isinstance(answer, dict) and not answer.get("problems"):
                good.append(addr)
                continue
            if isinstance(answer, dict):
                why = "; ".join(answer["problems"])
                where = f"{addr} (name {names[addr]}, host {answer.get('host')})"
            else:
                why = f"the check could not run there ({_first_line(answer)})"
                where = f"{addr} (name {names[addr]})"
            refused.append(f"worker {where} is not used: {why}")
        # (dashboard_link names the default port even when the scheduler has no dashboard)
        dashboard = client.dashboard_link if "dashboard" in client.scheduler_info()["services"] else None
        for addr in good:  # each worker prepares its host while the grader prepares the batch
            fire_and_forget(client.submit(prepare_here, workers=[addr], allow_other_workers=False, pure=False,
                                          key=f"prepare-sandbox-host-{uuid.uuid4().hex[:8]}"))
    if not good:
        reasons = "\n".join(f"  {r}" for r in refused) or "  the scheduler has no workers"
        raise GraderConfigError(f"no worker of the Dask cluster at {scheduler} can grade:\n{reasons}\n"
                                f"Start workers from the course's venv on machines with bubblewrap, as root: "
                                f"{REPO}/.venv/bin/dask worker {scheduler}")
    return Cluster(scheduler, good, sum(nthreads.get(a, 1) for a in good), dashboard, refused)


def _workers(client) -> dict:
    """{address: the scheduler's information on it} for every worker."""
    return client.scheduler_info(n_workers=-1)["workers"]


def _first_line(exc) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


_CLIENT: dict = {}


def _client(scheduler: str):
    """This process's client of the scheduler (each local grading process has its own)."""
    if scheduler not in _CLIENT:
        from distributed import Client
        _CLIENT[scheduler] = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    return _CLIENT[scheduler]


def run_on_cluster(scheduler: str, workers: list[str], workdir: Path, cases: bytes, limits: Limits,
                   assignment: str, label: str) -> RunResult:
    """Run workdir/in.ipynb on one of `workers` of the cluster at `scheduler`;
    workdir/out.ipynb is what came back. `label` names the run on the dashboard. Raises
    SandboxUnavailable if the scheduler cannot be reached or none of `workers` is left."""
    try:
        client = _client(scheduler)
    except Exception as exc:  # noqa: BLE001
        raise SandboxUnavailable(f"the Dask scheduler at {scheduler} cannot be reached ({_first_line(exc)})") from None
    future = client.submit(run_here, assignment, limits, (workdir / "in.ipynb").read_bytes(), cases,
                           workers=workers, allow_other_workers=False, pure=False,
                           key=f"sandbox-{label}-{uuid.uuid4().hex[:8]}")
    while True:
        try:
            return received(workdir, future.result(timeout=LOST_CHECK_SECONDS))
        except TimeoutError:  # queued or running: fine, unless no worker it may use is left
            if not set(workers) & set(client.nthreads()):
                future.cancel()
                raise SandboxUnavailable(f"none of the workers that passed the check at the batch's start is left in "
                                         f"the Dask cluster at {scheduler}; start workers again and grade the rest "
                                         "(--student, --assignment)") from None


def describe(cluster: Cluster, jobs: int) -> list[str]:
    """What the grader prints about the cluster at the start of a batch."""
    lines = [f"grading on the Dask cluster at {cluster.scheduler}: {len(cluster.workers)} worker(s), "
             f"{cluster.threads} thread(s); {jobs} local process(es) run nbgrader's steps",
             f"dashboard: {cluster.dashboard}" if cluster.dashboard else "dashboard: none (the scheduler has none)"]
    return lines + cluster.refused


__all__ = ["Cluster", "connect", "describe", "run_on_cluster"]
