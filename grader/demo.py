"""The teaching-assistant cycle on a built-in demo class.

Releases into OUT/release/ (never the repository's notebooks/, convcourse/earlier/ or
build/, which hold the teaching assistant's release), writes a small class of submissions (one correct, one partly
wrong, one blank, one that crashes, one with broken files), autogrades them and prints
the grade table. The tests grade the same class and check every score.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from . import course, submissions
from .autograde import grade, report
from .course import assignment_ids, notebook_names
from .mutants import MUTANTS
from .release import BUNDLE_ZIP, release

CRASHES = {
    # code put in front of an assignment's first solution cell, one kind per assignment
    "syntax error": "def broken(:\n    pass",
    "exception at top level": "raise RuntimeError('something went wrong while loading')",
    "kernel exits": "import os\nos._exit(1)",
}


def partly_wrong_extras(assignment_id: str) -> dict[str, str]:
    """One known-wrong function per assignment (the first mutant of its first graded
    function): this student loses exactly that function's points."""
    first = next(m for m in MUTANTS if m.assignment == assignment_id)
    gid = course.cell_defining(assignment_id, first.function)
    return {gid: first.source}


def build_class(root: Path) -> dict[str, str]:
    """Write the demo class into root/<student>/<assignment>/; return who is who."""
    aids = assignment_ids()
    crash_kinds = list(CRASHES.items())
    for i, aid in enumerate(aids):
        name = notebook_names(aid)[0]
        first_gid = next(iter(course.solution_sources(aid, name)))
        kind, code = crash_kinds[i % len(crash_kinds)]
        class_ = {
            "ada": submissions.filled(aid, name),
            "ben": submissions.filled(aid, name, extra=partly_wrong_extras(aid)),
            "cai": submissions.filled(aid, name, solved=False),
            "dan": submissions.filled(aid, name, before={first_gid: code}),
        }
        for student, nb in class_.items():
            submissions.write(nb, root / student / aid / f"{name}.ipynb")
        # eve: correct work, but files broken in three ways across the assignments
        eve = root / "eve" / aid
        if i % 3 == 0:
            submissions.write('{"cells": [ not json', eve / f"{name}.ipynb")
        elif i % 3 == 1:
            submissions.write(submissions.filled(aid, name), eve / f"{name} (copy).ipynb")
        else:
            submissions.write(submissions.filled(aid, name), eve / f"{name}.ipynb")
    return {
        "ada": "correct answers",
        "ben": "one wrong function per assignment",
        "cai": "blank notebooks, as released",
        "dan": "crashes: " + ", ".join(CRASHES),
        "eve": "broken files: invalid JSON, a renamed notebook, then a correct one",
    }


def run_demo(out: Path) -> None:
    out = Path(out)
    print("1. Releasing from solutions/ into a folder of the demo's own ...")
    rel = out / "release"
    written = release(rel / "notebooks", earlier=rel / "earlier", build=rel)
    print(f"   {len(written)} notebooks in {rel / 'notebooks'}, no leaks; student bundle "
          f"{rel / BUNDLE_ZIP.name} (the repository's release is untouched)")
    print("2. Writing the demo class ...")
    shutil.rmtree(out / "submitted", ignore_errors=True)
    who = build_class(out / "submitted")
    for student, what in who.items():
        print(f"   {student}: {what}")
    print(f"3. Autograding {out / 'submitted'} ...")
    shutil.rmtree(out / "graded", ignore_errors=True)  # a new demo class: a new gradebook
    result = grade(out / "submitted", out / "graded", log=lambda msg: print("   " + msg))
    print("4. Results\n")
    print(report(result))
