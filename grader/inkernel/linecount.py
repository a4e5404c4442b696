"""Count the lines of Python a graded function runs, outside the Python installation.

"No Python loop over output positions" (conv2d_fast, im2col) is checked by counting,
not by timing: a loop over the 1,152 output positions of a hidden case runs thousands of
lines of the student's own code, a loop over the kernel's taps a few dozen. Library code
(numpy, the standard library: everything under the Python installation) is not counted;
the notebook's code and `convcourse` are. Used alike by the harness in the sandbox and by
the grader's in-process checks.
"""
import os
import sys

_LIBRARY = tuple(sorted({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}))
_HERE = os.path.dirname(os.path.realpath(__file__)) + os.sep
TAMPERED = 10**9  # the count reported when the function switched the counter off


def call_counting_lines(func, args, kwargs):
    """(func(*args, **kwargs), lines of non-library Python it ran). An exception passes
    through, after the counter is switched off."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def start(frame, event, arg):
        name = frame.f_code.co_filename
        if name.startswith(_LIBRARY) or name.startswith(_HERE) or name.startswith("<frozen"):
            return None
        return local

    previous = sys.gettrace()
    sys.settrace(start)
    try:
        result = func(*args, **kwargs)
    finally:
        intact = sys.gettrace() is start
        sys.settrace(previous)
    return result, (count if intact else TAMPERED)
