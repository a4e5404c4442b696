"""Figures a student can move: sliders and menus (ipywidgets) that redraw a figure, and an
animation of the sliding window (matplotlib.animation).

Every explorer takes the student's OWN functions and calls them whenever a control moves,
so the figure shows what the student's code computes. Nothing here computes a convolution
or a pooling itself (as in `convcourse.images`, these helpers only draw); window positions
are counted from the arguments, as `show_positions` does.

Where a notebook runs:
- JupyterLab (a widget frontend): the controls, one line with the output size, and the
  figure, redrawn when a control moves.
- Anywhere else (nbval, the grader's sandbox, the feedback page rendered from the executed
  notebook): the same display output also carries an HTML fallback, that line and the figure
  at the default values as an embedded PNG. nbconvert shows it because a notebook executed
  without a frontend has no widget state to show the widget with; nothing is loaded from
  the network.
- If a student's function is not finished (NotImplementedError) or raises, or returns
  something that is not an image, the explorer says so in one line instead of raising, so
  that "Run All" goes on.

    explore_kernels((correlate2d, convolve2d), photo, {"sharpen": sharpen, ...})   # 02
    explore_conv(conv2d, conv_output_size, photo, dilation=True)                   # 04
    explore_pooling(max_pool2d, avg_pool2d, photo)                                 # 05
    animate_sliding_window(I7, K3, O)                                              # 02
"""
from __future__ import annotations

import base64
import html
import io
import re
from typing import Callable

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .images import _centre_in_span, _format, _text_colour, display_range, draw_grid, window_starts
from .i18n import tr

__all__ = ["Explorer", "animate_sliding_window", "explore_conv", "explore_kernels", "explore_pooling"]

DPI = 72            # figures are small: they are redrawn on every move and stored in every graded notebook
CORNER = 14         # side of the input's top-left corner drawn pixel by pixel (the window positions)
_COLOURS = ("tab:red", "tab:blue", "tab:green", "tab:orange")


class Unfinished(Exception):
    """A student's function could not give the figure its data: the message is one line."""


def _name(func) -> str:
    return getattr(func, "__name__", None) or type(func).__name__


def call_student(func: Callable, *args, **kwargs):
    """func(*args, **kwargs), with any exception turned into a one-line Unfinished. Callers
    pass copies: a function that changes its input must not change the notebook's photo."""
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise Unfinished(tr("finish the exercise {name} first: it still raises NotImplementedError. "
                            "Then run this cell again.", name=_name(func))) from None
    except Exception as exc:  # noqa: BLE001 - a student's function may raise anything
        text = " ".join(str(exc).split())[:160]
        raise Unfinished(tr("{name} raised {error} (fix it in its exercise, then run this cell again)",
                            name=_name(func), error=type(exc).__name__ + (": " + text if text else ""))) from None


def as_image(value, what: str, *, batch: bool = False) -> np.ndarray:
    """The 2-D float image in a student's result ((H, W), or (1, 1, H, W) if batch)."""
    if value is None:
        raise Unfinished(tr("{what} returned None: does the function end with a return?", what=what))
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Unfinished(tr("{what} returned {kind}, not an array of numbers", what=what,
                            kind=type(value).__name__)) from None
    if batch:
        if array.ndim != 4 or array.shape[:2] != (1, 1):
            raise Unfinished(tr("{what} returned shape {shape}, not (1, 1, H_out, W_out)", what=what,
                                shape=array.shape))
        array = array[0, 0]
    if array.ndim != 2 or 0 in array.shape:
        raise Unfinished(tr("{what} returned shape {shape}, not a 2-D image", what=what, shape=array.shape))
    return array


def _fix_layout(fig: Figure):
    # tight_layout once, then no layout engine: with one, every savefig draws the figure twice
    fig.tight_layout()
    fig.set_layout_engine(None)


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class Explorer:
    """Controls, one line of text and a figure redrawn by `draw(**values)` whenever a control
    moves. `draw` returns (line, Figure), or raises Unfinished (its message replaces the
    figure). Displayed as the live widget where there is a widget frontend, and as a static
    HTML fallback (the line and the figure at the current values) everywhere else."""

    def __init__(self, controls: dict, draw: Callable[..., tuple[str, Figure]]):
        import ipywidgets as widgets

        self.controls = controls
        self._draw = draw
        self.text = widgets.HTML().add_class("convcourse-size")
        self.image = widgets.Image(format="png").add_class("convcourse-figure")
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.text, self.image])
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        self.line, self.png = "", b""
        self.update()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def update(self):
        try:
            self.line, fig = self._draw(**self.values())
            self.png = png_bytes(fig)
        except Unfinished as exc:
            self.line, self.png = str(exc), b""
        except Exception as exc:  # noqa: BLE001 - an ungraded figure never stops Run All
            self.line, self.png = f"the figure could not be drawn: {type(exc).__name__}: {exc}", b""
        self.text.value = f"<code>{html.escape(self.line)}</code>"
        self.image.value = self.png
        self.image.layout.display = None if self.png else "none"

    def static_html(self) -> str:
        """The line and the figure, self-contained (the PNG is embedded)."""
        parts = [f"<p><code>{html.escape(self.line)}</code></p>"]
        if self.png:
            parts.append(f'<img alt="{html.escape(self.line, quote=True)}" '
                         f'src="data:image/png;base64,{base64.b64encode(self.png).decode()}">')
        return "\n".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # JupyterLab prefers the widget view; nbconvert skips it when the notebook holds no
        # widget state (an executed notebook never does here) and shows the HTML instead.
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = self.line
        return bundle


# ---------------------------------------------------------------------------------------
# shared drawing

def _padded(image: np.ndarray, padding: int) -> np.ndarray:
    # drawing only: the figure shows the zero frame the student's function adds
    return np.pad(image, padding) if padding else image


def _draw_corner(ax, padded, padding, kh, kw, sh, sw, dh=1, dw=1):
    """The input's top-left CORNER x CORNER pixels, one cell each, with the first windows:
    three along the first row of windows and the first of the second row (dots mark the
    pixels a dilated window reads)."""
    side_r, side_c = min(CORNER, padded.shape[0]), min(CORNER, padded.shape[1])
    corner = padded[:side_r, :side_c]
    ax.imshow(corner, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.hlines(np.arange(1, side_r) - 0.5, -0.5, side_c - 0.5, color="0.7", linewidth=0.4)
    ax.vlines(np.arange(1, side_c) - 0.5, -0.5, side_r - 0.5, color="0.7", linewidth=0.4)
    if padding:
        ax.add_patch(Rectangle((padding - 0.5, padding - 0.5), side_c, side_r, fill=False,
                               edgecolor="gold", linewidth=1.5, linestyle="--"))
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    rows, cols = window_starts(padded.shape[0], span_h, sh), window_starts(padded.shape[1], span_w, sw)
    windows = [(rows[0], c) for c in cols[:3]] + [(r, cols[0]) for r in rows[1:2]]
    for (r, c), colour in zip(windows, _COLOURS):
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), span_w, span_h, fill=False, edgecolor=colour, linewidth=2))
        if dh > 1 or dw > 1:
            taps_r, taps_c = np.meshgrid(r + dh * np.arange(kh), c + dw * np.arange(kw), indexing="ij")
            ax.plot(taps_c.ravel(), taps_r.ravel(), "o", color=colour, markersize=3)
    ax.set_xlim(-0.5, side_c - 0.5)
    ax.set_ylim(side_r - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(tr("top-left {rows} x {cols} pixels: the first windows\nrows {row_starts}, ...; columns {col_starts}, ...",
                    rows=side_r, cols=side_c, row_starts=", ".join(map(str, rows[:3])),
                    col_starts=", ".join(map(str, cols[:3]))), fontsize=8)


def _draw_input(ax, padded, padding, kh, kw, sh, sw, dh=1, dw=1, title=""):
    """The whole (padded) input; rows and columns no window reads are hatched red."""
    ax.imshow(padded, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    for axis, (n, k, s, d, span) in enumerate([(padded.shape[0], kh, sh, dh, span_h),
                                               (padded.shape[1], kw, sw, dw, span_w)]):
        read = np.zeros(n, dtype=bool)
        for start in window_starts(n, span, s):
            read[start + d * np.arange(k)] = True
        for index in np.flatnonzero(~read):
            if axis == 0:
                ax.axhspan(index - 0.5, index + 0.5, color="tab:red", alpha=0.45, linewidth=0)
            else:
                ax.axvspan(index - 0.5, index + 0.5, color="tab:red", alpha=0.45, linewidth=0)
    if padding:
        ax.add_patch(Rectangle((padding - 0.5, padding - 0.5), padded.shape[1] - 2 * padding,
                               padded.shape[0] - 2 * padding, fill=False, edgecolor="gold", linewidth=1,
                               linestyle="--"))
    ax.add_patch(Rectangle((-0.5, -0.5), span_w, span_h, fill=False, edgecolor=_COLOURS[0], linewidth=1.5))
    ax.add_patch(Rectangle((-0.5, -0.5), CORNER, CORNER, fill=False, edgecolor="0.4", linewidth=0.8, linestyle=":"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=8)


def _draw_result(ax, result, title, vrange=(0.0, 1.0)):
    ax.imshow(result, cmap="gray", vmin=vrange[0], vmax=vrange[1], interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=8)


def _size_line(call: str, shape_in, shape_out, formula_out, how: str) -> str:
    line = f"{call}: {shape_in[0]} x {shape_in[1]} -> {shape_out[0]} x {shape_out[1]}   ({how})"
    if tuple(shape_out) != tuple(formula_out):
        line += tr("; the formula gives {rows} x {cols}: check the output size", rows=formula_out[0], cols=formula_out[1])
    return line


# ---------------------------------------------------------------------------------------
# 02: a kernel on the photograph

def explore_kernels(operations, image, kernels: dict, *, default: str | None = None) -> Explorer:
    """A menu of kernels (and of operations, if several) applied to `image` by the student's
    function: the kernel's weights, its first and last windows on the image, the output size
    and the result.

    operations : the student's function `f(image, kernel) -> (H-KH+1, W-KW+1)` (correlate2d,
        convolve2d), or a sequence of them (a second menu chooses one).
    image : (H, W) grey image in [0, 1].
    kernels : {name: (KH, KW) kernel}, in the menu's order.
    default : the kernel shown first (default: the first one).
    """
    import ipywidgets as widgets

    ops = list(operations) if isinstance(operations, (list, tuple)) else [operations]
    by_name = {_name(op): op for op in ops}
    image = np.asarray(image, dtype=np.float64)
    kernels = {name: np.asarray(k, dtype=np.float64) for name, k in kernels.items()}
    controls = {"kernel": widgets.Dropdown(options=list(kernels), value=default or next(iter(kernels)),
                                           description="kernel")}
    if len(by_name) > 1:
        controls["operation"] = widgets.ToggleButtons(options=list(by_name), description="function")

    def draw(kernel, operation=None):
        op = by_name[operation] if operation else ops[0]
        k = kernels[kernel]
        kh, kw = k.shape
        call = f"{_name(op)}(image, {kernel})"
        result = as_image(call_student(op, image.copy(), k.copy()), call)
        H, W = image.shape
        line = _size_line(call, image.shape, result.shape, (H - kh + 1, W - kw + 1),
                          f"{H} - {kh} + 1 = {H - kh + 1} rows, {W} - {kw} + 1 = {W - kw + 1} columns")
        fig = Figure(figsize=(10, 3.6))
        ax_k, ax_in, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [0.8, 1, 1]})
        big = max(k.shape) > 5
        draw_grid(ax_k, k, cmap=None, annotate=not big, fontsize=7 if max(k.shape) > 3 else 9, fmt="{:.2g}",
                  title=tr("{kernel} ({kh} x {kw}), weights sum to {total:.3g}", kernel=kernel, kh=kh, kw=kw, total=k.sum()))
        ax_in.imshow(image, cmap="gray", vmin=0, vmax=1)
        for (r, c), colour in [((0, 0), _COLOURS[0]), ((H - kh, W - kw), _COLOURS[1])]:
            ax_in.add_patch(Rectangle((c - 0.5, r - 0.5), kw, kh, fill=False, edgecolor=colour, linewidth=1.5))
        ax_in.set_xticks([])
        ax_in.set_yticks([])
        ax_in.set_title(tr("image {H} x {W}: first window (red) at (0, 0),\nlast (blue) at ({r}, {c})",
                           H=H, W=W, r=H - kh, c=W - kw), fontsize=8)
        # sum 1: still a photo, shown in its range; sum 0 (edges): symmetric around 0
        flat = np.isclose(k.sum(), 0)
        inside = 0.0 <= float(np.percentile(result, 1)) and float(np.percentile(result, 99)) <= 1.0
        vrange = display_range(result) if flat else (0.0, 1.0) if inside else display_range(result, symmetric=False)
        _draw_result(ax_out, result, f"{_name(op)}: {result.shape[0]} x {result.shape[1]}", vrange)
        _fix_layout(fig)
        return line, fig

    return Explorer(controls, draw)


# ---------------------------------------------------------------------------------------
# 04: stride, padding (and dilation) of a convolution on the photograph

def explore_conv(conv2d, conv_output_size, image, *, dilation: bool = False, max_kernel: int = 7) -> Explorer:
    """Sliders for the kernel size, stride, padding (and dilation) of the student's `conv2d`
    with a box-blur kernel on `image`: the first windows, the rows and columns no window reads,
    the output size from the student's `conv_output_size` and the result.

    conv2d : the student's `conv2d(x, w, b=None, stride=1, padding=0[, dilation=1])`.
    conv_output_size : the student's `conv_output_size(n, f, stride=1, padding=0[, dilation=1])`.
    image : (H, W) grey image in [0, 1] (passed as a batch of one, (1, 1, H, W)).
    dilation : also a dilation slider (the functions must take `dilation=`).
    """
    import ipywidgets as widgets

    image = np.asarray(image, dtype=np.float64)

    def slider(name, low, high, value):
        return widgets.IntSlider(value=value, min=low, max=high, description=name, continuous_update=False)

    controls = {"kernel_size": slider("kernel", 1, max_kernel, 3), "stride": slider("stride", 1, 4, 1),
                "padding": slider("padding", 0, 3, 0)}
    if dilation:
        controls["dilation"] = slider("dilation", 1, 3, 1)

    def draw(kernel_size, stride, padding, dilation=None):
        f, s, p = kernel_size, stride, padding
        d = dilation or 1
        extra = {"dilation": d} if dilation is not None else {}
        w = np.full((1, 1, f, f), 1.0 / f ** 2)            # a box blur: the result still looks like the photo
        args = f"stride={s}, padding={p}" + (f", dilation={d}" if extra else "")
        sizes = [call_student(conv_output_size, n, f, stride=s, padding=p, **extra) for n in image.shape]
        call = f"conv2d(x, w {f} x {f}, {args})"
        result = as_image(call_student(conv2d, image[None, None].copy(), w, stride=s, padding=p, **extra), call,
                          batch=True)
        span = d * (f - 1) + 1
        how = ", ".join(f"({n} + 2*{p} - {span}) // {s} + 1 = {o}" for n, o in zip(image.shape, sizes))
        line = _size_line(call, image.shape, result.shape, sizes, f"conv_output_size: {how}")
        padded = _padded(image, p)
        fig = Figure(figsize=(10, 3.6))
        ax_c, ax_in, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [0.8, 1, 1]})
        _draw_corner(ax_c, padded, p, f, f, s, s, d, d)
        _draw_input(ax_in, padded, p, f, f, s, s, d, d,
                    title=tr("input {h} x {w}, padded to {ph} x {pw};\nred: rows / columns no window reads",
                             h=image.shape[0], w=image.shape[1], ph=padded.shape[0], pw=padded.shape[1]))
        _draw_result(ax_out, result, f"conv2d: {result.shape[0]} x {result.shape[1]}")
        _fix_layout(fig)
        return line, fig

    return Explorer(controls, draw)


# ---------------------------------------------------------------------------------------
# 05: pooling window size, stride and kind on the photograph

def explore_pooling(max_pool2d, avg_pool2d, image, *, max_size: int = 8) -> Explorer:
    """Sliders for the window size and stride and a choice of max or average pooling, with
    the student's own functions on `image`: the first windows, the rows and columns no window
    reads (floor), the output size and the result.

    max_pool2d, avg_pool2d : the student's `f(x, size=2, stride=None)` on (N, C, H, W).
    image : (H, W) grey image in [0, 1] (passed as a batch of one, (1, 1, H, W)).
    """
    import ipywidgets as widgets

    image = np.asarray(image, dtype=np.float64)
    pools = {"max": max_pool2d, "average": avg_pool2d}
    controls = {
        "kind": widgets.ToggleButtons(options=list(pools), description="pooling"),
        "size": widgets.IntSlider(value=2, min=1, max=max_size, description="size", continuous_update=False),
        "stride": widgets.IntSlider(value=2, min=1, max=max_size, description="stride", continuous_update=False),
    }

    def draw(kind, size, stride):
        pool = pools[kind]
        call = f"{_name(pool)}(x, size={size}, stride={stride})"
        result = as_image(call_student(pool, image[None, None].copy(), size, stride=stride), call, batch=True)
        sizes = [(n - size) // stride + 1 for n in image.shape]
        how = ", ".join(f"({n} - {size}) // {stride} + 1 = {o}" for n, o in zip(image.shape, sizes))
        overlap = tr("overlapping windows") if stride < size else tr("gaps between windows") if stride > size \
            else tr("windows tile")
        line = _size_line(call, image.shape, result.shape, sizes, f"{how}; {overlap}")
        fig = Figure(figsize=(10, 3.6))
        ax_c, ax_in, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [0.8, 1, 1]})
        _draw_corner(ax_c, image, 0, size, size, stride, stride)
        _draw_input(ax_in, image, 0, size, size, stride, stride,
                    title=tr("input {h} x {w};\nred: rows / columns no window reads", h=image.shape[0], w=image.shape[1]))
        _draw_result(ax_out, result, f"{kind} pooling: {result.shape[0]} x {result.shape[1]}")
        _fix_layout(fig)
        return line, fig

    return Explorer(controls, draw)


# ---------------------------------------------------------------------------------------
# 02: the sliding window, one position at a time

# matplotlib's animation player takes its button icons from a CDN (Font Awesome); these
# characters replace them, so that the animation needs no network
_ICONS = {"fa-minus": "&minus;", "fa-fast-backward": "&#8676;", "fa-step-backward": "&larr;",
          "fa-play fa-flip-horizontal": "&#9664;", "fa-pause": "&#10074;&#10074;", "fa-play": "&#9654;",
          "fa-step-forward": "&rarr;", "fa-fast-forward": "&#8677;", "fa-plus": "+"}
_ICON = re.compile(r'<i class="fa ([a-z -]+)"></i>')
_REMOTE_CSS = re.compile(r'<link rel="stylesheet"\s+href="https?://[^"]*">\s*')


def offline_jshtml(jshtml: str) -> str:
    """matplotlib's to_jshtml() without its one network resource (the icons' style sheet)."""
    page = _REMOTE_CSS.sub("", jshtml)
    page = _ICON.sub(lambda m: _ICONS[m.group(1)], page)
    if re.search(r"""(src|href)\s*=\s*["']?https?:""", page):
        raise RuntimeError("the animation's HTML still refers to the network")
    return page


class Animation:
    """A self-contained HTML animation (frames embedded as PNG, the player's script inline)."""

    def __init__(self, html_page: str, frames: int):
        self.html, self.frames = html_page, frames

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": f"<animation: {self.frames} frames>"}


def animate_sliding_window(image, kernel, output, *, fps: float = 2.0, symbol: str = r"$\star$") -> Animation:
    """The kernel sliding over `image`, one frame per output position (row by row): the
    window outlined on the input, the kernel, and the output filling in up to that position.

    image : small (H, W) grid (about 7 x 7: every number is written in its cell).
    kernel : (KH, KW) kernel.
    output : (H-KH+1, W-KW+1) output computed in the notebook (this function only shows it).
    fps : frames per second when playing.

    Returns an object that displays as HTML with the frames embedded: it plays in JupyterLab
    and in an exported page (the feedback) without a kernel or a network.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    output = np.asarray(output, dtype=np.float64)
    kh, kw = kernel.shape
    oh, ow = output.shape
    if (oh, ow) != (image.shape[0] - kh + 1, image.shape[1] - kw + 1):
        raise ValueError(f"output shape {output.shape} is not the valid output size of image {image.shape} "
                         f"and kernel {kernel.shape}")
    positions = [(i, j) for i in range(oh) for j in range(ow)]
    span_r, span_c = image.shape
    fig = Figure(figsize=(7.5, 2.6), dpi=DPI)
    ax_in, ax_k, ax_out = fig.subplots(1, 3)
    kv = float(np.abs(kernel).max()) or 1.0
    out_lo = min(0.0, float(np.nanmin(output)))
    out_hi = float(np.nanmax(np.abs(output))) * 1.6 or 1.0
    draw_grid(ax_in, image, cmap="Greys", vmin=min(0.0, image.min()), vmax=image.max() * 1.6 or 1.0, fontsize=7,
              title=tr("input I ({rows} x {cols})", rows=span_r, cols=span_c))
    _centre_in_span(ax_in, span_r, span_c, span_r, span_c)
    draw_grid(ax_k, kernel, cmap="RdBu_r", vmin=-kv, vmax=kv, fontsize=7, title=tr("kernel K ({kh} x {kw})", kh=kh, kw=kw))
    _centre_in_span(ax_k, kh, kw, span_r, span_c)
    pad = (span_c - kw) / 2
    ax_k.text(-0.5 - pad, (kh - 1) / 2, symbol, ha="center", va="center", fontsize=16)
    ax_k.text(kw - 0.5 + pad, (kh - 1) / 2, "=", ha="center", va="center", fontsize=16)
    for ax in (ax_in, ax_k):
        ax.title.set_fontsize(8)
    # the output starts as "?" everywhere; each frame paints the cells up to its position
    picture = draw_grid(ax_out, np.full(output.shape, np.nan), cmap="Greys", vmin=out_lo, vmax=out_hi, fontsize=7)
    _centre_in_span(ax_out, oh, ow, span_r, span_c)
    ax_out.set_title("two lines\nof title", fontsize=8)          # its room in the layout
    _fix_layout(fig)
    ax_out.set_title("")
    # Everything drawn so far never changes: it is drawn once into a picture that every frame
    # shows, so that a frame draws only the window, the output cells done so far and a title.
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    fig.figimage(np.asarray(canvas.buffer_rgba()).copy(), zorder=-1)
    FigureCanvasBase(fig)                                # no canvas that redraws between frames
    for ax in (ax_in, ax_k, ax_out):
        for artist in ax.get_children():
            artist.set_visible(False)
    picture.set_visible(True)
    picture.set_cmap(picture.cmap.with_extremes(bad=(0, 0, 0, 0)))   # cells not done: the "?" below
    values = [ax_out.text(j, i, "", ha="center", va="center", fontsize=7) for i in range(oh) for j in range(ow)]
    caption = ax_out.text(0.5, 1.03, "", transform=ax_out.transAxes, ha="center", va="bottom", fontsize=8)
    window = ax_in.add_patch(Rectangle((-0.5, -0.5), kw, kh, fill=False, edgecolor="tab:red", linewidth=2.5))
    current = ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="tab:red", linewidth=2.5))

    def frame(k):
        i, j = positions[k]
        window.set_xy((j - 0.5, i - 0.5))
        current.set_xy((j - 0.5, i - 0.5))
        shown = np.full(output.shape, np.nan)
        shown.flat[:k + 1] = output.flat[:k + 1]          # row-major: the positions done so far
        picture.set_data(shown)
        for text, value in zip(values, shown.flat):
            text.set_visible(bool(np.isfinite(value)))
            if np.isfinite(value):
                text.set_text(_format(value, None))
                text.set_color(_text_colour(picture.cmap(picture.norm(value))))
        caption.set_text(tr("output O ({oh} x {ow}): window at ({i}, {j}),\nO[{i}, {j}] = {value}",
                            oh=oh, ow=ow, i=i, j=j, value=_format(output[i, j], None)))
        return []

    animation = FuncAnimation(fig, frame, frames=len(positions), interval=1000 / fps, repeat=False)
    page = animation.to_jshtml(default_mode="once")
    return Animation(offline_jshtml(page), len(positions))
