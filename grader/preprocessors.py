"""nbgrader preprocessors that make autograding trustworthy.

nbgrader's Autograde runs its sanitize preprocessors, then executes the notebook and
saves one score per test cell (`SaveAutoGrades`: full points unless the cell shows an
error). We keep that pipeline and its gradebook, and change three steps:

- RecordTestCells (sanitize, before OverwriteCells restores them): notes which test
  cells the student deleted, edited or re-typed; those score 0.
- SandboxExecute (instead of Execute): runs the notebook in the sandbox, with each
  hidden block turned into a harness call that records what the student's function
  returns on the hidden inputs, and which forbidden routines each call used. The
  sources of the cells are the submitted ones, put back after the run; only outputs
  come from the sandbox.
- TrustedVerdicts (before SaveAutoGrades): judges the recorded results here, outside
  the student's reach, against the reference; adds an error output to each test cell
  whose hidden cases failed (with a message naming the failed property, or the
  forbidden routine a call used, or the reach into the grader in a cell above) and
  removes stderr output, so a warning never costs points.
"""
from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Int, List, Unicode

from . import editions, sandbox
from .hidden import REGISTRY, verdicts_from_outcomes
from .hidden.core import failure_message
from .hidden.messages import say, text
from .hidden.wire import MIME, cases_for, outcomes_from_payload, result_payloads
from .markup import checked_names, split_hidden, with_hidden
from .static_check import cell_findings

META_KEY = "conv_course"
# why a test cell scores 0 (TrustedVerdicts says it in the submission's edition: grader/hidden/messages_ko.py)
DELETED = "the test cell was deleted (or re-typed as a new cell)"
RETYPED = "the test cell was changed to another cell type"
EDITED = "the test cell was edited"


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


class RecordTestCells(NbGraderPreprocessor):
    """Record, in the notebook's metadata, test cells that are not as released."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        submitted = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade") and
                     c.metadata["nbgrader"].get("grade_id")}
        tampered = {}
        with Gradebook(info["db_url"]) as gb:
            for grade_cell in gb.find_notebook(info["notebook"], info["assignment"]).grade_cells:
                if grade_cell.cell_type != "code":
                    continue
                source = gb.find_source_cell(grade_cell.name, info["notebook"], info["assignment"])
                # as released in any edition (English, Korean): the code is the same in all
                released = {_normal(split_hidden(version)[0]) for version in editions.released_versions(
                    info["assignment"], info["notebook"], grade_cell.name, source.source)}
                cell = submitted.get(grade_cell.name)
                if cell is None:
                    tampered[grade_cell.name] = DELETED
                elif cell.cell_type != "code":
                    tampered[grade_cell.name] = RETYPED
                elif _normal(cell.source) not in released:
                    tampered[grade_cell.name] = EDITED
        nb.metadata[META_KEY] = {"tampered": tampered}
        return nb, resources


class FollowEdition(NbGraderPreprocessor):
    """After OverwriteCells: the cells it restored from the gradebook (text, figures' code,
    test cells) in the edition the student submitted, when the gradebook holds the other one,
    so that a Korean submission's feedback is Korean in an English class and vice versa. Only
    a cell that is exactly one of the repository's editions of it is changed (grader/editions.py:
    the editions differ in strings and comments only)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        lang = editions.edition_of(nb)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not (meta.get("locked") or meta.get("grade")) or not meta.get("grade_id"):
                continue
            version = editions.in_edition(info["assignment"], info["notebook"], meta["grade_id"], cell.source, lang)
            if version is not None:
                cell.source = version
        return nb, resources


@dataclass(frozen=True)
class RunRecord:
    """How a notebook's sandboxed run went."""
    status: str = "not run"   # "complete", or why it stopped early
    disk_full_mb: int = 0     # the working area's size, if the notebook filled it
    timeouts: int = 0         # cells stopped at the time limit

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def read(cls, path: Path) -> "RunRecord":
        return cls(**json.loads(path.read_text())) if path.exists() else cls()


class SandboxExecute(NbGraderPreprocessor):
    """Execute the notebook in the sandbox and keep its outputs and harness results."""

    work_root = Unicode("", help="folder for the sandboxes' working folders (empty: one of this process's, "
                                 "removed when it exits)").tag(config=True)
    cases_dir = Unicode("", help="folder holding the hidden cases' inputs (empty: written once per "
                                 "process, with the earlier assignments and the font cache)").tag(config=True)
    service = Unicode("", help="socket of the grader's sandbox service (grader/sandbox_service.py), for a "
                               "process that is not root; empty: start the sandbox here").tag(config=True)
    scheduler = Unicode("", help="address of a Dask scheduler whose workers run the sandbox (grader/cluster.py); "
                                 "empty: not on a cluster").tag(config=True)
    workers = List(Unicode(), help="the scheduler's workers that passed the grader's check: the only ones used"
                   ).tag(config=True)
    earlier_root = Unicode("", help="folder with convcourse.earlier per assignment (grader/earlier.py)"
                           ).tag(config=True)
    mpl_cache = Unicode("", help="matplotlib font cache built once per batch (saves ~0.5 s a notebook)"
                        ).tag(config=True)
    base_uid = Int(sandbox.BASE_UID, help="first uid of this batch's sandboxes").tag(config=True)
    slot = Int(0, help="which sandbox uid this process uses (one per parallel worker)").tag(config=True)
    cell_seconds = Int(sandbox.Limits.cell_seconds, help="time limit of one cell").tag(config=True)
    notebook_seconds = Int(sandbox.Limits.notebook_seconds, help="time limit of a notebook").tag(config=True)
    memory_mb = Int(sandbox.Limits.memory_bytes // 2**20, help="memory limit of a process").tag(config=True)
    disk_mb = Int(sandbox.Limits.disk_bytes // 2**20, help="size of a notebook's working area").tag(config=True)

    @property
    def limits(self) -> sandbox.Limits:
        return sandbox.Limits(memory_bytes=self.memory_mb * 2**20, cell_seconds=self.cell_seconds,
                              notebook_seconds=self.notebook_seconds, disk_bytes=self.disk_mb * 2**20)

    def prepared(self) -> tuple[Path, str, str]:
        """(cases folder, earlier root, font cache): as configured by a batch, else made
        once per process (formgrader, `nbgrader autograde`; about 6 s)."""
        if self.cases_dir:
            return Path(self.cases_dir), self.earlier_root, self.mpl_cache
        if not self.service:
            try:
                sandbox.check_available()
            except sandbox.SandboxUnavailable as exc:
                raise sandbox.SandboxUnavailable(
                    f"{exc}. Formgrader and `nbgrader autograde` grade in the sandbox: run them as root, or in "
                    "the hub's instructor server (./course hub starts the sandbox service it uses), or grade with "
                    "`python -m grader autograde COURSE/submitted --out COURSE` as root") from None
        return _prepared_here(local=not self.service)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        work_root = Path(self.work_root) if self.work_root else _scratch() / "sandbox"
        workdir = work_root / info["student"] / info["assignment"] / info["notebook"]
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        sources = [cell.source for cell in nb.cells]
        run, graded = copy.deepcopy(nb), []
        for cell in run.cells:
            if cell.cell_type == "code" and utils.is_grade(cell):
                kept, _ = split_hidden(cell.source)
                names = checked_names(cell.source)
                graded += names
                # no name of the notebook's is bound to the harness (the runner imported it at start)
                calls = [f'__import__("harness").harvest("{n}", {n})' for n in names]
                if calls:
                    cell.source = with_hidden(kept, calls)
        nbformat.write(run, workdir / "in.ipynb")
        cases_dir, earlier_root, mpl_cache = self.prepared()
        cases = cases_for(cases_dir, graded)
        if self.scheduler:  # so does each worker of a cluster
            from .cluster import run_on_cluster
            result = run_on_cluster(self.scheduler, self.workers, workdir, cases, self.limits, info["assignment"],
                                    f"{info['student']}-{info['notebook']}")
        elif self.service:  # the service has its own earlier assignments and font cache
            from .sandbox_service import run_remote
            result = run_remote(Path(self.service), workdir, cases, self.limits, info["assignment"])
        else:
            if mpl_cache:  # the sandbox's uid owns what the working area holds (sandbox.work_area)
                shutil.copytree(mpl_cache, workdir / ".matplotlib")
            earlier = Path(earlier_root) / info["assignment"] if earlier_root else None
            result = sandbox.run_notebook(workdir, cases, self.slot, self.limits, self.base_uid,
                                          earlier if earlier is not None and earlier.is_dir() else None,
                                          Path(mpl_cache) if mpl_cache else None)
        executed = None
        if result.notebook is not None:
            try:
                executed = nbformat.read(result.notebook, as_version=4)
            except Exception:  # noqa: BLE001 - an unreadable notebook counts as nothing run
                executed = None
        if executed is not None and len(executed.cells) == len(nb.cells):
            for cell, ran in zip(nb.cells, executed.cells):
                if cell.cell_type == "code":
                    cell.outputs = ran.get("outputs", []) if isinstance(ran.get("outputs"), list) else []
                    cell.execution_count = ran.get("execution_count")
        for cell, source in zip(nb.cells, sources):
            cell.source = source
        # how the run went, one record: for TrustedVerdicts (resources) and for the batch's
        # problems.csv (a file beside the working folder, where the sandbox cannot write)
        run = RunRecord(result.status, self.disk_mb if result.disk_full else 0,
                        sum(o.get("ename") == "CellTimeoutError" for c in nb.cells for o in c.get("outputs", [])))
        run.write(workdir.parent / f"{info['notebook']}.run.json")
        resources["sandbox"] = run
        return nb, resources


_PREPARED: dict = {}


def _scratch() -> Path:
    """A folder of this process's, removed when it exits."""
    if "scratch" not in _PREPARED:
        import atexit
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="conv-course-grading-"))
        atexit.register(shutil.rmtree, root, True)
        _PREPARED["scratch"] = root
    return _PREPARED["scratch"]


def _prepared_here(local: bool) -> tuple[Path, str, str]:
    """The hidden cases' inputs (and, to start the sandbox here, each assignment's earlier
    package and matplotlib's font cache), written once into this process's folder."""
    if local not in _PREPARED:
        from .hidden.wire import write_cases

        root = _scratch()
        if not (root / "cases").exists():
            write_cases(root / "cases")
        earlier = mpl = ""
        if local:
            earlier, mpl = str(root / "earlier"), str(sandbox.start_shared(root / "earlier", root / "matplotlib")())
        _PREPARED[local] = (root / "cases", earlier, mpl)
    return _PREPARED[local]


def _error_output(ename: str, evalue: str):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


_TIMEOUT_VALUE = re.compile(r"stopped after (\d+) s")


def _translate_timeouts(nb, lang: str) -> None:
    """The runner's CellTimeoutError (grader/inkernel/runner.py, always in English) in `lang`."""
    if lang == "en":
        return
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            m = _TIMEOUT_VALUE.fullmatch(str(output.get("evalue", ""))) \
                if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError" else None
            if m:
                output["evalue"] = say("cell_timeout", lang, seconds=m.group(1))
                output["traceback"] = [say("cell_timeout_line", lang, seconds=m.group(1))]


class TrustedVerdicts(NbGraderPreprocessor):
    """Decide each test cell from the recorded results, in the grader's process; what it
    tells the student is in the edition of the submitted notebook (grader/editions.edition_of)."""

    def preprocess(self, nb, resources):
        self.lang = editions.edition_of(nb)
        self.tampered = nb.metadata.get(META_KEY, {}).get("tampered", {})
        run = resources.get("sandbox", RunRecord())
        self.status = run.status
        cells = self.student_cells(nb, resources["nbgrader"])
        # (cell index, what) for each reach into the grader, in notebook order
        self.reaches = [(index, f.what) for index, found in zip(cells, cell_findings(list(cells.values())))
                        for f in found if f.kind == "grader"]
        nb, resources = super().preprocess(nb, resources)
        _translate_timeouts(nb, self.lang)
        if self.status != "complete":
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(
                say("note_incomplete", self.lang, status=text(self.status, self.lang))))
        if run.disk_full_mb:
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(say("note_disk", self.lang)))
        nb.metadata.pop(META_KEY, None)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        # stderr (warnings, logging) never costs points; errors still do
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        grade_id = cell.metadata["nbgrader"].get("grade_id")
        if grade_id in self.tampered:
            cell.outputs.append(_error_output("TestCellModified", say("tampered", self.lang,
                                                                      reason=text(self.tampered[grade_id], self.lang))))
            return cell, resources
        payloads = result_payloads(cell.outputs)
        cell.outputs = [o for o in cell.outputs if MIME not in o.get("data", {})]
        already_failed = any(o.get("output_type") == "error" for o in cell.outputs)
        # a reach into the grader costs the tests after it: earlier results were recorded before it ran
        reaches = list(dict.fromkeys(what for at, what in self.reaches if at < index))
        for name in checked_names(cell.source):
            message = self.verdict(name, payloads.get(name, []), already_failed, reaches, self.lang)
            if message:
                cell.outputs.append(_error_output("HiddenTestFailure", message))
                break
        return cell, resources

    @staticmethod
    def student_cells(nb, info) -> dict[int, str]:
        """{index: source} of the code cells the student wrote: all but the instructor's
        read-only cells (which OverwriteCells has restored from the gradebook)."""
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            instructor = {_normal(version) for c in notebook.source_cells if c.locked
                          for version in editions.released_versions(info["assignment"], info["notebook"],
                                                                    c.name, c.source)}
            test_cells = {c.name for c in notebook.grade_cells}
        # test cells were rewritten from the gradebook by OverwriteCells (a restored one
        # carries nbgrader's "was missing" note, so compare by id, not by text)
        return {i: c.source for i, c in enumerate(nb.cells) if c.cell_type == "code" and
                _normal(c.source) not in instructor and
                not (utils.is_grade(c) and c.metadata["nbgrader"].get("grade_id") in test_cells)}

    def verdict(self, name: str, payloads: list, quiet_if_not_run: bool = False,
                reaches: list[str] = (), lang: str = "en") -> str | None:
        """The message a test cell shows for graded function `name`, in the edition `lang`; None if it passed."""
        if name not in REGISTRY:
            return say("no_cases", lang, name=name)
        if len(payloads) > 1:
            return say("reported_twice", lang, name=name)
        outcomes = outcomes_from_payload(payloads[0]) if payloads else None
        # what the watch saw is the most precise reason; a reach into the grader comes next
        if reaches and not any(o.used for o in outcomes or []):
            return say("reach", lang, name=name, what=", ".join(text(r, lang) for r in reaches[:3]))
        if outcomes is None:  # the cell's own error (shown above it) already says why
            return None if quiet_if_not_run else say("did_not_run", lang, name=name)
        return failure_message(name, verdicts_from_outcomes(name, outcomes, lang), lang)


__all__ = ["FollowEdition", "RecordTestCells", "RunRecord", "SandboxExecute", "TrustedVerdicts"]
