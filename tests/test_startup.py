"""The start-up savings in grader/startup.py give nbgrader what it would compute itself."""
import subprocess
import sys

import nbgrader.api

from grader.course import REPO, tools_on_path
from grader.startup import alembic_head_in_process


def test_alembic_head_in_process_is_nbgraders():
    tools_on_path()
    original = nbgrader.api.get_alembic_version
    expected = original()  # nbgrader's way: the `alembic heads` command in a subprocess
    alembic_head_in_process()
    try:
        assert nbgrader.api.get_alembic_version() == expected != ""
    finally:
        nbgrader.api.get_alembic_version = original


def test_uri_grammar_is_skipped_and_notebooks_still_validate():
    # in a fresh process: this one has nbformat loaded already (by nbval)
    script = """
import grader, nbformat, sys
assert sys.modules["rfc3987_syntax"] is None
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
nb.cells[0]["source"] = 1
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("invalid notebook refused")
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "invalid notebook refused"


def test_nbgrader_schema_checked_once_still_rejects_bad_metadata():
    import nbformat
    import pytest
    from jsonschema import ValidationError
    from nbgrader.nbgraderformat import MetadataValidator

    from grader.startup import check_nbgrader_schema_once

    good = nbformat.v4.new_code_cell("1", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True, "schema_version": 3}})
    bad = nbformat.v4.new_code_cell("1", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": "many", "solution": False, "locked": True,
        "schema_version": 3}})
    check_nbgrader_schema_once()
    for _ in range(2):  # the second time uses the cached validator
        MetadataValidator().validate_cell(good)
        with pytest.raises(ValidationError, match="many"):
            MetadataValidator().validate_cell(bad)
