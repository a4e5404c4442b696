"""Running notebooks in the sandbox for another process: the one per-run path shared by the
sandbox service (grader/sandbox_service.py, for a grader that is not root) and a Dask worker
(grader/cluster.py, for a grader on another machine).

The other process sends the notebook (in.ipynb) and the hidden cases' inputs as bytes and
gets back how the run went and the executed notebook's bytes: untrusted data, which it
parses (SandboxExecute, TrustedVerdicts) as ever. The host keeps what every run needs,
made once per process: a pool of sandbox uids (one per run at a time), each assignment's
convcourse.earlier and matplotlib's font cache.
"""
from __future__ import annotations

import atexit
import itertools
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .sandbox import SLOTS, Limits, RunResult, batch_base_uid, run_notebook, start_shared, unmount_work_areas


@dataclass(frozen=True)
class Ran:
    """What a sandboxed run sends back: how it ended, whether it filled its working area,
    and out.ipynb's bytes (None: nothing came back)."""
    status: str
    disk_full: bool
    notebook: bytes | None


class SandboxHost:
    """Runs notebooks in the sandbox, at most SLOTS at once, each on a uid of its own, in
    working folders under a temporary folder of its own (`close` removes it)."""

    def __init__(self, who: str):
        self.who = who  # how its log lines start: "sandbox service", "dask worker"
        self.root = Path(tempfile.mkdtemp(prefix="conv-course-sandbox-"))
        self.slots: queue.Queue[int] = queue.Queue()
        for slot in range(SLOTS):
            self.slots.put(slot)
        self.base_uid = batch_base_uid()
        self.runs = itertools.count(1)
        try:
            start_shared(self.root / "earlier", self.root / "matplotlib")()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def run(self, aid: str, limits: Limits, notebook: bytes, cases: bytes) -> Ran:
        """Run `notebook` (in.ipynb's bytes) of assignment `aid` with `cases` on its
        standard input; waits for a free slot."""
        slot = self.slots.get()
        try:
            workdir = self.root / "runs" / f"{slot}-{next(self.runs)}"
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            try:
                (workdir / "in.ipynb").write_bytes(notebook)
                shutil.copytree(self.root / "matplotlib", workdir / ".matplotlib")
                start = time.monotonic()
                result = run_notebook(workdir, cases, slot, limits, self.base_uid, self.root / "earlier" / aid,
                                      self.root / "matplotlib")
                print(f"{self.who}: ran a notebook of {aid} in slot {slot}: {result.status} "
                      f"({time.monotonic() - start:.0f} s)", flush=True)
                body = result.notebook.read_bytes() if result.notebook is not None else None
                return Ran(result.status, result.disk_full, body)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        finally:
            self.slots.put(slot)

    def close(self) -> None:
        unmount_work_areas(self.root)  # a run cut short leaves its working area mounted
        shutil.rmtree(self.root, ignore_errors=True)


def received(workdir: Path, ran: Ran) -> RunResult:
    """What a client makes of a run sent back: workdir/out.ipynb holds its notebook."""
    status = str(ran.status)[:100]
    if ran.notebook is None:
        return RunResult(status, None)
    out = workdir / "out.ipynb"
    out.write_bytes(ran.notebook)
    return RunResult(status, out, ran.disk_full is True)


_HOST: list[SandboxHost] = []
_HOST_LOCK = threading.Lock()


def host_here() -> SandboxHost:
    """This process's host (a Dask worker's): made by the first call, removed when the
    process exits. The grader asks for it once a worker passed its check, so that the
    earlier packages and the font cache are ready when the first notebook arrives."""
    with _HOST_LOCK:
        if not _HOST:
            _HOST.append(SandboxHost("dask worker"))
            atexit.register(_HOST[0].close)
    return _HOST[0]


def prepare_here() -> None:
    """A Dask task: make this worker's host now (see host_here)."""
    host_here()


def run_here(aid: str, limits: Limits, notebook: bytes, cases: bytes) -> Ran:
    """A Dask task: run one notebook on this worker's host."""
    from .course import assignment_ids

    if aid not in assignment_ids():
        raise ValueError(f"unknown assignment {str(aid)[:40]!r}")
    return host_here().run(aid, limits, notebook, cases)
