"""Which graded functions use forbidden routines, read from the notebook's source.

Runs in the grader's process on the submitted code, so nothing the student's code does
at run time can hide from it. It follows a graded function into the notebook's other
functions, and through module-level aliases (`c = np.convolve`, `from scipy import
signal`). Dynamic lookups in graded code (getattr, eval, exec, __import__, importlib,
sys.modules, globals) are refused too: they are how a forbidden call would be hidden.
The sandbox's harness adds a second line: those routines raise while graded code runs.
"""
from __future__ import annotations

import ast

from .hidden.core import FORBIDDEN_ATTRIBUTES, FORBIDDEN_MODULE_PREFIXES

DYNAMIC = {"getattr", "eval", "exec", "__import__", "importlib", "globals", "vars", "compile",
           "__builtins__", "builtins"}
FORBIDDEN_FROM_NUMPY = {"convolve", "correlate", "polymul"}


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


def _module_is_forbidden(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in FORBIDDEN_MODULE_PREFIXES)


def _expr_uses_forbidden(node: ast.AST, bad_names: set[str]) -> str | None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in FORBIDDEN_ATTRIBUTES:
            return f".{sub.attr}"
        if isinstance(sub, ast.Attribute) and sub.attr == "modules" and isinstance(sub.value, ast.Name) \
                and sub.value.id == "sys":
            return "sys.modules"
        if isinstance(sub, ast.Name) and sub.id in bad_names:
            return sub.id
        if isinstance(sub, ast.Name) and sub.id in DYNAMIC:
            return sub.id
        if isinstance(sub, ast.Import) and any(_module_is_forbidden(a.name) for a in sub.names):
            return f"import {sub.names[0].name}"
        if isinstance(sub, ast.ImportFrom) and (
                _module_is_forbidden(sub.module or "") or sub.module == "importlib" or
                (sub.module == "numpy" and any(a.name in FORBIDDEN_FROM_NUMPY for a in sub.names))):
            return f"from {sub.module} import"
    return None


def _local_names(fn: ast.AST) -> set[str]:
    args = fn.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    names |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def forbidden_uses(cell_sources: list[str], functions: list[str]) -> dict[str, str]:
    """{graded function: what forbidden thing it (or a helper it calls) uses}."""
    defs: dict[str, ast.AST] = {}
    bad_names: set[str] = set()
    for source in cell_sources:
        tree = _python(source)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[node.name] = node
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _module_is_forbidden(alias.name):
                        bad_names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                for alias in node.names:
                    full = f"{module}.{alias.name}"
                    if _module_is_forbidden(module) or _module_is_forbidden(full) or \
                            (module == "numpy" and alias.name in FORBIDDEN_FROM_NUMPY):
                        bad_names.add(alias.asname or alias.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                if _expr_uses_forbidden(node.value, bad_names):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        bad_names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    found = {}
    for function in functions:
        seen, todo = set(), [function]
        while todo:
            name = todo.pop()
            if name in seen or name not in defs:
                continue
            seen.add(name)
            local = _local_names(defs[name])  # a local `y` is not the module-level `y`
            for stmt in defs[name].body:
                hit = _expr_uses_forbidden(stmt, bad_names - local)
                if hit:
                    found.setdefault(function, hit)
            todo += [n.id for n in ast.walk(defs[name]) if isinstance(n, ast.Name) and n.id in defs]
    return found
