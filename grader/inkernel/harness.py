"""In-kernel side of hidden tests, inside the sandbox.

The runner imports this module when the kernel starts, before any of the notebook's
code, so the library functions it keeps below are the originals whatever a notebook
later rebinds. A test cell's hidden block becomes `__import__("harness").harvest("conv1d",
conv1d)` (no name of the notebook's is bound to this module): it calls the function on
every hidden case's inputs (read from CASES_DIR) and publishes what came back (arrays,
or the exception's type name) as one output of that very cell, of type MIME. The runner
records the cell's outputs as they arrive, so code in later cells cannot change them.

Each call runs under watch.Watch, which records every forbidden routine it used; the
student's result is turned into numbers inside that same watch, so code the result
brings along (a custom __array__, say) is watched too. Before the cases run, processes
the notebook left running are ended, and a thread the notebook started that is still
running counts against the call (work handed to either would escape the watch).
Verdicts are made outside, by the grader: the expected values never enter the sandbox,
and a cell with more than one result for a function scores 0.
"""
import os
import sys
from base64 import b64encode
from contextlib import redirect_stderr, redirect_stdout
from io import BytesIO, StringIO
from json import load as json_load
from signal import SIGKILL
from threading import Thread, Timer, _active as _threads
from warnings import catch_warnings, simplefilter

from numpy import array as np_array, array_equal, errstate, float64, load as np_load, ndarray, savez

from adapters import ADAPTERS
from forbidden import THREAD_RUNNING
from linecount import is_library
from protocol import MIME
from signals import Field, Signal
from watch import Watch

CASES_DIR = os.environ.get("HARNESS_CASES", "/harness-cases")
MAX_RESULT_BYTES = 64 * 2**20
_type_name = type.__dict__["__name__"].__get__  # a class's own name, whatever its metaclass says
_current_frames, _getpid, _kill, _listdir = sys._current_frames, os.getpid, os.kill, os.listdir
_KERNEL_THREADS = set(_current_frames())  # the kernel's own threads: completed when the first cell starts


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


_publish = _in_kernel()


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
                _kill(pid, SIGKILL)
            except OSError:
                pass


def _notebook_threads():
    """Whether a thread started after the kernel's own could run the notebook's work: one
    started without the threading module, a thread of the notebook's own class, or a
    plain Thread or Timer running a given function (a pool's worker, say). Libraries'
    own thread classes (zmq's garbage collector, started when large outputs are sent)
    are left alone."""
    for ident in _current_frames():
        if ident in _KERNEL_THREADS:
            continue
        thread = _threads.get(ident)
        if thread is None or isinstance(thread, Timer):
            return True
        run = type(thread).run
        if run is Thread.run:
            if getattr(thread, "_target", None) is not None:
                return True
        elif not is_library(getattr(getattr(run, "__code__", None), "co_filename", "<unknown>")):
            return True
    return False


def _graded(func, args, kwargs, adapt):
    """The graded call and the conversion of its result, both under watch."""
    value = func(*args, **kwargs)
    kind = _type_name(type(value))
    try:
        if adapt:
            value = ADAPTERS[adapt](value)
        numbers = np_array(value, dtype=float64, subok=False)
        if numbers.nbytes > MAX_RESULT_BYTES:
            raise ValueError("too large")
    except Exception:  # noqa: BLE001 - not numbers: judged outside as such
        numbers = None
    return kind, numbers


def harvest(name, func):
    """Call `func` on every hidden case of `name` and record what it returns."""
    with open(os.path.join(CASES_DIR, f"{name}.json")) as fh:
        spec = json_load(fh)
    arrays = np_load(os.path.join(CASES_DIR, f"{name}.npz"), allow_pickle=False)
    end_other_processes()
    records, outputs = [], {}
    for i, case in enumerate(spec["cases"]):
        args = [_decode(a, arrays) for a in case["args"]]
        kwargs = {k: _decode(v, arrays) for k, v in case["kwargs"].items()}
        before = [a.copy() if isinstance(a, ndarray) else None for a in args]
        record, watch = {}, Watch(count_lines=bool(spec.get("count_lines")))
        threads = _notebook_threads()
        try:
            sink = StringIO()
            with redirect_stdout(sink), redirect_stderr(sink), errstate(all="ignore"), catch_warnings():
                simplefilter("ignore")
                kind, numbers = watch.call(_graded, (func, args, kwargs, spec.get("adapt")), {})
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: it is the student's
            record["raised"] = _type_name(type(exc))
        else:
            record["type"] = kind
            if numbers is None:
                record["not_numbers"] = True
            else:
                outputs[f"case{i}"] = numbers
        used = watch.used + ([THREAD_RUNNING] if threads or _notebook_threads() else [])
        if used:
            record["used"] = used
        if watch.count_lines:
            record["lines"] = watch.lines
        record["modified"] = any(b is not None and not array_equal(b, a) for b, a in zip(before, args))
        record["calls"] = sum(a.calls for a in args if isinstance(a, (Signal, Field)))
        records.append(record)
    buffer = BytesIO()
    savez(buffer, **outputs)
    payload = {"name": name, "records": records, "npz": b64encode(buffer.getvalue()).decode()}
    _publish({MIME: payload, "text/plain": f"{name}: ran {len(records)} hidden cases "
                                           "(checked by the grader after the run)"})
