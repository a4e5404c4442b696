"""Run a solution notebook's code cells in this process, in order, as a student's run of
them: hidden blocks left out, figures on Agg and counted, and the clock slowed down.

The slow clock makes every read of `time.perf_counter`, `time.monotonic` and `time.time` (in
the thread running the notebook) a hundred seconds later than the last, as on a machine far
slower than any student's, with every method equally slow. A notebook that asserts anything about measured time (that
something is fast, or faster than something else) fails here; timings it only shows do not.
"""
from __future__ import annotations

import contextlib
import io
import threading
import time
from dataclasses import dataclass, field
from unittest import mock

import matplotlib
import nbformat

from grader.course import SOLUTIONS, notebook_names
from grader.markup import checked_names, split_hidden, without_solution_markers

matplotlib.use("Agg")


@dataclass
class NotebookRun:
    figures: int = 0
    # graded function -> (a copy of the namespace its test cell starts from, the cell's visible source)
    before_tests: dict[str, tuple[dict, str]] = field(default_factory=dict)


def code_cells(aid: str, source=SOLUTIONS):
    """(where, cell) for every code cell of the assignment's solution notebooks (in `source`:
    solutions/, or an edition's build of it)."""
    for name in notebook_names(aid):
        nb = nbformat.read(source / aid / f"{name}.ipynb", as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                yield f"{name} cell {index}", cell


def is_test(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade"))


def visible(cell) -> str:
    """The cell as a student sees it: no solution markers, no hidden block."""
    return split_hidden(without_solution_markers(cell.source))[0]


@contextlib.contextmanager
def slow_clock(step: float = 100.0):
    """Only for the thread that enters it: the tests' other threads (the class graded in the
    background, tests/one_class.py, timing its batch and its subprocesses) keep real time."""
    owner, now = threading.get_ident(), [time.time()]

    def clock(real):
        def tick():
            if threading.get_ident() != owner:
                return real()
            now[0] += step
            return now[0]
        return tick

    with mock.patch("time.perf_counter", clock(time.perf_counter)), \
            mock.patch("time.monotonic", clock(time.monotonic)), mock.patch("time.time", clock(time.time)):
        yield


def run_notebook(aid: str, source=SOLUTIONS, draw: bool = False) -> NotebookRun:
    """Run the notebook; with `draw`, every figure is drawn (as the inline backend would)
    before it is closed."""
    import matplotlib.pyplot as plt

    run = NotebookRun()
    namespace: dict = {"__name__": "__main__"}
    plt.close("all")
    for where, cell in code_cells(aid, source):
        source = visible(cell)
        if is_test(cell):
            for name in checked_names(cell.source):
                run.before_tests[name] = (dict(namespace), source)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                slow_clock():
            try:
                exec(compile(source, where, "exec"), namespace)  # noqa: S102 - our own notebook
            except Exception as exc:
                raise AssertionError(f"{where} fails when the machine is slow: "
                                     f"{type(exc).__name__}: {exc}") from exc
        run.figures += len(plt.get_fignums())
        if draw:
            for number in plt.get_fignums():
                plt.figure(number).canvas.draw()
        plt.close("all")
    return run
