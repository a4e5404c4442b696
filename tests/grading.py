"""Helpers of the suites that grade a whole class through the real command
(tests/test_red_team.py, tests/test_fairness.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from grader.course import REPO


def run_grader(*args, env_extra=None, timeout=1800):
    """`python -m grader ARGS` from the course root, as a teaching assistant runs it."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def cell_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def add_cell_after(nb, grade_id, source):
    """A new (ungraded) code cell right after the cell `grade_id`, as a student adds one."""
    nb.cells.insert(cell_index(nb, grade_id) + 1, nbformat.v4.new_code_cell(source))
    return nb


def add_cell_before(nb, grade_id, source):
    """A new (ungraded) code cell right before the cell `grade_id`."""
    nb.cells.insert(cell_index(nb, grade_id), nbformat.v4.new_code_cell(source))
    return nb
