"""Figure helper for receptive fields (notebook 07). It draws regions whose sizes the
notebook computed; it computes no receptive field itself."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

__all__ = ["show_receptive_fields"]


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
