"""Notebooks as a student would submit them: the released notebook with its solution
cells typed in, and optionally broken on purpose. Used by the demo class and the tests.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .course import NOTEBOOKS, SOLUTIONS, notebook_names
from .redact import checked_names


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.split("\n")
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def solution_sources(assignment_id: str, name: str) -> dict[str, str]:
    """grade_id -> the solution cell's code as a student would type it."""
    nb = nbformat.read(SOLUTIONS / assignment_id / f"{name}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: _strip_markers(c.source)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def filled(assignment_id: str, name: str | None = None, *, solved: bool = True,
           extra: dict[str, str] | None = None, before: dict[str, str] | None = None,
           ) -> nbformat.NotebookNode:
    """The released notebook, with every solution cell answered (solved=True) or left
    blank; `extra` code is appended to, and `before` code put in front of, the cells
    named by grade_id (e.g. a known-wrong redefinition of a function, or a crash)."""
    name = name or notebook_names(assignment_id)[0]
    nb = nbformat.read(NOTEBOOKS / assignment_id / f"{name}.ipynb", as_version=4)
    answers = solution_sources(assignment_id, name) if solved else {}
    extra, before = dict(extra or {}), dict(before or {})
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        if gid in extra:
            cell.source = cell.source + "\n\n" + extra.pop(gid)
        if gid in before:
            cell.source = before.pop(gid) + "\n\n" + cell.source
    if extra or before:
        raise KeyError(f"{assignment_id}: no cells named {sorted({**extra, **before})}")
    return nb


def cell_defining(assignment_id: str, function: str, name: str | None = None) -> str:
    """The grade_id of the solution cell that defines `function`."""
    name = name or notebook_names(assignment_id)[0]
    for gid, src in solution_sources(assignment_id, name).items():
        if f"def {function}(" in src:
            return gid
    raise KeyError(f"{assignment_id}: no solution cell defines {function}")


def write(nb_or_text, path: Path) -> Path:
    """Write a notebook (or raw text, for malformed files) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text, encoding="utf-8")
    else:
        path.write_text(json.dumps(nb_or_text, indent=1) + "\n", encoding="utf-8")
    return path


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
                exec(compile(_strip_markers(cell.source), f"{name}:{cell.metadata['nbgrader']['grade_id']}", "exec"), namespace)  # noqa: S102
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
