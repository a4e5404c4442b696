"""Figure helpers for 1-D signals (notebook 01_signals_and_convolution).

These functions only *draw*. None of them computes a convolution or a
cross-correlation: every result they show (an output sequence, a convolution curve)
is computed in the notebook, by numpy or by your own graded functions, and passed in
as an argument. What they do compute is pointwise: the values of the functions you
pass at the points you pass, and the pointwise product f(tau) g(t - tau) that is
shaded as the "overlap" in the moving-overlap picture.

All functions return the matplotlib Figure they drew on, so a notebook cell can
finish with `plt.show()`.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .i18n import tr

__all__ = ["plot_moving_overlap", "plot_sliding_kernel", "plot_mode_lengths", "draw_cells"]

_F_COLOR = "tab:blue"
_G_COLOR = "tab:orange"
_AREA_COLOR = "tab:green"
_OUT_COLOR = "tab:red"


def plot_moving_overlap(
    f: Callable[[np.ndarray], np.ndarray],
    g: Callable[[np.ndarray], np.ndarray],
    tau: np.ndarray,
    t_marks: Sequence[float],
    areas: Sequence[float] | None = None,
    t: np.ndarray | None = None,
    result: np.ndarray | None = None,
    f_label: str = r"$f(\tau)$",
    g_label: str = r"$g(t-\tau)$",
    panel_width: float = 2.6,
):
    """Draw the integrand of (f*g)(t) = integral of f(tau) g(t - tau) dtau at a few t.

    One panel per value in `t_marks`: f(tau), the flipped and shifted copy
    g(t - tau), and the product f(tau) g(t - tau) shaded (its signed area is
    (f*g)(t)). If `t` and `result` are given, a wide panel underneath plots the
    convolution curve `result` against `t`, with a marker at every t in `t_marks`.

    Parameters
    ----------
    f, g : vectorised callables, array -> array of the same shape.
    tau : (N,) points at which f and g(t - tau) are drawn (the tau axis).
    t_marks : the shifts t, one panel each.
    areas : optional, one number per t_mark, printed in the panel's title
        (for example the exact overlap area, computed in the notebook).
    t, result : optional, (T,) and (T,): the convolution curve, computed elsewhere.
    f_label, g_label : legend labels.
    panel_width : width in inches of one top panel.

    Returns
    -------
    The matplotlib Figure.
    """
    tau = np.asarray(tau, dtype=np.float64)
    t_marks = [float(s) for s in t_marks]
    ncols = len(t_marks)
    with_curve = t is not None and result is not None
    fig = plt.figure(figsize=(panel_width * ncols, 5.2 if with_curve else 2.7),
                     layout="constrained")
    grid = fig.add_gridspec(2 if with_curve else 1, ncols,
                            height_ratios=[1, 0.9] if with_curve else [1])
    f_vals = np.asarray(f(tau), dtype=np.float64)
    top = max(1.0, float(np.max(np.abs(f_vals))))
    axes = []
    for col, s in enumerate(t_marks):
        ax = fig.add_subplot(grid[0, col], sharey=axes[0] if axes else None)
        g_vals = np.asarray(g(s - tau), dtype=np.float64)
        top = max(top, float(np.max(np.abs(g_vals))))
        ax.plot(tau, f_vals, color=_F_COLOR, lw=2, label=f_label)
        ax.plot(tau, g_vals, color=_G_COLOR, lw=2, ls="--", label=g_label)
        ax.fill_between(tau, f_vals * g_vals, color=_AREA_COLOR, alpha=0.4,
                        label=r"$f(\tau)\,g(t-\tau)$")
        ax.axvline(s, color="gray", lw=0.8, ls=":")
        title = f"t = {s:g}"
        if areas is not None:
            title += f": area = {float(areas[col]):.2f}"
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(r"$\tau$")
        if col > 0:
            ax.tick_params(labelleft=False)
        axes.append(ax)
    axes[0].set_ylim(-0.1 * top, 1.2 * top)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncol=3, fontsize=9)
    if with_curve:
        t = np.asarray(t, dtype=np.float64)
        result = np.asarray(result, dtype=np.float64)
        ax = fig.add_subplot(grid[1, :])
        ax.plot(t, result, color="black", lw=2, label=r"$(f*g)(t)$")
        for s in t_marks:
            value = np.interp(s, t, result)
            ax.plot([s], [value], "o", color=_AREA_COLOR, ms=9, mec="black")
            ax.annotate(f"t = {s:g}", (s, value), textcoords="offset points",
                        xytext=(6, 6), fontsize=9)
        low, high = float(np.min(result)), float(np.max(result))
        ax.set_ylim(min(0.0, low) - 0.08 * (high - low), high + 0.2 * (high - low))
        ax.set_xlabel("t")
        ax.set_ylabel(r"$(f*g)(t)$")
        ax.set_title(tr("the convolution: one value per shift t (the shaded areas above)"), fontsize=10)
        ax.grid(alpha=0.3)
    return fig


def draw_cells(ax, values, x0: float = 0.0, y0: float = 0.0, color: str = "white",
               highlight: Sequence[int] = (), highlight_color: str = "gold",
               fmt: str = "{:g}", blank: Sequence[int] = (), dashed: bool = False,
               fontsize: int = 11):
    """Draw a 1-D array as a row of unit squares with its values written inside.

    Cell i is the square [x0 + i, x0 + i + 1] x [y0, y0 + 1].

    Parameters
    ----------
    ax : the matplotlib Axes to draw on.
    values : (L,) the numbers to write in the cells.
    x0, y0 : lower-left corner of cell 0.
    color : fill colour of ordinary cells.
    highlight : indices of cells filled with `highlight_color`.
    fmt : format string for the numbers.
    blank : indices of cells drawn empty, with a "?" (not computed yet).
    dashed : draw the outlines dashed (for implied zero padding).
    fontsize : size of the numbers.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    highlight, blank = set(highlight), set(blank)
    for i, v in enumerate(values):
        face = highlight_color if i in highlight else color
        ax.add_patch(Rectangle((x0 + i, y0), 1, 1, facecolor=face, edgecolor="black",
                               lw=1.0, ls="--" if dashed else "-"))
        text = "?" if i in blank else fmt.format(v)
        ax.text(x0 + i + 0.5, y0 + 0.5, text, ha="center", va="center", fontsize=fontsize,
                color="gray" if (i in blank or dashed) else "black")


def plot_sliding_kernel(x, k_drawn, y, positions: Sequence[int],
                        kernel_label: str = "kernel", title: str | None = None,
                        panel_height: float = 1.9):
    """The kernel sliding along a signal, one panel per output entry.

    Panel for position i: the signal `x` on top, the kernel *as it is laid on the
    signal* (`k_drawn`; pass `k[::-1]` for a true convolution, `k` for a
    cross-correlation) under the window x[i : i + m], and the output row with entry
    i highlighted. Entries after i are shown as "?". The output is drawn centred
    under its window. The text spells out the products for entry i, and the value
    shown is `y[i]`, which must be computed elsewhere.

    Parameters
    ----------
    x : (n,) the signal.
    k_drawn : (m,) the kernel in the orientation in which it multiplies x[i : i + m].
    y : (n - m + 1,) the valid output, computed elsewhere.
    positions : the output indices i to draw, one panel each.
    kernel_label : the label of the kernel row (e.g. "k flipped").
    title : optional title above all panels.
    panel_height : height in inches of one panel.

    Returns
    -------
    The matplotlib Figure.
    """
    x = np.asarray(x, dtype=np.float64)
    kd = np.asarray(k_drawn, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, m = len(x), len(kd)
    if len(y) != n - m + 1:
        raise ValueError(f"y must have length len(x) - len(k) + 1 = {n - m + 1}, got {len(y)}")
    offset = (m - 1) / 2.0  # output i is drawn centred under x[i : i + m]
    width = n + 3.5 + 0.2 * (11 * m + 8)  # data units: labels, cells, the text of the sum
    fig, axes = plt.subplots(len(positions), 1, figsize=(0.62 * width, panel_height * len(positions)),
                             layout="constrained", squeeze=False)
    if title:
        fig.suptitle(title, fontsize=11)
    for ax, i in zip(axes[:, 0], positions):
        window = list(range(i, i + m))
        draw_cells(ax, x, 0, 2.4, highlight=window, highlight_color="lightblue")
        draw_cells(ax, kd, i, 1.2, color="moccasin")
        later = [j for j in range(len(y)) if j > i]
        draw_cells(ax, y, offset, 0, highlight=[i], highlight_color="salmon", blank=later)
        for p in range(m):  # lines from each kernel cell up to the sample it multiplies
            ax.annotate("", xy=(i + p + 0.5, 2.4), xytext=(i + p + 0.5, 2.2),
                        arrowprops=dict(arrowstyle="->", color="gray", lw=0.8))
        ax.annotate("", xy=(i + offset + 0.5, 1.0), xytext=(i + offset + 0.5, 1.2),
                    arrowprops=dict(arrowstyle="->", color=_OUT_COLOR, lw=1.2))
        terms = " + ".join(f"({kd[p]:g})({x[i + p]:g})" for p in range(m))
        ax.text(n + 0.6, 1.7, f"y[{i}] = {terms}\n      = {y[i]:g}", fontsize=10,
                va="center", family="monospace")
        for row, label in ((2.9, "x"), (1.7, kernel_label), (0.5, "y")):
            ax.text(-0.3, row, label, ha="right", va="center", fontsize=10)
        ax.set_xlim(-2.6, n + 0.9 + 0.2 * max(len(terms) + 8, 11 * m + 8))
        ax.set_ylim(-0.2, 3.6)
        ax.set_aspect("equal")
        ax.axis("off")
    return fig


def plot_mode_lengths(n: int, m: int, spans: Mapping[str, tuple[int, int]]):
    """Where the outputs of the modes full / same / valid sit relative to the signal.

    The full output has n + m - 1 entries; entry j uses x[j - m + 1 .. j], so it is
    drawn centred on that window (positions outside 0..n-1 are the implied zeros,
    drawn dashed on the signal's row). Every other mode is a slice of the full output:
    `spans[name] = (start, length)` means `full[start : start + length]`. Those
    numbers are computed in the notebook; this function only draws them.

    Parameters
    ----------
    n : length of the signal x.
    m : length of the kernel k (draw with n >= m).
    spans : mode name -> (start, length) within the full output, in drawing order.

    Returns
    -------
    The matplotlib Figure.
    """
    rows = len(spans) + 1
    step = 1.3  # vertical distance between rows
    fig, ax = plt.subplots(figsize=(0.5 * (n + 2 * m + 3), 0.62 * step * rows + 0.5), layout="constrained")
    pad = m - 1
    top = step * (rows - 1)
    draw_cells(ax, np.zeros(pad), -pad, top, fmt="0", dashed=True, fontsize=9)
    draw_cells(ax, np.zeros(pad), n, top, fmt="0", dashed=True, fontsize=9)
    draw_cells(ax, np.arange(n), 0, top, color="lightblue", fmt="x{:.0f}", fontsize=9)
    ax.text(-pad - 0.3, top + 0.5, f"x (n = {n})", ha="right", va="center", fontsize=10)
    colors = ["#f4cccc", "#fce5cd", "#d9ead3", "#d0e0e3"]
    for r, (name, (start, length)) in enumerate(spans.items()):
        y0 = top - step * (r + 1)
        left = start - (m - 1) / 2.0
        draw_cells(ax, np.arange(start, start + length), left, y0, color=colors[r % len(colors)],
                   fmt="y{:.0f}", fontsize=9)
        ax.text(-pad - 0.3, y0 + 0.5, f"{name}: {length}", ha="right", va="center", fontsize=10)
    ax.set_xlim(-pad - 3.0, n + pad + 0.2)
    ax.set_ylim(-0.2, top + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(tr("outputs of a kernel of length m = {m}, each centred on the samples it uses\n"
                    "(y_j = entry j of the full output; dashed: implied zeros)", m=m), fontsize=10)
    return fig
