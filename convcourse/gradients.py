"""Figure helpers for backpropagation (notebook 08). They draw what the notebook
computed; they compute no gradient themselves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .i18n import tr

__all__ = ["plot_difference_errors", "show_correlation_links"]


def plot_difference_errors(h, errors, *, ax=None):
    """Error of finite-difference derivatives against the step h, on log-log axes.

    h : 1-D array of steps.
    errors : {label: 1-D array of the same length}, e.g. forward and central differences.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for label, err in errors.items():
        ax.loglog(h, np.maximum(err, 1e-18), marker="o", markersize=3, label=label)
    ax.set_xlabel(tr("step h"))
    ax.set_ylabel(tr("largest error of the derivative"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(frameon=False)
    return ax


def show_correlation_links(n: int, k: int, highlight: int, *, ax=None):
    """The connections of a valid 1-D cross-correlation y[i] = sum_p w[p] x[i+p].

    Inputs x[0..n-1] on the bottom row, outputs y[0..n-k] on the top row, one line per
    weight use, labelled w[p]. The lines that leave input `highlight` are drawn thick:
    they are the terms of dL/dx[highlight] = sum_i dout[i] w[highlight - i].
    """
    m = n - k + 1
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * n + 1, 2.8))
    for i in range(m):
        for p in range(k):
            j = i + p
            mine = j == highlight
            ax.plot([j, i + (k - 1) / 2], [0, 1], color="tab:red" if mine else "0.75",
                    linewidth=2.5 if mine else 1.0, zorder=1)
            if mine:
                ax.text((j + i + (k - 1) / 2) / 2, 0.5, f"w[{p}]", color="tab:red", ha="center", va="center",
                        fontsize=10, bbox=dict(facecolor="white", edgecolor="none", pad=1))
    ax.scatter(np.arange(n), np.zeros(n), s=500, color="tab:blue", zorder=2)
    ax.scatter(np.arange(m) + (k - 1) / 2, np.ones(m), s=500, color="tab:green", zorder=2)
    for j in range(n):
        ax.text(j, 0, f"x{j}", color="white", ha="center", va="center", fontsize=9, zorder=3)
    for i in range(m):
        ax.text(i + (k - 1) / 2, 1, f"y{i}", color="white", ha="center", va="center", fontsize=9, zorder=3)
    ax.set_xlim(-0.7, n - 0.3)
    ax.set_ylim(-0.3, 1.3)
    ax.axis("off")
    ax.set_title(tr("y = x \u22c6 w (valid cross-correlation); red: the paths from x{highlight}", highlight=highlight),
                 fontsize=10)
    return ax
