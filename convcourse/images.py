"""Figure helpers for images and kernels (notebook 02 onwards).

These functions only *draw*. None of them computes a convolution or a
cross-correlation: every filtered image or output grid is computed in the notebook
(by the student's own functions) and passed in as an argument.

Conventions: arrays are numpy, images are (H, W) grey levels (matplotlib's layout),
kernels are small (KH, KW) arrays, and grid positions are 0-based (row, col) as in
numpy indexing.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .i18n import tr

__all__ = ["display_range", "draw_grid", "show_sliding_window", "show_filtered", "show_kernels",
           "show_positions", "window_starts"]


def display_range(values, percentile: float = 99.0, symmetric: bool = True) -> tuple[float, float]:
    """Robust (vmin, vmax) for showing a filtered image with imshow.

    values : array of any shape (NaN are ignored).
    percentile : the limits cover this percentile of |values| (symmetric) or of the
        values (not symmetric), so that a few extreme pixels do not wash out the rest.
    symmetric : if True return (-v, v), so that 0 is mid-grey (for signed outputs
        such as edge detectors); otherwise (low, high) percentiles of the values.

    Returns a pair of floats with vmin < vmax.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (-1.0, 1.0) if symmetric else (0.0, 1.0)
    if symmetric:
        v = float(np.percentile(np.abs(values), percentile))
        v = v if v > 0 else 1.0
        return -v, v
    low, high = (float(p) for p in np.percentile(values, [100 - percentile, percentile]))
    if high <= low:
        high = low + 1.0
    return low, high


def _text_colour(rgba) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _format(value: float, fmt: str | None) -> str:
    if fmt is not None:
        return fmt.format(value)
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}"


def draw_grid(ax, values, *, title: str | None = None, cmap: str = "Greys", vmin=None, vmax=None,
              fmt: str | None = None, highlight=(), fontsize: float = 10, annotate: bool = True,
              unknown: str = "?"):
    """Draw a small 2-D array as a grid of cells with its numbers written in them.

    ax : a matplotlib Axes.
    values : (R, C) array. NaN cells are drawn white and labelled `unknown`
        (useful for output cells that have not been computed yet).
    title : axes title.
    cmap, vmin, vmax : colour map and limits for the cell colours (defaults: the
        finite values' range, or a symmetric range with a diverging map if there are
        negative values and cmap is None).
    fmt : format string such as "{:.3f}" for the numbers (default: integers as
        integers, other numbers with two decimals).
    highlight : iterable of (row, col, height, width, colour) rectangles drawn over
        the grid, e.g. (0, 0, 3, 3, "tab:red") for a 3x3 window in the corner.
    annotate : write the numbers (set False for grids too large to read).

    Returns the AxesImage (so a colorbar can be added).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"draw_grid expects a 2-D array, got shape {values.shape}")
    finite = values[np.isfinite(values)]
    if cmap is None:
        if finite.size and finite.min() < 0:
            cmap = "RdBu_r"
            v = float(np.abs(finite).max()) or 1.0
            vmin = -v if vmin is None else vmin
            vmax = v if vmax is None else vmax
        else:
            cmap = "Greys"
    if vmin is None:
        vmin = float(finite.min()) if finite.size else 0.0
    if vmax is None:
        vmax = float(finite.max()) if finite.size else 1.0
    if vmax <= vmin:
        vmax = vmin + 1.0
    colour_map = plt.get_cmap(cmap).with_extremes(bad="white")
    im = ax.imshow(values, cmap=colour_map, vmin=vmin, vmax=vmax)
    rows, cols = values.shape
    ax.set_xticks(np.arange(cols))
    ax.set_yticks(np.arange(rows))
    ax.hlines(np.arange(1, rows) - 0.5, -0.5, cols - 0.5, color="0.6", linewidth=0.8)
    ax.vlines(np.arange(1, cols) - 0.5, -0.5, rows - 0.5, color="0.6", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelsize=8)
    if annotate:
        norm = plt.Normalize(vmin, vmax)
        for r in range(rows):
            for c in range(cols):
                v = values[r, c]
                if np.isfinite(v):
                    colour = _text_colour(colour_map(norm(v)))
                    ax.text(c, r, _format(v, fmt), ha="center", va="center", fontsize=fontsize, color=colour)
                else:
                    ax.text(c, r, unknown, ha="center", va="center", fontsize=fontsize, color="0.5")
    for row, col, height, width, colour in highlight:
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False,
                               edgecolor=colour, linewidth=3))
    if title:
        ax.set_title(title, fontsize=10)
    return im


_COLOURS = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple")


def _centre_in_span(ax, rows: int, cols: int, span_rows: int, span_cols: int):
    """Widen the view of a rows x cols grid drawn by draw_grid to span_rows x span_cols
    cells (so grids of different sizes share one cell size), label its indices, and
    frame only the grid itself."""
    pr, pc = (span_rows - rows) / 2, (span_cols - cols) / 2
    ax.set_xlim(-0.5 - pc, cols - 0.5 + pc)
    ax.set_ylim(rows - 0.5 + pr, -0.5 - pr)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.add_patch(Rectangle((-0.5, -0.5), cols, rows, fill=False, edgecolor="black", linewidth=1))
    for c in range(cols):
        ax.text(c, rows - 0.5 + 0.15, str(c), ha="center", va="top", fontsize=8)
    for r in range(rows):
        ax.text(-0.5 - 0.15, r, str(r), ha="right", va="center", fontsize=8)


def show_sliding_window(image, kernel, output, positions, *, symbol: str = r"$\star$"):
    """The kernel sliding over the input: one row of three panels per position.

    image : (H, W) input grid.
    kernel : (KH, KW) kernel.
    output : (H-KH+1, W-KW+1) output grid computed in the notebook; NaN entries are
        shown as "?" (not computed yet).
    positions : list of (row, col) top-left corners of the window (= output indices).
    symbol : the operator drawn between input and kernel (default a star, the usual
        sign for cross-correlation).

    Each row shows the input with the window at that position outlined, the kernel,
    and the output grid with the cell that this window produces outlined in the same
    colour and its value in the title. All three grids use the same cell size, so the
    window and the kernel look the same size.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    output = np.asarray(output, dtype=np.float64)
    kh, kw = kernel.shape
    oh, ow = output.shape
    span_r, span_c = image.shape
    n = len(positions)
    fig, axes = plt.subplots(n, 3, figsize=(11, 3.5 * n), squeeze=False)
    kv = float(np.abs(kernel).max()) or 1.0
    known = np.isfinite(output)
    out_lo = min(0.0, float(output[known].min())) if known.any() else 0.0
    out_hi = float(np.abs(output[known]).max()) * 1.6 if known.any() else 1.0
    for k, (r, c) in enumerate(positions):
        colour = _COLOURS[k % len(_COLOURS)]
        ax_in, ax_k, ax_out = axes[k]
        draw_grid(ax_in, image, highlight=[(r, c, kh, kw, colour)], cmap="Greys",
                  vmin=min(0.0, image.min()), vmax=image.max() * 1.6 or 1.0,
                  title=tr("input I ({rows}x{cols}), window at ({r}, {c})", rows=span_r, cols=span_c, r=r, c=c))
        _centre_in_span(ax_in, span_r, span_c, span_r, span_c)
        draw_grid(ax_k, kernel, cmap="RdBu_r", vmin=-kv, vmax=kv,
                  highlight=[(0, 0, kh, kw, colour)], title=tr("kernel K ({kh}x{kw})", kh=kh, kw=kw))
        _centre_in_span(ax_k, kh, kw, span_r, span_c)
        pad = (span_c - kw) / 2
        ax_k.text(-0.5 - pad, (kh - 1) / 2, symbol, ha="center", va="center", fontsize=20)
        ax_k.text(kw - 0.5 + pad, (kh - 1) / 2, "=", ha="center", va="center", fontsize=20)
        value = output[r, c]
        shown = _format(value, None) if np.isfinite(value) else "?"
        draw_grid(ax_out, output, highlight=[(r, c, 1, 1, colour)], cmap="Greys", vmin=out_lo, vmax=out_hi,
                  title=tr("output O ({oh}x{ow}): O[{r}, {c}] = {shown}", oh=oh, ow=ow, r=r, c=c, shown=shown))
        _centre_in_span(ax_out, oh, ow, span_r, span_c)
    fig.tight_layout()
    return fig


def show_filtered(images, titles, *, kernels=None, vranges=None, ncols: int | None = None,
                  panel_size: float = 2.6, kernel_fmt: str | None = None, kernel_titles=None):
    """A gallery of grey-level images, optionally with the kernel that made each one.

    images : list of (H, W) arrays (already filtered in the notebook).
    titles : list of str, one per image.
    kernels : optional list (same length) of small (KH, KW) kernels or None; when
        given, each image is drawn with its kernel as an annotated grid above it.
    vranges : optional list of (vmin, vmax) pairs or None per image; None means
        (0, 1), the range of a photo. Values outside the range are clipped by imshow.
        Use `display_range` for signed outputs.
    ncols : images per row (default: all in one row).
    kernel_fmt : number format for the kernel grids (see `draw_grid`).
    kernel_titles : optional list of str (or None) written above the kernel grids.

    Images are drawn with cmap="gray", without axes ticks.
    """
    n = len(images)
    if len(titles) != n:
        raise ValueError("need one title per image")
    ncols = n if ncols is None else ncols
    nrows = -(-n // ncols)
    with_k = kernels is not None
    rows_per = 2 if with_k else 1
    fig, axes = plt.subplots(nrows * rows_per, ncols, squeeze=False,
                             figsize=(panel_size * ncols, panel_size * nrows * rows_per * (0.95 if with_k else 1.15)),
                             gridspec_kw={"height_ratios": ([0.65, 1.35] * nrows) if with_k else None})
    for ax in axes.flat:
        ax.axis("off")
    for i in range(n):
        row, col = divmod(i, ncols)
        ax = axes[row * rows_per + (1 if with_k else 0), col]
        ax.axis("on")
        vmin, vmax = (0.0, 1.0) if vranges is None or vranges[i] is None else vranges[i]
        ax.imshow(images[i], cmap="gray", vmin=vmin, vmax=vmax)
        ax.set_title(titles[i], fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        if with_k and kernels[i] is not None:
            kax = axes[row * rows_per, col]
            kax.axis("on")
            kern = np.asarray(kernels[i], dtype=np.float64)
            big = max(kern.shape) > 5
            draw_grid(kax, kern, cmap=None, fmt=kernel_fmt, annotate=not big,
                      fontsize=8 if max(kern.shape) <= 3 else 6)
            kax.set_xticks([])
            kax.set_yticks([])
            if kernel_titles is not None and kernel_titles[i]:
                kax.set_title(kernel_titles[i], fontsize=9)
    fig.tight_layout()
    return fig


def show_kernels(kernels, titles, *, annotate: bool = True, fmt: str = "{:.3f}", cmap: str = "viridis",
                 same_scale: bool = False):
    """Heat maps of kernels side by side, each with a colorbar.

    kernels : list of (KH, KW) arrays.
    titles : list of str, one per kernel.
    annotate : write each weight in its cell (sensible up to about 7x7).
    fmt : number format for the annotations.
    cmap : colour map (a sequential map suits non-negative kernels such as blurs).
    same_scale : use one colour scale for all kernels (to compare peak heights).
    """
    n = len(kernels)
    kernels = [np.asarray(k, dtype=np.float64) for k in kernels]
    top = max(float(k.max()) for k in kernels)
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3.4), squeeze=False)
    for ax, kern, title in zip(axes[0], kernels, titles):
        vmax = top if same_scale else float(kern.max())
        im = draw_grid(ax, kern, cmap=cmap, vmin=0.0, vmax=vmax, fmt=fmt, title=title,
                       annotate=annotate and max(kern.shape) <= 7, fontsize=7)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def window_starts(n: int, span: int, stride: int) -> list[int]:
    """Where windows start along one axis of n cells (padding included), for a window spanning
    `span` cells: 0, s, 2s, ... while the window still fits."""
    return list(range(0, n - span + 1, stride))


def show_positions(ax, n: int, f: int, stride: int, padding: int, dilation: int = 1, *, title: str | None = None):
    """Where a window visits an n x n input zero-padded by `padding` on each side.

    ax : a matplotlib Axes.
    n, f, stride, padding : input side, window side (the kernel's taps per axis), stride and
        padding (per side).
    dilation : the kernel's taps are `dilation` cells apart (1: side by side), so a window
        spans dilation * (f - 1) + 1 cells.

    The padded (n + 2p) x (n + 2p) grid is drawn with the padding in grey and the
    input in white. Each cell is labelled with the number of window positions whose taps
    read it; each window's top-left corner is marked with a dot, the first and last
    windows of the first row are outlined (their whole span) and the first window's taps
    are shaded blue. Input cells no tap reads (a stride that does not fit, or cells that
    a dilation or a stride skips) are hatched red. Positions are computed here from the
    arguments (r = 0, s, 2s, ... while r + span <= n + 2p): this draws, it does not
    convolve. A window that does not fit has no positions; the title says so.

    Returns the start positions (the same along both axes), a list of ints.
    """
    side = n + 2 * padding
    span = dilation * (f - 1) + 1
    starts = window_starts(side, span, stride)
    cover = np.zeros((side, side))
    for r in starts:
        for c in starts:
            cover[r:r + span:dilation, c:c + span:dilation] += 1
    inside = np.zeros((side, side), dtype=bool)
    inside[padding:padding + n, padding:padding + n] = True
    shade = np.where(inside, 0.0, 0.35)
    ax.imshow(shade, cmap="Greys", vmin=0, vmax=1)
    if starts:
        for r in range(0, span, dilation):
            for c in range(0, span, dilation):
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="tab:blue", alpha=0.22, linewidth=0))
    for r in range(side):
        for c in range(side):
            if inside[r, c] and cover[r, c] == 0:
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="none", edgecolor="tab:red",
                                       hatch="///", linewidth=0))
            elif cover[r, c]:
                ax.text(c, r, str(int(cover[r, c])), ha="center", va="center", fontsize=7, color="0.35")
    for r in starts:
        for c in starts:
            ax.plot(c - 0.25, r - 0.25, "o", color="tab:blue", markersize=4)
    for c, colour in ([(starts[0], "tab:blue"), (starts[-1], "tab:orange")] if starts else []):
        ax.add_patch(Rectangle((c - 0.5, -0.5), span, span, fill=False, edgecolor=colour, linewidth=2.5))
    ax.set_xticks(np.arange(side))
    ax.set_yticks(np.arange(side))
    ax.hlines(np.arange(1, side) - 0.5, -0.5, side - 0.5, color="0.75", linewidth=0.6)
    ax.vlines(np.arange(1, side) - 0.5, -0.5, side - 0.5, color="0.75", linewidth=0.6)
    ax.tick_params(length=0, labelsize=7)
    setting = tr("n={n}, f={f}, stride {stride}, padding {padding}", n=n, f=f, stride=stride, padding=padding) + (
        tr(", dilation {dilation}", dilation=dilation) if dilation != 1 else "")
    found = (tr("{count} x {count} positions", count=len(starts)) if starts
             else tr("the window (span {span}) does not fit", span=span))
    ax.set_title(title or f"{setting}: {found}", fontsize=9)
    return starts
