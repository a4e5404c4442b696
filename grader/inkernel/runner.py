"""Execute one notebook inside the sandbox:
python runner.py IN.ipynb OUT.ipynb STATUS.json CELL_SECONDS NOTEBOOK_SECONDS

Like nbgrader's Execute, but it writes the notebook as far as it got when the kernel
dies or the notebook's time is up, so that what ran before still counts. Time is the
kernel's CPU time (protocol.WALL_FACTOR says why), with wall time as the backstop. The hidden
cases' inputs come on standard input; the runner leaves them in CASES_FILE for the
harness, which reads and deletes that file as the kernel starts, before any of the
notebook's code runs (whatever is left then is deleted here). Its kernel is this process
forked (warm.py); the fork server (forkserver.py) starts it as `python runner.py ...` would.
"""
import errno
import json
import os
import signal
import stat
import sys
import threading
import time

from uri_grammar import skip_uri_grammar  # noqa: E402 - before nbformat: saves ~2.7 s per notebook

skip_uri_grammar()

import nbformat  # noqa: E402
import warm  # noqa: E402
from jupyter_client.provisioning import local_provisioner  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402
from protocol import CASES_ENV, CASES_FILE, MIME, WALL_FACTOR  # noqa: E402


MAX_OUTPUTS, MAX_CHARS = 50, 20_000
FULL_BELOW = 4 * 2**20  # free bytes in the working area under which it counts as filled


def limit_outputs(cell):
    """Keep the executed notebook small however much a cell prints."""
    outputs = cell.get("outputs", [])
    special = [o for o in outputs if o.get("output_type") == "error" or MIME in o.get("data", {})]
    kept = [o for o in outputs if o not in special][:MAX_OUTPUTS] + special[-MAX_OUTPUTS:]
    for output in kept:
        text = output.get("text")
        if isinstance(text, str) and len(text) > MAX_CHARS:
            output["text"] = text[:MAX_CHARS] + "\n... (output cut by the grader)\n"
    cell["outputs"] = kept


def protect_self():
    """Not dumpable: the kernel (same uid) can neither ptrace this process nor read or
    write its memory through /proc."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # noqa: BLE001 - best effort; the grader also checks the exit code
        pass


def end_everything_else():
    """Kill every other process of this sandbox's uid (what the notebook left running)
    before writing results, so nothing can rewrite them afterwards."""
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass


def free_bytes(path="."):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def make_room(needed):
    """Delete the largest files the notebook left in the working area (its /tmp is part of
    it) until `needed` bytes are free: the results must be written whatever it filled."""
    files = []
    for folder, _, names in os.walk("."):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                files.append((st.st_size, path))
    for _, path in sorted(files, reverse=True):
        if free_bytes() >= needed:
            return
        try:
            os.unlink(path)
        except OSError:
            pass


def write_results(nb, dst, status_path, status):
    """Write the executed notebook and the status, making room first if the notebook
    filled the working area."""
    text = nbformat.writes(nb)
    status["disk_full"] = free_bytes() < FULL_BELOW
    needed = len(text.encode()) + FULL_BELOW
    if free_bytes() < needed:
        make_room(needed)
    for path in (dst, status_path):  # whatever the notebook put there (a link, say) goes
        if os.path.lexists(path):
            os.unlink(path)
    try:
        with open(dst, "w", encoding="utf-8") as fh:
            fh.write(text)
        with open(status_path, "w") as fh:
            json.dump(status, fh)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise SystemExit("no room for the results")


def cpu_seconds(pid):
    """CPU seconds used so far by process `pid` (all its threads) and the children it
    waited for; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()  # after "pid (name)", which may hold spaces
    except (OSError, IndexError):
        return None
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


class CpuLimit:
    """Interrupts the kernel (SIGINT, as nbclient does) when the cell running now has used
    more than `seconds` of the kernel's CPU time, and kills it if it computes on for
    `grace` seconds more (it caught the interrupt: nothing else would ever stop it).
    `fired` says whether the limit was reached, `killed` whether the kernel was killed.
    One watching thread for the whole run, started before any of the notebook's code runs:
    a notebook that used up its processes (a fork bomb) cannot stop the next cell's watch."""

    def __init__(self, pid, seconds, grace=5.0, poll=0.1):
        self.pid, self.seconds, self.grace, self.poll = pid, float(seconds), grace, poll
        self.fired = self.killed = False
        self._start = None  # the kernel's CPU seconds when the running cell started; None: no cell
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True).start()

    def __enter__(self):
        with self._lock:
            self.fired = self.killed = False
            self._start = cpu_seconds(self.pid)
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._start = None

    def _watch(self):
        while True:
            time.sleep(self.poll)
            used = cpu_seconds(self.pid)
            if used is None:
                return
            with self._lock:
                if self._start is None or self.killed:
                    continue
                over = used - self._start - self.seconds
                if over > 0 and not self.fired:
                    self.fired = True
                    self._signal(signal.SIGINT)
                elif over > self.grace:
                    self.killed = True
                    self._signal(signal.SIGKILL)

    def _signal(self, signum):
        try:
            os.kill(self.pid, signum)
        except OSError:
            pass


def timeout_output(seconds):
    return nbformat.v4.new_output("error", ename="CellTimeoutError", evalue=f"stopped after {seconds} s",
                                  traceback=[f"CellTimeoutError: the cell computed longer than {seconds} s"])


def hand_over_cases():
    """The hidden cases' inputs, from standard input to CASES_FILE for the harness."""
    data = sys.stdin.buffer.read()
    fd = os.open(CASES_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.environ[CASES_ENV] = os.path.abspath(CASES_FILE)


def start_kernel_early():
    """The kernel is this process forked (warm.py), now, before this process has read
    the hidden cases or started a thread; nbclient starts it through jupyter_client's
    local provisioner, whose `launch_kernel` is warm's from here on."""
    if not hasattr(local_provisioner, "launch_kernel"):
        return  # jupyter_client changed: it starts a new Python, as before (tests/test_patches.py)
    warm.prefork()
    local_provisioner.launch_kernel = warm.launch_kernel


def main(src, dst, status_path, cell_timeout=60, notebook_timeout=600):
    start_kernel_early()
    protect_self()
    hand_over_cases()
    nb = nbformat.read(src, as_version=4)
    cell_timeout, notebook_timeout = int(cell_timeout), float(notebook_timeout)
    timeout = timeout_output(cell_timeout)
    client = NotebookClient(
        # nbclient's own limit is wall time: the backstop for a cell that waits without computing
        nb, timeout=WALL_FACTOR * cell_timeout, allow_errors=True, kernel_name="python3",
        interrupt_on_timeout=True, record_timing=False,
        # the kernel is killed at the end anyway; a polite shutdown costs 0.3 s, at times 3 s
        shutdown_kernel="immediate",
        error_on_timeout={k: timeout[k] for k in ("ename", "evalue", "traceback")},
        # the harness is imported before any of the notebook's code: it keeps the library
        # functions it uses as they are then (grader/inkernel/harness.py)
        extra_arguments=["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR",
                         "--IPKernelApp.exec_lines=import harness as _h; del _h"],
        resources={"metadata": {"path": "."}},
    )
    status, deadline = "complete", time.monotonic() + WALL_FACTOR * notebook_timeout
    limit = None
    try:
        with client.setup_kernel():
            if os.path.lexists(CASES_FILE):  # the harness did not take them: nobody else will
                os.unlink(CASES_FILE)
            kernel = client.km.provisioner.process.pid
            limit = CpuLimit(kernel, cell_timeout)
            for index, cell in enumerate(nb.cells):
                used = cpu_seconds(kernel) or 0.0
                if used > notebook_timeout or time.monotonic() > deadline:
                    status = "notebook time limit"
                    break
                started = time.monotonic()
                try:
                    with limit:
                        client.execute_cell(cell, index)
                finally:
                    # nbclient's wall-time limit interrupts without saying so in the outputs
                    stopped = limit.fired or time.monotonic() - started >= WALL_FACTOR * cell_timeout
                    if cell.cell_type == "code" and stopped and \
                            not any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                        cell.outputs.append(timeout_output(cell_timeout))
                    limit_outputs(cell)
            # killed and reaped here, nbclient's shutdown finds it gone at once (else it polls:
            # 0.1 s a notebook); every output arrived before its cell's execute_cell returned
            client.km.provisioner.process.kill()
            client.km.provisioner.process.wait()
    except DeadKernelError:
        status = "notebook time limit" if limit is not None and limit.killed else "kernel died"
    except Exception as exc:  # noqa: BLE001 - reported to the grader as data
        status = f"runner error: {type(exc).__name__}"
    end_everything_else()
    write_results(nb, dst, status_path, {"status": status})


if __name__ == "__main__":
    main(*sys.argv[1:])
