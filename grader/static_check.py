"""What the student's code in a notebook must not do anywhere: reach into the grader.

Runs in the grader's process on the cells the student wrote (every code cell that is
not one of the instructor's read-only cells), so nothing the code does at run time can
hide from it. Ready-made convolution routines are not its business: scratch cells may
use them, and the watch of each graded call decides whether a graded function did
(grader/inkernel/watch.py). This check guards that watch and the harness, which share
the kernel with the student's code. It reports two kinds of finding:

- "grader": code that reaches into the grader or around its watch: importing the
  harness or the grader; sys.modules, gc's object lists, frames, tracing hooks, ctypes,
  the builtins module and the namespaces that lead to it (globals(), vars(), locals()
  outside a function); code the check cannot read (eval, exec, compile, __import__,
  importlib, unpickling, %run, a change to sys.path that would let the notebook import
  files it wrote); getattr and its kin with a computed name, or such an attribute's name
  as a string (they would hide any of these); IPython's shell (get_ipython, except for
  magics and shell commands); renaming library functions (__module__ and friends). A
  finding costs the graded functions whose test cells come after the cell it is in:
  what ran before was already recorded.
- "routine": a mention of a ready-made convolution routine. Never charged; reported so
  that the spellings are known to be seen (tests/test_red_team.py).

Builtins count only where the student did not bind the name: a variable called `vars`
or `compile` is the student's own.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .inkernel.forbidden import GRADER_MODULES, ROUTINE_NAMES, ROUTINE_PACKAGES

# builtins that run or find code the check cannot read, or hand over the namespaces (and
# locals() outside a function, which is globals(), the way to __builtins__)
UNREADABLE_BUILTINS = {"eval", "exec", "compile", "__import__", "globals", "vars", "breakpoint", "__builtins__",
                       "get_ipython"}
# imports that reach into the interpreter, the kernel or the grader, or run code unread
BLOCKED_IMPORTS = (*GRADER_MODULES, "ctypes", "_ctypes", "cffi", "importlib", "builtins", "pickle", "_pickle",
                   "marshal", "shelve", "dill", "cloudpickle", "joblib", "runpy", "IPython.core", "ipykernel",
                   "jupyter_client", "zmq", "comm", "_thread", "_posixsubprocess", "zipimport", "pkgutil", "imp", "site",
                   # they import by a name given as text, or run code given as text
                   "pydoc", "unittest", "mock", "logging.config", "code", "codeop", "doctest", "cProfile",
                   "profile", "trace", "pdb", "bdb")
# timeit's functions take code as text: read it as code, or refuse it if it is computed
CODE_TEXT_CALLS = {"timeit", "repeat", "Timer", "autorange"}
# attributes that reach the grader's frames and objects, or the tracing hooks, on any object
BLOCKED_ATTRIBUTES = {"settrace", "setprofile", "gettrace", "getprofile", "_getframe", "_current_frames",
                      "get_objects", "get_referrers", "get_referents", "f_back", "f_globals", "f_locals",
                      "f_builtins", "tb_frame", "gi_frame", "cr_frame", "ag_frame", "__dict__", "__globals__",
                      "__code__", "__closure__", "__builtins__", "__import__", "__getattribute__", "__subclasses__",
                      "__self__", "display_pub", "__loader__", "attrgetter", "methodcaller", "get_field"}
# on the sys module only (common words elsewhere)
BLOCKED_SYS_ATTRIBUTES = {"modules", "monitoring", "meta_path", "path_hooks", "audit", "addaudithook"}
# renaming a library object would hide it from the watch, which knows built-ins by their module's name
RENAMING = {"__module__", "__name__", "__qualname__", "__file__", "__spec__", "__class__"}
ATTRIBUTE_BUILTINS = {"getattr", "setattr", "delattr", "hasattr"}
# IPython turns magics into get_ipython().<method>(name, text): these are allowed, with
# their text read as Python where it is Python
MAGIC_METHODS = {"run_line_magic", "run_cell_magic", "system", "getoutput"}
PYTHON_MAGICS = {"time", "timeit", "capture", "prun"}
UNREADABLE_MAGICS = {"run", "load_ext", "reload_ext", "loadpy", "debug", "pdb"}


@dataclass(frozen=True)
class Finding:
    kind: str   # "grader" (charged) or "routine" (a mention only)
    what: str   # as the feedback names it


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


def _matches(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def bound_names(trees) -> set[str]:
    """Every name the student's code binds: assignments, definitions, parameters,
    imports, loop and with targets."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
    return names


def _import_findings(node) -> list[Finding]:
    found = []
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    else:
        module = node.module or ""
        if node.level:  # a relative import: a module beside the notebook
            return [Finding("grader", f"from {'.' * node.level}{module} import ...")]
        modules = [module] + [f"{module}.{a.name}" for a in node.names]
        names = {a.name for a in node.names}
        if module.split(".")[0] == "numpy" and names & {*ROUTINE_NAMES, "*"} or \
                module.split(".")[0] == "scipy" and names & {"signal", "ndimage", "*"}:
            found.append(Finding("routine", f"from {module} import {', '.join(sorted(names))}"))
    for module in modules[:1] if isinstance(node, ast.ImportFrom) else modules:
        if _matches(module, BLOCKED_IMPORTS):
            found.append(Finding("grader", f"import {module}"))
        elif _matches(module, ROUTINE_PACKAGES):
            found.append(Finding("routine", f"import {module}"))
    if isinstance(node, ast.ImportFrom):
        found += [Finding("grader", f"import {m}") for m in modules[1:] if _matches(m, BLOCKED_IMPORTS)]
        blocked = BLOCKED_ATTRIBUTES | (BLOCKED_SYS_ATTRIBUTES if node.module == "sys" else {"sys"})
        found += [Finding("grader", f"from {node.module} import {a.name}") for a in node.names if a.name in blocked]
    return found


def _is_sys(base: ast.expr, sys_names: set[str]) -> bool:
    return isinstance(base, ast.Name) and base.id in sys_names or isinstance(base, ast.Attribute) and base.attr == "sys"


def _attribute_findings(attr: str, base: ast.expr, store: bool, own: set[str],
                        sys_names: set[str] = frozenset({"sys"})) -> list[Finding]:
    if attr in BLOCKED_ATTRIBUTES or attr in BLOCKED_SYS_ATTRIBUTES and _is_sys(base, sys_names):
        return [Finding("grader", f".{attr}")]
    if attr == "sys" and not (isinstance(base, ast.Name) and base.id in own):  # os.sys: sys by another name
        return [Finding("grader", ".sys")]
    if store and attr in RENAMING and not (isinstance(base, ast.Name) and base.id in own):
        return [Finding("grader", f".{attr} = ...")]
    if attr in ROUTINE_NAMES:
        return [Finding("routine", f".{attr}")]
    return []


def _changed(node: ast.AST, parents: dict) -> bool:
    """Whether the expression `node` (sys.path) is assigned, or changed by a method."""
    parent = parents.get(id(node))
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return True
    if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, (ast.Store, ast.Del)):
        return True
    return isinstance(parent, ast.Attribute) and parent.attr in {"append", "insert", "extend", "remove", "pop",
                                                                   "clear", "__setitem__", "__iadd__"} or \
        isinstance(parent, ast.AugAssign)


def findings(source: str, bound: set[str] | None = None, own: set[str] | None = None) -> list[Finding]:
    """What one cell of the student's code does that the rules name. `bound` holds the
    names the student's code binds anywhere (builtins shadowed by them are the
    student's), `own` the functions and classes it defines."""
    tree = _python(source)
    if tree is None:
        return []  # a cell that does not parse does not run either
    bound = bound_names([tree]) if bound is None else bound
    own = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))} if own is None else own
    found: list[Finding] = []
    allowed_callers = set()
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        # `%timeit f(x)` is get_ipython().run_line_magic('timeit', 'f(x)'), `!ls` is
        # get_ipython().system('ls'): allowed, and a magic's Python text is checked too
        # the course's own idiom (notebooks 08-10): own_or_earlier(globals(), "conv2d", ...)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "own_or_earlier" and \
                node.args and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name) and \
                node.args[0].func.id == "globals" and not node.args[0].args and not node.keywords and \
                all(isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.isidentifier() and
                    not a.value.startswith("_") for a in node.args[1:]):
            allowed_callers.add(id(node.args[0].func))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in MAGIC_METHODS and isinstance(node.func.value, ast.Call) and \
                isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "get_ipython":
            allowed_callers.add(id(node.func.value.func))
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.attr.endswith("magic") and texts:
                magic = texts[0]
                if magic in UNREADABLE_MAGICS:
                    found.append(Finding("grader", f"%{magic}"))
                elif magic in PYTHON_MAGICS:
                    for text in texts[1:]:
                        found += findings(text, bound, own)
    # names the sys module goes by here: `import sys as s`, `s = sys`
    sys_names = {"sys"} | {a.asname for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
                           if a.name == "sys" and a.asname} | \
        {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and
         n.value.id == "sys" for t in n.targets if isinstance(t, ast.Name)}
    timeit_modules = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
                      if a.name == "timeit"}
    timeit_functions = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and
                        n.module == "timeit" for a in n.names if a.name in CODE_TEXT_CALLS}
    in_function = {id(inner) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                            ast.Lambda))
                   for inner in ast.walk(node) if inner is not node}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id not in bound and id(node) not in allowed_callers and (
                    node.id in UNREADABLE_BUILTINS or node.id == "locals" and id(node) not in in_function):
                found.append(Finding("grader", node.id))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in BLOCKED_ATTRIBUTES:
            # an attribute's name as data, for attrgetter, a dict lookup, ...
            found.append(Finding("grader", repr(node.value)))
        elif isinstance(node, ast.Attribute):
            found += _attribute_findings(node.attr, node.value, isinstance(node.ctx, ast.Store), own, sys_names)
            if node.attr == "path" and _is_sys(node.value, sys_names) and _changed(node, parents):
                found.append(Finding("grader", "a change to sys.path"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += _import_findings(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ATTRIBUTE_BUILTINS and node.func.id not in bound and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found += _attribute_findings(name.value, node.args[0], node.func.id == "setattr", own, sys_names)
            else:
                found.append(Finding("grader", f"{node.func.id} with a computed name"))
        elif isinstance(node, ast.Call) and (
                isinstance(node.func, ast.Attribute) and node.func.attr in CODE_TEXT_CALLS and
                isinstance(node.func.value, ast.Name) and node.func.value.id in timeit_modules or
                isinstance(node.func, ast.Name) and node.func.id in timeit_functions):
            # a function of the student's, a lambda or a library callable is code the check reads
            texts = [a for a in [*node.args[:2], *(k.value for k in node.keywords if k.arg in ("stmt", "setup"))]
                     if not (isinstance(a, ast.Lambda) or isinstance(a, ast.Name) and a.id in own or
                             isinstance(a, ast.Attribute))]
            for text in texts:
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    found += findings(text.value, bound, own)
                elif not isinstance(text, ast.Constant):
                    found.append(Finding("grader", f"{getattr(node.func, 'attr', getattr(node.func, 'id', ''))} "
                                                   "with code as computed text"))
        elif isinstance(node, ast.keyword) and node.arg == "allow_pickle" and \
                not (isinstance(node.value, ast.Constant) and node.value.value is False):
            found.append(Finding("grader", "allow_pickle (unpickling runs code)"))
    return found


def cell_findings(sources: list[str]) -> list[list[Finding]]:
    """The findings of each cell, in order, judged with the names bound across all of
    the student's cells."""
    trees = [t for t in map(_python, sources) if t is not None]
    bound = bound_names(trees)
    own = {n.name for t in trees for n in ast.walk(t) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return [findings(source, bound, own) for source in sources]


def student_code_findings(sources: list[str]) -> list[str]:
    """Everything the rules name in the student's cells, both kinds, in order, without
    repeats."""
    seen: list[str] = []
    for cell in cell_findings(sources):
        for item in cell:
            if item.what not in seen:
                seen.append(item.what)
    return seen
