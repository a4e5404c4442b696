"""Autograde a folder of submissions with nbgrader, in one process.

    python -m grader autograde SUBMITTED_DIR --out OUT_DIR

SUBMITTED_DIR is laid out as nbgrader's `submitted/`:
`<student_id>/<assignment_id>/<notebook>.ipynb` (a `timestamp.txt` beside is honoured).
OUT_DIR receives:

    gradebook.db                      nbgrader's gradebook for this batch
    submitted/<student>/<assignment>/ the submissions as graded (unreadable ones replaced)
    autograded/<student>/<assignment>/ executed notebooks
    feedback/<student>/<assignment>/<notebook>.html   feedback, hidden tests removed
    grades.csv                        nbgrader's CSV export, one row per student and assignment
    problems.csv                      student_id, assignment, problem: what went wrong and why

A broken submission never stops the batch: a missing or unreadable notebook is replaced
by the blank release notebook with a note at its top (so it scores 0 and its feedback
says why); one whose grading fails is graded again as blank. Every such case is listed
in problems.csv with its reason.
"""
from __future__ import annotations

import csv
import json
import logging
import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from sqlalchemy.exc import SAWarning

from .course import NOTEBOOKS, SOLUTIONS, assignment_ids, notebook_names

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
OUTPUTS = ["submitted", "autograded", "feedback", ".release", "gradebook.db", "grades.csv", "problems.csv"]


class GraderConfigError(RuntimeError):
    """The grader cannot run at all (bad folders, no release): exit non-zero."""


@dataclass
class BatchResult:
    out: Path
    scores: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return sorted({s for s, _ in self.scores})

    @property
    def assignments(self) -> list[str]:
        return sorted({a for _, a in self.scores})


def blank_notebook(assignment_id: str, name: str, reason: str) -> nbformat.NotebookNode:
    """The released notebook, with a note at the top saying why it replaced a submission."""
    nb = nbformat.read(NOTEBOOKS / assignment_id / f"{name}.ipynb", as_version=4)
    note = nbformat.v4.new_markdown_cell(
        f"**This submission could not be graded as submitted:** {reason}. "
        "It was graded as the blank notebook instead.")
    nb.cells.insert(0, note)
    return nb


def _readable(path: Path) -> str | None:
    """None if `path` is a notebook nbgrader can grade, else the reason it is not."""
    try:
        json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" ({exc.msg} at line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        return f"{path.name} is not valid JSON{where}"
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets a reason, not a crash
        return f"{path.name} could not be read as a notebook ({type(exc).__name__})"
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        return f"{path.name} is not a valid notebook ({exc.message[:120]})"
    return None


def stage(submitted_dir: Path, out: Path, result: BatchResult) -> list[tuple[str, str]]:
    """Copy submissions into OUT/submitted, replacing unreadable notebooks; return the
    (student, assignment) pairs to grade."""
    known = set(assignment_ids())
    pairs = []
    for student_dir in sorted(p for p in submitted_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        student = student_dir.name
        if not STUDENT_ID.match(student):
            result.problems.append((student, "", "folder name is not a valid student id; skipped"))
            continue
        for adir in sorted(p for p in student_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            aid = adir.name
            if aid not in known:
                result.problems.append((student, aid, "unknown assignment folder; skipped"))
                continue
            dest = out / "submitted" / student / aid
            shutil.copytree(adir, dest, symlinks=True,
                            ignore=lambda d, names: [n for n in names if (Path(d) / n).is_symlink()])
            for name in notebook_names(aid):
                path = dest / f"{name}.ipynb"
                if not path.exists():
                    others = ", ".join(sorted(p.name for p in dest.glob("*.ipynb")))
                    hint = f" (found {others}: keep the notebook's name)" if others else ""
                    reason = f"{name}.ipynb is missing{hint}"
                else:
                    reason = _readable(path)
                if reason:
                    nbformat.write(blank_notebook(aid, name, reason), path)
                    result.problems.append((student, aid, f"{reason}; scored as blank"))
            pairs.append((student, aid))
    return pairs


KNOWN_FAILURES = [
    ("DeadKernelError", "the kernel died (the notebook exited, crashed or ran out of memory)"),
    ("CellTimeoutError", "a cell ran longer than the time limit"),
]


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "unknown error"


def _failure_reason(res: dict) -> str:
    """A TA-readable reason for a failed nbgrader call, from its log and traceback."""
    text = f"{res.get('log', '')}\n{res.get('error', '')}"
    for needle, reason in KNOWN_FAILURES:
        if needle in text:
            return reason
    return _last_line(res.get("error") or res.get("log"))


def _timeouts(autograded: Path) -> int:
    """How many cells of the executed notebooks in `autograded` hit the time limit."""
    count = 0
    for path in autograded.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            count += sum(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", []))
    return count


def grade(submitted_dir: Path, out: Path, log=print) -> BatchResult:
    from nbgrader.apps import NbGraderAPI
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.plugins import CsvExportPlugin

    from .settings import course_config

    submitted_dir, out = Path(submitted_dir).resolve(), Path(out).resolve()
    if not submitted_dir.is_dir():
        raise GraderConfigError(f"{submitted_dir} is not a folder of submissions")
    if out == submitted_dir or submitted_dir in out.parents or out in submitted_dir.parents:
        raise GraderConfigError("the output folder must be outside the submissions folder, and vice versa")
    missing = [a for a in assignment_ids() if not (NOTEBOOKS / a).is_dir()]
    if missing:
        raise GraderConfigError(f"no release for {', '.join(missing)}: run `python -m grader release` first")

    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:  # regrading starts clean; nothing else in OUT is touched
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    result = BatchResult(out)
    pairs = stage(submitted_dir, out, result)
    db_url = f"sqlite:///{out / 'gradebook.db'}"
    config = course_config(out, source_directory=str(SOLUTIONS), release_directory=".release",
                           submitted_directory="submitted", autograded_directory="autograded",
                           feedback_directory="feedback", db_url=db_url)
    api = NbGraderAPI(config=config)
    api.log.setLevel(logging.ERROR)
    # nbgrader's gradebook trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", category=SAWarning)

    for aid in sorted({a for _, a in pairs}):
        res = api.generate_assignment(aid, force=True, create=True)
        if not res["success"]:
            raise GraderConfigError(f"nbgrader could not prepare {aid}: {_last_line(res.get('error'))}")

    for student, aid in pairs:
        log(f"grading {student} / {aid}")
        res = api.autograde(aid, student, force=True, create=True)
        if not res["success"]:
            reason = _failure_reason(res)
            result.problems.append((student, aid, f"autograding failed ({reason}); scored as blank"))
            for name in notebook_names(aid):
                path = out / "submitted" / student / aid / f"{name}.ipynb"
                nbformat.write(blank_notebook(aid, name, f"grading failed: {reason}"), path)
            res = api.autograde(aid, student, force=True, create=True)
            if not res["success"]:
                raise GraderConfigError(f"nbgrader cannot grade even a blank {aid}: {_last_line(res.get('error'))}")
        timeouts = _timeouts(out / "autograded" / student / aid)
        if timeouts:
            result.problems.append((student, aid, f"{timeouts} cell(s) stopped after the "
                                                  f"{config.Execute.timeout} s time limit"))
        fb = api.generate_feedback(aid, student, force=True)
        if not fb["success"]:
            result.problems.append((student, aid, f"no feedback written ({_last_line(fb.get('error'))})"))

    with Gradebook(db_url, config.CourseDirectory.course_id) as gb:
        for student, aid in pairs:
            try:
                sub = gb.find_submission(aid, student)
                result.scores[(student, aid)] = (float(sub.score), float(sub.max_score))
            except MissingEntry:
                result.problems.append((student, aid, "no grade recorded"))
        exporter = CsvExportPlugin(to=str(out / "grades.csv"))
        exporter.log.setLevel(logging.ERROR)
        exporter.export(gb)

    with open(out / "problems.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "assignment", "problem"])
        writer.writerows(result.problems)
    return result


def grade_table(result: BatchResult) -> str:
    """The batch's scores as a plain-text table, students by assignments."""
    aids = result.assignments
    flagged = {(s, a) for s, a, _ in result.problems}
    width = max([len("student")] + [len(s) for s in result.students])
    cols = [max(len(a), 11) for a in aids]
    lines = ["  ".join(["student".ljust(width)] + [a.ljust(c) for a, c in zip(aids, cols)] + ["total"])]
    for s in result.students:
        cells, got, top = [], 0.0, 0.0
        for a, c in zip(aids, cols):
            if (s, a) in result.scores:
                score, max_score = result.scores[(s, a)]
                got, top = got + score, top + max_score
                mark = " *" if (s, a) in flagged else ""
                cells.append(f"{score:g}/{max_score:g}{mark}".ljust(c))
            else:
                cells.append("-".ljust(c))
        lines.append("  ".join([s.ljust(width)] + cells + [f"{got:g}/{top:g}"]))
    return "\n".join(lines)


def report(result: BatchResult) -> str:
    out = result.out
    text = [grade_table(result)]
    if result.problems:
        text.append("\n* problems (also in problems.csv):")
        text += [f"  {s} / {a or '-'}: {p}" for s, a, p in result.problems]
    text.append(f"\ngrades:   {out / 'grades.csv'}")
    text.append(f"feedback: {out / 'feedback'}/<student>/<assignment>/<notebook>.html")
    text.append(f"problems: {out / 'problems.csv'}")
    return "\n".join(text)
