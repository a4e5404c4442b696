"""Where the course's files are, and what its source notebooks hold: assignments,
notebooks, solution cells, graded functions and their points."""
from __future__ import annotations

from pathlib import Path

import nbformat

from .markup import checked_names, without_solution_markers

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
NOTEBOOKS = REPO / "notebooks"
DATA = REPO / "data"
COURSE_ID = "conv-course"


def assignment_ids() -> list[str]:
    """Assignment ids in course order: the folders of solutions/."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_names(assignment_id: str) -> list[str]:
    """The notebook names (without .ipynb) of one assignment."""
    return sorted(p.stem for p in (SOLUTIONS / assignment_id).glob("*.ipynb"))


def tools_on_path() -> None:
    """nbgrader shells out to `alembic` and jupyter finds kernels by PATH: make the
    running environment's bin/ first, even when the venv is not activated."""
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def solution_sources(assignment_id: str, name: str) -> dict[str, str]:
    """grade_id -> the solution cell's code as a student would type it."""
    nb = nbformat.read(SOLUTIONS / assignment_id / f"{name}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: without_solution_markers(c.source)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def cell_defining(assignment_id: str, function: str, name: str | None = None) -> str:
    """The grade_id of the solution cell that defines `function`."""
    name = name or notebook_names(assignment_id)[0]
    for gid, src in solution_sources(assignment_id, name).items():
        if f"def {function}(" in src:
            return gid
    raise KeyError(f"{assignment_id}: no solution cell defines {function}")


def solution_functions(assignment_id: str) -> dict:
    """Run an assignment's setup cell and solution cells (not its figures) and return
    the namespace: the reference solutions as functions, for the tests."""
    import numpy as np

    namespace: dict = {"np": np, "__name__": f"solution_{assignment_id}"}
    for name in notebook_names(assignment_id):
        nb = nbformat.read(SOLUTIONS / assignment_id / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        setup = code[0].source if code else ""
        exec(compile(setup, f"{name}:setup", "exec"), namespace)  # noqa: S102 - our own notebook
        for cell in code:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                exec(compile(without_solution_markers(cell.source), f"{name}:{cell.metadata['nbgrader']['grade_id']}", "exec"), namespace)  # noqa: S102
    return namespace


def checked_functions(assignment_id: str) -> list[str]:
    """The names that an assignment's hidden test blocks check, in notebook order."""
    names = []
    for name in notebook_names(assignment_id):
        nb = nbformat.read(SOLUTIONS / assignment_id / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                names += checked_names(cell.source)
    return names


def points(assignment_id: str) -> dict[str, float]:
    """Points of each test cell, keyed by the graded function its hidden block checks
    (and "total")."""
    out: dict[str, float] = {"total": 0.0}
    for name in notebook_names(assignment_id):
        nb = nbformat.read(SOLUTIONS / assignment_id / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                out["total"] += float(meta.get("points", 0))
                for function in checked_names(cell.source):
                    out[function] = out.get(function, 0.0) + float(meta.get("points", 0))
    return out
