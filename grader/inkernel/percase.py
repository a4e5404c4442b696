"""One hidden case, run once, as data: the same code in the sandbox (harness.py) and in
the grader's own process (grader/hidden/core.py, for nbval and the tests), so that both
judge exactly what autograding judges.

`run_one` calls a graded function quietly (prints, warnings and numpy's floating-point
warnings silenced) under watch (watch.py), converts its result to numbers inside the same
watch, and returns a record of plain data: what it raised, or its type and whether it
was numbers; the forbidden routines it used; the lines it ran; whether it changed an
input array; how often it called a callable input. The grader judges records the same
way wherever they come from (grader/hidden/core.outcome_from_record).
"""
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from warnings import catch_warnings, simplefilter

from numpy import array as np_array, errstate, float64, generic, ndarray, number

try:  # as grader.inkernel.percase in the grader's process
    from .adapters import ADAPTERS
    from .function_inputs import Field, Signal
    from .watch import Watch
except ImportError:  # beside the harness in the sandbox, where this folder is on the path
    from adapters import ADAPTERS
    from function_inputs import Field, Signal
    from watch import Watch

MAX_RESULT_BYTES = 64 * 2**20
# C-level read: a class of the notebook's cannot answer it with its own code
_type_name = type.__dict__["__name__"].__get__


def as_numbers(value):
    """A float64 copy of a result that is numbers (an array of booleans, integers or
    floats; a number; a list or tuple of them), else None. A plain copy: an ndarray
    subclass does not bring its own arithmetic."""
    if isinstance(value, ndarray):
        if value.dtype.kind not in "biuf":
            return None
    elif not isinstance(value, (list, tuple, int, float, number, generic)):
        return None
    try:
        numbers = np_array(value, dtype=float64, subok=False)
    except (TypeError, ValueError):
        return None
    return numbers if numbers.nbytes <= MAX_RESULT_BYTES else None


def _graded(func, args, kwargs, adapt):
    """The graded call and the conversion of its result, both under watch."""
    value = func(*args, **kwargs)
    kind = _type_name(type(value))
    try:
        return kind, as_numbers(ADAPTERS[adapt](value) if adapt else value)
    except Exception:  # noqa: BLE001 - not of the adapter's form: not numbers
        return kind, None


def _unchanged(before, after):
    """An input array as it was given (C-level comparisons only)."""
    return type(after) is ndarray and before.shape == after.shape and before.dtype == after.dtype and \
        before.tobytes() == after.tobytes()


def run_one(func, args, kwargs, adapt=None, count_lines=False):
    """(record, numbers) for one call of `func` on `args`, `kwargs` (which it may change:
    pass copies). `adapt` names a converter of adapters.py; `count_lines` counts the
    lines of non-library Python the call runs."""
    before = [a.copy() if isinstance(a, ndarray) else None for a in args]
    record, watch, numbers = {}, Watch(count_lines), None
    try:
        sink = StringIO()
        with redirect_stdout(sink), redirect_stderr(sink), errstate(all="ignore"), catch_warnings():
            simplefilter("ignore")
            kind, numbers = watch.call(_graded, (func, args, kwargs, adapt), {})
    except KeyboardInterrupt:  # the cell's time is up: not the student's answer
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit included: it is the student's
        record["raised"] = _type_name(type(exc))
    else:
        record["type"] = kind
        if numbers is None:
            record["not_numbers"] = True
    if watch.used:
        record["used"] = list(watch.used)
    if count_lines:
        record["lines"] = watch.lines
    record["modified"] = any(b is not None and not _unchanged(b, a) for b, a in zip(before, args))
    record["calls"] = sum(a.calls for a in args if type(a) in (Signal, Field))
    return record, numbers
