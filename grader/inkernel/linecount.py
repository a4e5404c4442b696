"""Where a code object comes from: the Python installation, or the student's own code.

"No Python loop over output positions" (conv2d_fast, im2col) is checked by counting,
not by timing: a loop over the 1,152 output positions of a hidden case runs thousands of
lines of the student's own code, a loop over the kernel's taps a few dozen. Library code
(numpy, the standard library: everything under the Python installation) is not counted;
the notebook's code and `convcourse` are. Paths are compared with the installation's
folders as Python was started with them and as they are after resolving symbolic links:
a venv or a checkout reached through a linked folder reports its code under the linked
path, and a .pth may add a resolved one. Nothing is resolved while a graded function
runs, so no library function is called then (a notebook could have replaced it). Used by
the watch of graded calls (watch.py), alike in the sandbox and in the grader's process.
"""
import os
import sys


def _both(paths):
    """Each folder as given and resolved, with a trailing separator."""
    return {os.path.abspath(p) + os.sep for p in paths} | {os.path.realpath(p) + os.sep for p in paths}


_LIBRARY = tuple(sorted(_both([sys.prefix, sys.base_prefix, sys.exec_prefix])))
_HERE = tuple(sorted(_both([os.path.dirname(os.path.abspath(__file__))])))
# the folders imports are found in, longest first: a library file's module name is its
# path below one of them
_IMPORT_ROOTS = tuple(sorted((root for root in _both([p for p in sys.path if p]) if root.startswith(_LIBRARY)),
                             key=len, reverse=True))
TAMPERED = 10**9  # the count reported when the function switched the counter off
_SEP = os.sep


def is_library(filename):
    """True for the Python installation's code and the grader's own (not counted)."""
    return filename.startswith("<frozen") or filename.startswith(_LIBRARY) or filename.startswith(_HERE)


def module_of(filename):
    """The dotted module name of a library file ("numpy._core.numeric"), or None for
    code outside the Python installation."""
    if filename.startswith("<frozen "):
        return filename[len("<frozen "):-1]
    for root in _IMPORT_ROOTS:
        if filename.startswith(root):
            name = filename[len(root):]
            name = name[:-3] if name.endswith(".py") else name
            name = name.replace(_SEP, ".")
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
