"""Notebooks as a student would submit them: the released notebook with its solution
cells typed in, and optionally broken on purpose. Used by the demo class and the tests
(what the course itself holds, its solutions and points, is read by grader/course.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .course import NOTEBOOKS, notebook_names, solution_sources


def filled(assignment_id: str, name: str | None = None, *, solved: bool = True,
           extra: dict[str, str] | None = None, before: dict[str, str] | None = None,
           release: Path = NOTEBOOKS) -> nbformat.NotebookNode:
    """The released notebook (of `release`: another edition's, say), with every solution cell
    answered (solved=True) or left blank; `extra` code is appended to, and `before` code put
    in front of, the cells named by grade_id (e.g. a known-wrong redefinition of a function,
    or a crash)."""
    name = name or notebook_names(assignment_id)[0]
    nb = nbformat.read(Path(release) / assignment_id / f"{name}.ipynb", as_version=4)
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


def write(nb_or_text, path: Path) -> Path:
    """Write a notebook (or raw text, for malformed files) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text, encoding="utf-8")
    else:
        path.write_text(json.dumps(nb_or_text, indent=1) + "\n", encoding="utf-8")
    return path
