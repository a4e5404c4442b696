"""nbgrader's own entry points grade as `python -m grader autograde` does: `nbgrader
autograde` (and formgrader's Autograde button, which runs the same converter in the
Jupyter server) read nbgrader_config.py, whose pipeline runs every notebook in the
sandbox and decides scores outside it: in the same process as root, and through the
sandbox service (grader/sandbox_service.py) for a server that is not root, as on the hub.
Without either, autograding refuses with what to do instead."""
from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from attacks import SQL, sub_code
from grader import submissions
from grader.course import REPO, SOLUTIONS, cell_defining, notebook_names, points
from grader.mutants import MUTANTS
from grading import run_grader

AID = "00_welcome"
NB = notebook_names(AID)[0]
TOKEN = secrets.token_hex(8)
HOST_FILE = Path("/tmp") / f"conv-course-escaped-{TOKEN}"


def _nbgrader(course: Path, *args, env_extra=None):
    """`nbgrader ARGS` from the repository root (its nbgrader_config.py), on a course
    folder of the test's own, as a teaching assistant runs it in a terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONV_COURSE_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **(env_extra or {}))
    course_dir = [f"--CourseDirectory.root={course}", f"--CourseDirectory.source_directory={SOLUTIONS}",
                  "--CourseDirectory.release_directory=release", f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args, *course_dir], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def _scores(course: Path) -> dict:
    con = sqlite3.connect(course / "gradebook.db")
    try:
        rows = con.execute("SELECT submitted_assignment.student_id, grade.auto_score, grade.manual_score "
                           "FROM grade JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
                           "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id"
                           ).fetchall()
    finally:
        con.close()
    scores: dict = {}
    for student, auto, manual in rows:
        scores[student] = scores.get(student, 0) + (manual if manual is not None else auto or 0)
    return scores


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory):
    """A course folder with three submissions of 00: right, one known-wrong function, and
    a student whose code writes a file on the host and rewrites the gradebook with SQL."""
    course = tmp_path_factory.mktemp("nbgrader-course")
    sub = course / "submitted"
    gid = cell_defining(AID, "sliding_windows")
    wrong = next(m for m in MUTANTS if m.function == "sliding_windows")
    attack = (f"import os\nopen({str(HOST_FILE)!r}, 'w').write('escaped')\n" +
              sub_code(SQL, {"GRADEBOOK": repr(str(course / "gradebook.db"))}))
    for student, nb in {"alice": submissions.filled(AID), "bob": submissions.filled(AID, extra={gid: wrong.source}),
                        "mallory": submissions.filled(AID, extra={gid: attack})}.items():
        submissions.write(nb, sub / student / AID / f"{NB}.ipynb")
    proc = _nbgrader(course, "generate_assignment", AID)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return course


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The sandbox service, as the hub runs it; group root (gid 0) may connect."""
    folder = tmp_path_factory.mktemp("service")
    path = folder / "run" / "sandbox.sock"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    log = folder / "service.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "grader", "sandbox-service", "--socket", str(path),
                                 "--group", "root"], cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not path.is_socket():
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the sandbox service did not start in 120 s"
        time.sleep(0.2)
    yield path
    proc.terminate()
    proc.wait(timeout=60)
    assert not path.exists()  # it removes its socket when stopped


def _graded_as_the_batch_grades(course: Path, proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    total = points(AID)["total"]
    scores = _scores(course)
    assert scores["alice"] == total
    assert scores["bob"] < total  # the known-wrong function lost its points: verdicts were judged
    assert scores["mallory"] == total  # its own (correct) work counts; the attack changed nothing
    assert not HOST_FILE.exists()  # its code ran where the host's /tmp does not exist
    nb = nbformat.read(course / "autograded" / "mallory" / AID / f"{NB}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb["cells"] for o in c.get("outputs", []))
    assert "SQL-FAILED" in printed and "SQL-WROTE" not in printed


def test_nbgrader_autograde_as_root_runs_each_notebook_in_the_sandbox(nbgrader_course):
    proc = _nbgrader(nbgrader_course, "autograde", AID, "--create", "--force")
    _graded_as_the_batch_grades(nbgrader_course, proc)


def test_through_the_sandbox_service_the_grades_are_the_same(nbgrader_course, service):
    before = _scores(nbgrader_course)
    proc = _nbgrader(nbgrader_course, "autograde", AID, "--create", "--force",
                     env_extra={"CONV_COURSE_SANDBOX": str(service)})
    _graded_as_the_batch_grades(nbgrader_course, proc)
    assert _scores(nbgrader_course) == before


def _runs(service: Path) -> int:
    """How many notebooks the service has run (its log, one line each)."""
    return (service.parent.parent / "service.log").read_text().count("ran a notebook of")


def test_the_batch_grader_uses_the_service_where_the_hub_names_it(nbgrader_course, service, tmp_path):
    """The hub's instructor (not root) grades a class with `python -m grader autograde`:
    $CONV_COURSE_SANDBOX sends every notebook to the service; the grades are nbgrader's."""
    before = _runs(service)
    proc = run_grader("autograde", nbgrader_course / "submitted", "--out", tmp_path / "out",
                      env_extra={"CONV_COURSE_SANDBOX": str(service)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _runs(service) == before + 3
    assert _scores(tmp_path / "out") == _scores(nbgrader_course)
    proc = run_grader("autograde", nbgrader_course / "submitted", "--out", tmp_path / "out",
                      env_extra={"CONV_COURSE_SANDBOX": str(tmp_path / "nothing.sock")})
    assert proc.returncode == 2 and "is the hub running?" in proc.stderr


def _ask(path: Path, head: dict, body: bytes = b"") -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(60)
        sock.connect(str(path))
        sock.sendall(json.dumps(head).encode() + b"\n" + body)
        return json.loads(sock.makefile("rb").readline())


def test_the_service_refuses_malformed_requests_with_a_reason(service):
    assert "unknown assignment" in _ask(service, {"assignment": "../../etc", "notebook": 1, "cases": 1})["error"]
    said = _ask(service, {"assignment": AID, "notebook": 1, "cases": 1, "limits": {"memory_bytes": 2**60}})
    assert "limits.memory_bytes" in said["error"]
    assert "too large" in _ask(service, {"assignment": AID, "notebook": 2**40, "cases": 1})["error"]


def test_a_user_outside_the_group_cannot_reach_the_service(service):
    """`nobody` (not in group root) with the system's Python: the socket's folder and the
    service's credential check both keep it out."""
    script = ("import socket, sys\ns = socket.socket(socket.AF_UNIX)\n"
              "try:\n    s.connect(sys.argv[1]); print('CONNECTED')\nexcept OSError as e:\n    print('REFUSED', e.errno)")
    proc = subprocess.run(["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-c", script, str(service)],
                          capture_output=True, text=True, timeout=60)
    assert "REFUSED" in proc.stdout, proc.stdout + proc.stderr


def test_the_service_never_takes_over_a_shared_folder(tmp_path):
    """Its socket's folder becomes root:GROUP 0750: given one that holds anything else (/tmp,
    say), it refuses before changing it."""
    (tmp_path / "other.txt").write_text("someone's file")
    before = tmp_path.stat()
    proc = run_grader("sandbox-service", "--socket", tmp_path / "s.sock", "--group", "root", timeout=120)
    assert proc.returncode == 2 and "needs a folder of its own" in proc.stderr, proc.stderr[-2000:]
    after = tmp_path.stat()
    assert (after.st_mode, after.st_uid, after.st_gid) == (before.st_mode, before.st_uid, before.st_gid)


def test_without_root_or_the_service_autograding_refuses_with_what_to_do(monkeypatch):
    from grader import preprocessors, sandbox

    def unavailable():
        raise sandbox.SandboxUnavailable("the sandbox drops each submission to its own uid, which needs root")

    monkeypatch.setattr(sandbox, "check_available", unavailable)
    step = preprocessors.SandboxExecute()
    with pytest.raises(sandbox.SandboxUnavailable, match="python -m grader autograde"):
        step.prepared()
