"""The student's side as a student meets it: the bundle sets itself up in an empty folder
and explains every failure; every notebook runs, on a slow machine too, and 08-10 run with
the student's own definitions where an earlier assignment is not closed yet."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import own_definitions, student_env, unzip_bundle
from grader.course import assignment_ids
from grader.earlier import graded_modules, needs, write_package
from grader.submissions import filled
from notebook_runs import slow_clock

# ---- the bundle's own script -------------------------------------------------------------


def test_bundle_sets_itself_up_in_an_empty_folder(student_bundle):
    out = student_bundle.setup.stdout
    for step in ("creating .venv/", "installing the course's Python packages", "packages installed",
                 "set-up done"):
        assert step in out, f"./course setup did not say {step!r}:\n{out}"
    python = student_bundle.root / ".venv" / "bin" / "python"
    # kernels started anywhere find the bundle's convcourse, and there is no grader to find
    probe = subprocess.run([str(python), "-c", "import convcourse, jupyterlab, nbgrader; print(convcourse.__file__)"],
                           cwd="/", capture_output=True, text=True, env=student_env())
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().startswith(str(student_bundle.root / "convcourse")), probe.stdout
    no_grader = subprocess.run([str(python), "-c", "import grader"], cwd="/", capture_output=True, env=student_env())
    assert no_grader.returncode != 0
    # nor what only the grader needs (requirements-grader.txt: Dask, the PostgreSQL driver, tqdm)
    for name in ("dask", "distributed", "psycopg2", "tqdm"):
        absent = subprocess.run([str(python), "-c", f"import {name}"], cwd="/", capture_output=True, env=student_env())
        assert absent.returncode != 0, f"the student's set-up installed {name}"
    print(f"fresh-folder set-up: {student_bundle.seconds:.0f} s")


def test_a_second_run_does_not_set_up_again(student_bundle):
    start = time.perf_counter()
    again = subprocess.run(["./course", "setup"], cwd=student_bundle.root, env=student_env(),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "installing" not in again.stdout and time.perf_counter() - start < 30, again.stdout


def test_lab_serves_validate_but_not_the_instructors_tools(student_lab):
    # nbgrader's server extensions: the student's are there, formgrader and the course list not
    assert student_lab.api("/formgrader") == 404
    assert student_lab.api("/formgraders") == 404
    assert student_lab.api("/assignments?course_id=conv-course") != 404
    assert student_lab.api("/assignments/validate") == 405          # there, and wants a POST


@pytest.fixture(scope="module")
def fresh_bundle(bundle_zip, tmp_path_factory):
    """An unzipped bundle that was never set up, copied for each test that breaks it."""
    return unzip_bundle(bundle_zip, tmp_path_factory.mktemp("unzipped"))


def _shim(path, body: str):
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def _course(folder, *args, **env):
    return subprocess.run(["./course", *args], cwd=folder, capture_output=True, text=True, timeout=600,
                          env={**student_env(), **env})


FAILURES = {
    "no command": ((), {}, 2, ["usage: ./course lab"]),
    "an instructor's command": (("test",), {}, 1, ["for instructors", "./course lab"]),
    "no Python": (("lab",), {"PYTHON": "/nonexistent/python3"}, 1,
                  ["Python 3 was not found", "Install Python 3.11 or newer"]),
    "an old Python": (("lab",), {"PYTHON": "{old}"}, 1, ["needs Python 3.11 or newer", "Python 3.9.2"]),
    "no venv module": (("lab",), {"PYTHON": "{novenv}"}, 1,
                       ["could not create .venv/", "sudo apt install python3-venv"]),
    "no network": (("setup",), {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": "/dev/null"}, 1,
                   ["installing the course's Python packages failed", "pip.log",
                    "Check the internet connection"]),
}


@pytest.mark.parametrize("case", FAILURES)
def test_the_bundles_script_explains_every_failure(fresh_bundle, tmp_path, case):
    folder = tmp_path / "conv-course"
    shutil.copytree(fresh_bundle, folder, symlinks=True)
    args, env, code, phrases = FAILURES[case]
    shims = {
        "old": _shim(tmp_path / "python-old", 'if [ "$1" = "-V" ]; then echo "Python 3.9.2"; exit 0; fi\nexit 1\n'),
        # a Python 3.11 whose venv module is missing, as on Debian without python3-venv
        "novenv": _shim(tmp_path / "python-novenv", f'''\
            if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
              echo "The virtual environment was not created successfully because ensurepip is not available." >&2
              exit 1
            fi
            exec {sys.executable} "$@"
            '''),
    }
    env = {k: v.format(**shims) for k, v in env.items()}
    result = _course(folder, *args, **env)
    said = result.stdout + result.stderr
    assert result.returncode == code, said
    for phrase in phrases:
        assert phrase in said, f"{case}: the script did not say {phrase!r}:\n{said}"
    if case == "no venv module":
        assert not (folder / ".venv").exists(), "a half-made .venv/ was left behind"


# ---- every notebook runs for every student ------------------------------------------------


@pytest.mark.parametrize("aid", assignment_ids())
def test_notebook_runs_on_a_machine_far_slower_than_any(notebook_runs, aid):
    """Run in-process with a clock that adds 100 s to every reading (tests/notebook_runs.py):
    a notebook that asserted a time or a speed-up would fail."""
    assert notebook_runs[aid] is not None


def test_the_slow_clock_catches_a_speed_assertion():
    source = "import time\nt0 = time.perf_counter()\nsum(range(10))\nassert time.perf_counter() - t0 < 60"
    with slow_clock(), pytest.raises(AssertionError):
        exec(source, {})  # noqa: S102 - our own snippet


def _run(nb, folder, monkeypatch, kernel_env_path):
    monkeypatch.setenv("PYTHONPATH", str(kernel_env_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


def _errors(nb):
    return [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def nothing_closed(fresh_bundle, tmp_path_factory):
    """The bundle's notebooks, data and convcourse as released before any deadline:
    convcourse.earlier holds no model solution."""
    folder = tmp_path_factory.mktemp("nothing-closed")
    for part in ("notebooks", "data", "convcourse"):
        shutil.copytree(fresh_bundle / part, folder / part)
    write_package(folder / "convcourse" / "earlier", [])
    return folder


LATER = [aid for aid in assignment_ids() if needs(aid, graded_modules())]


@pytest.mark.parametrize("aid", LATER)
def test_own_definitions_in_a_cell_above_run_clean(nothing_closed, monkeypatch, aid):
    missing = needs(aid)
    nb = filled(aid)
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "earlier-functions")
    nb.cells.insert(index, nbformat.v4.new_code_cell(own_definitions(missing)))
    _run(nb, nothing_closed / "notebooks" / aid, monkeypatch, nothing_closed)
    assert _errors(nb) == []
    said = "".join(o.get("text", "") for o in nb.cells[index + 1].outputs)
    assert said.startswith("Using your own"), said


@pytest.mark.parametrize("aid", LATER)
def test_a_missing_earlier_function_is_named_and_the_helpers_still_load(nothing_closed, monkeypatch, aid):
    nb = filled(aid)
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "earlier-functions")
    nb.cells = nb.cells[:index + 1]
    _run(nb, nothing_closed / "notebooks" / aid, monkeypatch, nothing_closed)
    errors = _errors(nb)
    assert [i for i, _, _ in errors] == [index], errors     # the imports above ran clean
    ename, message = errors[0][1], errors[0][2]
    assert ename == "ImportError", errors
    for other in needs(aid):
        assert other in message, message
    assert "Insert a cell above this one" in message, message
