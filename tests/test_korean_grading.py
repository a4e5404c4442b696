"""Korean submissions graded in the session's shared class (tests/one_class.py), whose
gradebook holds the English edition (course.toml): a class that mixes editions. Korean
students with the model answers keep full marks, with their habits too (fairness); each
known-wrong variant of 04's functions loses exactly its points, with the hidden case's
message in Korean (the mutants); an edited Korean test cell scores 0 (the red team); and the
feedback of a Korean submission is Korean throughout, an English one's English."""
from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from grader import course, editions, submissions
from grader.mutants import MUTANTS
from grading import add_cell_after, cell_index
from one_class import Enrolment, enrol

pytestmark = pytest.mark.sandbox

A2, A4 = "02_image_convolution", "04_stride_and_padding"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# the first known-wrong variant of each of 04's graded functions, one student each
MUTATED = {f"ko-mutant-{m.function}": m for m in
           {m.function: m for m in reversed([m for m in MUTANTS if m.assignment == A4])}.values()}


def korean_release(root: Path) -> Path:
    """The Korean release by nbgrader, from the Korean edition's sources (the students use 02 and 04)."""
    from grader.release import generate
    source = editions.sources("ko", root / "sources")
    generate(root / "notebooks", source=source)
    return root / "notebooks"


def write_korean(sub, out):
    release = korean_release(out.parent / "korean-release")
    ko = lambda aid, **kw: submissions.filled(aid, release=release, **kw)  # noqa: E731
    students = {}
    students["ko-ada"] = [(A2, ko(A2)), (A4, ko(A4))]
    students["en-ada"] = [(A2, submissions.filled(A2))]     # the same answers, in English
    # fairness: innocent habits in a Korean notebook
    nb = add_cell_after(ko(A2), "test_convolve2d", (
        "# 내 답과 scipy 비교 (채점하지 않음)\n"
        "from scipy.signal import correlate2d as sp\n"
        "img, ker = np.random.rand(8, 9), np.random.rand(3, 2)\n"
        "print('같은가:', np.allclose(correlate2d(img, ker), sp(img, ker, mode='valid')))\n"
        "plt.plot([1, 2, 3]); plt.title('연습용 그림'); plt.show()"))
    students["ko-habits"] = [(A2, nb)]
    for student, mutant in MUTATED.items():
        gid = course.cell_defining(A4, mutant.function)
        students[student] = [(A4, ko(A4, extra={gid: mutant.source}))]
    # red team: a visible check removed from a Korean test cell
    nb = ko(A2)
    cell = nb.cells[cell_index(nb, "test_correlate2d")]
    lines = cell.source.split("\n")
    first_assert = next(i for i, line in enumerate(lines) if line.startswith("assert"))
    cell.source = "\n".join(lines[:first_assert] + lines[first_assert + 1:])
    students["ko-tamper"] = [(A2, nb)]
    for student, notebooks in students.items():
        for aid, nb in notebooks:
            submissions.write(nb, sub / student / aid / f"{aid}.ipynb")
    return Enrolment(set(students), context={"release": release})


enrol("korean", write_korean)


@pytest.fixture(scope="module")
def graded(graded_class):
    return graded_class


def feedback(graded, student, aid) -> str:
    """The feedback page's text (its markdown's Hangul comes as character references)."""
    return html.unescape((graded["out"] / "feedback" / student / aid / f"{aid}.html").read_text(encoding="utf-8"))


def errors(graded, student, aid) -> list[str]:
    nb = nbformat.read(graded["out"] / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_korean_submissions_get_full_marks_in_an_english_class(graded):
    assert editions.class_language() == "en"
    for aid in (A2, A4):
        assert graded["scores"][("ko-ada", aid)] == course.points(aid)["total"], errors(graded, "ko-ada", aid)
    assert [p for p in graded["problems"] if p["student_id"].startswith("ko-")
            and p["student_id"] != "ko-tamper"] == []


def test_korean_habits_keep_full_marks(graded):
    assert graded["scores"][("ko-habits", A2)] == course.points(A2)["total"], errors(graded, "ko-habits", A2)
    nb = nbformat.read(graded["out"] / "autograded" / "ko-habits" / A2 / f"{A2}.ipynb", as_version=4)
    assert "같은가: True" in "".join(str(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("student", sorted(MUTATED))
def test_each_known_wrong_variant_loses_exactly_its_points_in_korean(graded, student):
    function = MUTATED[student].function
    points = course.points(A4)
    assert graded["scores"][(student, A4)] == points["total"] - points[function], errors(graded, student, A4)
    found = errors(graded, student, A4)   # a visible check, or else a hidden case, says why: in Korean
    assert len(found) == 1 and HANGUL.search(found[0]), found


def test_an_edited_korean_test_cell_scores_zero(graded):
    points = course.points(A2)
    assert graded["scores"][("ko-tamper", A2)] == points["total"] - points["correlate2d"]
    assert any(e.startswith("TestCellModified") for e in errors(graded, "ko-tamper", A2))


def test_korean_feedback_is_korean_and_english_feedback_english(graded):
    """The text cells restored from the (English) gradebook are shown in the edition the
    student submitted; an English submission's feedback has no Korean text cell."""
    ko = feedback(graded, "ko-ada", A2)
    en = feedback(graded, "en-ada", A2)
    heading = lambda html: re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)  # noqa: E731
    assert HANGUL.search(heading(ko)), heading(ko)[:200]
    assert "Convolution on images" in heading(en)
    assert "학습 목표" in ko and "학습 목표" not in en
    assert graded["scores"][("en-ada", A2)] == graded["scores"][("ko-ada", A2)]
