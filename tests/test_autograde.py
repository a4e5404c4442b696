"""A whole class through the real `python -m grader autograde`: correct answers get
full marks, blank notebooks 0, a known-wrong function loses exactly its points, broken
files are scored with a reason, and feedback never shows hidden tests. The scoring rules
for every function (each missing or wrong one loses exactly its points, replaced test
cells score 0) are checked without kernels in tests/test_scoring.py."""
import html as html_lib
import json
import re

import nbformat
import pytest

from grader import course, submissions
from grader.course import assignment_ids, notebook_names
from grader.demo import build_class
from grader.mutants import MUTANTS
from grading import run_grader
from one_class import Enrolment, enrol

AIDS = assignment_ids()



HARD_CODED = """
_right = sliding_windows
def sliding_windows(x, size):
    out = _right(x, size)
    return out if len(x) <= 5 else out[:, ::-1]
"""


def _depended_on():
    from grader.hidden import REGISTRY
    return {d for spec in REGISTRY.values() for d in spec.depends_on}


# gap-<function>: correct except that one graded function is left unimplemented. Every
# function's exact loss is checked on recorded outputs (tests/test_scoring.py); here, through
# real kernels, one plain function and those whose absence also costs another's points (the
# capstone's loss and optimiser train the network that predict is graded on)
GAPS = [("04_stride_and_padding", "conv2d")] + [(a, f) for a in AIDS for f in course.checked_functions(a)
                                                 if f in _depended_on()]


def write_class(sub, out):
    """The demo class (grader/demo.py: ada correct, ben one wrong function per assignment, cai
    blank, dan crashing, eve broken files) and a few more students."""
    who = set(build_class(sub))
    # hal: passes 00's visible tests but not its hidden ones (wrong for longer inputs)
    gid = course.cell_defining("00_welcome", "sliding_windows")
    submissions.write(submissions.filled("00_welcome", extra={gid: HARD_CODED}),
                      sub / "hal" / "00_welcome" / "00_welcome.ipynb")
    for aid, function in GAPS:
        gid = course.cell_defining(aid, function)
        blank = f"def {function}(*args, **kwargs):\n    raise NotImplementedError()"
        submissions.write(submissions.filled(aid, extra={gid: blank}),
                          sub / f"gap-{function}" / aid / f"{notebook_names(aid)[0]}.ipynb")
    aid0, name0 = "00_welcome", "00_welcome"
    # gus: correct, but the solution cell was copied (a duplicated grade_id)
    nb = submissions.filled(aid0)
    copy = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells.insert(nb.cells.index(copy), nbformat.from_dict(json.loads(json.dumps(copy))))
    submissions.write(nb, sub / "gus" / aid0 / f"{name0}.ipynb")
    # ivy: correct, with a timestamp.txt that is not a date
    submissions.write(submissions.filled(aid0), sub / "ivy" / aid0 / f"{name0}.ipynb")
    (sub / "ivy" / aid0 / "timestamp.txt").write_text("last tuesday")
    # kim: wrong, with files that would shadow the grader and numpy in the kernel's folder
    submissions.write(submissions.filled(aid0, solved=False), sub / "kim" / aid0 / f"{name0}.ipynb")
    (sub / "kim" / aid0 / "grader" / "hidden").mkdir(parents=True)
    (sub / "kim" / aid0 / "grader" / "__init__.py").write_text("")
    (sub / "kim" / aid0 / "grader" / "hidden" / "__init__.py").write_text("def check(*a):\n    pass\n")
    # lee: a folder where the notebook should be
    (sub / "lee" / aid0 / f"{name0}.ipynb").mkdir(parents=True)
    # ada also has a notebook outside any assignment folder
    submissions.write(submissions.filled(aid0), sub / "ada" / f"{name0}.ipynb")
    return Enrolment(who | {"hal", "gus", "ivy", "kim", "lee"} | {f"gap-{f}" for _, f in GAPS})


enrol("autograde", write_class)


@pytest.fixture(scope="module")
def graded(graded_class):
    """This suite's view of the session's graded class (tests/one_class.py)."""
    return {**graded_class, "mine": graded_class["suites"]["autograde"].students, "stdout": graded_class["proc"].stdout}


def total(aid):
    return course.points(aid)["total"]


def lost_without(aid, function):
    """Points lost when `function` is missing: its own, and those of every graded function
    that cannot pass without it (the capstone's predict needs the loss and the optimiser
    that train the network)."""
    from grader.hidden import REGISTRY
    points = course.points(aid)
    return points[function] + sum(points[other] for other in course.checked_functions(aid)
                                  if function in REGISTRY[other].depends_on)


@pytest.mark.sandbox
def test_grades_csv_has_nbgrader_columns_and_every_row(graded):
    assert list(graded["rows"][0])[:3] == ["assignment", "duedate", "timestamp"]
    assert {"student_id", "score", "max_score"} <= set(graded["rows"][0])
    students = {"ada", "ben", "cai", "dan", "eve"}
    expected = {(s, a) for s in students for a in AIDS} | {
        (s, "00_welcome") for s in ("hal", "gus", "ivy", "kim", "lee")} | {(f"gap-{f}", a) for a, f in GAPS}
    # nbgrader's export also lists each student's assignments not submitted, as 0
    assert expected <= set(graded["scores"])
    assert all(graded["scores"][k] == 0 for k in set(graded["scores"]) - expected if k[0] in graded["mine"])
    for row in graded["rows"]:
        assert float(row["max_score"]) == total(row["assignment"])


@pytest.mark.parametrize("aid", AIDS)
@pytest.mark.sandbox
def test_solutions_get_full_marks(graded, aid):
    assert graded["scores"][("ada", aid)] == total(aid) > 0


@pytest.mark.parametrize("aid", AIDS)
@pytest.mark.sandbox
def test_unmodified_release_scores_zero(graded, aid):
    assert graded["scores"][("cai", aid)] == 0


@pytest.mark.parametrize("aid", AIDS)
@pytest.mark.sandbox
def test_one_wrong_function_loses_exactly_its_points(graded, aid):
    first = next(m for m in MUTANTS if m.assignment == aid)
    assert graded["scores"][("ben", aid)] == total(aid) - course.points(aid)[first.function]


@pytest.mark.sandbox
def test_crashing_submissions_are_scored_and_the_batch_goes_on(graded):
    for i, aid in enumerate(AIDS):
        first_function = course.checked_functions(aid)[0]
        kind = i % 3
        score = graded["scores"][("dan", aid)]
        if kind == 0:    # syntax error in the first solution cell: that cell's functions fail
            assert score < total(aid)
        elif kind == 1:  # exception before the first function: only that function fails
            assert score == total(aid) - lost_without(aid, first_function)
        else:            # kernel exits: graded as blank, with a reason
            assert score == 0
            assert any(p["student_id"] == "dan" and p["assignment"] == aid for p in graded["problems"])


@pytest.mark.sandbox
def test_broken_files_score_zero_with_a_reason(graded):
    reasons = {(p["student_id"], p["assignment"]): p["problem"] for p in graded["problems"]}
    for i, aid in enumerate(AIDS):
        if i % 3 == 0:
            assert graded["scores"][("eve", aid)] == 0
            assert "not valid JSON" in reasons[("eve", aid)]
        elif i % 3 == 1:
            assert graded["scores"][("eve", aid)] == 0
            assert "missing" in reasons[("eve", aid)] and "(copy).ipynb" in reasons[("eve", aid)]
        else:
            assert graded["scores"][("eve", aid)] == total(aid)
            assert ("eve", aid) not in reasons


def visible_text(path):
    """What a reader of the HTML sees: tags stripped, entities decoded."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.mark.sandbox
def test_feedback_for_every_submission_and_no_hidden_tests_in_it(graded):
    submitted = sorted(p.relative_to(graded["out"] / "submitted")
                       for p in (graded["out"] / "submitted").glob("*/*") if p.is_dir() and p.parent.name in graded["mine"])
    assert len(submitted) == 5 * len(AIDS) + 5 + len(GAPS)
    for folder in submitted:
        student, aid = folder.parts
        for name in notebook_names(aid):
            text = visible_text(graded["out"] / "feedback" / student / aid / f"{name}.html")
            assert "HIDDEN TESTS" not in text
            assert "grader.hidden" not in text and "check(" not in text


@pytest.mark.sandbox
def test_hidden_failure_is_named_in_feedback_without_hidden_code(graded):
    assert graded["scores"][("hal", "00_welcome")] == 0
    text = visible_text(graded["out"] / "feedback" / "hal" / "00_welcome" / "00_welcome.html")
    assert "HiddenTestFailure: sliding_windows: hidden case" in text
    assert "wrong values for x of length" in text


@pytest.mark.sandbox
def test_feedback_shows_the_figures_a_student_can_move_without_a_network(graded):
    """The widgets of 02 and 05 (convcourse/interactive.py) have no frontend in a feedback page:
    it shows each one's static figure and output size, the animation's frames are in the page,
    and nothing is fetched but the MathJax of nbgrader's feedback template."""
    def page(student, aid):
        return (graded["out"] / "feedback" / student / aid / f"{aid}.html").read_text()

    for student, aid in [("ada", "02_image_convolution"), ("ada", "05_pooling"), ("cai", "02_image_convolution")]:
        text = page(student, aid)
        fetched = re.findall(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=[\"']?((?:https?:)?//[^\"'\s>]+)", text)
        assert all("mathjax" in url.lower() for url in fetched), (student, aid, fetched)
        assert "widget-view+json" not in text and "widget-state+json" not in text
    solved = page("ada", "02_image_convolution")
    assert re.search(r'<img alt="correlate2d\(image, emboss\): 150 x 128 -&gt; 148 x 126[^"]*" '
                     r'src="data:image/png;base64,', solved)
    assert solved.count('= "data:image/png;base64,') == 25            # the animation's frames
    assert re.search(r'<img alt="max_pool2d\(x, size=2, stride=2\): 150 x 128 -&gt; 75 x 64[^"]*" '
                     r'src="data:image/png;base64,', page("ada", "05_pooling"))
    # the blank notebook: the animation needs none of the student's functions, the menu says what is missing
    blank = visible_text(graded["out"] / "feedback" / "cai" / "02_image_convolution" / "02_image_convolution.html")
    assert "finish the exercise correlate2d first: it still raises NotImplementedError" in blank
    assert page("cai", "02_image_convolution").count('= "data:image/png;base64,') == 25


@pytest.mark.parametrize("aid,function", GAPS)
@pytest.mark.sandbox
def test_an_unimplemented_function_loses_exactly_its_points_and_its_dependents(graded, aid, function):
    assert graded["scores"][(f"gap-{function}", aid)] == total(aid) - lost_without(aid, function)


@pytest.mark.sandbox
def test_copied_solution_cell_still_gets_full_marks(graded):
    assert graded["scores"][("gus", "00_welcome")] == total("00_welcome")
    assert any(p["student_id"] == "gus" and "copied graded cell" in p["problem"] for p in graded["problems"])


@pytest.mark.sandbox
def test_bad_timestamp_is_reported_not_fatal(graded):
    assert graded["scores"][("ivy", "00_welcome")] == total("00_welcome")
    assert any(p["student_id"] == "ivy" and "timestamp.txt" in p["problem"] for p in graded["problems"])


@pytest.mark.sandbox
def test_files_beside_the_notebook_cannot_shadow_the_grader(graded):
    assert graded["scores"][("kim", "00_welcome")] == 0
    assert not (graded["out"] / "autograded" / "kim" / "00_welcome" / "grader").exists()


@pytest.mark.sandbox
def test_a_folder_instead_of_a_notebook_is_scored_zero(graded):
    assert graded["scores"][("lee", "00_welcome")] == 0
    assert any(p["student_id"] == "lee" for p in graded["problems"])


@pytest.mark.sandbox
def test_misplaced_notebook_is_reported(graded):
    assert any(p["student_id"] == "ada" and "not inside an assignment folder" in p["problem"]
               for p in graded["problems"])


@pytest.mark.sandbox
def test_report_prints_the_table_and_paths(graded):
    assert "student" in graded["stdout"] and "grades.csv" in graded["stdout"]
    assert "feedback" in graded["stdout"]
    assert re.search(r"graded \d+ notebook\(s\) in \d+ s: [\d.]+ notebooks a minute", graded["stdout"])


def test_a_progress_bar_shows_the_rate_and_the_time_left(graded):
    """On stderr, under the per-submission lines of stdout (a log file gets it every 30 s)."""
    stderr = graded["proc"].stderr
    assert re.search(r"grading: 100%\|.*\| (\d+)/\1 \[[\d:]+<00:00, +[\d.]+(s/notebook|notebook/s)\]", stderr), \
        stderr[-500:]
    assert "graded " in graded["stdout"] and "graded " not in stderr


@pytest.mark.sandbox
def test_feedback_shows_the_notebooks_own_figures(graded):
    """Each figure the student's notebook shows (matplotlib's inline backend, as in JupyterLab)
    is in the graded notebook and its feedback page."""
    aid = "02_image_convolution"
    nb = nbformat.read(graded["out"] / "autograded" / "ada" / aid / f"{aid}.ipynb", as_version=4)
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.get("output_type") == "display_data" and "image/png" in o.get("data", {})]
    assert len(figures) >= 8
    page = (graded["out"] / "feedback" / "ada" / aid / f"{aid}.html").read_text()
    assert sum(o["data"]["image/png"].replace("\n", "")[:200] in page for o in figures) == len(figures)


def test_missing_submissions_folder_is_a_configuration_error(tmp_path):
    proc = run_grader("autograde", tmp_path / "nothing", "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "is not a folder of submissions" in proc.stderr
