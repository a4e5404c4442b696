"""In-kernel side of hidden tests, inside the sandbox.

The runner imports this module when the kernel starts, before any of the notebook's
code. It then takes the hidden cases' inputs from the file the runner left (and deletes
it: the notebook never sees them, so it cannot compute answers for them elsewhere), and
notes the library as it is: every function, class and module of the modules loaded so
far. A test cell's hidden block becomes `__import__("harness").harvest("conv1d",
conv1d)` (no name of the notebook's is bound to this module): it calls the function on
every hidden case and publishes what came back (arrays, or the exception's type name) as
one output of that very cell, of type MIME. The runner records the cell's outputs as
they arrive, so code in later cells cannot change them.

While a harvest runs, the library is put back as it was noted (a notebook that replaced
json.dumps or numpy.savez cannot rewrite the results on their way out), garbage
collection and the notebook's signal handlers are paused (they would run its code at
odd moments), and processes the notebook left are ended. Each case runs through
percase.run_one, as in the grader's own process: under watch.Watch, which records every
forbidden routine the call used, with the result turned into numbers inside that same
watch (code the result brings along, a custom __array__ say, is watched too). A thread
the notebook started that is still running counts against the call: work handed to it
would escape the watch. Verdicts are made outside, by the grader: the expected values
never enter the sandbox, and a cell with more than one result for a function scores 0.
"""
import builtins
import gc
import os
import sys
from base64 import b64decode, b64encode
from io import BytesIO
from json import loads as json_loads
from threading import Thread, Timer, _active as _threads
from types import FunctionType, ModuleType

import _signal
from numpy import load as np_load, savez

from forbidden import THREAD_RUNNING
from linecount import is_library
from percase import run_one
from protocol import CASES_ENV, MIME
from function_inputs import Field, Signal

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class whose attributes can be replaced
# C-level reads: a class of the notebook's cannot answer these with its own code
_mro, _class_dict = type.__dict__["__mro__"].__get__, type.__dict__["__dict__"].__get__
_flags = type.__dict__["__flags__"].__get__
_instance_dict = Thread.__dict__["__dict__"].__get__
_current_frames, _getpid, _kill, _listdir = sys._current_frames, os.getpid, os.kill, os.listdir
_KERNEL_THREADS = set(_current_frames())  # the kernel's own threads: completed when the first cell starts


def _take_cases():
    """{name: (spec, npz bytes)} from the file the runner left, which is then deleted."""
    path = os.environ.pop(CASES_ENV, None)
    if not path:
        return {}
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    finally:
        if os.path.lexists(path):
            os.unlink(path)
    return load_cases(data)


def load_cases(data):
    """Parse what grader/hidden/wire.cases_for packed."""
    return {name: (entry["spec"], b64decode(entry["npz"])) for name, entry in json_loads(data or b"{}").items()}


def _code_like(value):
    """Functions, methods and descriptors, classes and modules: what a replacement would
    make run other code. Data (counters, caches, singletons) is left alone. Only C-level
    reads: no code of the object's own runs (a lazy module's, a notebook's class's)."""
    kind = type(value)
    return callable(value) or issubclass(kind, (type, ModuleType)) or \
        any("__get__" in _class_dict(k) for k in _mro(kind))


def _library_state():
    """[(namespace, {name: value}, names)]: the code-like attributes of every library
    module loaded now, and of the replaceable classes defined in them, with the names
    each had."""
    state, classes = [], set()  # (classes: each noted once)
    for name, module in list(sys.modules.items()):
        if type(module) is not ModuleType or name == "__main__":
            continue
        namespace = module.__dict__
        filename = namespace.get("__file__")
        if isinstance(filename, str) and not is_library(filename):
            continue
        kept = {k: v for k, v in list(namespace.items()) if _code_like(v)}
        state.append((namespace, kept, frozenset(namespace)))
        for value in kept.values():
            if issubclass(type(value), type) and _flags(value) & _HEAP_TYPE and value not in classes and \
                    _class_dict(value).get("__module__") == name:
                classes.add(value)
                members = _class_dict(value)
                state.append((value, {k: v for k, v in members.items() if _code_like(v)}, frozenset(members)))
    return state


def _restore_library(undo):
    """Put every noted library attribute back as it was noted; `undo` collects what the
    notebook had there (first value only), for _put_back. Names the notebook added are
    taken away where they would shadow something: a class attribute over an inherited
    one, a module global over a builtin."""
    for owner, kept, names in _LIBRARY:
        is_class = type(owner) is not dict
        current = _class_dict(owner) if is_class else owner
        for key, value in kept.items():
            now = current.get(key, _MISSING)
            if now is not value:
                undo.setdefault((id(owner), key), (owner, key, now))
                if is_class:
                    type.__setattr__(owner, key, value)
                else:
                    owner[key] = value
        if len(current) != len(names):
            for key in [k for k in current if k not in names and (k in _BUILTIN_NAMES if not is_class else
                                                                    _code_like(current[k]))]:
                undo.setdefault((id(owner), key), (owner, key, current[key]))
                if is_class:
                    type.__delattr__(owner, key)
                else:
                    del owner[key]


def _put_back(undo):
    """The notebook's own replacements again, after a harvest."""
    for owner, key, value in undo.values():
        is_class = type(owner) is not dict
        if value is _MISSING:
            if is_class:
                if key in _class_dict(owner):
                    type.__delattr__(owner, key)
            else:
                owner.pop(key, None)
        elif is_class:
            type.__setattr__(owner, key, value)
        else:
            owner[key] = value


def _quiet_signals():
    """The notebook's signal handlers, replaced (SIGINT keeps interrupting); returns them."""
    saved = {}
    for signum in _signal.valid_signals():
        try:
            handler = _signal.getsignal(signum)
        except (OSError, ValueError):
            continue
        if callable(handler) and handler is not _signal.default_int_handler:
            saved[signum] = handler
            _signal.signal(signum, _signal.default_int_handler if signum == _signal.SIGINT else _signal.SIG_IGN)
    return saved


def _in_kernel():
    """The kernel's own display publisher, bound now; the kernel's threads noted when the
    notebook's first cell starts (the kernel starts some after this import); and no
    import from the working folder: a module the notebook wrote beside itself would be
    code that no check has read (the notebook imports installed packages only)."""
    from IPython import get_ipython
    shell = get_ipython()
    if shell is None:  # outside a kernel (tests of this module)
        from IPython.display import publish_display_data
        return publish_display_data
    here = os.path.realpath(os.getcwd())
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.realpath(p) != here]

    def first_cell(*args):
        _KERNEL_THREADS.update(_current_frames())
        shell.events.unregister("pre_run_cell", first_cell)

    shell.events.register("pre_run_cell", first_cell)
    return shell.display_pub.publish


_MISSING = object()
_BUILTIN_NAMES = frozenset(vars(builtins))
_publish = _in_kernel()
_CASES = _take_cases()
_LIBRARY = _library_state()


def _decode(value, arrays):
    if isinstance(value, dict) and "array" in value:
        return arrays[value["array"]].copy()
    if isinstance(value, dict) and "signal" in value:
        return Signal(value["signal"], value["params"])
    if isinstance(value, dict) and "field" in value:
        return Field(value["field"], value["weights"])
    if isinstance(value, dict) and "tuple" in value:
        return tuple(_decode(v, arrays) for v in value["tuple"])
    if isinstance(value, dict) and "list" in value:
        return [_decode(v, arrays) for v in value["list"]]
    if isinstance(value, dict) and "dict" in value:
        return {k: _decode(v, arrays) for k, v in value["dict"].items()}
    return value


def _parent(pid):
    with open(f"/proc/{pid}/stat", "rb") as fh:
        return int(fh.read().rsplit(b")", 1)[1].split()[1])


def end_other_processes():
    """End every process in the sandbox but this kernel and its ancestors (the runner and
    bubblewrap's init): whatever the notebook started, a server computing results out of
    the watch's sight included. Only inside the sandbox's own process namespace."""
    try:
        with open("/proc/1/cmdline", "rb") as fh:
            if not fh.read().startswith(b"bwrap"):
                return
        keep, pid = {1}, _getpid()
        while pid > 1:
            keep.add(pid)
            pid = _parent(pid)
    except (OSError, ValueError, IndexError):
        return
    for _ in range(50):  # a process that forks as it dies gets another round
        others = [int(p) for p in _listdir("/proc") if p.isdigit() and int(p) not in keep]
        if not others:
            return
        for pid in others:
            try:
                _kill(pid, 9)
            except OSError:
                pass




def _notebook_threads():
    """Whether a thread started after the kernel's own could run the notebook's work: one
    started without the threading module, a Timer, a thread whose run() is not library
    code, or one whose run() is Thread.run with a target (a pool's worker, the notebook's
    function). Libraries' own threads (zmq's garbage collector, started when large
    outputs are sent) are left alone."""
    for ident in _current_frames():
        if ident in _KERNEL_THREADS:
            continue
        thread = _threads.get(ident)
        if thread is None or issubclass(type(thread), Timer):
            return True
        run = next(_class_dict(k)["run"] for k in _mro(type(thread)) if "run" in _class_dict(k))
        if run is Thread.run:
            if _instance_dict(thread).get("_target") is not None:
                return True
        elif type(run) is not FunctionType or not is_library(run.__code__.co_filename):
            return True
    return False


def harvest(name, func):
    """Call `func` on every hidden case of `name` and record what it returns."""
    if name not in _CASES:
        raise RuntimeError(f"the grader gave no hidden cases for {name}")
    collecting = gc.isenabled()
    gc.disable()
    handlers, undo = _quiet_signals(), {}
    try:
        _restore_library(undo)
        end_other_processes()
        _run_cases(name, func, *_CASES[name])
    finally:
        _put_back(undo)
        for signum, handler in handlers.items():
            _signal.signal(signum, handler)
        if collecting:
            gc.enable()


def _run_cases(name, func, spec, npz):
    arrays = np_load(BytesIO(npz), allow_pickle=False)
    cases = [([_decode(a, arrays) for a in case["args"]], {k: _decode(v, arrays) for k, v in case["kwargs"].items()})
             for case in spec["cases"]]
    records, outputs = [], {}
    for i, (args, kwargs) in enumerate(cases):
        threads = _notebook_threads()
        record, numbers = run_one(func, args, kwargs, spec.get("adapt"), bool(spec.get("count_lines")))
        if threads or _notebook_threads():
            record["used"] = record.get("used", []) + [THREAD_RUNNING]
        if numbers is not None:
            outputs[f"case{i}"] = numbers
        records.append(record)
    _restore_library({})  # what the graded calls replaced goes too (the notebook's own comes back after)
    buffer = BytesIO()
    savez(buffer, **outputs)
    payload = {"name": name, "records": records, "npz": b64encode(buffer.getvalue()).decode()}
    _publish({MIME: payload, "text/plain": f"{name}: ran {len(records)} hidden cases "
                                           "(checked by the grader after the run)"})
