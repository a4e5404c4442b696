"""The scoring rules, on recorded outputs, with no kernel.

A submission's test cells are given the outputs a sandboxed run records: the harness's
results for each graded function (the same harness code, run in this process:
tests/grading.harvested_outputs), and the error a visible test shows when a function is
missing. Then the grader's own steps score it as autograde does: nbgrader's sanitize
steps with RecordTestCells, TrustedVerdicts, and nbgrader's rule for a test cell's points
(`nbgrader.utils.determine_grade`, what SaveAutoGrades stores). The whole path through
real kernels is graded in tests/test_autograde.py, for fewer students.
"""
from __future__ import annotations

import copy

import nbformat
import pytest
from nbgrader import utils
from nbgrader.preprocessors import ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

from grader import course, submissions
from grader.course import assignment_ids, notebook_names
from grader.hidden import REGISTRY
from grader.markup import checked_names
from grader.mutants import MUTANTS
from grader.preprocessors import RecordTestCells, RunRecord, TrustedVerdicts
from grading import harvested_outputs

AIDS = assignment_ids()


@pytest.fixture(scope="module")
def models():
    """{assignment: {graded function: the model solution}}; predict's is the held-out
    labels themselves (a perfectly trained network)."""
    found = {aid: course.solution_functions(aid) for aid in AIDS}
    found["10_capstone_tiny_cnn"]["predict"] = REGISTRY["predict"].reference
    return found


RECORDED: dict = {}  # (function name, answer) -> the outputs its harvest published


def missing(*args, **kwargs):
    raise NotImplementedError()


def score(generated_course, aid, answers=None, nb=None, *, recorded=None) -> float:
    """Score a submission of `aid` as autograde would, from recorded outputs: `answers`
    replaces graded functions by name (a missing one also shows its visible tests'
    error); `nb` is the submitted notebook (default: the model answers typed in)."""
    answers = answers or {}
    name = notebook_names(aid)[0]
    nb = copy.deepcopy(nb if nb is not None else submissions.filled(aid))
    resources = {"nbgrader": {"db_url": generated_course["db_url"], "assignment": aid, "notebook": name,
                              "student": "s"}, "sandbox": RunRecord("complete")}
    for step in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), RecordTestCells(), OverwriteCells()):
        nb, resources = step.preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type != "code" or not utils.is_grade(cell):
            continue
        for function in checked_names(cell.source):
            func = answers.get(function, recorded[aid][function])
            if func is missing:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="NotImplementedError", evalue="", traceback=["NotImplementedError"]))
            if (function, func) not in RECORDED:  # the model answers' records serve every test
                RECORDED[(function, func)] = harvested_outputs(generated_course["cases"], function, func)
            cell.outputs += copy.deepcopy(RECORDED[(function, func)])
    nb, resources = TrustedVerdicts().preprocess(nb, resources)
    return sum(utils.determine_grade(cell)[0] for cell in nb.cells if utils.is_grade(cell))


def total(aid):
    return course.points(aid)["total"]


@pytest.mark.parametrize("aid", AIDS)
def test_model_answers_score_full_marks(generated_course, models, aid):
    assert score(generated_course, aid, recorded=models) == total(aid) > 0


@pytest.mark.parametrize("aid,function", [(a, f) for a in AIDS for f in course.checked_functions(a)])
def test_each_missing_function_loses_exactly_its_points(generated_course, models, aid, function):
    assert score(generated_course, aid, {function: missing}, recorded=models) == total(aid) - course.points(aid)[function]


@pytest.mark.parametrize("aid", AIDS)
def test_a_known_wrong_variant_of_every_function_scores_zero(generated_course, models, aid):
    wrong = {}
    for function in course.checked_functions(aid):
        if REGISTRY[function].is_classifier:
            wrong[function] = lambda images: (REGISTRY["predict"].reference(images) + 1) % 10  # every label wrong
        else:
            namespace = dict(models[aid])  # a mutant may call other model solutions
            exec(next(m for m in MUTANTS if m.function == function).source, namespace)  # noqa: S102 - ours
            wrong[function] = namespace[function]
    assert score(generated_course, aid, wrong, recorded=models) == 0


@pytest.mark.parametrize("aid", AIDS)
def test_test_cells_replaced_by_the_student_score_zero_even_with_right_answers(generated_course, models, aid):
    nb = submissions.filled(aid)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    assert score(generated_course, aid, nb=nb, recorded=models) == 0
