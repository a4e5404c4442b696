"""One class, graded once per test session through the real `python -m grader autograde`,
for every suite that needs a graded class: test_autograde (a class with ordinary and
broken submissions), test_red_team (hostile ones) and test_fairness (correct ones with
innocent habits). Sharing one batch saves a batch's set-up per suite, and puts every
attacker beside every honest student: collateral damage would show anywhere.

A suite enrols when its module is imported (pytest imports every collected module
before the first test runs): `enrol(name, write)`, where `write(sub, out)` writes its
students into `sub/<student>/<assignment>/` and returns an Enrolment. Run a suite alone
and only its students are graded.
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grading import run_grader

# Time limits of the shared batch: short enough that the red team's endless loops end
# soon, long enough for the capstone's training (about 10 s alone) on a busy machine.
CELL_SECONDS, NOTEBOOK_SECONDS = 30, 150


@dataclass
class Enrolment:
    students: set[str]                           # the student ids it wrote
    env: dict[str, str] = field(default_factory=dict)   # for the grader's process
    before: Callable[[], None] = lambda: None    # right before the batch (e.g. open a listener)
    after: Callable[[], None] = lambda: None     # right after it
    context: dict = field(default_factory=dict)  # whatever the suite keeps for its tests


ENROLMENTS: dict[str, Callable[[Path, Path], Enrolment]] = {}


def enrol(suite: str, write: Callable[[Path, Path], Enrolment]) -> None:
    ENROLMENTS[suite] = write


def write(root: Path) -> dict:
    """Write every enrolled suite's students into root/submitted/."""
    sub, out = root / "submitted", root / "out"
    suites, seen = {}, set()
    for suite, write_students in ENROLMENTS.items():
        suites[suite] = write_students(sub, out)
        clash = seen & suites[suite].students
        assert not clash, f"{suite} enrols students another suite has: {sorted(clash)}"
        seen |= suites[suite].students
    return {"root": root, "sub": sub, "out": out, "suites": suites, "students": seen}


def run(written: dict) -> dict:
    """Grade the written class in one batch; return what the suites read: the batch's
    outputs, scores, problems and each suite's Enrolment."""
    suites, sub, out = written["suites"], written["sub"], written["out"]
    env = {k: v for e in suites.values() for k, v in e.env.items()}
    for enrolment in suites.values():
        enrolment.before()
    start = time.monotonic()
    try:
        proc = run_grader("autograde", sub, "--out", out, "--cell-timeout", CELL_SECONDS,
                          "--notebook-timeout", NOTEBOOK_SECONDS, env_extra=env)
    finally:
        elapsed = time.monotonic() - start
        for enrolment in suites.values():
            enrolment.after()
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / "grades.csv") as fh:
        rows = list(csv.DictReader(fh))
    with open(out / "problems.csv") as fh:
        problems = list(csv.DictReader(fh))
    return {**written, "proc": proc, "rows": rows, "problems": problems, "elapsed": elapsed,
            "scores": {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}}


def grade(root: Path) -> dict:
    return run(write(root))
