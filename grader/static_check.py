"""What the student's own code in a notebook must not touch, read from its source.

Runs in the grader's process on the submitted cells the student wrote (every code cell
that is not one of the instructor's read-only cells), so nothing the code does at run
time can hide from it. It refuses, anywhere in that code:
- ready-made convolution routines (np.convolve, np.correlate, np.polymul, scipy.signal,
  scipy.ndimage, torch, ...), however they are bound (alias, default argument, lambda);
- the grader's machinery (the in-kernel harness, IPython's display publisher);
- dynamic lookups that would hide either (getattr, eval, exec, __import__, importlib,
  sys.modules, __dict__, numpy's private _core), and the tracing hooks that would switch
  off the line counter (sys.settrace, sys.monitoring).
A flagged notebook scores 0 for its graded functions, with the reason in the feedback.
The sandbox's harness adds a second line: those routines raise while graded code runs.
"""
from __future__ import annotations

import ast

from .hidden.core import FORBIDDEN_ATTRIBUTES, FORBIDDEN_MODULE_PREFIXES

DYNAMIC_NAMES = {"getattr", "setattr", "delattr", "eval", "exec", "compile", "__import__",
                 "globals", "vars", "__builtins__", "get_ipython", "harness"}
# (settrace and friends would switch off the line counter of grader/inkernel/linecount.py)
SUSPECT_ATTRIBUTES = {"__dict__", "_core", "core", "display_pub", "publish_display_data", "__globals__",
                      "__code__", "__closure__", "settrace", "gettrace", "setprofile", "monitoring"}
# the grader's machinery, and what would reach around it (processes, threads, sockets,
# the kernel's own messaging): nothing a convolution exercise needs
BLOCKED_IMPORTS = ("importlib", "builtins", "ctypes", "IPython", "ipykernel", "jupyter_client", "zmq",
                   "comm", "harness", "protocol", "signals", "adapters", "linecount", "grader", "numpy.core",
                   "numpy._core",
                   "threading", "_thread", "multiprocessing", "subprocess", "socket", "signal")
FORBIDDEN_FROM_NUMPY = {"convolve", "correlate", "polymul", "*"}


def _python(source: str) -> ast.Module | None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the raw source
        pass
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _blocked_module(name: str) -> bool:
    return any(name == p or name.startswith(p + ".")
               for p in (*FORBIDDEN_MODULE_PREFIXES, *BLOCKED_IMPORTS))


def findings(source: str) -> list[str]:
    """What one cell of the student's code uses that it must not."""
    tree = _python(source)
    if tree is None:
        return []  # a cell that does not parse does not run either
    found = []
    magic_callers = set()
    for node in ast.walk(tree):
        # `%matplotlib inline` becomes get_ipython().run_line_magic('matplotlib', 'inline'):
        # allowed, but the magic's own text is checked as code too
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("run_line_magic", "run_cell_magic") and isinstance(node.func.value, ast.Call):
            magic_callers.add(id(node.func.value.func))
            for arg in node.args[1:]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found += findings(arg.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) in magic_callers:
            continue
        if isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_ATTRIBUTES or node.attr in SUSPECT_ATTRIBUTES:
                found.append(f".{node.attr}")
            elif node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys":
                found.append("sys.modules")
        elif isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
            found.append(node.id)
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _blocked_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if _blocked_module(module) or (module.split(".")[0] == "numpy" and names & FORBIDDEN_FROM_NUMPY) \
                    or (module.split(".")[0] == "scipy" and names & {"signal", "ndimage", "*"}):
                found.append(f"from {module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "harness" in node.value.lower():
            found.append("the grader's harness")
    return found


def student_code_findings(sources: list[str]) -> list[str]:
    """Everything flagged in the student's cells, in order, without repeats."""
    seen: list[str] = []
    for source in sources:
        for item in findings(source):
            if item not in seen:
                seen.append(item)
    return seen
