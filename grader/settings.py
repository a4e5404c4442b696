"""The nbgrader configuration shared by nbgrader_config.py and the grader commands."""
import os
from pathlib import Path

from traitlets.config import Config

from .course import COURSE_ID, REPO
from .markup import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def nbgrader_default(converter, trait: str, changes: dict) -> list:
    """nbgrader's default preprocessor list `converter.trait`, each class named in `changes`
    replaced by its list (empty: dropped). Raises if a named class is no longer among the
    defaults, so that an upgrade of nbgrader cannot silently change the pipeline."""
    defaults = list(converter.class_traits()[trait].default())
    gone = [cls.__name__ for cls in changes if defaults.count(cls) != 1]
    if gone:
        raise RuntimeError(f"nbgrader's default {converter.__name__}.{trait} is now "
                           f"{[cls.__name__ for cls in defaults]}: it no longer has exactly one "
                           f"{', '.join(gone)}; recheck grader/settings.py (docs/upgrading.md)")
    return [new for cls in defaults for new in changes.get(cls, [cls])]


def configure(c: Config, root: Path = REPO) -> Config:
    """Fill `c` with the course's settings for a course directory at `root`."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import GetGrades

    from .feedback_html import FeedbackHTMLExporter
    from .redact import RedactHiddenTests

    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "notebooks"
    # solutions/<id>/ holds only notebooks; data comes from the convcourse package.
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    # the markers every part of the grader reads (grader/markup.py), given to nbgrader too
    c.ClearSolutions.begin_solution_delimeter, c.ClearSolutions.end_solution_delimeter = BEGIN_SOLUTION, END_SOLUTION
    c.ClearHiddenTests.begin_test_delimeter, c.ClearHiddenTests.end_test_delimeter = BEGIN_HIDDEN, END_HIDDEN
    c.Execute.timeout = 60
    # Quiet kernels: their start-up warnings would only bury the grading log.
    c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
    # A test cell's traceback and source must not show hidden tests in feedback.
    c.GenerateFeedback.preprocessors = nbgrader_default(GenerateFeedback, "preprocessors",
                                                        {GetGrades: [GetGrades, RedactHiddenTests]})
    c.GenerateFeedback.exporter_class = FeedbackHTMLExporter
    # A student who deletes a test cell still gets it back, and graded, not "needs manual grade".
    c.OverwriteCells.add_missing_cells = True
    return c


# nbgrader's own commands (formgrader's buttons, `nbgrader autograde`) read these
SANDBOX_SOCKET_VAR = "CONV_COURSE_SANDBOX"   # the sandbox service's socket (the hub sets it)
DB_VAR = "CONV_COURSE_DB"                    # the course's gradebook URL, if not SQLite in the folder


def for_nbgrader_commands(c: Config, environ=os.environ) -> Config:
    """What nbgrader_config.py adds to `configure`: formgrader's Autograde button and
    `nbgrader autograde` grade as `python -m grader autograde` does, in the sandbox with
    the trusted verdicts (never in a kernel of the grader's own), into the course's
    gradebook. As root the sandbox starts in the same process; otherwise through the
    sandbox service at $CONV_COURSE_SANDBOX (grader/sandbox_service.py), and without it
    each autograde fails saying so."""
    from .sandbox import batch_base_uid

    sandboxed(c, None, None, batch_base_uid())
    c.SandboxExecute.service = environ.get(SANDBOX_SOCKET_VAR, "")
    if environ.get(DB_VAR):
        c.CourseDirectory.db_url = environ[DB_VAR]
    return c


def sandboxed(c: Config, work_root: Path | None, cases_dir: Path | None, base_uid: int,
              mpl_cache: Path | None = None, earlier_root: Path | None = None) -> Config:
    """Swap nbgrader's in-kernel execution and scoring for the sandbox and the trusted
    verdicts (see grader/preprocessors.py); everything else stays nbgrader's."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, Execute, OverwriteCells

    from .preprocessors import FollowEdition, RecordTestCells, SandboxExecute, TrustedVerdicts

    c.Autograde.sanitize_preprocessors = nbgrader_default(
        Autograde, "sanitize_preprocessors", {OverwriteCells: [RecordTestCells, OverwriteCells, FollowEdition]})
    # nbgrader checks the cells' metadata again at the end; here only outputs change after
    # the sanitize step's check (SandboxExecute restores sources and metadata), so once is enough
    c.Autograde.autograde_preprocessors = nbgrader_default(
        Autograde, "autograde_preprocessors",
        {Execute: [SandboxExecute, TrustedVerdicts], CheckCellMetadata: []})
    if work_root is not None:  # else a folder of the grading process's own
        c.SandboxExecute.work_root = str(work_root)
    if cases_dir is not None:  # else written by the first autograde of the process
        c.SandboxExecute.cases_dir = str(cases_dir)
    if mpl_cache is not None:
        c.SandboxExecute.mpl_cache = str(mpl_cache)
    if earlier_root is not None:
        c.SandboxExecute.earlier_root = str(earlier_root)
    c.SandboxExecute.base_uid = base_uid
    return c


def course_config(root: Path = REPO, **course_directory) -> Config:
    c = configure(Config(), root)
    for key, value in course_directory.items():
        setattr(c.CourseDirectory, key, value)
    return c
