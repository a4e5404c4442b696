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


def dilated_span(f, dilation=1):
    """The cells a kernel of size f covers along one axis at `dilation`: taps d apart."""
    return dilation * (f - 1) + 1


def conv_output_size(n, f, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilated_span(f, dilation)) // stride + 1


def stride_fits(n, f, stride=1, padding=0):
    return f <= n + 2 * padding and (n + 2 * padding - f) % stride == 0


def same_padding(f):
    return (f - 1) // 2


def _conv_windows(x, kh, kw, stride, padding, dilation=1):
    """Every window of a convolution, (N, C, H_out, W_out, kh, kw): a view of the padded x,
    each window's taps `dilation` apart."""
    sh, sw = _pair(stride)
    dh, dw = _pair(dilation)
    spans = (dilated_span(kh, dh), dilated_span(kw, dw))
    return sliding_window_view(zero_pad(x, padding), spans, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    w = np.asarray(w, dtype=np.float64)
    windows = _conv_windows(x, *w.shape[2:], stride, padding, dilation)
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


# --- 08: backpropagation -------------------------------------------------------------

def numerical_gradient(f, x, h=1e-5):
    """Central differences, one coordinate at a time, as the notebook defines them."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    _, _, H, W = x.shape
    _, _, KH, KW = w.shape
    OH, OW = dout.shape[2:]
    xp = zero_pad(x, (ph, pw))
    dw = np.einsum("nchwij,nohw->ocij", _conv_windows(x, KH, KW, stride, padding), dout)
    dxp = np.zeros_like(xp)
    for i in range(KH):  # each kernel tap scatters dout back onto the inputs it touched
        for j in range(KW):
            dxp[:, :, i:i + sh * (OH - 1) + 1:sh, j:j + sw * (OW - 1) + 1:sw] += \
                np.einsum("nohw,oc->nchw", dout, w[:, :, i, j])
    db = None if b is None else dout.sum(axis=(0, 2, 3))
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, db


def max_pool2d_backward(dout, x, size=2, stride=None):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = _pair(size)
    sh, sw = _pair(size if stride is None else stride)
    N, C, OH, OW = dout.shape
    windows = _pool_windows(x, size, stride).reshape(N, C, OH, OW, kh * kw)
    first = windows.argmax(axis=-1)  # the first maximum of each window, as torch
    n, c, i, j = np.indices((N, C, OH, OW))
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, i * sh + first // kw, j * sw + first % kw), dout)
    return dx


def avg_pool2d_backward(dout, x, size=2, stride=None):
    """Every cell of every window collects that window's dout / (kh * kw), added up with np.add.at."""
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = _pair(size)
    sh, sw = _pair(size if stride is None else stride)
    N, C, OH, OW = dout.shape
    n, c, i, j, p, q = np.indices((N, C, OH, OW, kh, kw), sparse=True)
    share = np.broadcast_to(dout[..., None, None] / (kh * kw), (N, C, OH, OW, kh, kw))
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, i * sh + p, j * sw + q), share)
    return dx


def conv_transpose2d(x, w, b=None, stride=1, padding=0):
    """The gather view (not the solution's scatter): spread x out with stride - 1 zeros between
    its entries, cross-correlate it, padded by K - 1, with the kernel flipped and its channel
    axes swapped (a full convolution), then crop the padding off both sides."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    spread = np.zeros((N, C, (H - 1) * sh + 1, (W - 1) * sw + 1))
    spread[:, :, ::sh, ::sw] = x
    full = conv2d(spread, w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3), padding=(KH - 1, KW - 1))
    out = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    if b is not None:
        out = out + np.asarray(b, dtype=np.float64)[None, :, None, None]
    return out

# --- 09: fast convolution --------------------------------------------------------------

def im2col(x, kh, kw, stride=1, padding=0):
    """Rows: output positions in (n, i, j) order; columns: (c, p, q), as w.reshape(C_out, -1)."""
    windows = _conv_windows(x, kh, kw, stride, padding)
    N, C, OH, OW = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * kh * kw)


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    return conv2d(x, w, b, stride, padding)


def fft_convolve2d(image, kernel):
    return convolve2d(image, kernel)


# --- 10: capstone ----------------------------------------------------------------------

def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_p[np.arange(n), y].mean()
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    param, grad = np.asarray(param, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    m = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * grad
    v = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
