"""Grading on a Dask cluster (`python -m grader autograde --scheduler`, grader/cluster.py), on
loopback: a scheduler and workers started here, as subprocesses from the course's venv
(`--no-nanny`, so that killing a worker is a real loss), torn down at the end.

A small class (right, wrong and blank work in 02 and 04) graded on the cluster gets the
grades of a local run; a worker killed in the middle of a batch loses nothing and no
submission is graded twice; a worker without bubblewrap and one without the course are
refused, named, and never run a notebook. Without a reachable scheduler the grader says so
at once."""
from __future__ import annotations

import ast
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import cluster_check, submissions
from grader.course import REPO, cell_defining, notebook_names
from grader.mutants import MUTANTS
from grading import run_grader

VENV_BIN = Path(sys.executable).parent
ASSIGNMENTS = ["02_image_convolution", "04_stride_and_padding"]
STUDENTS = ["right", "wrong", "blank"]


def write_class(sub: Path) -> list[tuple[str, str]]:
    """sub/<student>/<assignment>/<notebook>.ipynb: model answers, one known-wrong function
    (grader.mutants) and blanks; returns the (student, assignment) pairs."""
    for aid in ASSIGNMENTS:
        name = notebook_names(aid)[0]
        mutant = next(m for m in MUTANTS if m.assignment == aid)
        wrong = {cell_defining(aid, mutant.function): mutant.source}
        submissions.write(submissions.filled(aid, name), sub / "right" / aid / f"{name}.ipynb")
        submissions.write(submissions.filled(aid, name, extra=wrong), sub / "wrong" / aid / f"{name}.ipynb")
        submissions.write(submissions.filled(aid, name, solved=False), sub / "blank" / aid / f"{name}.ipynb")
    return [(s, a) for s in STUDENTS for a in ASSIGNMENTS]


def grades(out: Path, assignments=ASSIGNMENTS) -> dict:
    """{(student, assignment): (score, max score)} of OUT/grades.csv, for the class's pairs."""
    with open(out / "grades.csv", newline="") as fh:
        return {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
                for r in csv.DictReader(fh) if r["student_id"] in STUDENTS and r["assignment"] in assignments}


class LocalCluster:
    """A Dask scheduler and workers on 127.0.0.1, each a subprocess with its log in `root`;
    a worker's temporary folder (its sandbox host's working areas) is in `root` too."""

    def __init__(self, root: Path):
        self.root, self.workers = root, {}
        sched_file = root / "scheduler.json"
        self.scheduler = subprocess.Popen(
            [str(VENV_BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file",
             str(sched_file), "--no-dashboard"], stdout=open(root / "scheduler.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not sched_file.exists():
            assert self.scheduler.poll() is None, (root / "scheduler.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the scheduler did not start in 60 s"
            time.sleep(0.2)
        import json
        while "address" not in json.loads(sched_file.read_text() or "{}"):
            time.sleep(0.2)
        self.address = json.loads(sched_file.read_text())["address"]
        from distributed import Client
        self.client = Client(self.address, timeout=30, set_as_default=False)

    def start_worker(self, name: str, prefix: list[str] = ()) -> subprocess.Popen:
        """A worker named `name` with 2 threads, run under `prefix` (unshare ...); returns
        once the scheduler has it."""
        tmp = self.root / f"tmp-{name}"
        tmp.mkdir(exist_ok=True)
        cmd = [*prefix, str(VENV_BIN / "dask"), "worker", self.address, "--no-nanny", "--nthreads", "2",
               "--name", name, "--no-dashboard"]
        env = dict(os.environ, TMPDIR=str(tmp), PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
        proc = subprocess.Popen(cmd, stdout=open(self.log(name), "ab"), stderr=subprocess.STDOUT, env=env)
        self.workers[name] = proc
        deadline = time.monotonic() + 90
        while name not in self.names():
            assert proc.poll() is None, f"worker {name} exited: {self.log(name).read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"worker {name} did not join in 90 s"
            time.sleep(0.3)
        return proc

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def runs(self, name: str) -> int:
        """How many notebooks worker `name` has run (its log, one line each)."""
        return self.log(name).read_text(errors="replace").count("ran a notebook of") if self.log(name).exists() else 0

    def names(self) -> dict[str, str]:
        """{worker name: address} of the workers the scheduler has."""
        return {str(info["name"]): addr for addr, info in self.client.scheduler_info(n_workers=-1)["workers"].items()}

    def good_workers(self, n: int) -> None:
        """Exactly `n` workers, all of them good ones, each started here."""
        for name, proc in list(self.workers.items()):
            if proc.poll() is not None or not name.startswith("good") or len(self.workers) > n:
                self.stop_worker(name)
        for i in range(100):
            if len(self.workers) >= n:
                break
            if f"good{i}" not in self.workers:
                self.start_worker(f"good{i}")
        while len(self.names()) != len(self.workers):
            time.sleep(0.3)

    def stop_worker(self, name: str, sig=signal.SIGTERM) -> None:
        proc = self.workers.pop(name)
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self) -> None:
        from grader.sandbox import unmount_work_areas
        for name in list(self.workers):
            self.stop_worker(name, signal.SIGKILL)
        self.client.close()
        self.scheduler.terminate()
        try:
            self.scheduler.wait(30)
        except subprocess.TimeoutExpired:
            self.scheduler.kill()
        unmount_work_areas(self.root)  # a killed worker's sandbox leaves its working area mounted


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    cluster = LocalCluster(tmp_path_factory.mktemp("dask"))
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_class(tmp_path_factory) -> dict:
    """The class and its grades from a local run (no cluster)."""
    root = tmp_path_factory.mktemp("cluster-class")
    pairs = write_class(root / "submitted")
    proc = run_grader("autograde", root / "submitted", "--out", root / "local", timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    local = grades(root / "local")
    assert sorted(local) == sorted(pairs)
    # the class is worth comparing: right full marks, blank 0, wrong in between
    for aid in ASSIGNMENTS:
        assert local[("right", aid)][0] == local[("right", aid)][1] > local[("wrong", aid)][0] > 0
        assert local[("blank", aid)][0] == 0
    return {"submitted": root / "submitted", "grades": local, "pairs": pairs, "root": root}


def autograde_on(cluster: LocalCluster, local_class: dict, out: Path, *args):
    proc = run_grader("autograde", local_class["submitted"], "--out", out, "--scheduler", cluster.address, *args,
                      timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_a_cluster_grades_as_a_local_run(dask_cluster, local_class, tmp_path):
    dask_cluster.good_workers(2)
    before = sum(dask_cluster.runs(n) for n in dask_cluster.workers)
    proc = autograde_on(dask_cluster, local_class, tmp_path / "out")
    assert f"grading on the Dask cluster at {dask_cluster.address}: 2 worker(s), 4 thread(s)" in proc.stdout
    assert "dashboard: " in proc.stdout
    assert grades(tmp_path / "out") == local_class["grades"]
    # every notebook ran on the cluster's workers, none in the grader's process
    assert sum(dask_cluster.runs(n) for n in dask_cluster.workers) - before == len(local_class["pairs"])
    assert not (tmp_path / "out" / ".earlier").exists()


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(dask_cluster, local_class, tmp_path):
    """SIGKILL to a worker while it runs a notebook (the scheduler says so): Dask runs its
    notebooks on the other worker, and the grader grades each submission once."""
    dask_cluster.good_workers(2)
    out = tmp_path / "out"
    log = open(tmp_path / "grader.log", "w+")
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
    grader = subprocess.Popen([sys.executable, "-m", "grader", "autograde", str(local_class["submitted"]), "--out",
                               str(out), "--scheduler", dask_cluster.address], cwd=REPO, env=env, stdout=log,
                              stderr=subprocess.STDOUT, text=True)
    try:
        by_address = {addr: name for name, addr in dask_cluster.names().items()}
        deadline, victim = time.monotonic() + 300, None
        while victim is None:
            assert grader.poll() is None, "the batch ended before any worker was seen running a notebook"
            assert time.monotonic() < deadline, "no worker was seen running a notebook in 300 s"
            running = dask_cluster.client.call_stack()  # {worker: {key: stack}} of the tasks running now
            victim = next((by_address[w] for w, keys in running.items()
                           if any(str(k).startswith("sandbox-") for k in keys)), None)
            time.sleep(0.2)
        dask_cluster.workers[victim].send_signal(signal.SIGKILL)
        dask_cluster.workers[victim].wait(30)
        assert grader.wait(900) == 0
    finally:
        if grader.poll() is None:
            grader.kill()
    log.seek(0)
    printed = log.read()
    assert grades(out) == local_class["grades"], printed[-3000:]
    # each submission graded (and logged) once, and one gradebook submission each
    for student, aid in local_class["pairs"]:
        assert printed.count(f"graded {student} / {aid}\n") == 1, printed[-3000:]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        rows = [(s.student_id, a) for a in ASSIGNMENTS for s in gb.find_assignment(a).submissions]
    assert sorted(rows) == sorted(local_class["pairs"])
    survivor = next(n for n in dask_cluster.workers if n != victim)
    assert dask_cluster.runs(survivor) > 0


def _in_own_mounts(setup: str) -> list[str]:
    """A command prefix: run in a private mount namespace after the shell line `setup`."""
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", f'{setup} && exec "$@"', "sh"]


def test_workers_that_cannot_grade_are_refused_and_never_used(dask_cluster, local_class, tmp_path):
    """A worker without bubblewrap (/dev/null over the binary) and one without the course
    (an empty tmpfs over convcourse/) are named with what they lack; the batch completes
    on the good worker."""
    dask_cluster.good_workers(1)
    bwrap = shutil.which("bwrap")
    dask_cluster.start_worker("nobwrap", _in_own_mounts(f"mount --bind /dev/null {bwrap}"))
    dask_cluster.start_worker("nocourse", _in_own_mounts(f"mount -t tmpfs tmpfs {REPO / 'convcourse'}"))
    aid = ASSIGNMENTS[0]
    proc = autograde_on(dask_cluster, local_class, tmp_path / "out", "--assignment", aid)
    lines = proc.stdout.splitlines()
    nobwrap = [line for line in lines if "name nobwrap" in line]
    nocourse = [line for line in lines if "name nocourse" in line]
    assert len(nobwrap) == 1 and "is not used" in nobwrap[0] and "bwrap" in nobwrap[0] \
        and "apt-get install bubblewrap" in nobwrap[0], proc.stdout
    assert len(nocourse) == 1 and "is not used" in nocourse[0] and "convcourse/ (empty here)" in nocourse[0] \
        and f"install the course at {REPO}" in nocourse[0], proc.stdout
    assert "1 worker(s), 2 thread(s)" in proc.stdout
    assert dask_cluster.runs("nobwrap") == dask_cluster.runs("nocourse") == 0
    assert grades(tmp_path / "out", [aid]) == {k: v for k, v in local_class["grades"].items() if k[1] == aid}
    dask_cluster.stop_worker("nobwrap")
    dask_cluster.stop_worker("nocourse")


def test_an_unreachable_scheduler_is_a_clear_error_at_once(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "submitted").mkdir()
    start = time.monotonic()
    proc = run_grader("autograde", tmp_path / "submitted", "--out", tmp_path / "out",
                      "--scheduler", f"tcp://127.0.0.1:{port}", timeout=120)
    assert time.monotonic() - start < 45
    assert proc.returncode == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_worker_check_goes_by_value_and_names_what_is_missing(tmp_path):
    # only the standard library at its top: a worker without the course can still run it
    tree = ast.parse(Path(cluster_check.__file__).read_text())
    top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    top |= {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    assert top <= {"__future__", "hashlib", "os", "socket", "sys"}, top
    expected = cluster_check.fingerprint(str(REPO))
    said = cluster_check.check(str(tmp_path / "nowhere"), expected)["problems"]
    assert len(said) == 1 and f"the course is not at {tmp_path / 'nowhere'}" in said[0]
    # another version of the course: the parts that differ are named
    copy = tmp_path / "course"
    for part in cluster_check.TREES:
        shutil.copytree(REPO / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in cluster_check.FILES:
        shutil.copyfile(REPO / part, copy / part)
    assert cluster_check.fingerprint(str(copy)) == {**expected}
    (copy / "data" / "extra.txt").write_text("another version\n")
    shutil.rmtree(copy / "convcourse")
    said = cluster_check.check(str(copy), expected)["problems"]
    assert len(said) == 1 and "convcourse/ (missing here), data/ differ(s)" in said[0], said
