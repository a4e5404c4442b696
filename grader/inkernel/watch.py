"""Watch one graded call: which routines it used, and how many lines of its own it ran.

A profile hook (sys.setprofile) sees every Python function and every built-in called in
the calling thread while the graded function runs, however it was bound: an alias, a
default argument, a closure, getattr, a helper in another cell. Each is judged once by
where it comes from (forbidden.py): a Python function by the file of its code, a built-in
by its module. What the notebook does outside graded calls is not watched at all.

The hook only records; it never raises into the student's code. After the call it must
still be the installed hook, or the call counts as having switched it off.
"""
from sys import getprofile, gettrace, setprofile, settrace
from types import ModuleType as _Module

try:  # as grader.inkernel.watch in the grader's process
    from .forbidden import PUBLIC_NAMES, ROUTINE_FUNCTIONS, ROUTINE_PACKAGES, UNWATCHED_NAMES
    from .linecount import TAMPERED, is_library, line_tracer, module_of
except ImportError:  # beside the harness in the sandbox, where this folder is on the path
    from forbidden import PUBLIC_NAMES, ROUTINE_FUNCTIONS, ROUTINE_PACKAGES, UNWATCHED_NAMES
    from linecount import TAMPERED, is_library, line_tracer, module_of

SWITCHED_OFF = "sys.setprofile"  # recorded when the hook was not in place after the call
_ROUTINES = {f"{m}.{n}" for m, names in ROUTINE_FUNCTIONS.items() for n in names}
_CODE, _BUILTIN = {}, {}  # verdicts: id(code) -> (code, verdict); builtin key -> verdict


def verdict(module, name):
    """The name to record if a graded function calls module.name, or "" if allowed."""
    if not module:
        return ""
    full = f"{module}.{name}"
    if full in UNWATCHED_NAMES:
        return full
    if full in _ROUTINES:
        return PUBLIC_NAMES.get(full, full)
    if name != "<module>" and any(module == p or module.startswith(p + ".") for p in ROUTINE_PACKAGES):
        return full
    return ""


def _code_verdict(code):
    hit = _CODE.get(id(code))
    if hit is None:
        filename = code.co_filename
        found = verdict(module_of(filename), code.co_qualname) if is_library(filename) else ""
        hit = _CODE[id(code)] = (code, found)  # the code object kept: its id stays its own
    return hit[1]


_class_module = type.__dict__["__module__"].__get__  # a class's own, whatever its metaclass says


def _builtin_verdict(func):
    # only C-level attributes are read here: student code run from inside the hook would
    # not be watched (a metaclass's __module__, an object's __class__)
    owner = func.__self__
    if owner is None or type(owner) is _Module:
        key, keep = id(func), func
        module = func.__module__
    else:  # a method of an object: judged by its type
        key, keep = (type(owner), func.__name__), None
        module = _class_module(type(owner))
    hit = _BUILTIN.get(key)
    if hit is None:
        name = func.__name__
        found = verdict(module if isinstance(module, str) else None, name)
        hit = _BUILTIN[key] = (keep, found)
    return hit[1]


class Watch:
    """Call a graded function once under watch: `call` returns what it returns (an
    exception passes through); then `used` lists what it must not have called (first
    ones, without repeats) and `lines` the lines of non-library Python it ran."""

    def __init__(self, count_lines=False):
        self.count_lines = count_lines
        self.used = []
        self.lines = 0

    def _note(self, what):
        if what not in self.used and len(self.used) < 5:
            self.used.append(what)

    def call(self, func, args, kwargs):
        note, own = self._note, Watch.call.__code__

        def hook(frame, event, arg):
            if event == "call":
                found = _code_verdict(frame.f_code)
            elif event == "c_call" and frame.f_code is not own:
                found = _builtin_verdict(arg)
            else:
                return
            if found:
                note(found)

        tracer, counted = line_tracer() if self.count_lines else (None, None)
        previous_trace, previous_profile = gettrace(), getprofile()
        if tracer is not None:
            settrace(tracer)
        setprofile(hook)
        try:
            return func(*args, **kwargs)
        finally:
            intact = getprofile() is hook
            setprofile(previous_profile)
            if tracer is not None:
                traced = gettrace() is tracer
                settrace(previous_trace)
                self.lines = counted() if traced else TAMPERED
            if not intact:
                note(SWITCHED_OFF)
