"""Training conveniences for the capstone (notebook 10): a text progress bar and the
figures. Nothing here is a layer or an optimiser: those are the students' own."""
from __future__ import annotations

import sys
import time

import matplotlib.pyplot as plt
import numpy as np

from .i18n import tr

__all__ = ["ProgressBar", "show_digits", "show_filters", "plot_curves"]


class ProgressBar:
    """A one-line progress bar on stdout: `bar.update(done, **numbers)` redraws it.

    Works in Jupyter and in a terminal (it rewrites its line with a carriage return)
    and needs no extra package."""

    def __init__(self, total: int, width: int = 30, stream=None):
        self.total, self.width, self.stream = max(1, int(total)), width, stream or sys.stdout
        self.start = time.perf_counter()

    def update(self, done: int, **numbers) -> None:
        frac = min(1.0, done / self.total)
        filled = int(round(frac * self.width))
        elapsed = time.perf_counter() - self.start
        extra = "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in numbers.items())
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} "
                          f"{elapsed:5.1f} s  {extra}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def show_digits(images, titles, *, ncols: int = 10, panel_size: float = 1.1, suptitle: str | None = None):
    """A gallery of (8, 8) digit images with a title under each."""
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, (panel_size + 0.3) * nrows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel(), images, titles):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(title, fontsize=8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig


def show_filters(w, *, ncols: int = 8, title: str | None = None):
    """Conv filters of shape (C_out, 1, KH, KW) (or (C_out, KH, KW)), each on its own
    symmetric colour scale (red positive, blue negative)."""
    w = np.asarray(w, dtype=np.float64)
    w = w[:, 0] if w.ndim == 4 else w
    n = len(w)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.5 * nrows + 0.5), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, (ax, f) in enumerate(zip(axes.ravel(), w)):
        lim = np.abs(f).max() or 1.0
        ax.imshow(f, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(tr("filter {i}", i=i), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_curves(curves, *, xlabel: str = "epoch", ax=None, logy: bool = False):
    """Several curves against their index, e.g. {"training loss": [...], "validation loss": [...]}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    return ax
