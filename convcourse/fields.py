"""Figure helpers for receptive fields (notebooks 04 and 07). They draw regions and pixels
the notebook computed; they compute no receptive field themselves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

__all__ = ["show_receptive_fields", "show_read_pixels"]


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
    ax.set_title(f"input grid ({grid} x {grid}); red: the pixel under the output unit", fontsize=9)
    return ax


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
