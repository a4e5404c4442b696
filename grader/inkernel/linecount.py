"""Where a code object comes from: the Python installation, or the student's own code.

"No Python loop over output positions" (conv2d_fast, im2col) is checked by counting,
not by timing: a loop over the 1,152 output positions of a hidden case runs thousands of
lines of the student's own code, a loop over the kernel's taps a few dozen. Library code
(numpy, the standard library: everything under the Python installation) is not counted;
the notebook's code and `convcourse` are. Paths are compared after resolving symbolic
links on both sides: a venv or a checkout reached through a linked folder reports its
code under the linked path. Used by the watch of graded calls (watch.py), alike in the
sandbox and in the grader's own process.
"""
import os
import sys

_LIBRARY = tuple(sorted({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}))
_HERE = os.path.dirname(os.path.realpath(__file__)) + os.sep
# the folders imports are found in, longest first: a library file's module name is its
# path below one of them
_IMPORT_ROOTS = tuple(sorted({os.path.realpath(p) + os.sep for p in sys.path
                              if p and os.path.realpath(p).startswith(_LIBRARY)}, key=len, reverse=True))
TAMPERED = 10**9  # the count reported when the function switched the counter off

_real = {}


def real_path(filename):
    """`filename` with symbolic links resolved (cached: code objects repeat)."""
    path = _real.get(filename)
    if path is None:
        path = _real[filename] = filename if filename.startswith("<") else os.path.realpath(filename)
    return path


def is_library(filename):
    """True for the Python installation's code and the grader's own (not counted)."""
    if filename.startswith("<frozen"):
        return True
    path = real_path(filename)
    return path.startswith(_LIBRARY) or path.startswith(_HERE)


def module_of(filename):
    """The dotted module name of a library file ("numpy._core.numeric"), or None for
    code outside the Python installation."""
    if filename.startswith("<frozen "):
        return filename[len("<frozen "):-1]
    path = real_path(filename)
    for root in _IMPORT_ROOTS:
        if path.startswith(root):
            name = path[len(root):]
            name = name[:-3] if name.endswith(".py") else name
            name = name.replace(os.sep, ".")
            return name[:-len(".__init__")] if name.endswith(".__init__") else name
    return None


def line_tracer():
    """(a trace function for sys.settrace, a function returning the lines it counted)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def start(frame, event, arg):
        return None if is_library(frame.f_code.co_filename) else local

    return start, lambda: count
