"""Can this Dask worker run the grader's sandbox? Asked of every worker at the start of a
batch that grades on a cluster (grader/cluster.py).

This module is sent to the workers by value (cloudpickle.register_pickle_by_value), not
imported there: a worker without the course, or with another version of it, must still be
able to run `check` and say what is wrong. So it imports only the standard library at its
top; the course's own sandbox check is imported inside `check`, once the course is known to
be the grader's.
"""
from __future__ import annotations

import hashlib
import os
import socket
import sys

# What a sandboxed run depends on, beside the Python environment: what the sandbox binds
# (convcourse/, grader/inkernel/, data/), what the worker builds each assignment's earlier
# package from (solutions/), and the worker's own code that starts the sandbox.
TREES = ("convcourse", "grader/inkernel", "data", "solutions")
FILES = ("grader/sandbox.py", "grader/sandbox_host.py", "grader/earlier.py")
VENV = "the Python environment"


def _digest_tree(top: str) -> str:
    """sha256 of the regular files under `top` (relative paths and contents, compiled
    Python left out), or "missing" / "empty"."""
    if not os.path.isdir(top):
        return "missing"
    h, count = hashlib.sha256(), 0
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.endswith(".pyc") or not os.path.isfile(path):
                continue
            h.update(os.path.relpath(path, top).encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
            count += 1
    return h.hexdigest() if count else "empty"


def _digest_file(path: str) -> str:
    if not os.path.isfile(path):
        return "missing"
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def fingerprint(repo: str) -> dict[str, str]:
    """{part: digest} of the course at `repo` as this process sees it; the Python
    environment is its path and Python's version (the sandbox binds it at that path)."""
    found = {f"{t}/": _digest_tree(os.path.join(repo, t)) for t in TREES}
    found.update({f: _digest_file(os.path.join(repo, f)) for f in FILES})
    found[VENV] = f"{sys.prefix} (Python {sys.version.split()[0]})"
    return found


def check(repo: str, expected: dict[str, str]) -> dict:
    """Run on a worker: {"host": its host name, "problems": [what is missing, each with how
    to fix it]}; no problem means the worker can grade. `expected` is the grader's
    fingerprint(repo)."""
    found = {"host": socket.gethostname(), "problems": []}
    problems = found["problems"]
    start = (f"install the course at {repo} on this worker (the grader's commit, set up with ./course setup) "
             f"and start the worker from its venv: {repo}/.venv/bin/dask worker SCHEDULER")
    if not os.path.isdir(repo):
        problems.append(f"the course is not at {repo} on this worker: {start}")
        return found
    mine = fingerprint(repo)
    if mine[VENV] != expected.get(VENV):
        problems.append(f"the worker runs in {mine[VENV]}, the grader in {expected.get(VENV)}: the sandbox binds "
                        f"the grader's environment, so start the worker from it ({repo}/.venv/bin/dask worker "
                        "SCHEDULER)")
    differ = [f"{part} ({mine[part]} here)" if mine[part] in ("missing", "empty") else part
              for part in expected if part != VENV and mine.get(part) != expected[part]]
    if differ:
        problems.append(f"the course at {repo} is not the grader's: {', '.join(differ)} differ(s) from the grader's "
                        f"copy: {start}")
    if problems:
        return found
    try:
        if repo not in sys.path:
            sys.path.insert(0, repo)
        from grader.sandbox import SandboxUnavailable, check_available
    except Exception as exc:  # noqa: BLE001 - any reason the course's code cannot load is reported
        problems.append(f"the course's grader package does not load here ({type(exc).__name__}: {exc}): {start}")
        return found
    try:
        check_available()
    except SandboxUnavailable as exc:
        problems.append(f"it cannot run the sandbox: {exc}")
    return found
