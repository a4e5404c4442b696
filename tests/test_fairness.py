"""Fairness: a correct submission never loses a point for innocent code.

The opposite of the red team (tests/test_red_team.py): one class, graded once through the
real `python -m grader autograde` in its sandbox (the session's shared class, beside the
red team's attackers: tests/one_class.py), where every student has the model
answers plus one ordinary habit: comparing with numpy, scipy or torch in a scratch cell,
timing, plotting, helpers in other cells, print debugging, a notebook saved with outputs
or run out of order, and so on. Every one must keep full marks, with no problem
reported. Each kind stands alone, so a failure names the habit that cost points.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from grader import course, submissions
from grader.course import NOTEBOOKS
from grading import add_cell_after, add_cell_before, cell_index
from one_class import Enrolment, enrol

pytestmark = pytest.mark.sandbox

A1, A2, A4, A5, A8, A9 = ("01_signals_and_convolution", "02_image_convolution", "04_stride_and_padding",
                          "05_pooling", "08_backpropagation", "09_fast_convolution")


def solved(aid):
    return submissions.filled(aid)


def edited(aid, grade_id, old, new):
    """The model answers, with one solution cell's text changed (`old` must be in it)."""
    nb = solved(aid)
    cell = nb.cells[cell_index(nb, grade_id)]
    assert old in cell.source, (aid, grade_id, old)
    cell.source = cell.source.replace(old, new, 1)
    return nb


def after_docstring(aid, grade_id, code):
    """The model answers, with `code` (indented for a function body) first in the body of
    the function that cell defines, right after its docstring."""
    nb = solved(aid)
    cell = nb.cells[cell_index(nb, grade_id)]
    lines = cell.source.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("def ") and line.strip().endswith(":")) + 1
    assert lines[start].strip().startswith('"""')
    end = start if lines[start].count('"""') == 2 else next(i for i in range(start + 1, len(lines))
                                                             if '"""' in lines[i])
    cell.source = "\n".join(lines[:end + 1] + [code] + lines[end + 1:])
    return nb


# ---------------------------------------------------------------------------------------
# the habits: student id -> (assignment, notebook)

def scratch_numpy():
    nb = add_cell_after(solved(A1), "test_conv1d", (
        "# not graded: my conv1d against numpy's\n"
        "x, k = np.random.rand(20), np.random.rand(5)\n"
        "for mode in ('full', 'same', 'valid'):\n"
        "    print(mode, np.allclose(conv1d(x, k, mode), np.convolve(x, k, mode)))"))
    return add_cell_after(nb, "test_correlate1d",
                          "print(np.allclose(correlate1d(x, k), np.correlate(x, k, 'valid')))")


def scratch_scipy():
    return add_cell_after(solved(A2), "test_convolve2d", (
        "from scipy.signal import correlate2d as sp_correlate2d, convolve2d as sp_convolve2d\n"
        "img, ker = np.random.rand(8, 9), np.random.rand(3, 2)\n"
        "print(np.allclose(correlate2d(img, ker), sp_correlate2d(img, ker, mode='valid')))\n"
        "print(np.allclose(convolve2d(img, ker), sp_convolve2d(img, ker, mode='valid')))"))


def scratch_gaussian():
    return add_cell_after(solved(A2), "test_gaussian_kernel", (
        "import scipy.signal\n"
        "g = scipy.signal.windows.gaussian(5, std=1.0)\n"
        "print(np.allclose(gaussian_kernel(5, 1.0), np.outer(g, g) / np.outer(g, g).sum()))"))


def scratch_torch():
    return add_cell_after(solved(A4), "test_conv2d", (
        "import torch\nimport torch.nn.functional as F\n"
        "x, w = np.random.rand(2, 3, 9, 9), np.random.rand(4, 3, 3, 3)\n"
        "for dilation in (1, 2, (2, 1)):\n"
        "    mine = conv2d(x, w, stride=2, padding=1, dilation=dilation)\n"
        "    theirs = F.conv2d(torch.tensor(x), torch.tensor(w), stride=2, padding=1, dilation=dilation).numpy()\n"
        "    print(np.allclose(mine, theirs))"))


def timing():
    nb = add_cell_after(solved(A1), "test_conv1d", "%timeit -n 20 -r 3 conv1d(np.ones(200), np.ones(5))")
    return add_cell_after(nb, "test_correlate1d", "%%time\ny = correlate1d(np.ones(1000), np.ones(9))\nprint(y[:3])")


def plots():
    return add_cell_after(solved(A2), "test_correlate2d", (
        "import matplotlib.pyplot as plt\n"
        "img = np.random.rand(12, 12)\n"
        "fig, axes = plt.subplots(1, 2, figsize=(6, 3))\n"
        "axes[0].imshow(img, cmap='gray'); axes[1].imshow(correlate2d(img, np.ones((3, 3)) / 9), cmap='gray')\n"
        "plt.show()"))


def helpers_in_other_cells():
    nb = solved(A5)
    helper = "def pair(v):\n    \"\"\"An int, or a pair of ints, as a pair.\"\"\"\n    return (v, v) if np.ndim(v) == 0 else tuple(v)"
    add_cell_before(nb, "max_pool2d", helper)
    for gid in ("max_pool2d", "avg_pool2d"):
        cell = nb.cells[cell_index(nb, gid)]
        old = "kh, kw = (size, size) if np.ndim(size) == 0 else size"
        assert old in cell.source
        cell.source = cell.source.replace(old, "kh, kw = pair(size)").replace(
            "sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride", "sh, sw = pair(stride)")
    return nb


def defensive_getattr():
    return after_docstring(A4, "conv2d", '    if getattr(x, "shape", None) is None:   # a list, say\n'
                                         '        x = np.asarray(x)')


def print_debugging():
    nb = after_docstring(A4, "conv2d", '    print("conv2d: x", np.shape(x), "w", np.shape(w), "stride", stride, '
                                       '"padding", padding, "dilation", dilation)\n'
                                       '    import warnings; warnings.warn("still debugging")')
    return nb


def saved_with_outputs():
    """Run in a kernel here (as on the student's laptop) and saved with every output."""
    from nbclient import NotebookClient
    nb = add_cell_after(solved(A2), "test_correlate2d", "print('my check:', correlate2d(np.eye(3), np.ones((2, 2))))")
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(NOTEBOOKS / A2)}}).execute()
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    return nb


def out_of_order():
    """Cells run in another order than the notebook's, outputs of an earlier session kept:
    one cell shows the NameError it had when run before its function was defined."""
    nb = solved(A1)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for count, cell in zip(range(len(code), 0, -1), code):
        cell.execution_count = count * 3 % 41 + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="from an earlier run\n")]
    test = nb.cells[cell_index(nb, "test_conv1d")]
    test.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'conv1d' is not defined",
                                           traceback=["NameError: name 'conv1d' is not defined"])]
    return nb


def extra_imports():
    return add_cell_before(solved(A5), "max_pool2d", (
        "import math, itertools, functools, collections, time, os, sys, json, inspect\n"
        "from typing import Optional, Sequence\n"
        "import scipy, scipy.fft\n"
        "import matplotlib as mpl\n"
        "from numpy.lib.stride_tricks import sliding_window_view\n"
        "print(math.pi, sys.version_info[:2], scipy.__version__)"))


def earlier_as_a_module():
    nb = add_cell_after(solved(A8), "earlier-functions", (
        "from convcourse import earlier\n"
        "x0, w0 = np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2))\n"
        "print(earlier.conv2d(x0, w0).shape, earlier.relu(-x0).max())"))
    return nb


def scratch_torch_transpose():
    """PyTorch's conv_transpose2d and autograd as the oracle, in a scratch cell after the tests."""
    return add_cell_after(solved(A8), "test_conv_transpose2d", (
        "import torch, torch.nn.functional as F\n"
        "xs, ws, bs = np.random.rand(2, 3, 4, 5), np.random.rand(3, 2, 3, 3), np.random.rand(2)\n"
        "mine = conv_transpose2d(xs, ws, bs, stride=2, padding=1)\n"
        "theirs = F.conv_transpose2d(*(torch.from_numpy(a) for a in (xs, ws, bs)), stride=2, padding=1).numpy()\n"
        "print('transpose agrees:', np.allclose(mine, theirs))\n"
        "xt = torch.tensor(xs, requires_grad=True)\n"
        "g = np.random.rand(*F.avg_pool2d(xt, 3, 2).shape)\n"
        "F.avg_pool2d(xt, 3, 2).backward(torch.from_numpy(g))\n"
        "print('avg pool agrees:', np.allclose(avg_pool2d_backward(g, xs, 3, 2), xt.grad.numpy()))"))


def transpose_via_backward():
    """conv_transpose2d written with the student's own conv2d_backward: it is conv2d's dx."""
    nb = solved(A8)
    cell = nb.cells[cell_index(nb, "conv_transpose2d")]
    cell.source = (
        "def conv_transpose2d(x, w, b=None, stride=1, padding=0):\n"
        "    \"\"\"The transposed convolution is the gradient of conv2d with respect to its input.\"\"\"\n"
        "    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)\n"
        "    if x.ndim != 4 or w.ndim != 4 or w.shape[0] != x.shape[1]:\n"
        "        raise ValueError('x must be (N, C_in, H, W) and w (C_in, C_out, KH, KW)')\n"
        "    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride\n"
        "    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding\n"
        "    if min(sh, sw) < 1 or min(ph, pw) < 0:\n"
        "        raise ValueError('stride must be >= 1 and padding >= 0')\n"
        "    N, _, H, W = x.shape\n"
        "    _, C_out, KH, KW = w.shape\n"
        "    OH, OW = (H - 1) * sh - 2 * ph + KH, (W - 1) * sw - 2 * pw + KW\n"
        "    if OH < 1 or OW < 1 or (b is not None and np.shape(b) != (C_out,)):\n"
        "        raise ValueError('no output, or a bias of the wrong shape')\n"
        "    dx = conv2d_backward(x, np.zeros((N, C_out, OH, OW)), w, stride=stride, padding=padding)[0]\n"
        "    return dx if b is None else dx + np.asarray(b, dtype=np.float64)[None, :, None, None]")
    return nb


def type_hints():
    nb = edited(A1, "correlate1d", "def correlate1d(x, k):",
                "def correlate1d(x: np.ndarray, k: Sequence[float] | np.ndarray) -> np.ndarray:")
    cell = nb.cells[cell_index(nb, "correlate1d")]
    cell.source = "from __future__ import annotations\nfrom typing import Sequence\n\n" + cell.source
    return nb


def named_like_routines():
    nb = add_cell_after(solved(A2), "test_convolve2d", (
        "convolve = 'my notes on convolution'   # a name of mine, like a library routine\n"
        "vars = ['image', 'kernel']\ncompile = 'not the builtin'\n"
        "class Layer:\n"
        "    \"\"\"A tiny test harness of my own: a layer that correlates.\"\"\"\n"
        "    def conv2d(self, image, kernel):\n"
        "        return correlate2d(image, kernel)\n"
        "    def convolve(self, image, kernel):\n"
        "        return convolve2d(image, kernel)\n"
        "net = Layer()\n"
        "print(net.conv2d(np.eye(4), np.ones((2, 2))), net.convolve(np.eye(4), np.ones((2, 2))), vars, compile)"))
    return nb


def shell_and_magics():
    return add_cell_after(solved(A5), "test_avg_pool2d",
                          "%matplotlib inline\n!ls\nfiles = !ls\nprint(len(files))\n%who_ls function")


def error_in_a_scratch_cell():
    return add_cell_after(solved(A4), "test_zero_pad", "print(zero_pad(np.ones((1, 1, 2, 2)), 1).shape)\n"
                                                       "undefined_name + 1   # a typo, left in")


def scratch_fft():
    return add_cell_after(solved(A9), "test_fft_convolve2d", (
        "from scipy.signal import fftconvolve\n"
        "img, ker = np.random.rand(16, 16), np.random.rand(5, 5)\n"
        "print(np.allclose(fft_convolve2d(img, ker), fftconvolve(img, ker, mode='valid')))"))


def memory_kept_between_cells():
    """Results cached in a dict and reused by a graded function (a helper's memo)."""
    nb = add_cell_before(solved(A4), "conv2d", "_sizes = {}\n"
                                               "def out_size(n, span, s, p):\n"
                                               "    key = (n, span, s, p)\n"
                                               "    if key not in _sizes:\n"
                                               "        _sizes[key] = (n + 2 * p - span) // s + 1\n"
                                               "    return _sizes[key]")
    cell = nb.cells[cell_index(nb, "conv2d")]
    old = "OH, OW = (H + 2 * ph - EH) // sh + 1, (W + 2 * pw - EW) // sw + 1"
    assert old in cell.source
    cell.source = cell.source.replace(old, "OH, OW = out_size(H, EH, sh, ph), out_size(W, EW, sw, pw)")
    return nb


HABITS = {
    "scratch-numpy": (A1, scratch_numpy),
    "scratch-scipy": (A2, scratch_scipy),
    "scratch-gaussian": (A2, scratch_gaussian),
    "scratch-torch": (A4, scratch_torch),
    "scratch-fft": (A9, scratch_fft),
    "timing": (A1, timing),
    "plots": (A2, plots),
    "helpers-in-other-cells": (A5, helpers_in_other_cells),
    "defensive-getattr": (A4, defensive_getattr),
    "print-debugging": (A4, print_debugging),
    "saved-with-outputs": (A2, saved_with_outputs),
    "out-of-order": (A1, out_of_order),
    "extra-imports": (A5, extra_imports),
    "earlier-as-a-module": (A8, earlier_as_a_module),
    "scratch-torch-transpose": (A8, scratch_torch_transpose),
    "transpose-via-backward": (A8, transpose_via_backward),
    "type-hints": (A1, type_hints),
    "named-like-routines": (A2, named_like_routines),
    "shell-and-magics": (A5, shell_and_magics),
    "error-in-a-scratch-cell": (A4, error_in_a_scratch_cell),
    "memory-kept-between-cells": (A4, memory_kept_between_cells),
}


def write_habits(sub, out):
    for student, (aid, build) in HABITS.items():
        submissions.write(build(), sub / student / aid / f"{aid}.ipynb")
    return Enrolment(set(HABITS))


enrol("fairness", write_habits)


@pytest.fixture(scope="module")
def graded(graded_class):
    """This suite's view of the session's graded class (tests/one_class.py): beside the red
    team's attackers, as a real class would be."""
    problems = [(p["student_id"], p["problem"]) for p in graded_class["problems"]]
    return {"out": graded_class["out"], "scores": graded_class["scores"], "problems": problems}


def failures(graded, student, aid):
    """The grader's error messages in a student's autograded notebook."""
    nb = nbformat.read(graded["out"] / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_at_least_fifteen_habits_across_notebooks():
    assert len(HABITS) >= 15 and len({aid for aid, _ in HABITS.values()}) >= 5


@pytest.mark.parametrize("student", list(HABITS))
def test_innocent_habit_keeps_full_marks(graded, student):
    aid = HABITS[student][0]
    assert graded["scores"][(student, aid)] == course.points(aid)["total"], failures(graded, student, aid)
    assert [p for s, p in graded["problems"] if s == student] == []


def test_the_habits_ran(graded):
    """The added cells really ran in the sandbox (a habit that never ran proves nothing)."""
    def text(student):
        aid = HABITS[student][0]
        nb = nbformat.read(graded["out"] / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
        return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) + str(o.get("ename", ""))
                         for c in nb.cells for o in c.get("outputs", []))
    assert text("scratch-numpy").count("True") >= 4
    assert text("scratch-scipy").count("True") == 2
    assert "True" in text("scratch-gaussian") and "True" in text("scratch-fft")
    assert text("scratch-torch").count("True") == 3 and "False" not in text("scratch-torch")
    assert re.search(r"per loop", text("timing")) and "Wall time" in text("timing")
    assert "conv2d: x" in text("print-debugging") and "dilation (1, 2)" in text("print-debugging")
    assert "NameError" in text("error-in-a-scratch-cell")
    assert "(1, 1, 3, 3)" in text("earlier-as-a-module")
    assert "transpose agrees: True" in text("scratch-torch-transpose")
    assert "avg pool agrees: True" in text("scratch-torch-transpose")
