"""Bad input at the hub's door: what students submit through nbgrader's exchange, as their
own Linux users, collected by the instructor and graded by `python -m grader autograde`
on the course folder (through the hub's sandbox service, as the instructor, not root).

- a submission without the notebook (another file instead),
- a renamed notebook,
- a notebook over the grader's size limit (MAX_NOTEBOOK_MB),
- then a second submission replacing a first one, after the due date.

Each is graded (as blank where there is nothing to grade), named in problems.csv, and
noted at the top of the graded notebook, which formgrader shows; the class's other grades
stay as they were, and nothing stops the batch.
"""
from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

from grader import submissions
from grader.autograde import MAX_NOTEBOOK_MB
from grader.course import COURSE_ID, notebook_names, points

pytestmark = pytest.mark.sandbox

AID = "00_welcome"
NB = notebook_names(AID)[0]


def as_user(hub, user: str, *cmd, cwd: Path, instructor: bool = False) -> subprocess.CompletedProcess:
    """`cmd` as `user`, with the environment the hub gives that user's server."""
    lay = hub.lay
    env = {"PATH": f"{lay.venv / 'bin'}:/usr/bin:/bin", "HOME": str(lay.home / user), "LANG": "C.UTF-8",
           "JUPYTER_CONFIG_PATH": f"{lay.course}:{lay.etc}" if instructor else str(lay.etc)}
    if instructor:
        env.update(PYTHONPATH=str(lay.course), CONV_COURSE_SANDBOX=str(lay.socket), MPLBACKEND="Agg")
    proc = subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", *map(str, cmd)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    return proc


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc


def write_as(hub, user: str, nb_or_text, path: Path) -> None:
    """Write into a student's folder, owned by the student."""
    submissions.write(nb_or_text, path)
    uid = int(as_user(hub, user, "id", "-u", cwd="/").stdout)
    os.chown(path, uid, uid)


def problems(course: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with open(course / "problems.csv") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["student_id"], []).append(row["problem"])
    return found


def graded_note(course: Path, student: str) -> str:
    """The first cell of the graded notebook, as formgrader shows it."""
    nb = nbformat.read(course / "autograded" / student / AID / f"{NB}.ipynb", as_version=4)
    return nb.cells[0].source


@pytest.fixture(scope="module")
def door(hub):
    lay, teacher = hub.lay, hub.instructor
    renamer, hoarder, empty = hub.students
    course = lay.course

    def nbgrader(*args):
        return ok(as_user(hub, teacher, "nbgrader", *args, cwd=course, instructor=True))

    nbgrader("generate_assignment", AID, "--force")
    nbgrader("release_assignment", AID, "--force")
    for student in hub.students:
        home = lay.home / student
        ok(as_user(hub, student, "nbgrader", "fetch_assignment", AID, "--course", COURSE_ID, "--replace", cwd=home))
    folder = {s: lay.home / s / AID for s in hub.students}
    # renamer: keeps the work under another name
    (folder[renamer] / f"{NB}.ipynb").rename(folder[renamer] / "my_work.ipynb")
    # hoarder: a notebook with a huge output
    big = submissions.filled(AID)
    big.cells[0].attachments = {"huge.txt": {"text/plain": "x" * (MAX_NOTEBOOK_MB + 1) * 2**20}}
    write_as(hub, hoarder, big, folder[hoarder] / f"{NB}.ipynb")
    # empty: submits notes instead of the notebook
    (folder[empty] / f"{NB}.ipynb").unlink()
    write_as(hub, empty, "I will send it by e-mail.\n", folder[empty] / "notes.txt")
    for student in hub.students:
        ok(as_user(hub, student, "nbgrader", "submit", AID, "--course", COURSE_ID, cwd=lay.home / student))
    nbgrader("collect", AID, "--update")
    grader = ["python", "-m", "grader", "autograde", course / "submitted", "--out", course, "--assignment", AID]
    first = ok(as_user(hub, teacher, *grader, cwd=course, instructor=True))
    week1 = {"problems": problems(course), "notes": {s: graded_note(course, s) for s in hub.students},
             "stdout": first.stdout}

    # the due date passes; renamer submits the notebook, right this time, under its own name
    ok(as_user(hub, teacher, "python", "-c",
               "import datetime, sys; from nbgrader.api import Gradebook\n"
               "with Gradebook(sys.argv[1]) as gb:\n"
               "    gb.update_or_create_assignment(sys.argv[2], duedate=datetime.datetime.utcnow())",
               f"sqlite:///{course / 'gradebook.db'}", AID, cwd=course, instructor=True))
    (folder[renamer] / "my_work.ipynb").unlink()
    write_as(hub, renamer, submissions.filled(AID), folder[renamer] / f"{NB}.ipynb")
    ok(as_user(hub, renamer, "nbgrader", "submit", AID, "--course", COURSE_ID, cwd=lay.home / renamer))
    nbgrader("collect", AID, "--update")
    second = ok(as_user(hub, teacher, *grader, "--student", renamer, cwd=course, instructor=True))
    with open(course / "grades.csv") as fh:
        scores = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(fh)}
    return {"week1": week1, "problems": problems(course), "stdout": second.stdout, "scores": scores,
            "renamer": renamer, "hoarder": hoarder, "empty": empty, "course": course}


def test_a_renamed_notebook_is_named_and_graded_blank(door):
    said = door["week1"]["problems"][door["renamer"]]
    assert any(f"{NB}.ipynb is missing (found my_work.ipynb: keep the notebook's name)" in p for p in said), said
    assert "found my_work.ipynb" in door["week1"]["notes"][door["renamer"]]


def test_a_submission_without_the_notebook_is_named_and_graded_blank(door):
    said = door["week1"]["problems"][door["empty"]]
    assert any(f"{NB}.ipynb is missing; scored as blank" in p for p in said), said
    assert f"{NB}.ipynb is missing" in door["week1"]["notes"][door["empty"]]
    assert door["scores"][(door["empty"], AID)] == 0


def test_an_oversized_notebook_is_named_with_the_limit(door):
    said = door["week1"]["problems"][door["hoarder"]]
    assert any(f"over the {MAX_NOTEBOOK_MB} MB limit" in p for p in said), said
    assert f"over the {MAX_NOTEBOOK_MB} MB limit" in door["week1"]["notes"][door["hoarder"]]


def test_a_late_second_submission_replaces_the_first_and_is_named(door):
    renamer = door["renamer"]
    said = door["problems"][renamer]
    assert any("after the due date" in p for p in said), said
    assert any("replaced the one graded before" in p for p in said), said
    assert door["scores"][(renamer, AID)] == points(AID)["total"]
    # only renamer was graded again; the others' rows are the first run's
    assert f"graded {renamer} / {AID}" in door["stdout"]
    assert not any(f"graded {s} / " in door["stdout"] for s in (door["hoarder"], door["empty"]))
    assert set(door["problems"]) == {renamer}
