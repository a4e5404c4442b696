"""A term-long gradebook: `python -m grader autograde` grading into the course folder
(formgrader's), a second run for some students only, late and replacing submissions, an
oversized notebook, and a teaching assistant's manual adjustments surviving a regrade."""
from __future__ import annotations

import csv
from datetime import datetime

import pytest
from nbgrader.api import Gradebook

from grader import submissions
from grader.autograde import MAX_NOTEBOOK_MB
from grader.course import notebook_names, points
from grading import run_grader

AID = "00_welcome"
NB = notebook_names(AID)[0]
FIRST, LATE = "2026-11-02 09:00:00.000000 UTC", "2026-11-09 11:30:00.000000 UTC"
DUE = datetime(2026, 11, 9, 9, 0)


def _submit(sub, student, nb, timestamp):
    folder = sub / student / AID
    submissions.write(nb, folder / f"{NB}.ipynb")
    (folder / "timestamp.txt").write_text(timestamp + "\n")


def _grade(root, db, *args):
    proc = run_grader("autograde", root / "submitted", "--out", root, "--db", db, *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(root / "problems.csv") as fh:
        problems = [(r["student_id"], r["problem"]) for r in csv.DictReader(fh)]
    return proc, problems


def _grades(db) -> dict:
    """{(student, grade cell): (auto_score, manual_score, extra_credit, score)} of AID."""
    with Gradebook(db) as gb:
        return {(g.student.id, g.name): (g.auto_score, g.manual_score, g.extra_credit, g.score)
                for s in gb.find_assignment(AID).submissions for n in s.notebooks for g in n.grades}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """Week 1 graded; then the TA's adjustments, a due date, bob's late resubmission, and a
    second run for alice and bob only."""
    root = tmp_path_factory.mktemp("course")  # formgrader's course folder
    db = f"sqlite:///{root / 'term.db'}"
    sub = root / "submitted"
    _submit(sub, "alice", submissions.filled(AID), FIRST)
    _submit(sub, "bob", submissions.filled(AID, solved=False), FIRST)
    _submit(sub, "carl", submissions.filled(AID), FIRST)
    huge = submissions.filled(AID)
    huge.metadata["padding"] = "x" * (MAX_NOTEBOOK_MB + 1) * 2**20
    _submit(sub, "dora", huge, FIRST)
    _, week1_problems = _grade(root, db)
    week1 = _grades(db)
    carl_feedback = root / "feedback" / "carl" / AID / f"{NB}.html"
    carl_before = (carl_feedback.stat().st_mtime_ns, carl_feedback.read_bytes())

    # the TA, in formgrader: takes a point off one of alice's cells, gives bob extra credit,
    # and sets the due date
    cell = next(name for (student, name) in week1 if student == "alice")
    with Gradebook(db) as gb:
        gb.find_grade(cell, NB, AID, "alice").manual_score = 0.5
        gb.find_grade(cell, NB, AID, "bob").extra_credit = 1.0
        gb.update_or_create_assignment(AID, duedate=DUE)
        gb.db.commit()
    _submit(sub, "bob", submissions.filled(AID), LATE)  # bob's second, late, correct submission
    proc, week2_problems = _grade(root, db, "--student", "alice", "--student", "bob")
    return {"root": root, "db": db, "cell": cell, "week1": week1, "week1_problems": week1_problems,
            "week2": _grades(db), "week2_problems": week2_problems, "proc": proc,
            "carl_feedback": carl_feedback, "carl_before": carl_before}


def test_the_first_run_grades_the_class_into_the_course_folder(term):
    total = points(AID)["total"]
    week1, root = term["week1"], term["root"]
    assert {s for s, _ in week1} == {"alice", "bob", "carl", "dora"}
    scores = {s: sum(v[3] for (st, _), v in week1.items() if st == s) for s in ("alice", "bob", "carl", "dora")}
    assert scores == {"alice": total, "bob": 0, "carl": total, "dora": 0}
    # formgrader's folders: autograded/ and feedback/ beside submitted/, the batch's copy apart
    assert (root / "autograded" / "alice" / AID / f"{NB}.ipynb").is_file()
    assert (root / ".staged" / "alice" / AID / f"{NB}.ipynb").is_file()


def test_an_oversized_notebook_is_scored_blank_with_the_limit_named(term):
    said = [p for s, p in term["week1_problems"] if s == "dora"]
    assert any(f"over the {MAX_NOTEBOOK_MB} MB limit" in p and "scored as blank" in p for p in said), said
    feedback = (term["root"] / "feedback" / "dora" / AID / f"{NB}.html").read_text()
    assert f"over the {MAX_NOTEBOOK_MB} MB limit" in feedback


def test_a_second_run_for_some_students_leaves_the_others_alone(term):
    week1, week2 = term["week1"], term["week2"]
    for student in ("carl", "dora"):
        assert {k: v for k, v in week2.items() if k[0] == student} == \
               {k: v for k, v in week1.items() if k[0] == student}
    mtime, content = term["carl_before"]
    assert term["carl_feedback"].stat().st_mtime_ns == mtime and term["carl_feedback"].read_bytes() == content
    assert "graded carl" not in term["proc"].stdout and "graded alice" in term["proc"].stdout
    with open(term["root"] / "grades.csv") as fh:  # the export is the whole gradebook's
        assert {r["student_id"] for r in csv.DictReader(fh)} == {"alice", "bob", "carl", "dora"}


def test_manual_adjustments_survive_a_regrade(term):
    cell, week2 = term["cell"], term["week2"]
    auto, manual, _, score = week2[("alice", cell)]
    assert auto == term["week1"][("alice", cell)][0] > 0.5 and manual == 0.5 and score == 0.5
    assert week2[("bob", cell)][2] == 1.0  # extra credit kept


def test_a_late_replacing_submission_is_graded_and_named(term):
    bob = {name: v for (s, name), v in term["week2"].items() if s == "bob"}
    assert sum(v[0] for v in bob.values()) == points(AID)["total"]  # the new, correct one
    said = [p for s, p in term["week2_problems"] if s == "bob"]
    assert any("2 h 30 min after the due date" in p for p in said), said
    assert any("replaced the one graded before (2026-11-02 09:00:00)" in p for p in said), said
    assert not [p for s, p in term["week2_problems"] if s == "alice"]


def test_an_unknown_assignment_or_unreachable_database_is_refused_clearly(tmp_path):
    (tmp_path / "sub").mkdir()
    proc = run_grader("autograde", tmp_path / "sub", "--out", tmp_path / "out", "--assignment", "99_nope")
    assert proc.returncode == 2 and "no such assignment: 99_nope" in proc.stderr
    proc = run_grader("autograde", tmp_path / "sub", "--out", tmp_path / "out",
                      "--db", "postgresql+psycopg2://ta:secret@127.0.0.1:9/nowhere")
    assert proc.returncode == 2 and "cannot open the gradebook" in proc.stderr, proc.stderr[-2000:]
    assert "secret" not in proc.stderr and "Traceback" not in proc.stderr
