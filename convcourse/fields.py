"""Receptive fields (notebooks 04 and 07): figures of the theoretical fields, whose sizes the
notebooks compute (the exercise `receptive_field`; nothing here computes them), and the *effective*
receptive field of Luo et al. (2016): how strongly each input pixel moves the centre output of a
stack of convolutions, computed by running the stack backwards from a 1 at that output."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .i18n import tr

__all__ = ["show_receptive_fields", "show_read_pixels", "stack_output", "centre_gradient", "effective_field",
           "spread", "mass_square", "show_effective_fields"]


def show_receptive_fields(sizes, labels, *, grid: int | None = None, ax=None):
    """Nested squares on an input grid, one per layer, centred on the same pixel.

    sizes : receptive-field sides, one per layer (e.g. [3, 5, 7]), from input to output.
    labels : one str per size, e.g. "after layer 1".
    grid : side of the input grid drawn (default: the largest size + 2).

    The centre pixel is the one the output unit sits above; each square is the input
    region that one unit of that layer sees.
    """
    sizes = [int(s) for s in sizes]
    grid = grid or max(sizes) + 2
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(np.zeros((grid, grid)), cmap="Greys", vmin=0, vmax=1)
    ax.hlines(np.arange(1, grid) - 0.5, -0.5, grid - 0.5, color="0.8", linewidth=0.6)
    ax.vlines(np.arange(1, grid) - 0.5, -0.5, grid - 0.5, color="0.8", linewidth=0.6)
    centre = grid // 2
    colours = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, len(sizes)))
    for size, label, colour in sorted(zip(sizes, labels, colours), key=lambda t: -t[0]):
        corner = centre - size // 2 - 0.5
        ax.add_patch(Rectangle((corner, corner), size, size, facecolor=colour, alpha=0.35, edgecolor=colour,
                               linewidth=2, label=f"{label}: {size} x {size}"))
    ax.add_patch(Rectangle((centre - 0.5, centre - 0.5), 1, 1, facecolor="tab:red", edgecolor="tab:red"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, frameon=False)
    ax.set_title(tr("input grid ({grid} x {grid}); red: the pixel under the output unit", grid=grid), fontsize=9)
    return ax


# ---- the effective receptive field -----------------------------------------------------------
#
# A stack of `depth` single-channel k x k layers (cross-correlation, zero padding that keeps the
# size, optionally a ReLU after each), run on a batch of T images at once, each image with a
# stack of its own: kernels of shape (T, depth, k, k).

def _correlate(a, kernels):
    """Each image of a (T, S, S) with its own k x k kernel of kernels (T, k, k), zero padding
    that keeps the size S: one multiply-add of whole images per kernel tap."""
    T, S, _ = a.shape
    k = kernels.shape[1]
    padded = np.pad(a, [(0, 0), (k // 2, k // 2), (k // 2, k // 2)])
    out, term = np.zeros_like(a), np.empty_like(a)
    for p in range(k):
        for q in range(k):
            np.multiply(kernels[:, p, q, None, None], padded[:, p:p + S, q:q + S], out=term)
            out += term
    return out


def stack_output(x, kernels, relu=False):
    """The stack's output for each image: x (T, S, S), kernels (T, depth, k, k) -> (T, S, S)."""
    a = np.asarray(x, dtype=np.float64)
    for layer in range(kernels.shape[1]):
        a = _correlate(a, kernels[:, layer])
        if relu:
            a = np.maximum(a, 0.0)
    return a


def centre_gradient(x, kernels, relu=False):
    """d out[t, centre] / d x[t]: (T, S, S), one map per image and stack.

    Start with 1 at the centre of the last layer and go back one layer at a time: each unit
    hands its value to the units its window covered, weighted by the kernel (it *pastes* the
    kernel); behind a ReLU, only units whose input was positive pass anything on."""
    x = np.asarray(x, dtype=np.float64)
    T, S, _ = x.shape
    inputs, a = [], x                       # forward, keeping what the way back needs
    for layer in range(kernels.shape[1]):
        z = _correlate(a, kernels[:, layer])
        inputs.append(z)
        a = np.maximum(z, 0.0) if relu else z
    g = np.zeros((T, S, S))
    g[:, S // 2, S // 2] = 1.0
    for layer in reversed(range(kernels.shape[1])):
        if relu:
            g = g * (inputs[layer] > 0)
        # pasting the kernel = correlating with the kernel turned around
        g = _correlate(g, kernels[:, layer, ::-1, ::-1])
    return g


def effective_field(depth, *, weights="uniform", relu=False, trials=1, size=None, k=3, rng=None):
    """The mean of |d out_centre / d input| over `trials` stacks, each map scaled to sum 1
    (trials whose centre output a ReLU switched off have no gradient and are left out).

    weights: "uniform" (every weight 1 / k^2) or "random" (standard normal, new for every
    trial); the inputs are standard normal images (they matter only behind ReLUs).
    size: side of the input (default: the theoretical field, depth * (k - 1) + 1, plus 4 on
    each side). Returns an array (size, size) that sums to 1."""
    rng = np.random.default_rng(0) if rng is None else rng
    size = depth * (k - 1) + 1 + 8 if size is None else size
    if weights == "uniform":
        kernels = np.full((trials, depth, k, k), 1.0 / k ** 2)
    elif weights == "random":
        kernels = rng.normal(size=(trials, depth, k, k))
    else:
        raise ValueError(f"weights must be 'uniform' or 'random', got {weights!r}")
    g = np.abs(centre_gradient(rng.normal(size=(trials, size, size)), kernels, relu))
    total = g.sum(axis=(1, 2))
    alive = total > 0       # behind a ReLU the centre may be off for an image: no gradient at all
    if not alive.any():
        raise ValueError("the centre output was 0 for every trial: no gradient to average")
    return (g[alive] / total[alive, None, None]).mean(axis=0)


def spread(field):
    """The root-mean-square distance from the centre along one axis (rows), in pixels, of a
    map that sums to 1: the standard deviation of a Gaussian, if it is one."""
    field = np.asarray(field, dtype=np.float64)
    rows = np.arange(field.shape[0]) - field.shape[0] // 2
    return float(np.sqrt((field.sum(axis=1) * rows ** 2).sum()))


def mass_square(field, share=0.95):
    """The side of the smallest centred square holding `share` of a map that sums to 1."""
    field = np.asarray(field, dtype=np.float64)
    c = field.shape[0] // 2
    for r in range(c + 1):
        if field[c - r:c + r + 1, c - r:c + r + 1].sum() >= share - 1e-12:
            return 2 * r + 1
    return field.shape[0]


def show_effective_fields(maps, titles, theoretical, *, axes=None):
    """One panel per map (each scaled to its own maximum), with the theoretical field drawn as
    a square around the centre pixel."""
    if axes is None:
        _, axes = plt.subplots(1, len(maps), figsize=(3.3 * len(maps), 3.6))
    for ax, m, title in zip(np.atleast_1d(axes), maps, titles):
        m = np.asarray(m, dtype=np.float64)
        ax.imshow(m / m.max(), cmap="magma", vmin=0, vmax=1)
        corner = m.shape[0] // 2 - theoretical // 2 - 0.5
        ax.add_patch(Rectangle((corner, corner), theoretical, theoretical, fill=False, edgecolor="tab:cyan",
                               linewidth=1.5, linestyle="--"))
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


def show_read_pixels(stacks, titles, row_labels, *, width: int | None = None):
    """For stacks of layers: the input pixels, along one axis, that one output unit reads
    after each layer. One panel per stack, one row per layer, the read pixels filled.

    stacks : list of stacks; a stack is a list with, per layer, the input offsets (ints)
        the unit reads after that layer, computed in the notebook.
    titles : one str per stack.
    row_labels : one list of str per stack, one label per layer.
    width : cells per row (default: the widest field + 2); each row is centred.

    Returns the figure.
    """
    fields = [(min(offsets), max(offsets)) for stack in stacks for offsets in stack]
    width = width or max(high - low + 1 for low, high in fields) + 2
    rows = max(len(stack) for stack in stacks)
    fig, axes = plt.subplots(len(stacks), 1, figsize=(12, 0.55 * rows * len(stacks) + 0.9 * len(stacks)),
                             squeeze=False)
    for ax, stack, title, labels in zip(axes[:, 0], stacks, titles, row_labels):
        grid = np.zeros((rows, width))
        for layer, offsets in enumerate(stack):
            shift = width // 2 - (min(offsets) + max(offsets)) // 2
            grid[layer, [shift + o for o in offsets]] = 1.0
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.4, aspect="equal")
        ax.hlines(np.arange(1, rows) - 0.5, -0.5, width - 0.5, color="0.6", linewidth=0.8)
        ax.vlines(np.arange(1, width) - 0.5, -0.5, rows - 0.5, color="0.6", linewidth=0.8)
        ax.set_xticks([])
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.tick_params(length=0)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig
