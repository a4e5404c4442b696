"""In-kernel side of hidden tests, inside the sandbox.

A test cell's hidden block becomes `harvest("conv1d", conv1d)`: it calls the function on
every hidden case's inputs (read from CASES_DIR) and publishes what came back (arrays,
or the exception's type name) as one output of that very cell, of type MIME. The runner
records the cell's outputs as they arrive, so code in later cells cannot change them.
While the student's function runs, the routines the curriculum forbids in graded
functions fail loudly. Student code can still tamper with all of this in the cell
itself, but only with its own results: the expected values never enter the sandbox,
the verdicts are made outside by the grader, and a cell with more than one result for
a function scores 0.
"""
import base64
import contextlib
import importlib.abc
import io
import json
import os
import sys
import warnings

import numpy as np

from adapters import ADAPTERS
from linecount import call_counting_lines
from protocol import MIME
from signals import Field, Signal

CASES_DIR = os.environ.get("HARNESS_CASES", "/harness-cases")
BLOCKED_MODULES = ("scipy.signal", "scipy.ndimage", "torch", "tensorflow", "jax", "cv2", "skimage",
                   "grader")
MAX_RESULT_BYTES = 64 * 2**20


class ForbiddenRoutine(RuntimeError):
    pass


def _forbidden(name):
    def blocked(*args, **kwargs):
        raise ForbiddenRoutine(f"{name} is not available while grading: graded functions must "
                               "be written with numpy arithmetic")
    blocked.__name__ = name.rsplit(".", 1)[-1]
    return blocked


class _BlockImports(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == m or fullname.startswith(m + ".") for m in BLOCKED_MODULES):
            raise ImportError(f"{fullname} is not available while grading")
        return None


FORBIDDEN = {
    "numpy": ("convolve", "correlate", "polymul"),
    "numpy.polynomial.polynomial": ("polymul", "polyval"),
    "scipy.signal": ("convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve", "oaconvolve"),
    "scipy.ndimage": ("convolve", "correlate", "convolve1d", "correlate1d", "gaussian_filter",
                      "uniform_filter", "maximum_filter", "minimum_filter"),
}


@contextlib.contextmanager
def tripwires():
    """Forbidden routines raise, and forbidden modules cannot be imported, inside."""
    saved = []
    for module_name, names in FORBIDDEN.items():
        module = sys.modules.get(module_name)
        for name in names if module is not None else ():
            if hasattr(module, name):
                saved.append((module, name, getattr(module, name)))
                setattr(module, name, _forbidden(f"{module_name}.{name}"))
    blocker = _BlockImports()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        for module, name, original in saved:
            setattr(module, name, original)


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


def harvest(name, func):
    """Call `func` on every hidden case of `name` and record what it returns."""
    with open(os.path.join(CASES_DIR, f"{name}.json")) as fh:
        spec = json.load(fh)
    arrays = np.load(os.path.join(CASES_DIR, f"{name}.npz"), allow_pickle=False)
    records, outputs = [], {}
    for i, case in enumerate(spec["cases"]):
        args = [_decode(a, arrays) for a in case["args"]]
        kwargs = {k: _decode(v, arrays) for k, v in case["kwargs"].items()}
        before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
        record = {}
        try:
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                    np.errstate(all="ignore"), warnings.catch_warnings(), tripwires():
                warnings.simplefilter("ignore")
                if spec.get("count_lines"):
                    value, record["lines"] = call_counting_lines(func, args, kwargs)
                else:
                    value = func(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: it is the student's
            record["raised"] = type(exc).__name__
        else:
            record["type"] = type(value).__name__
            try:
                if spec.get("adapt"):
                    value = ADAPTERS[spec["adapt"]](value)
                arr = np.array(value, dtype=np.float64, subok=False)
                if arr.nbytes > MAX_RESULT_BYTES:
                    raise ValueError("too large")
                outputs[f"case{i}"] = arr
            except Exception:  # noqa: BLE001 - not numbers: judged outside as such
                record["not_numbers"] = True
        record["modified"] = any(b is not None and not np.array_equal(b, a) for b, a in zip(before, args))
        record["calls"] = sum(a.calls for a in args if isinstance(a, (Signal, Field)))
        records.append(record)
    buffer = io.BytesIO()
    np.savez(buffer, **outputs)
    payload = {"name": name, "records": records, "npz": base64.b64encode(buffer.getvalue()).decode()}
    from IPython.display import publish_display_data
    publish_display_data({MIME: payload, "text/plain": f"{name}: ran {len(records)} hidden cases "
                                                      "(checked by the grader after the run)"})
