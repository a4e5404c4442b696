"""Figure helpers for volumes, channels and feature maps (notebooks 03 onwards).

These functions only *draw*. None of them computes a convolution: every feature map
is computed in the notebook (by the student's own functions) and passed in.

Conventions: tensors are channels-first, a volume is (C, H, W) as in PyTorch; images
for display are (H, W) or (H, W, 3) as in matplotlib.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon

from .i18n import tr

__all__ = ["draw_box", "show_filter_on_volume", "show_volume_stack", "show_channels", "show_feature_maps"]

# oblique projection: the channel (depth) axis goes up and to the right
_DEPTH = np.array([0.55, 0.35])


def _project(c, h, w):
    """(channel, row, column) -> 2-D drawing coordinates (x right, y up)."""
    return np.array([w, -h]) + c * _DEPTH


def draw_box(ax, origin, size, *, face="tab:blue", alpha=0.25, edge="black", linewidth=1.0, label=None,
             zorder=1):
    """Draw a box of `size` = (C, H, W) cells at `origin` = (c, h, w) in an oblique view.

    The width runs to the right, the height downwards and the channels (depth) up and
    to the right, so a (3, 7, 7) input looks like three stacked 7x7 sheets. Only the
    three visible faces are drawn. `label` is written under the box.
    """
    c0, h0, w0 = origin
    c, h, w = size
    corners = {}
    for dc in (0, c):
        for dh in (0, h):
            for dw in (0, w):
                corners[(dc, dh, dw)] = _project(c0 + dc, h0 + dh, w0 + dw)
    faces = [
        [(0, 0, 0), (0, 0, w), (0, h, w), (0, h, 0)],   # front (first channel)
        [(0, 0, 0), (c, 0, 0), (c, 0, w), (0, 0, w)],   # top
        [(0, 0, w), (c, 0, w), (c, h, w), (0, h, w)],   # right side
    ]
    shades = [1.0, 0.8, 0.65]
    for keys, shade in zip(faces, shades):
        pts = np.array([corners[k] for k in keys])
        colour = np.array(plt.matplotlib.colors.to_rgb(face)) * shade
        ax.add_patch(Polygon(pts, closed=True, facecolor=colour, alpha=alpha, edgecolor=edge,
                             linewidth=linewidth, zorder=zorder))
    if label:
        x, y = _project(c0, h0 + h, w0 + w / 2)
        ax.text(x, y - 0.6, label, ha="center", va="top", fontsize=9)


def _finish(ax):
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.axis("off")


def show_filter_on_volume(in_shape, kernel_size, position=(0, 0), *, n_filters: int = 1, gap: float = 4.0):
    """One filter over an input volume, and the output cell it produces.

    in_shape : (C_in, H, W) of the input volume.
    kernel_size : (KH, KW); the filter is a (C_in, KH, KW) block: it always spans
        every input channel.
    position : (row, col) of the filter's top-left corner (= the output index).
    n_filters : how many output feature maps to draw (the first one is the one this
        filter fills).

    The output volume (n_filters, H-KH+1, W-KW+1) is drawn to the right, with the
    cell that this window produces highlighted and joined to the filter.
    """
    c, h, w = in_shape
    kh, kw = kernel_size
    r, q = position
    oh, ow = h - kh + 1, w - kw + 1
    fig, ax = plt.subplots(figsize=(10, 4.6))
    draw_box(ax, (0, 0, 0), (c, h, w), face="tab:blue", alpha=0.12, label=tr("input {c} x {h} x {w}", c=c, h=h, w=w))
    for k in range(c):  # faint channel sheets
        draw_box(ax, (k, 0, 0), (0.02, h, w), face="tab:blue", alpha=0.05, linewidth=0.4)
    draw_box(ax, (0, r, q), (c, kh, kw), face="tab:orange", alpha=0.55, linewidth=1.5,
             label=None, zorder=3)
    x0 = w + c * _DEPTH[0] + gap
    draw_box(ax, (0, 0, x0), (n_filters, oh, ow), face="tab:green", alpha=0.12,
             label=tr("output {n} x {oh} x {ow}", n=n_filters, oh=oh, ow=ow))
    draw_box(ax, (0, r, x0 + q), (1, 1, 1), face="tab:orange", alpha=0.9, linewidth=1.5, zorder=3)
    start = _project(c, r + kh / 2, q + kw)
    end = _project(0.5, r + 0.5, x0 + q)
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", color="tab:orange", lw=2))
    fx, fy = _project(c, r, q + kw / 2)
    ax.text(fx, fy + 0.4, tr("filter {c} x {kh} x {kw}\n({weights} weights + 1 bias)", c=c, kh=kh, kw=kw,
                             weights=c * kh * kw), ha="center", va="bottom", fontsize=9, color="tab:orange")
    ox, oy = _project(0.5, r + 1, x0 + q + 0.5)
    ax.text(ox, oy - 0.4, tr("one number:\nsum of all products + bias"), ha="center", va="top", fontsize=8)
    _finish(ax)
    return fig


def show_volume_stack(shapes, labels=None, *, between=None, scale: float = 0.25, gap: float = 3.0):
    """Volumes side by side, e.g. the activations of a stack of layers.

    shapes : list of (C, H, W).
    labels : optional list of str written under each volume (default "C x H x W").
    between : optional list of str (one fewer than shapes) written above the arrow
        from one volume to the next, e.g. "conv 5x5, 4 filters + ReLU".
    scale : drawing size of one pixel (so 32 x 32 images fit in a figure); the
        channel axis is drawn at one unit per channel, capped at 12.
    """
    fig, ax = plt.subplots(figsize=(3.4 * len(shapes), 3.6))
    x = 0.0
    for i, (c, h, w) in enumerate(shapes):
        depth = min(c, 12) * 0.5
        label = labels[i] if labels else f"{h} x {w} x {c}"
        draw_box(ax, (0, 0, x), (depth, h * scale, w * scale), face=f"C{i}", alpha=0.3, label=label)
        right = x + w * scale + depth * _DEPTH[0]
        if between and i < len(shapes) - 1:
            y = -h * scale / 2
            ax.annotate("", xy=(right + gap, y), xytext=(right + 0.3, y),
                        arrowprops=dict(arrowstyle="->", lw=1.5))
            ax.text(right + gap / 2 + 0.15, y + 0.3, between[i], ha="center", va="bottom", fontsize=8,
                    wrap=True)
        x = right + gap + 0.3
    _finish(ax)
    return fig


def show_channels(volume, titles=None, *, cmaps=("Reds", "Greens", "Blues"), suptitle=None):
    """Each channel of a (C, H, W) volume as its own image, values in [0, 1]."""
    volume = np.asarray(volume, dtype=np.float64)
    n = volume.shape[0]
    fig, axes = plt.subplots(1, n, figsize=(3.0 * n, 3.2), squeeze=False)
    for k, ax in enumerate(axes[0]):
        ax.imshow(volume[k], cmap=cmaps[k % len(cmaps)] if cmaps else "gray", vmin=0, vmax=1)
        ax.set_title(titles[k] if titles else tr("channel {k}", k=k), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig


def show_feature_maps(maps, titles, *, ncols: int | None = None, symmetric: bool = True,
                      panel_size: float = 2.6, percentile: float = 99.0):
    """Feature maps (2-D arrays) side by side, each on its own colour scale.

    maps : list of (H, W) arrays, or a (C, H, W) volume.
    titles : one str per map.
    symmetric : signed maps on a diverging scale centred at 0 (blue negative, red
        positive); otherwise a sequential scale from the map's minimum.
    percentile : the scale covers this percentile of the values (a few extreme pixels
        do not wash out the rest).
    """
    maps = [np.asarray(m, dtype=np.float64) for m in maps]
    n = len(maps)
    ncols = n if ncols is None else ncols
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows * 1.1),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (m, title) in enumerate(zip(maps, titles)):
        ax = axes.flat[i]
        ax.axis("on")
        if symmetric:
            v = float(np.percentile(np.abs(m), percentile)) or 1.0
            ax.imshow(m, cmap="RdBu_r", vmin=-v, vmax=v)
        else:
            lo, hi = np.percentile(m, [0, percentile])
            ax.imshow(m, cmap="magma", vmin=lo, vmax=hi if hi > lo else lo + 1)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
