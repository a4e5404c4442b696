"""Timing helpers for notebook 09 and benchmarks/conv_speed.py: the best of several
runs (the least disturbed by whatever else the machine is doing), and a log-log plot."""
from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np

from .i18n import tr

__all__ = ["best_time", "plot_times"]


def best_time(func, *args, repeat: int = 5, min_seconds: float = 0.02, **kwargs) -> float:
    """Seconds one call of func(*args, **kwargs) takes: the best of `repeat` rounds, each
    round calling it often enough to last at least `min_seconds`."""
    t0 = time.perf_counter()
    func(*args, **kwargs)
    once = time.perf_counter() - t0
    calls = max(1, int(min_seconds / max(once, 1e-9)))
    best = once
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            func(*args, **kwargs)
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


def plot_times(sizes, times, *, xlabel: str, ax=None, title: str | None = None):
    """Seconds per call against a size, one line per method, on log-log axes.

    times : {label: list of seconds, one per size (None where not measured)}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    for label, values in times.items():
        pairs = [(s, t) for s, t in zip(sizes, values) if t is not None]
        ax.loglog([s for s, _ in pairs], [t for _, t in pairs], marker="o", markersize=4, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("seconds per call"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(frameon=False, fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
