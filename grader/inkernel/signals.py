"""Vectorised test signals that hidden cases pass to continuous_convolution.

They cross the sandbox boundary as data ({"signal": kind, "params": [...]}) and are
rebuilt on both sides from this one table. Each counts its calls, so a Python loop
over the integration grid shows.
"""
import numpy as np


def _box(s, a, b):
    return np.where((s >= a) & (s < b), 1.0, 0.0)


def _tent(s, c, w):
    return np.clip(1.0 - np.abs(s - c) / w, 0.0, None)


def _bump(s, c, w):
    # smooth and compactly supported
    return np.where(np.abs(s - c) < w, np.cos(np.pi * (s - c) / (2 * w)) ** 2, 0.0)


KINDS = {"box": _box, "tent": _tent, "bump": _bump}


class Signal:
    def __init__(self, kind, params):
        if kind not in KINDS:
            raise ValueError(f"unknown signal {kind!r}")
        self.kind, self.params, self.calls = kind, [float(p) for p in params], 0

    def __call__(self, s):
        self.calls += 1
        return KINDS[self.kind](np.asarray(s, dtype=np.float64), *self.params)

    def __deepcopy__(self, memo):
        return Signal(self.kind, self.params)

    def to_wire(self):
        return {"signal": self.kind, "params": self.params}
