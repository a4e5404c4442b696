"""Autograde a folder of submissions with nbgrader's pipeline: one start-up per batch,
`--jobs` worker processes, every notebook in its own sandbox (grader/sandbox.py), scores
decided outside the student's kernel (grader/preprocessors.py).

    python -m grader autograde SUBMITTED_DIR --out OUT_DIR [--db URL] [--student ID ...]
                               [--assignment ID ...] [--jobs N]

SUBMITTED_DIR is laid out as nbgrader's `submitted/`:
`<student_id>/<assignment_id>/<notebook>.ipynb` (a `timestamp.txt` beside is honoured).
OUT_DIR may be the nbgrader course folder that holds SUBMITTED_DIR as its `submitted/`
(formgrader's folder on the hub): then the batch's copy goes to `.staged/` instead.
OUT_DIR receives:

    gradebook.db                      nbgrader's gradebook (unless --db names another), kept
                                      from run to run: a run changes only the rows of the
                                      submissions it grades, and a grader's manual scores stay
    submitted/<student>/<assignment>/ what was graded: the assignment's notebooks (unreadable
                                      ones replaced) and a valid timestamp.txt, nothing else
    autograded/<student>/<assignment>/ executed notebooks
    feedback/<student>/<assignment>/<notebook>.html   feedback, hidden tests removed
    grades.csv                        nbgrader's CSV export of the whole gradebook, one row per
                                      student and assignment
    problems.csv                      student_id, assignment, problem: what went wrong in this run
    .cases/, .sandbox/, .release/     the hidden inputs, the sandboxes' working folders, the
                                      release the gradebook was built from (for inspection)

A broken submission never stops the batch: a missing or unreadable notebook is replaced
by the blank release notebook with a note at its top (so it scores 0 and its feedback
says why); a kernel that dies or a notebook out of time keeps what ran before; one whose
grading fails is graded again as blank. Every such case is listed in problems.csv.

Grading again (a late submission, one student, one assignment: `--student`, `--assignment`)
replaces only the selected submissions' folders and gradebook rows.
"""
from __future__ import annotations

import csv
import json
import logging
import os
import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from sqlalchemy.exc import SAWarning

from .course import SOLUTIONS, assignment_ids, notebook_names
from .sandbox import (SLOTS, Limits, SandboxUnavailable, batch_base_uid, check_available, start_shared,
                      unmount_work_areas)

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
# what every run makes anew; autograded/, feedback/ and the staged copy change per submission
RUN_OUTPUTS = [".release", ".source", ".cases", ".earlier", ".sandbox", ".matplotlib", "grades.csv", "problems.csv"]
# A notebook larger than this is not read: ours are well under 1 MB without outputs and a
# few MB with every figure; what is larger holds something else. (nbgrader's exchange skips
# files over CourseDirectory.max_file_size, 100 MB by default, at submit and collect.)
MAX_NOTEBOOK_MB = 20


class GraderConfigError(RuntimeError):
    """The grader cannot run at all (bad folders, no release): exit non-zero."""


@dataclass
class BatchResult:
    out: Path
    scores: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    notebooks: int = 0        # notebooks graded in this run
    seconds: float = 0.0      # the run's wall time, from start to grades.csv
    jobs: int = 0

    @property
    def students(self) -> list[str]:
        return sorted({s for s, _ in self.scores})

    @property
    def assignments(self) -> list[str]:
        return sorted({a for _, a in self.scores})


def blank_notebook(release_dir: Path, assignment_id: str, name: str, reason: str) -> nbformat.NotebookNode:
    """The released notebook, with a note at the top saying why it replaced a submission."""
    nb = nbformat.read(release_dir / assignment_id / f"{name}.ipynb", as_version=4)
    note = nbformat.v4.new_markdown_cell(
        f"**This submission could not be graded as submitted:** {reason}. "
        "It was graded as the blank notebook instead.")
    nb.cells.insert(0, note)
    return nb


def _load(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) if nbformat can read `path`, else (None, the reason it cannot).
    Anything nbformat reads goes to nbgrader: schema details are nbgrader's to judge."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_MB * 2**20:
            return None, (f"{path.name} is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_MB} MB limit "
                          "(clear its outputs, Edit > Clear Outputs of All Cells, and submit again)")
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"{path.name} could not be read ({exc.strerror or type(exc).__name__})"
    try:
        json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" ({exc.msg} at line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        return None, f"{path.name} is not valid JSON{where}"
    try:
        return nbformat.reads(raw.decode("utf-8"), as_version=4), None
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets a reason, not a crash
        return None, f"{path.name} could not be read as a notebook ({type(exc).__name__})"


def _drop_duplicate_grade_ids(nb: nbformat.NotebookNode) -> int:
    """Copying or splitting a cell in JupyterLab copies its grade_id, and nbgrader then
    fails on the whole notebook (jupyter/nbgrader#1083). Keep the last cell with each
    id as the graded one (nbgrader's own rule) and make the others plain cells."""
    seen, dropped = set(), 0
    for cell in reversed(nb.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen:
            del cell.metadata["nbgrader"]
            dropped += 1
        else:
            seen.add(grade_id)
    return dropped


def _stage_timestamp(adir: Path, dest: Path) -> str | None:
    """Copy a valid timestamp.txt; return a problem if there is an invalid one."""
    from nbgrader.utils import parse_utc

    path = adir / "timestamp.txt"
    if not path.is_file() or path.is_symlink():
        return None
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        parse_utc(text)
    except Exception:  # noqa: BLE001 - any unparsable timestamp
        return f"timestamp.txt is not a date ({text[:40]!r}); graded as on time"
    (dest / "timestamp.txt").write_text(text + "\n", encoding="utf-8")
    return None


def staging_dir(submitted_dir: Path, out: Path) -> Path:
    """Where the batch's copy of the submissions goes: OUT/submitted, or OUT/.staged when
    OUT is the course folder whose submitted/ is being graded."""
    return out / (".staged" if submitted_dir == out / "submitted" else "submitted")


def stage(submitted_dir: Path, out: Path, release_dir: Path, result: BatchResult,
          students=None, assignments=None) -> list[tuple[str, str]]:
    """Copy what is to be graded into staging_dir() and return the (student, assignment)
    pairs, only those of `students` and `assignments` when given. Only the assignment's
    notebooks and a valid timestamp.txt are copied: no other file from a submission
    reaches the grader. Unreadable, missing or oversized notebooks are replaced by the
    blank release with a note."""
    known = set(assignment_ids())
    staged = staging_dir(submitted_dir, out)
    pairs = []
    for student_dir in sorted(submitted_dir.iterdir()):
        student = student_dir.name
        if student.startswith(".") or (students and student not in students):
            continue
        if not student_dir.is_dir() or student_dir.is_symlink():
            result.problems.append((student, "", "not a student folder; skipped"))
            continue
        if not STUDENT_ID.match(student):
            result.problems.append((student, "", "folder name is not a valid student id; skipped"))
            continue
        for adir in sorted(student_dir.iterdir()):
            aid = adir.name
            if aid.startswith(".") or (assignments and aid not in assignments):
                continue
            if not adir.is_dir() or adir.is_symlink():
                result.problems.append((student, "", f"{aid} is not inside an assignment folder "
                                                     f"({student}/<assignment>/<notebook>.ipynb); skipped"))
                continue
            if aid not in known:
                result.problems.append((student, aid, "unknown assignment folder; skipped"))
                continue
            dest = staged / student / aid
            shutil.rmtree(dest, ignore_errors=True)  # an earlier run's copy of this submission
            dest.mkdir(parents=True)
            problem = _stage_timestamp(adir, dest)
            if problem:
                result.problems.append((student, aid, problem))
            for name in notebook_names(aid):
                src, path = adir / f"{name}.ipynb", dest / f"{name}.ipynb"
                if src.is_symlink() or not src.exists():
                    others = ", ".join(sorted(p.name for p in adir.glob("*.ipynb") if p != src))
                    hint = f" (found {others}: keep the notebook's name)" if others else ""
                    nb, reason = None, f"{name}.ipynb is missing{hint}"
                else:
                    nb, reason = _load(src)
                if nb is None:
                    nbformat.write(blank_notebook(release_dir, aid, name, reason), path)
                    result.problems.append((student, aid, f"{reason}; scored as blank"))
                    continue
                dropped = _drop_duplicate_grade_ids(nb)
                if dropped:
                    result.problems.append((student, aid, f"{dropped} copied graded cell(s) in {name}.ipynb: "
                                                          "only the last copy of each was graded"))
                    nbformat.write(nb, path)
                else:
                    shutil.copyfile(src, path)
            pairs.append((student, aid))
    return pairs


KNOWN_FAILURES = [
    ("DeadKernelError", "the kernel died (the notebook exited, crashed or ran out of memory)"),
    ("CellTimeoutError", "a cell ran longer than the time limit"),
    ("Inconsistent checksums", "the metadata of a read-only cell was edited"),
]
_ERROR_LINE = re.compile(r"^\s*(?:[\w.]+\.)?(\w+(?:Error|Exception)): (.*)$")


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "unknown error"


def _failure_reason(res: dict) -> str:
    """A TA-readable reason for a failed nbgrader call, from its log and traceback."""
    text = f"{res.get('log', '')}\n{res.get('error', '')}"
    for needle, reason in KNOWN_FAILURES:
        if needle in text:
            return reason
    errors = [m.group(1) + ": " + m.group(2) for m in map(_ERROR_LINE.match, text.splitlines())
              if m and m.group(1) != "NbGraderException"]
    return errors[-1][:200] if errors else _last_line(res.get("error") or res.get("log"))


def _config(out: Path, db_url: str, staged: str = "submitted", base_uid: int = 0, slot: int | None = None,
            limits: Limits | None = None, service: str = "", source: Path = SOLUTIONS, cluster=None):
    from .settings import course_config, sandboxed

    config = course_config(out, source_directory=str(source), release_directory=".release",
                           submitted_directory=staged, autograded_directory="autograded",
                           feedback_directory="feedback", db_url=db_url)
    if slot is not None:
        sandboxed(config, out / ".sandbox", out / ".cases", base_uid, out / ".matplotlib", out / ".earlier")
        config.SandboxExecute.slot = slot
        config.SandboxExecute.service = service
        if cluster is not None:  # grader/cluster.py: the sandbox runs on its workers
            config.SandboxExecute.scheduler, config.SandboxExecute.workers = cluster.scheduler, cluster.workers
        limits = limits or Limits()
        config.SandboxExecute.cell_seconds = limits.cell_seconds
        config.SandboxExecute.notebook_seconds = limits.notebook_seconds
        config.SandboxExecute.memory_mb = limits.memory_bytes // 2**20
        config.SandboxExecute.disk_mb = limits.disk_bytes // 2**20
    return config


def _api(config):
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(config=config)
    api.log.setLevel(logging.ERROR)
    # nbgrader's gradebook trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", category=SAWarning)
    return api


_WORKER: dict = {}


def _start_worker(out: Path, db_url: str, staged: str, base_uid: int, limits: Limits, service: str,
                  slots, lock, source: Path = SOLUTIONS, cluster=None) -> None:
    """Each worker process gets its own nbgrader API and its own sandbox uid."""
    with lock:
        slot = slots.value
        slots.value += 1
    _WORKER["api"] = _api(_config(out, db_url, staged, base_uid, slot, limits, service, source, cluster))
    _WORKER["staged"] = out / staged
    _WORKER["out"] = out


def _grade_one(student: str, aid: str) -> list[str]:
    """Autograde one submission (in a worker); return problems."""
    api, out = _WORKER["api"], _WORKER["out"]
    problems = []
    res = api.autograde(aid, student, force=True, create=True)
    if not res["success"]:
        reason = _failure_reason(res)
        problems.append(f"autograding failed ({reason}); scored as blank")
        for name in notebook_names(aid):
            path = _WORKER["staged"] / student / aid / f"{name}.ipynb"
            nbformat.write(blank_notebook(out / ".release", aid, name, f"grading failed: {reason}"), path)
        res = api.autograde(aid, student, force=True, create=True)
        if not res["success"]:
            return problems + [f"not graded: even the blank notebook failed ({_failure_reason(res)})"]
    from .preprocessors import RunRecord

    for name in notebook_names(aid):
        run = RunRecord.read(out / ".sandbox" / student / aid / f"{name}.run.json")
        if run.status != "complete":
            problems.append(f"{name}.ipynb did not run to the end ({run.status}); what ran before was graded")
        if run.disk_full_mb:
            problems.append(f"{name}.ipynb filled its {run.disk_full_mb} MB of disk space (files it wrote "
                            "beyond that failed); what ran was graded")
        if run.timeouts:
            problems.append(f"{run.timeouts} cell(s) stopped at the time limit")
    return problems


def _feedback(aid: str, student: str | None) -> None:
    """Feedback HTML for one student, or every student of one assignment (one converter,
    one template for the whole class), in a worker."""
    _WORKER["api"].generate_feedback(aid, student, force=True)


def _timestamps(gb, pairs) -> dict:
    """{(student, assignment): the timestamp of the submission the gradebook holds}."""
    from nbgrader.api import MissingEntry

    found = {}
    for student, aid in pairs:
        try:
            found[(student, aid)] = gb.find_submission(aid, student).timestamp
        except MissingEntry:
            pass
    return found


def _when(seconds: float) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    days, hours = divmod(hours, 24)
    return " ".join(f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n) or "under a minute"


def default_jobs() -> int:
    """Twice the number of cores: a sandboxed notebook spends part of its time waiting
    (kernel start-up, messages), so more runs than cores keep the cores busy. Measured on
    2 cores, 64 notebooks of all assignments: 131 and 125 s with 2 jobs, 119 and 115 s
    with 3, 113 s with 4."""
    return 2 * (os.cpu_count() or 1)


def grade(submitted_dir: Path, out: Path, jobs: int | None = None, limits: Limits | None = None,
          log=print, db_url: str | None = None, students=None, assignments=None,
          scheduler: str | None = None, progress: bool = False) -> BatchResult:
    """Grade the submissions in `submitted_dir` (those of `students` and `assignments`, if
    given) into `out` and the gradebook at `db_url` (default OUT/gradebook.db), `jobs` at a
    time, each in its own sandbox (on the workers of the Dask scheduler at `scheduler`, if
    given: grader/cluster.py); scores are decided in this process's workers, never in
    a kernel. Other submissions' folders and gradebook rows are left as they are.
    `progress`: a progress bar on stderr (notebooks graded, rate, time left) under the log's lines."""
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.plugins import CsvExportPlugin

    from .course import tools_on_path
    from .hidden.wire import write_cases
    from .patches import for_grading

    started = time.monotonic()
    tools_on_path()
    for_grading()
    submitted_dir, out = Path(submitted_dir).resolve(), Path(out).resolve()
    if not submitted_dir.is_dir():
        raise GraderConfigError(f"{submitted_dir} is not a folder of submissions")
    inside = out == submitted_dir or submitted_dir in out.parents or out in submitted_dir.parents
    if inside and submitted_dir != out / "submitted":
        raise GraderConfigError("the output folder must be outside the submissions folder, and vice versa "
                                "(or the course folder whose submitted/ this is)")
    unknown = sorted(set(assignments or ()) - set(assignment_ids()))
    if unknown:
        raise GraderConfigError(f"no such assignment: {', '.join(unknown)} (the assignments are "
                                f"{', '.join(assignment_ids())})")
    from .settings import SANDBOX_SOCKET_VAR
    service = "" if scheduler else os.environ.get(SANDBOX_SOCKET_VAR, "")  # the hub's instructor: not root, the service is
    if service and not Path(service).is_socket():
        raise GraderConfigError(f"${SANDBOX_SOCKET_VAR} is {service}, which is not the sandbox service's socket: "
                                "is the hub running? (./course hub starts the service)")
    cluster = None
    if scheduler:  # the workers run the sandbox, each checked for it
        from .cluster import connect, describe
        cluster = connect(scheduler)
    elif not service:
        try:
            check_available()
        except SandboxUnavailable as exc:
            raise GraderConfigError(f"cannot sandbox submissions: {exc} (or run this in the hub's instructor "
                                    f"server, where ${SANDBOX_SOCKET_VAR} names its sandbox service)") from None
    jobs = min(max(1, jobs or (cluster.default_jobs() if cluster else default_jobs())), SLOTS)  # one sandbox uid per job
    for line in describe(cluster, jobs) if cluster else []:
        log(line)
    db_url = db_url or f"sqlite:///{out / 'gradebook.db'}"
    staged = staging_dir(submitted_dir, out)

    out.mkdir(parents=True, exist_ok=True)
    unmount_work_areas(out / ".sandbox")  # left mounted by a batch that was killed
    for name in RUN_OUTPUTS:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    # The gradebook's copy of each assignment, and the blank notebooks that stand in for
    # unreadable submissions, come from solutions/ in this run: never from a stale release.
    try:  # the schema is created here, before any parallel writer
        Gradebook(db_url).close()
    except Exception as exc:  # noqa: BLE001 - a server that cannot be reached, a driver missing, ...
        cause = getattr(exc, "orig", None) or exc  # SQLAlchemy's wrapper hides the driver's words
        first = next((line.strip() for line in str(cause).splitlines() if line.strip()), "")
        raise GraderConfigError(f"cannot open the gradebook {_safe_url(db_url)}: {type(cause).__name__}: "
                                f"{first[:300]}") from None
    # the gradebook's copy of each assignment is in the class's edition (course.toml)
    from . import editions
    try:
        source = editions.sources(editions.class_language(), out / ".source")
    except editions.EditionError as exc:
        raise GraderConfigError(str(exc)) from None
    shared = None
    if not service and not cluster:  # the sandbox service and the cluster's workers have their own
        shared = start_shared(out / ".earlier", out / ".matplotlib")  # beside nbgrader's preparing
    api = _api(_config(out, db_url, staged.name, source=source))
    for aid in assignment_ids():
        res = api.generate_assignment(aid, force=True, create=True)
        if not res["success"]:
            raise GraderConfigError(f"nbgrader could not prepare {aid}: {_failure_reason(res)}")
    write_cases(out / ".cases")
    if shared is not None:
        shared()

    result = BatchResult(out)
    pairs = stage(submitted_dir, out, out / ".release", result, students, assignments)
    # Students exist before the workers start: two workers grading one student's two
    # assignments would otherwise both insert the student (a UNIQUE constraint race).
    with Gradebook(db_url) as gb:
        for student in sorted({s for s, _ in pairs}):
            gb.update_or_create_student(student)
        before = _timestamps(gb, pairs)
    base_uid = batch_base_uid()
    ctx = multiprocessing.get_context("fork")
    slots, lock = ctx.Value("i", 0), ctx.Lock()
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_start_worker,
                             initargs=(out, db_url, staged.name, base_uid, limits or Limits(), service, slots, lock,
                                       source, cluster)) as pool:
        # later assignments take longer (the capstone most): start them first, so that the batch
        # does not end with one long notebook running alone while the other cores wait
        order = {aid: i for i, aid in enumerate(assignment_ids())}
        futures = {pool.submit(_grade_one, s, a): (s, a) for s, a in sorted(pairs, key=lambda p: (-order[p[1]], p[0]))}
        result.notebooks, result.jobs = sum(len(notebook_names(a)) for _, a in pairs), jobs
        bar = _progress_bar(result.notebooks, progress)
        for future in as_completed(futures):
            student, aid = futures[future]
            try:
                problems = future.result()
            except Exception as exc:  # noqa: BLE001 - one student's failure never stops the batch
                problems = [f"not graded: {type(exc).__name__}: {str(exc)[:160]}"]
            result.problems += [(student, aid, p) for p in problems]
            with bar.external_write_mode():  # the line goes above the bar, which is drawn again below it
                log(f"graded {student} / {aid}")
            bar.update(len(notebook_names(aid)))
        bar.close()
        # a whole assignment's feedback in one go, unless only some of its students were graded;
        # later notebooks are longer: start them first, so that no worker is left with one at the end
        whole = students is None
        work = sorted({(a, None if whole else s) for s, a in pairs}, key=lambda w: (w[0], w[1] or ""), reverse=True)
        try:
            for future in [pool.submit(_feedback, a, s) for a, s in work]:
                future.exception()  # a missing feedback file is reported below, per student
        except RuntimeError:  # a broken pool (a worker died): reported below, per student
            pass
    for student, aid in pairs:
        for name in notebook_names(aid):
            if not (out / "feedback" / student / aid / f"{name}.html").exists():
                result.problems.append((student, aid, f"no feedback written for {name}.ipynb"))

    with Gradebook(db_url) as gb:
        for student, aid in pairs:
            try:
                sub = gb.find_submission(aid, student)
            except MissingEntry:
                result.problems.append((student, aid, "no grade recorded"))
                continue
            result.scores[(student, aid)] = (float(sub.score), float(sub.max_score))
            if sub.total_seconds_late > 0:
                result.problems.append((student, aid, f"submitted {_when(sub.total_seconds_late)} after the due "
                                                      f"date ({sub.duedate:%Y-%m-%d %H:%M} UTC); late penalty "
                                                      f"{sub.late_submission_penalty:g} points"))
            old = before.get((student, aid))
            if None not in (old, sub.timestamp) and old != sub.timestamp:
                result.problems.append((student, aid, f"a new submission ({sub.timestamp:%Y-%m-%d %H:%M:%S}"
                                                      f") replaced the one graded before ({old:%Y-%m-%d %H:%M:%S})"))
        exporter = CsvExportPlugin(to=str(out / "grades.csv"))
        exporter.log.setLevel(logging.ERROR)
        exporter.export(gb)

    result.problems.sort()
    with open(out / "problems.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "assignment", "problem"])
        writer.writerows(result.problems)
    result.seconds = time.monotonic() - started
    return result


def _progress_bar(total: int, shown: bool):
    """tqdm's bar of notebooks graded, with the rate and the time left; redrawn at most once
    a second on a terminal, every half minute in a log file (a CI job's, say)."""
    import sys

    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", desc="grading", file=sys.stderr, disable=not shown,
                mininterval=1 if sys.stderr.isatty() else 30, dynamic_ncols=True, smoothing=0.05)


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


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
    if result.notebooks and result.seconds:
        text.append(f"\ngraded {result.notebooks} notebook(s) in {result.seconds:.0f} s: "
                    f"{result.notebooks / result.seconds * 60:.1f} notebooks a minute ({result.jobs} job(s))")
    text.append(f"\ngrades:   {out / 'grades.csv'}")
    text.append(f"feedback: {out / 'feedback'}/<student>/<assignment>/<notebook>.html")
    text.append(f"problems: {out / 'problems.csv'}")
    return "\n".join(text)
