"""The visible tests explain themselves: every check a student can see says what it
checked, what was expected and what came back, and a wrong answer makes them fail with
that message, never with a crash inside the test's own code."""
from __future__ import annotations

import ast
import contextlib
import io
import traceback

import pytest

from grader.course import assignment_ids
from grader.hidden import REGISTRY
from grader.mutants import MUTANTS
from notebook_runs import code_cells, is_test, visible

CHECKS = {"assert_close": 3, "assert_equal": 3, "assert_shape": 3, "assert_raises": 2}


def silent_checks(source: str) -> list[str]:
    """The checks in `source` that would fail without saying why: an assert without a
    message, a bare `raise AssertionError`, a check helper called without `what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Assert) and node.msg is None:
            found.append(f"{line}: assert without a message: {ast.unparse(node.test)[:70]}")
        elif isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc
            if (isinstance(exc, ast.Name) and exc.id == "AssertionError") or \
                    (isinstance(exc, ast.Call) and getattr(exc.func, "id", None) == "AssertionError" and not exc.args):
                found.append(f"{line}: AssertionError without a message")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in CHECKS:
            if len(node.args) + len([k for k in node.keywords if k.arg == "what"]) < CHECKS[node.func.id]:
                found.append(f"{line}: {node.func.id} without `what`")
    return found


def _calls_graded(source: str, graded: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in graded for n in ast.walk(ast.parse(source)))


@pytest.mark.parametrize("aid", assignment_ids())
def test_every_visible_check_says_what_it_checked(aid):
    """Test cells, and any other cell whose asserts run a student's function."""
    graded = set(REGISTRY)
    problems = []
    for where, cell in code_cells(aid):
        source = visible(cell)
        if is_test(cell) or (not cell.metadata.get("nbgrader", {}).get("solution")
                              and _calls_graded(source, graded)):
            problems += [f"{where}: {p}" for p in silent_checks(source)]
    assert not problems, "\n".join(problems)


def test_silent_check_finder_has_teeth():
    source = ("assert x == 1\nraise AssertionError\nraise AssertionError()\nassert_close(a, b)\n"
              "with assert_raises(ValueError):\n    pass\nassert x == 1, 'x is 1'\nassert_close(a, b, 'a')\n")
    assert len(silent_checks(source)) == 5


# ---- wrong answers meet the visible tests ---------------------------------------------

WRONG_RETURNS = {
    "returns None": "return None",
    "returns a string": "return 'oops'",
    "returns an empty list": "return []",
}
VARIANTS = [pytest.param(aid, function, label, source, id=f"{aid}-{function}-{label}")
            for aid, function, label, source in
            [(m.assignment, m.function, m.label, m.source) for m in MUTANTS] + [
                (aid, name, label, f"def {name}(*args, **kwargs):\n    {body}\n")
                for aid in assignment_ids() for name in REGISTRY
                for label, body in WRONG_RETURNS.items()
                if any(m.function == name and m.assignment == aid for m in MUTANTS)]]


@pytest.mark.parametrize("aid,function,label,source", VARIANTS)
def test_a_wrong_answer_fails_visibly_with_a_message(notebook_runs, aid, function, label, source):
    namespace, test_source = notebook_runs[aid].before_tests[function]
    namespace = dict(namespace)
    exec(compile(source, "<student's answer>", "exec"), namespace)  # noqa: S102 - our own mutant
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(test_source, "<test cell>", "exec"), namespace)  # noqa: S102
    except AssertionError as e:
        assert str(e).strip(), f"{function} ({label}): the visible test failed with a bare AssertionError"
    except Exception as e:  # noqa: BLE001 - only the student's own code may raise other errors
        frames = traceback.extract_tb(e.__traceback__)
        assert any(f.filename == "<student's answer>" for f in frames), (
            f"{function} ({label}): the visible test crashed in its own code instead of saying what is "
            f"wrong: {type(e).__name__}: {e}\n" + "".join(traceback.format_tb(e.__traceback__)[-2:]))
