"""The nbgrader configuration shared by nbgrader_config.py and the grader commands."""
from pathlib import Path

from traitlets.config import Config

from .course import COURSE_ID, REPO

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def configure(c: Config, root: Path = REPO) -> Config:
    """Fill `c` with the course's settings for a course directory at `root`."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
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
    c.Execute.timeout = 60
    # Quiet kernels: their start-up warnings would only bury the grading log.
    c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
    # A test cell's traceback and source must not show hidden tests in feedback.
    c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTests, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.exporter_class = FeedbackHTMLExporter
    # A student who deletes a test cell still gets it back, and graded, not "needs manual grade".
    c.OverwriteCells.add_missing_cells = True
    return c


def sandboxed(c: Config, work_root: Path, cases_dir: Path, base_uid: int,
              mpl_cache: Path | None = None, earlier_root: Path | None = None) -> Config:
    """Swap nbgrader's in-kernel execution and scoring for the sandbox and the trusted
    verdicts (see grader/preprocessors.py); everything else stays nbgrader's."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                        DeduplicateIds, IgnorePattern, LimitOutput,
                                        OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

    from .preprocessors import RecordTestCells, SandboxExecute, TrustedVerdicts

    c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                          RecordTestCells, OverwriteCells, CheckCellMetadata]
    # nbgrader checks the cells' metadata again at the end; here only outputs change after
    # the sanitize step's check (SandboxExecute restores sources and metadata), so once is enough
    c.Autograde.autograde_preprocessors = [SandboxExecute, TrustedVerdicts, IgnorePattern,
                                           ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                           AssignLatePenalties]
    c.SandboxExecute.work_root = str(work_root)
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
