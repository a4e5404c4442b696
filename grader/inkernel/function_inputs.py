"""Hidden-case inputs that are functions: the test signals of continuous_convolution (Signal)
and the scalar fields of numerical_gradient (Field).

They cross the sandbox boundary as data ({"signal": kind, "params": [...]}, {"field": kind,
"weights": [...]}) and are rebuilt on both sides from these tables. Each counts its calls,
so a Python loop over the integration grid shows.
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


# Scalar functions of an array, for numerical_gradient: f(x) -> float.
def _quadratic(x, a, c):
    return 0.5 * np.sum(a * x ** 2) + np.sum(c * x)


def _sines(x, a, c):
    return np.sum(a * np.sin(c * x))


def _cubic(x, a):
    return np.sum(a * x ** 3)


def _log_sum_exp(x, a):
    z = a * x
    return np.log(np.sum(np.exp(z - z.max()))) + z.max()


def _quadratic_form(x, m):
    v = x.ravel()
    return v @ m.reshape(v.size, v.size) @ v


FIELDS = {"quadratic": _quadratic, "sines": _sines, "cubic": _cubic, "log_sum_exp": _log_sum_exp,
          "quadratic_form": _quadratic_form}


class Field:
    """A scalar function of an array x; its weights have x's shape (or, for the quadratic
    form, size x.size squared). Counts its calls."""

    def __init__(self, kind, weights):
        if kind not in FIELDS:
            raise ValueError(f"unknown field {kind!r}")
        self.kind, self.weights, self.calls = kind, [np.asarray(w, dtype=np.float64) for w in weights], 0

    def __call__(self, x):
        self.calls += 1
        x = np.asarray(x, dtype=np.float64)
        weights = [w.reshape(x.shape) if w.size == x.size else w for w in self.weights]
        return float(FIELDS[self.kind](x, *weights))

    def __deepcopy__(self, memo):
        return Field(self.kind, self.weights)

    def to_wire(self):
        return {"field": self.kind, "weights": [w.tolist() for w in self.weights]}
