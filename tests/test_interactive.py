"""The figures a student can move (convcourse/interactive.py), driven here as JupyterLab's
controls drive them, but without a frontend: moving a control redraws the figure and the
output-size line with the student's own functions (here the model solutions of
convcourse.earlier), a function that is not finished or is wrong gives one line instead of an
error, the display output carries a static figure for pages without widgets, and the
animation needs no network. The real browser: tests/test_browser.py."""
from __future__ import annotations

import base64
import html
import re

import numpy as np
import pytest

from convcourse import load_image
from convcourse.earlier import image_convolution as a02
from convcourse.earlier import pooling as a05
from convcourse.earlier import stride_and_padding as a04
from convcourse.interactive import (animate_sliding_window, explore_conv, explore_kernels, explore_pooling,
                                    offline_jshtml)

PHOTO = load_image("grace_hopper.jpg", gray=True, size=150)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# anything a page would fetch: a src or href to http(s) or a protocol-relative address
REMOTE = re.compile(r"""\b(src|href)\s*=\s*["']?\s*(https?:)?//""", re.IGNORECASE)
KERNELS = {"emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
           "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
           "box blur 5x5": np.full((5, 5), 1 / 25)}


def fast(name, function):
    """A vectorised stand-in for a student's function (the model solutions loop: slow here)."""
    function.__name__ = name
    return function


FAST_CORRELATE = fast("correlate2d", lambda image, kernel: np.einsum(
    "ijkl,kl->ij", np.lib.stride_tricks.sliding_window_view(image, kernel.shape), kernel))
FAST_CONVOLVE = fast("convolve2d", lambda image, kernel: FAST_CORRELATE(image, kernel[::-1, ::-1]))


def test_fast_stand_ins_are_right():
    image, kernel = PHOTO[:20, :17], KERNELS["emboss"]
    assert np.allclose(FAST_CORRELATE(image, kernel), a02.correlate2d(image, kernel))
    assert np.allclose(FAST_CONVOLVE(image, kernel), a02.convolve2d(image, kernel))


def test_kernel_menu_redraws_the_figure_and_the_output_size():
    explorer = explore_kernels((FAST_CORRELATE, FAST_CONVOLVE), PHOTO, KERNELS)
    assert explorer.line.startswith("correlate2d(image, emboss): 150 x 128 -> 148 x 126 ")
    first = explorer.png
    explorer.controls["kernel"].value = "box blur 5x5"
    assert explorer.line.startswith("correlate2d(image, box blur 5x5): 150 x 128 -> 146 x 124 ")
    assert "146 x 124" in explorer.text.value and explorer.image.value == explorer.png != first
    explorer.controls["kernel"].value = "emboss"
    correlated = explorer.png
    explorer.controls["operation"].value = "convolve2d"          # the flip changes emboss's relief
    assert explorer.line.startswith("convolve2d(image, emboss): 150 x 128 -> 148 x 126 ")
    assert explorer.png != correlated


def test_pooling_sliders_redraw_the_figure_and_the_output_size():
    explorer = explore_pooling(a05.max_pool2d, a05.avg_pool2d, PHOTO)
    assert explorer.line.startswith("max_pool2d(x, size=2, stride=2): 150 x 128 -> 75 x 64 ")
    pictures = [explorer.png]
    explorer.controls["size"].value = 3
    assert "-> 74 x 63 " in explorer.line and "overlapping windows" in explorer.line
    explorer.controls["stride"].value = 4
    assert "-> 37 x 32 " in explorer.line and "gaps between windows" in explorer.line
    pictures.append(explorer.png)
    explorer.controls["kind"].value = "average"
    assert explorer.line.startswith("avg_pool2d(x, size=3, stride=4): 150 x 128 -> 37 x 32 ")
    pictures.append(explorer.png)
    assert len(set(pictures)) == 3 and all(pictures)


def conv2d_undilated(x, w, b=None, stride=1, padding=0):
    """04's conv2d as it was before it took a dilation."""
    return a04.conv2d(x, w, b, stride=stride, padding=padding)


def conv_output_size_undilated(n, f, stride=1, padding=0):
    return a04.conv_output_size(n, f, stride=stride, padding=padding)


def test_conv_sliders_use_the_students_output_size_and_conv2d():
    explorer = explore_conv(a04.conv2d, a04.conv_output_size, PHOTO)
    assert "dilation" not in explorer.controls
    assert explorer.line.startswith("conv2d(x, w 3 x 3, stride=1, padding=0): 150 x 128 -> 148 x 126 ")
    explorer.controls["padding"].value = 1
    explorer.controls["stride"].value = 2
    assert "-> 75 x 64 " in explorer.line and "(150 + 2*1 - 3) // 2 + 1 = 75" in explorer.line

    dilated = explore_conv(a04.conv2d, a04.conv_output_size, PHOTO, dilation=True)
    before = dilated.png
    dilated.controls["dilation"].value = 2                       # a 3x3 kernel spanning 5 pixels
    assert dilated.line.startswith("conv2d(x, w 3 x 3, stride=1, padding=0, dilation=2): 150 x 128 -> 146 x 124 ")
    assert dilated.png != before
    # functions without a dilation parameter (04 before dilation): one line, no error
    old = explore_conv(conv2d_undilated, conv_output_size_undilated, PHOTO, dilation=True)
    assert "conv_output_size_undilated raised TypeError" in old.line and "dilation" in old.line and old.png == b""


def test_display_output_is_the_widget_with_a_static_figure_and_no_network():
    explorer = explore_pooling(a05.max_pool2d, a05.avg_pool2d, PHOTO)
    bundle = explorer._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == explorer.widget.model_id
    assert bundle["text/plain"] == explorer.line
    page = bundle["text/html"]
    assert html.escape(explorer.line) in page and not REMOTE.search(page)
    png = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(png) == explorer.png


def correlate2d(image, kernel):
    raise NotImplementedError()


def max_pool2d(x, size=2, stride=None):
    raise NotImplementedError()


@pytest.mark.parametrize("pool,said", [
    (max_pool2d, "finish the exercise max_pool2d first: it still raises NotImplementedError"),
    (lambda x, size=2, stride=None: 1 / 0, "<lambda> raised ZeroDivisionError: division by zero"),
    (lambda x, size=2, stride=None: None, "returned None: does the function end with a return?"),
    (lambda x, size=2, stride=None: "pooled", "returned str, not an array of numbers"),
    (lambda x, size=2, stride=None: np.zeros((75, 64)), "returned shape (75, 64), not (1, 1, H_out, W_out)"),
    (lambda x, size=2, stride=None: np.zeros((1, 1, 3, 3)), "-> 3 x 3 "),
], ids=["not-implemented", "raises", "none", "text", "no-batch-axes", "wrong-size"])
def test_an_unfinished_or_wrong_function_gives_one_line_and_no_error(pool, said):
    explorer = explore_pooling(pool, pool, PHOTO)
    assert said in explorer.line and "\n" not in explorer.line
    explorer.controls["size"].value = 4                           # moving a control raises nothing either
    assert "\n" not in explorer.line
    if "->" in said:
        assert "the formula gives 74 x 63: check the output size" in explorer.line
    else:
        assert explorer.png == b"" and explorer.image.layout.display == "none"
        assert "<img" not in explorer._repr_mimebundle_()["text/html"]


def test_an_unfinished_kernel_function_gives_one_line():
    explorer = explore_kernels(correlate2d, PHOTO, KERNELS)
    assert explorer.line.startswith("finish the exercise correlate2d first: it still raises NotImplementedError")
    assert "operation" not in explorer.controls


I7 = np.array([[1, 0, 2, 3, 0, 1, 2], [0, 2, 1, 0, 1, 3, 0], [3, 1, 0, 2, 2, 0, 1], [2, 0, 1, 1, 0, 2, 3],
               [0, 3, 2, 0, 1, 1, 0], [1, 2, 0, 3, 2, 0, 1], [2, 1, 3, 0, 1, 2, 0]], dtype=float)
K3 = np.array([[1, 0, -1], [1, 2, 0], [0, -1, 1]], dtype=float)


def test_animation_has_one_frame_per_position_and_needs_no_network():
    animation = animate_sliding_window(I7, K3, a02.correlate2d(I7, K3))
    page = animation._repr_mimebundle_()["text/html"]
    assert animation.frames == 25 and page.count("data:image/png;base64,") == 25
    assert "<script" in page and "anim-buttons" in page
    assert not REMOTE.search(page) and "fa fa-" not in page
    # small enough to sit in every graded notebook and its feedback page
    assert len(page) < 1_000_000


def test_animation_refuses_an_output_of_another_size():
    with pytest.raises(ValueError, match="not the valid output size"):
        animate_sliding_window(I7, K3, np.zeros((7, 7)))


def test_offline_animation_refuses_a_remote_resource_it_does_not_know():
    with pytest.raises(RuntimeError, match="network"):
        offline_jshtml('<script src="https://cdn.example/player.js"></script>')


def test_a_function_that_changes_its_input_leaves_the_notebooks_image_alone():
    def max_pool2d(x, size=2, stride=None):
        x[...] = 0                                                # a bug: it writes into its input
        return a05.max_pool2d(x, size, stride)

    image = PHOTO.copy()
    explorer = explore_pooling(max_pool2d, a05.avg_pool2d, image)
    explorer.controls["kind"].value = "average"
    assert np.array_equal(image, PHOTO)
