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


_LIBRARY: list = []
_PUBLISHED: list = []


def _publish_here(data, metadata=None):
    _PUBLISHED.append(data)


def harvested_outputs(cases_dir: Path, name: str, func) -> list:
    """The outputs the sandbox's harness publishes for `func` on the hidden cases of
    `name`: the same harness code (grader/inkernel/harness.py), run in this process, so
    what a test cell would record is had without a kernel. `cases_dir` is what
    grader.hidden.wire.write_cases wrote."""
    from grader.hidden.wire import cases_for
    from grader.sandbox import INKERNEL

    if str(INKERNEL) not in sys.path:
        sys.path.insert(0, str(INKERNEL))
    import harness

    saved = harness._CASES, harness._publish, harness._LIBRARY
    harness._CASES = harness.load_cases(cases_for(cases_dir, [name]))
    # one publisher for every call: the harness puts the library back as it was noted,
    # its own _publish included
    harness._publish = _publish_here
    if not _LIBRARY:  # the library as it is in this process, noted once (over a second with torch loaded)
        _LIBRARY.append(harness._library_state())
    harness._LIBRARY = _LIBRARY[0]
    _PUBLISHED.clear()
    try:
        harness.harvest(name, func)
    finally:
        harness._CASES, harness._publish, harness._LIBRARY = saved
    return [nbformat.v4.new_output("display_data", data=data) for data in _PUBLISHED]
