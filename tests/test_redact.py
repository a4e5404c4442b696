"""The feedback preprocessor removes hidden tests and the traceback lines quoting them."""
import nbformat

from grader.markup import split_hidden
from grader.redact import RedactHiddenTests

SOURCE = """assert f(1) == 2, "f(1)"
### BEGIN HIDDEN TESTS
from grader.hidden import check
check("f", f)
### END HIDDEN TESTS"""


def grade_cell(outputs):
    cell = nbformat.v4.new_code_cell(SOURCE, outputs=outputs)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_f", "points": 1,
                                 "solution": False, "locked": True, "schema_version": 3}
    return cell


def run(cell):
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = RedactHiddenTests().preprocess(nb, {})
    return nb.cells[0]


def test_split_hidden():
    kept, hidden = split_hidden(SOURCE)
    assert kept == 'assert f(1) == 2, "f(1)"'
    assert hidden == ["from grader.hidden import check", 'check("f", f)']


def test_hidden_failure_becomes_one_line():
    error = nbformat.v4.new_output("error", ename="HiddenTestFailure", evalue="f: hidden case 2 of 9: wrong values",
                                   traceback=["Traceback", "----> 4 check(\"f\", f)", "File grader/hidden/core.py"])
    cell = run(grade_cell([error]))
    assert "check" not in cell.source and "HIDDEN" not in cell.source
    assert cell.outputs[0]["traceback"] == ["HiddenTestFailure: f: hidden case 2 of 9: wrong values"]


def test_visible_failure_keeps_its_lines_but_not_hidden_ones():
    frame = "\n".join(["Cell In[3], line 1", "----> 1 assert f(1) == 2, \"f(1)\"",
                       "      2 ### BEGIN HIDDEN TESTS", "      3 from grader.hidden import check"])
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="f(1)",
                                   traceback=["\x1b[0;31mAssertionError\x1b[0m Traceback", frame])
    cell = run(grade_cell([error]))
    text = "\n".join(cell.outputs[0]["traceback"])
    assert "assert f(1) == 2" in text
    assert "HIDDEN" not in text and "grader.hidden" not in text


def test_non_grade_cells_are_left_alone():
    cell = nbformat.v4.new_code_cell("x = 1  # BEGIN HIDDEN TESTS is just text here")
    assert run(cell).source == cell.source
