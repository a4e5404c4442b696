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


# --- 06-07: counting parameters, receptive fields ------------------------------------

def conv_params(c_in, c_out, kernel_size, bias=True, groups=1):
    kh, kw = _pair(kernel_size)
    return c_out * (c_in // groups) * kh * kw + (c_out if bias else 0)


def fc_params(n_in, n_out, bias=True):
    return n_in * n_out + (n_out if bias else 0)


def conv_macs(c_in, c_out, kernel_size, out_size, groups=1):
    kh, kw = _pair(kernel_size)
    oh, ow = _pair(out_size)
    return oh * ow * c_out * (c_in // groups) * kh * kw


def _summary_layer(layer, shape):
    """(output shape, parameters) of one layer dict on an input of `shape`."""
    kind = layer["type"]
    if kind == "conv":
        c, h, w = shape
        kh, kw = _pair(layer["kernel_size"])
        sh, sw = _pair(layer.get("stride", 1))
        ph, pw = _pair(layer.get("padding", 0))
        out = (layer["out_channels"], conv_output_size(h, kh, sh, ph), conv_output_size(w, kw, sw, pw))
        return out, conv_params(c, layer["out_channels"], (kh, kw), layer.get("bias", True), layer.get("groups", 1))
    if kind in ("maxpool", "avgpool"):
        c, h, w = shape
        kh, kw = _pair(layer["kernel_size"])
        sh, sw = _pair(layer.get("stride", layer["kernel_size"]))
        return (c, conv_output_size(h, kh, sh), conv_output_size(w, kw, sw)), 0
    if kind == "relu":
        return tuple(shape), 0
    if kind == "flatten":
        return (int(np.prod(shape)),), 0
    if kind == "gap":
        return (shape[0],), 0
    if kind == "fc":
        return (layer["out_features"],), fc_params(shape[0], layer["out_features"], layer.get("bias", True))
    raise ValueError(kind)


def model_summary(layers, input_shape):
    rows, shape = [], tuple(input_shape)
    for layer in layers:
        shape, params = _summary_layer(layer, shape)
        rows.append({"type": layer["type"], "output_shape": tuple(int(v) for v in shape), "params": int(params)})
    return rows


def total_params(layers, input_shape):
    return sum(row["params"] for row in model_summary(layers, input_shape))


def receptive_field(layers):
    field, jump = 1, 1
    for k, s in layers:
        field += (k - 1) * jump
        jump *= s
    return field
