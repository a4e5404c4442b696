"""Reference implementations used to compute hidden cases' expected values.

Vectorised numpy, written independently of the solution notebooks' loops; the test
suite checks them against np.convolve and scipy.signal on random inputs.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def sliding_windows(x, size):
    return sliding_window_view(np.asarray(x, dtype=np.float64), size).copy()


def continuous_convolution(f, g, t, tau):
    t = np.asarray(t, dtype=np.float64)
    tau = np.asarray(tau, dtype=np.float64)
    dtau = tau[1] - tau[0]
    return (f(tau)[None, :] * g(t[:, None] - tau[None, :])).sum(axis=1) * dtau


def correlate1d(x, k):
    return sliding_window_view(np.asarray(x, dtype=np.float64), len(k)) @ np.asarray(k, dtype=np.float64)


def conv1d(x, k, mode="full"):
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    n, m = len(x), len(k)
    full = correlate1d(np.pad(x, m - 1), k[::-1])  # length n + m - 1
    if mode == "full":
        return full
    if mode == "same":
        length = max(n, m)
        start = (n + m - 1 - length) // 2
        return full[start:start + length]
    if mode == "valid":
        length = max(n, m) - min(n, m) + 1
        start = min(n, m) - 1
        return full[start:start + length]
    raise ValueError(mode)


def correlate2d(image, kernel):
    windows = sliding_window_view(np.asarray(image, dtype=np.float64), np.shape(kernel))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, dtype=np.float64))


def convolve2d(image, kernel):
    return correlate2d(image, np.asarray(kernel)[::-1, ::-1])


def gaussian_kernel(size, sigma):
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma ** 2))
    return g / g.sum()


# --- 03-05: CNN layers, channels-first (PyTorch's layout) ---------------------------

def _pair(value):
    return (int(value), int(value)) if np.ndim(value) == 0 else (int(value[0]), int(value[1]))


def relu(x):
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def zero_pad(x, pad):
    x = np.asarray(x, dtype=np.float64)
    ph, pw = _pair(pad)
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)])


def conv_output_size(n, f, stride=1, padding=0):
    return (n + 2 * padding - f) // stride + 1


def stride_fits(n, f, stride=1, padding=0):
    return f <= n + 2 * padding and (n + 2 * padding - f) % stride == 0


def same_padding(f):
    return (f - 1) // 2


def conv2d(x, w, b=None, stride=1, padding=0):
    w = np.asarray(w, dtype=np.float64)
    sh, sw = _pair(stride)
    windows = sliding_window_view(zero_pad(x, padding), w.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,ocij->nohw", windows, w)
    if b is not None:
        out = out + np.asarray(b, dtype=np.float64)[None, :, None, None]
    return out


def conv2d_multichannel(x, w, b=None):
    return conv2d(np.asarray(x, dtype=np.float64)[None], w, b)[0]


def _pool_windows(x, size, stride):
    kh, kw = _pair(size)
    sh, sw = _pair(size if stride is None else stride)
    return sliding_window_view(np.asarray(x, dtype=np.float64), (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def max_pool2d(x, size=2, stride=None):
    return _pool_windows(x, size, stride).max(axis=(-2, -1))


def avg_pool2d(x, size=2, stride=None):
    return _pool_windows(x, size, stride).mean(axis=(-2, -1))


def global_avg_pool(x):
    return np.asarray(x, dtype=np.float64).mean(axis=(2, 3))
