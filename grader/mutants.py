"""Known-wrong variants of every graded function: the mistakes students make.

Each mutant is source code that redefines one graded function. The tests prove that
every mutant loses points (the hidden cases reject it, and through the real autograde
pipeline it scores less than the solution); the demo class uses a few of them for its
"partly wrong" student. A graded function without mutants fails the tests.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    assignment: str
    function: str
    label: str
    source: str


MUTANTS: list[Mutant] = []


def mutant(assignment: str, function: str, label: str, source: str) -> None:
    MUTANTS.append(Mutant(assignment, function, label, source.strip("\n")))


A00 = "00_welcome"
mutant(A00, "sliding_windows", "off-by-one: one window too few", """
def sliding_windows(x, size):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not 1 <= size <= len(x):
        raise ValueError("bad arguments")
    return np.array([x[i:i + size] for i in range(len(x) - size)]).reshape(-1, size)
""")
mutant(A00, "sliding_windows", "swapped axes", """
def sliding_windows(x, size):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not 1 <= size <= len(x):
        raise ValueError("bad arguments")
    return np.array([x[i:i + size] for i in range(len(x) - size + 1)]).T
""")
mutant(A00, "sliding_windows", "no argument check", """
def sliding_windows(x, size):
    x = np.asarray(x, dtype=float)
    return np.array([x[i:i + size] for i in range(len(x) - size + 1)]).reshape(-1, size)
""")

A01 = "01_signals_and_convolution"
mutant(A01, "continuous_convolution", "forgot dtau", """
def continuous_convolution(f, g, t, tau):
    t = np.asarray(t, dtype=float)
    return (f(tau)[None, :] * g(t[:, None] - tau[None, :])).sum(axis=1)
""")
mutant(A01, "continuous_convolution", "missing flip: g(tau - t)", """
def continuous_convolution(f, g, t, tau):
    t = np.asarray(t, dtype=float)
    dtau = tau[1] - tau[0]
    return (f(tau)[None, :] * g(tau[None, :] - t[:, None])).sum(axis=1) * dtau
""")
_CONV1D_LOOP = """
def conv1d(x, k, mode="full"):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    if mode not in ("full", "same", "valid") or len(x) == 0 or len(k) == 0:
        raise ValueError("bad arguments")
    n, m = len(x), len(k)
    full = np.zeros(n + m - 1)
    for i in range(n):
        for j in range(m):
            full[i + j] {op} x[i] * k[{kidx}]
    if mode == "full":
        return full{full_tail}
    if mode == "same":
        L = max(n, m)
        start = {same_start}
        return full[start:start + L]
    L = max(n, m) - min(n, m) + 1
    return full[min(n, m) - 1:min(n, m) - 1 + L]
"""
_C1 = dict(op="+=", kidx="j", full_tail="", same_start="(n + m - 1 - L) // 2")
mutant(A01, "conv1d", "missing flip (cross-correlation)", _CONV1D_LOOP.format(**{**_C1, "kidx": "m - 1 - j"}))
mutant(A01, "conv1d", "= instead of +=", _CONV1D_LOOP.format(**{**_C1, "op": "="}))
mutant(A01, "conv1d", "off-by-one: full output one too short", _CONV1D_LOOP.format(**{**_C1, "full_tail": "[:-1]"}))
mutant(A01, "conv1d", "'same' cropped from the start", _CONV1D_LOOP.format(**{**_C1, "same_start": "0"}))
mutant(A01, "conv1d", "accepts any mode", _CONV1D_LOOP.format(**_C1).replace(
    'mode not in ("full", "same", "valid") or ', ""))
_CORR1D_LOOP = """
def correlate1d(x, k):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    if len(k) > len(x):
        raise ValueError("k longer than x")
    out = np.zeros(len(x) - len(k) + 1{short})
    for i in range(len(out)):
        for p in range(len(k)):
            out[i] {op} k[{kidx}] * x[i + p]
    return out
"""
_R1 = dict(op="+=", kidx="p", short="")
mutant(A01, "correlate1d", "flipped kernel (that is convolution)", _CORR1D_LOOP.format(**{**_R1, "kidx": "len(k) - 1 - p"}))
mutant(A01, "correlate1d", "= instead of +=", _CORR1D_LOOP.format(**{**_R1, "op": "="}))
mutant(A01, "correlate1d", "off-by-one: one output too few", _CORR1D_LOOP.format(**{**_R1, "short": " - 1"}))

A02 = "02_image_convolution"
_CORR2D_LOOP = """
def correlate2d(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    H, W = image.shape
    KH, KW = kernel.shape
    if KH > H or KW > W:
        raise ValueError("kernel larger than image")
    out = np.zeros((H - KH + 1{short}, W - KW + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(KH):
                for n in range(KW):
                    out[i, j] {op} image[i + m, j + n] * kernel[{kidx}]
    return out
"""
_R2 = dict(short="", op="+=", kidx="m, n")
mutant(A02, "correlate2d", "flipped kernel (that is convolution)", _CORR2D_LOOP.format(**{**_R2, "kidx": "KH - 1 - m, KW - 1 - n"}))
mutant(A02, "correlate2d", "= instead of +=", _CORR2D_LOOP.format(**{**_R2, "op": "="}))
mutant(A02, "correlate2d", "off-by-one: one row too few", _CORR2D_LOOP.format(**{**_R2, "short": " - 1"}))
mutant(A02, "correlate2d", "swapped axes: kernel[n, m]", """
def correlate2d(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    H, W = image.shape
    KH, KW = kernel.shape
    if KH > H or KW > W:
        raise ValueError("kernel larger than image")
    kt = kernel.T
    out = np.zeros((H - KW + 1, W - KH + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + KW, j:j + KH] * kt).sum()
    return out
""")
mutant(A02, "correlate2d", "assumes a square kernel", """
def correlate2d(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    K = kernel.shape[0]
    if K > min(image.shape):
        raise ValueError("kernel larger than image")
    out = np.zeros((image.shape[0] - K + 1, image.shape[1] - K + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + K, j:j + K] * kernel[:K, :K]).sum()
    return out
""")
# Self-contained, so that a student's wrong correlate2d and wrong convolve2d can't cancel out.
_CONV2D = """
def convolve2d(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("kernel larger than image")
    k = kernel{flip}
    KH, KW = k.shape
    out = np.zeros((image.shape[0] - KH + 1, image.shape[1] - KW + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + KH, j:j + KW] * k).sum()
    return out
"""
mutant(A02, "convolve2d", "missing flip", _CONV2D.format(flip=""))
mutant(A02, "convolve2d", "flipped rows only", _CONV2D.format(flip="[::-1, :]"))
mutant(A02, "convolve2d", "transposed instead of flipped", _CONV2D.format(flip=".T"))
_GAUSS = """
def gaussian_kernel(size, sigma):
    if size < 1 or size % 2 == 0 or sigma <= 0:
        raise ValueError("size must be odd and positive, sigma positive")
    r = np.arange(size){centre}
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / ({denom}))
    return g{norm}
"""
_G = dict(centre=" - size // 2", denom="2 * sigma ** 2", norm=" / g.sum()")
mutant(A02, "gaussian_kernel", "not normalised", _GAUSS.format(**{**_G, "norm": ""}))
mutant(A02, "gaussian_kernel", "sigma^2 instead of 2 sigma^2", _GAUSS.format(**{**_G, "denom": "sigma ** 2"}))
mutant(A02, "gaussian_kernel", "not centred", _GAUSS.format(**{**_G, "centre": ""}))
mutant(A02, "gaussian_kernel", "accepts an even size", _GAUSS.format(**_G).replace(" or size % 2 == 0", ""))


A03 = "03_channels_and_filters"
_MULTI = """
def conv2d_multichannel(x, w, b=None):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if x.ndim != 3 or w.ndim != 4 or w.shape[1] != x.shape[0]:
        raise ValueError("bad shapes")
    C_out, C_in, KH, KW = w.shape
    if KH > x.shape[1] or KW > x.shape[2]:
        raise ValueError("kernel too large")
    if b is not None and np.shape(b) != (C_out,):
        raise ValueError("bad bias")
    out = np.zeros((C_out, x.shape[1] - KH + 1{short}, x.shape[2] - KW + 1))
    for o in range(C_out):
        for c in range({channels}):
            for i in range(out.shape[1]):
                for j in range(out.shape[2]):
                    out[o, i, j] {op} np.sum(x[c, i:i + KH, j:j + KW] * w[o, c]{kernel})
        {bias}
    return out
"""
_M3 = dict(short="", channels="C_in", op="+=", kernel="", bias="out[o] += 0 if b is None else b[o]")
mutant(A03, "conv2d_multichannel", "flipped kernels (true convolution)", _MULTI.format(**{**_M3, "kernel": "[::-1, ::-1]"}))
mutant(A03, "conv2d_multichannel", "= instead of += over input channels", _MULTI.format(**{**_M3, "op": "="}))
mutant(A03, "conv2d_multichannel", "bias forgotten", _MULTI.format(**{**_M3, "bias": "pass"}))
mutant(A03, "conv2d_multichannel", "only the first input channel", _MULTI.format(**{**_M3, "channels": "1"}))
mutant(A03, "conv2d_multichannel", "swapped axes: kernel transposed", _MULTI.format(**{**_M3, "kernel": ".T"}))
mutant(A03, "conv2d_multichannel", "off-by-one: one row too few", _MULTI.format(**{**_M3, "short": " - 1"}))
mutant(A03, "relu", "absolute value", """
def relu(x):
    return np.abs(np.asarray(x, dtype=float))
""")
mutant(A03, "relu", "changes its input in place", """
def relu(x):
    x[x < 0] = 0
    return x
""")
mutant(A03, "relu", "keeps the negative part", """
def relu(x):
    return np.minimum(np.asarray(x, dtype=float), 0)
""")

A04 = "04_stride_and_padding"
_PAD = """
def zero_pad(x, pad):
    x = np.asarray(x, dtype=float)
    if x.ndim < 2:
        raise ValueError("need 2 axes")
    ph, pw = (pad, pad) if np.ndim(pad) == 0 else {pair}
    if ph < 0 or pw < 0:
        raise ValueError("negative padding")
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [{rows}, {cols}])
"""
_P4 = dict(pair="pad", rows="(ph, ph)", cols="(pw, pw)")
mutant(A04, "zero_pad", "all the padding at the bottom and right", _PAD.format(**{**_P4, "rows": "(0, 2 * ph)", "cols": "(0, 2 * pw)"}))
mutant(A04, "zero_pad", "swapped axes: (pw, ph)", _PAD.format(**{**_P4, "pair": "pad[::-1]"}))
mutant(A04, "zero_pad", "padding counted once (p in total, not per side)", _PAD.format(**{**_P4, "rows": "(ph // 2, ph - ph // 2)", "cols": "(pw // 2, pw - pw // 2)"}))
_SIZE = """
def conv_output_size(n, f, stride=1, padding=0, dilation=1):
    span = {span}
    if stride < 1 or padding < 0 or {dilation_check}span > n + 2 * padding:
        raise ValueError("bad arguments")
    return {formula}
"""
_S4 = dict(span="dilation * (f - 1) + 1", dilation_check="dilation < 1 or ", formula="(n + 2 * padding - span) // stride + 1")
mutant(A04, "conv_output_size", "off-by-one: - 1 (the lecture notes' erratum)", _SIZE.format(**{**_S4, "formula": "(n - span + 2 * padding) // stride - 1"}))
mutant(A04, "conv_output_size", "padding on one side only", _SIZE.format(**{**_S4, "formula": "(n + padding - span) // stride + 1"}))
mutant(A04, "conv_output_size", "ignored stride", _SIZE.format(**{**_S4, "formula": "n + 2 * padding - span + 1"}))
mutant(A04, "conv_output_size", "true division: returns a float", _SIZE.format(**{**_S4, "formula": "(n + 2 * padding - span) / stride + 1"}))
mutant(A04, "conv_output_size", "rounds up", _SIZE.format(**{**_S4, "formula": "-(-(n + 2 * padding - span) // stride) + 1"}))
mutant(A04, "conv_output_size", "dilation ignored", _SIZE.format(**{**_S4, "span": "f"}))
mutant(A04, "conv_output_size", "off-by-one: the dilated filter spans d*f", _SIZE.format(**{**_S4, "span": "dilation * f"}))
mutant(A04, "conv_output_size", "off-by-one: the dilated filter spans d*(f - 1)", _SIZE.format(**{**_S4, "span": "dilation * (f - 1)"}))
mutant(A04, "conv_output_size", "dilation used as a stride", _SIZE.format(
    **{**_S4, "span": "f", "formula": "(n + 2 * padding - span) // (stride * dilation) + 1"}))
mutant(A04, "conv_output_size", "accepts a dilation < 1", _SIZE.format(**{**_S4, "dilation_check": ""}))
mutant(A04, "stride_fits", "ignores the padding", """
def stride_fits(n, f, stride=1, padding=0):
    if stride < 1 or padding < 0:
        raise ValueError("bad arguments")
    return (n - f) % stride == 0 and f <= n
""")
mutant(A04, "stride_fits", "a filter larger than the input fits", """
def stride_fits(n, f, stride=1, padding=0):
    if stride < 1 or padding < 0:
        raise ValueError("bad arguments")
    return (n + 2 * padding - f) % stride == 0
""")
mutant(A04, "same_padding", "accepts an even size", """
def same_padding(f):
    if f < 1:
        raise ValueError("f must be positive")
    return (f - 1) // 2
""")
mutant(A04, "same_padding", "total padding, not per side", """
def same_padding(f):
    if f < 1 or f % 2 == 0:
        raise ValueError("f must be odd")
    return f - 1
""")
_CONV = """
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError("bad shapes")
    if b is not None and np.shape(b) != (w.shape[0],):
        raise ValueError("bad bias")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else {stride}
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    dh, dw = {dilation}
    if sh < 1 or sw < 1 or ph < 0 or pw < 0 or dh < 1 or dw < 1:
        raise ValueError("bad stride, padding or dilation")
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    EH, EW = {span}
    if EH > H + 2 * ph or EW > W + 2 * pw:
        raise ValueError("kernel too large")
    xp = np.pad(x, [(0, 0), (0, 0), {pad_rows}, (pw, pw)])
    OH, OW = (H + 2 * ph - EH) // {moves_h} + 1{short}, (W + 2 * pw - EW) // {moves_w} + 1
    out = np.zeros((N, F, OH, OW))
    for n in range({batch}):
        for f in range(F):
            for c in range(C):
                for i in range(OH):
                    for j in range(OW):
                        out[n, f, i, j] {op} np.sum(xp[n, c, {rows}, {cols}] * w[f, c])
            {bias}
    return out
"""
_C4 = dict(stride="stride", dilation="(dilation, dilation) if np.ndim(dilation) == 0 else dilation",
           span="dh * (KH - 1) + 1, dw * (KW - 1) + 1", pad_rows="(ph, ph)", moves_h="sh", moves_w="sw", short="",
           batch="N", op="+=", rows="i * sh:i * sh + EH:dh", cols="j * sw:j * sw + EW:dw",
           bias="out[n, f] += 0 if b is None else b[f]")
mutant(A04, "conv2d", "ignored stride (always 1 along the rows)", _CONV.format(**{**_C4, "rows": "i:i + EH:dh"}))
mutant(A04, "conv2d", "swapped axes: stride pair read as (sw, sh)", _CONV.format(**{**_C4, "stride": "stride[::-1]"}))
mutant(A04, "conv2d", "padding at the bottom only", _CONV.format(**{**_C4, "pad_rows": "(0, 2 * ph)"}))
mutant(A04, "conv2d", "= instead of += over input channels", _CONV.format(**{**_C4, "op": "="}))
mutant(A04, "conv2d", "bias forgotten", _CONV.format(**{**_C4, "bias": "pass"}))
mutant(A04, "conv2d", "off-by-one: one row too few", _CONV.format(**{**_C4, "short": " - 1"}))
mutant(A04, "conv2d", "only the first image of the batch", _CONV.format(**{**_C4, "batch": "1"}))
mutant(A04, "conv2d", "dilation ignored", _CONV.format(**{**_C4, "dilation": "(1, 1)"}))
mutant(A04, "conv2d", "swapped axes: dilation pair read as (dw, dh)", _CONV.format(
    **{**_C4, "dilation": "(dilation, dilation) if np.ndim(dilation) == 0 else dilation[::-1]"}))
mutant(A04, "conv2d", "dilation along the rows only", _CONV.format(
    **{**_C4, "dilation": "(dilation, 1) if np.ndim(dilation) == 0 else (dilation[0], 1)"}))
mutant(A04, "conv2d", "off-by-one: the dilated kernel spans d*k", _CONV.format(**{**_C4, "span": "dh * KH, dw * KW"}))
mutant(A04, "conv2d", "dilation used as a stride: the window moves by s*d, its taps side by side", _CONV.format(
    **{**_C4, "span": "KH, KW", "moves_h": "(sh * dh)", "moves_w": "(sw * dw)",
       "rows": "i * sh * dh:i * sh * dh + KH", "cols": "j * sw * dw:j * sw * dw + KW"}))

A05 = "05_pooling"
_POOL = """
def {name}(x, size=2, stride=None):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    kh, kw = (size, size) if np.ndim(size) == 0 else {size}
    sh, sw = {default} if stride is None else ((stride, stride) if np.ndim(stride) == 0 else stride)
    if min(kh, kw, sh, sw) < 1 or kh > x.shape[2] or kw > x.shape[3]:
        raise ValueError("bad window")
    OH, OW = (x.shape[2] - kh) // sh + 1{short}, (x.shape[3] - kw) // sw + 1
    out = np.zeros(x.shape[:2] + (OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = {reduce}
    return out
"""
_MAX = dict(name="max_pool2d", size="size", default="(kh, kw)", short="", reduce="window.max(axis=(2, 3))")
mutant(A05, "max_pool2d", "default stride 1 instead of the window size", _POOL.format(**{**_MAX, "default": "(1, 1)"}))
mutant(A05, "max_pool2d", "the mean instead of the max", _POOL.format(**{**_MAX, "reduce": "window.mean(axis=(2, 3))"}))
mutant(A05, "max_pool2d", "off-by-one: one row too few", _POOL.format(**{**_MAX, "short": " - 1"}))
mutant(A05, "max_pool2d", "swapped axes: size pair read as (kw, kh)", _POOL.format(**{**_MAX, "size": "size[::-1]"}))
_AVG = {**_MAX, "name": "avg_pool2d", "reduce": "window.mean(axis=(2, 3))"}
mutant(A05, "avg_pool2d", "the sum instead of the mean", _POOL.format(**{**_AVG, "reduce": "window.sum(axis=(2, 3))"}))
mutant(A05, "avg_pool2d", "default stride 1 instead of the window size", _POOL.format(**{**_AVG, "default": "(1, 1)"}))
mutant(A05, "avg_pool2d", "divides by kh * kh (a square window assumed)", _POOL.format(**{**_AVG, "reduce": "window.sum(axis=(2, 3)) / (kh * kh)"}))
mutant(A05, "global_avg_pool", "keeps the 1x1 spatial axes", """
def global_avg_pool(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    return x.mean(axis=(2, 3), keepdims=True)
""")
mutant(A05, "global_avg_pool", "swapped axes: averages over the batch and channels", """
def global_avg_pool(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    return x.mean(axis=(0, 1))
""")
mutant(A05, "global_avg_pool", "the sum instead of the mean", """
def global_avg_pool(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    return x.sum(axis=(2, 3))
""")

A06 = "06_counting_parameters"
_CONVP = """
def conv_params(c_in, c_out, kernel_size, bias=True, groups=1):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else {pair}
    if groups < 1 or c_in % groups or c_out % groups:
        raise ValueError("bad groups")
    return int({count})
"""
_CP = dict(pair="kernel_size", count="c_out * (c_in // groups) * kh * kw + (c_out if bias else 0)")
mutant(A06, "conv_params", "bias forgotten", _CONVP.format(**{**_CP, "count": "c_out * (c_in // groups) * kh * kw"}))
mutant(A06, "conv_params", "groups ignored", _CONVP.format(**{**_CP, "count": "c_out * c_in * kh * kw + (c_out if bias else 0)"}))
mutant(A06, "conv_params", "one bias per input channel", _CONVP.format(**{**_CP, "count": "c_out * (c_in // groups) * kh * kw + (c_in if bias else 0)"}))
mutant(A06, "conv_params", "square kernel assumed: kh * kh", _CONVP.format(**{**_CP, "count": "c_out * (c_in // groups) * kh * kh + (c_out if bias else 0)"}))
mutant(A06, "fc_params", "bias forgotten", """
def fc_params(n_in, n_out, bias=True):
    return int(n_in * n_out)
""")
mutant(A06, "fc_params", "bias always counted", """
def fc_params(n_in, n_out, bias=True):
    return int(n_in * n_out + n_out)
""")
mutant(A06, "conv_macs", "groups ignored", """
def conv_macs(c_in, c_out, kernel_size, out_size, groups=1):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    oh, ow = (out_size, out_size) if np.ndim(out_size) == 0 else out_size
    return int(oh * ow * c_out * c_in * kh * kw)
""")
mutant(A06, "conv_macs", "swapped axes: the output taken as out_h x out_h", """
def conv_macs(c_in, c_out, kernel_size, out_size, groups=1):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    oh, ow = (out_size, out_size) if np.ndim(out_size) == 0 else out_size
    return int(oh * oh * c_out * (c_in // groups) * kh * kw)
""")
mutant(A06, "conv_macs", "weights, not MACs (positions forgotten)", """
def conv_macs(c_in, c_out, kernel_size, out_size, groups=1):
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    return int(c_out * (c_in // groups) * kh * kw)
""")
# model_summary and total_params: the reference walk with one mistake each
_WALK = """
def {name}(layers, input_shape, verbose=False):
    pair = lambda v: (v, v) if np.ndim(v) == 0 else tuple(v)
    rows, shape = [], tuple(input_shape)
    for layer in layers:
        kind, params = layer.get("type"), 0
        if kind in ("conv", "maxpool", "avgpool"):
            c, h, w = shape
            kh, kw = pair(layer["kernel_size"])
            sh, sw = pair(layer.get("stride", {pool_stride} if kind != "conv" else 1))
            ph, pw = pair(layer.get("padding", 0)) if kind == "conv" else (0, 0)
            if kh > h + 2 * ph or kw > w + 2 * pw:
                raise ValueError("window too large")
            out_c = layer["out_channels"] if kind == "conv" else c
            if kind == "conv":
                g = {groups}
                params = out_c * (c // g) * kh * kw + (out_c if {bias} else 0)
            shape = (out_c, (h + 2 * ph - kh) // sh + 1{off}, (w + 2 * pw - kw) // sw + 1)
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "gap":
            shape = (shape[0],)
        elif kind == "fc":
            if len(shape) != 1:
                raise ValueError("fc needs a flat input")
            params = shape[0] * layer["out_features"] + (layer["out_features"] if {bias} else 0)
            shape = (layer["out_features"],)
        elif kind != "relu":
            raise ValueError("unknown layer")
        rows.append({{"type": kind, "output_shape": tuple(int(v) for v in shape), "params": int(params)}})
    return {ret}
"""
_W = dict(pool_stride='layer["kernel_size"]', groups='layer.get("groups", 1)', bias='layer.get("bias", True)',
          off="", name="model_summary", ret="rows")
mutant(A06, "model_summary", "biases never counted", _WALK.format(**{**_W, "bias": "False"}))
mutant(A06, "model_summary", "pooling stride defaults to 1", _WALK.format(**{**_W, "pool_stride": "1"}))
mutant(A06, "model_summary", "groups ignored", _WALK.format(**{**_W, "groups": "1"}))
mutant(A06, "model_summary", "off-by-one: one output row too few", _WALK.format(**{**_W, "off": " - 1"}))
_T = {**_W, "name": "total_params", "ret": 'int(sum(r["params"] for r in rows))'}
mutant(A06, "total_params", "biases never counted", _WALK.format(**{**_T, "bias": "False"}))
mutant(A06, "total_params", "groups ignored", _WALK.format(**{**_T, "groups": "1"}))

A07 = "07_receptive_field"
_RF = """
def receptive_field(layers):
    field, jump = 1, 1
    for k, s in layers:
        {body}
    return int(field)
"""
mutant(A07, "receptive_field", "strides ignored", _RF.format(body="field += k - 1"))
mutant(A07, "receptive_field", "off-by-one: a layer's own stride applied to itself",
       _RF.format(body="jump *= s\n        field += (k - 1) * jump"))
mutant(A07, "receptive_field", "kernel sizes multiplied", _RF.format(body="field *= k"))
mutant(A07, "receptive_field", "+ k instead of + (k - 1)", _RF.format(body="field += k * jump\n        jump *= s"))

A08 = "08_backpropagation"
_NUMGRAD = """
def numerical_gradient(f, x, h=1e-5):
    if not h > 0:
        raise ValueError("h must be > 0")
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + {step}
        f_plus = f(x)
        x[idx] = old - {minus}
        f_minus = f(x)
        {restore}
        grad[idx] = (f_plus - f_minus) / ({den})
    return grad
"""
_NG = dict(step="h", minus="h", restore="x[idx] = old", den="2 * h")
mutant(A08, "numerical_gradient", "forward difference", _NUMGRAD.format(**{**_NG, "minus": "0", "den": "h"}))
mutant(A08, "numerical_gradient", "divides by h, not 2h", _NUMGRAD.format(**{**_NG, "den": "h"}))
mutant(A08, "numerical_gradient", "h ignored (always 1e-5)", _NUMGRAD.format(**{**_NG, "step": "1e-5", "minus": "1e-5",
                                                                                 "den": "2e-5"}))
mutant(A08, "numerical_gradient", "perturbs the caller's x and never puts it back",
       _NUMGRAD.format(**{**_NG, "restore": "pass"}).replace("x = np.array(x, dtype=np.float64)", "x = np.asarray(x)"))

_CONVB = """
def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=np.float64) for a in (x, w, dout))
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError("bad shapes")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    if dout.shape != (N, O, OH, OW):
        raise ValueError("dout has the wrong shape")
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for p in range(KH):
        for q in range(KW):
            rows = slice(p, p + sh * (OH - 1) + 1, sh)
            cols = slice(q, q + sw * (OW - 1) + 1, sw)
            {dw_line}
            dxp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", dout, {tap})
    dx = {crop}
    return dx, dw, {db}
"""
_CB = dict(dw_line='dw[:, :, p, q] = np.einsum("nohw,nchw->oc", dout, xp[:, :, rows, cols])',
           tap="w[:, :, p, q]", crop="dxp[:, :, ph:ph + H, pw:pw + W]",
           db="None if b is None else dout.sum(axis=(0, 2, 3))")
mutant(A08, "conv2d_backward", "missing flip: dx built with the kernel turned around",
       _CONVB.format(**{**_CB, "tap": "w[:, :, KH - 1 - p, KW - 1 - q]"}))
mutant(A08, "conv2d_backward", "= instead of +=: dw of the last image only",
       _CONVB.format(**{**_CB, "dw_line": 'for n in range(N):\n                dw[:, :, p, q] = '
                                          'np.einsum("ohw,chw->oc", dout[n], xp[n, :, rows, cols])'}))
mutant(A08, "conv2d_backward", "db forgotten", _CONVB.format(**{**_CB, "db": "None"}))
mutant(A08, "conv2d_backward", "padding not cut off dx (off by the padding)",
       _CONVB.format(**{**_CB, "crop": "dxp[:, :, :H, :W]"}))
mutant(A08, "conv2d_backward", "swapped axes: db summed over the wrong axes",
       _CONVB.format(**{**_CB, "db": "None if b is None else dout.sum(axis=(1, 2, 3))[:w.shape[0]]"}))

# the two pooling backward passes check their arguments alike; only the body differs
_POOLB_CHECKS = """
def {name}(dout, x, size=2, stride=None):
    x, dout = np.asarray(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    kh, kw = (size, size) if np.ndim(size) == 0 else size
    stride = {{default}} if stride is None else stride
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    N, C, H, W = x.shape
    if kh > H or kw > W or min(kh, kw, sh, sw) < 1:
        raise ValueError("bad window")
    OH, OW = {grid}
    if dout.shape != (N, C, OH, OW):
        raise ValueError("dout has the wrong shape")
    dx = np.zeros_like(x)
"""
_POOLB = _POOLB_CHECKS.format(name="max_pool2d_backward", grid="(H - kh) // sh + 1, (W - kw) // sw + 1") + """    n, c = np.indices((N, C))
    for i in range(OH):
        for j in range(OW):
            k = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(N, C, kh * kw).argmax(axis=2)
            dx[n, c, i * sh + k // kw, j * sw + k % kw] {op} dout[:, :, i, j]
    return dx
"""
mutant(A08, "max_pool2d_backward", "= instead of +=: overlapping windows overwrite",
       _POOLB.format(default="(kh, kw)", op="="))
mutant(A08, "max_pool2d_backward", "ignored stride: the default stride is 1",
       _POOLB.format(default="1", op="+="))
mutant(A08, "max_pool2d_backward", "swapped axes: row and column of the maximum swapped",
       _POOLB.format(default="(kh, kw)", op="+=").replace("i * sh + k // kw, j * sw + k % kw",
                                                           "i * sh + k % kw, j * sw + k // kw"))

_AVGB = _POOLB_CHECKS.format(name="avg_pool2d_backward", grid="{grid}") + """\
    for i in range(OH):
        for j in range(OW):
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] {op} dout[:, :, i:i + 1, j:j + 1]{share}
    return dx
"""
_AB = dict(default="(kh, kw)", grid="(H - kh) // sh + 1, (W - kw) // sw + 1", op="+=", share=" / (kh * kw)")
mutant(A08, "avg_pool2d_backward", "= instead of +=: overlapping windows overwrite", _AVGB.format(**{**_AB, "op": "="}))
mutant(A08, "avg_pool2d_backward", "no division by the window area: every cell gets all of dout",
       _AVGB.format(**{**_AB, "share": ""}))
# the grid read off dout, so the wrong default stride gives wrong values rather than a shape error
mutant(A08, "avg_pool2d_backward", "default stride 1 instead of the window size",
       _AVGB.format(**{**_AB, "default": "1", "grid": "dout.shape[2:]"}))
mutant(A08, "avg_pool2d_backward", "gradient routed to the maximum (max pooling's backward pass)",
       _POOLB.format(default="(kh, kw)", op="+=").replace("max_pool2d_backward", "avg_pool2d_backward"))
mutant(A08, "avg_pool2d_backward", "swapped axes: divides by kh * kh (a square window assumed)",
       _AVGB.format(**{**_AB, "share": " / (kh * kh)"}))

_TRANSPOSE = """
def conv_transpose2d(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    {axes}
    if C_w != C or min(sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("bad arguments")
    if b is not None and np.shape(b) != (O,):
        raise ValueError("b must have one value per output channel")
    FH, FW = (H - 1) * {sh} + KH, (W - 1) * {sw} + KW
    if FH - 2 * ph < 1 or FW - 2 * pw < 1:
        raise ValueError("the padding leaves no output")
    full = np.zeros((N, O, FH, FW))
    for i in range(H):
        for j in range(W):
            full[:, :, i * {sh}:i * {sh} + KH, j * {sw}:j * {sw} + KW] {op} np.einsum("nc,copq->nopq", x[:, :, i, j], {w})
    out = {crop}
    if b is not None{bias_off}:
        out = out + np.asarray(b, dtype=np.float64)[None, :, None, None]
    return out
"""
_T = dict(axes="C_w, O, KH, KW = w.shape", sh="sh", sw="sw", op="+=", w="w",
          crop="full[:, :, ph:FH - ph, pw:FW - pw]", bias_off="")
mutant(A08, "conv_transpose2d", "missing flip: the kernel pasted flipped",
       _TRANSPOSE.format(**{**_T, "w": "w[:, :, ::-1, ::-1]"}))
mutant(A08, "conv_transpose2d", "swapped axes: w read as conv2d's (C_out, C_in, KH, KW)",
       _TRANSPOSE.format(**{**_T, "axes": "O, C_w, KH, KW = w.shape", "w": "w.transpose(1, 0, 2, 3)"}))
mutant(A08, "conv_transpose2d", "ignored stride: kernels pasted at (i, j), not (i * sh, j * sw)",
       _TRANSPOSE.format(**{**_T, "sh": "sh", "sw": "sw"}).replace(
           "full[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW]", "full[:, :, i:i + KH, j:j + KW]"))
mutant(A08, "conv_transpose2d", "ignored stride altogether (stride 1 everywhere)",
       _TRANSPOSE.format(**{**_T, "sh": "1", "sw": "1"}))
mutant(A08, "conv_transpose2d", "padding not cropped", _TRANSPOSE.format(**{**_T, "crop": "full"}))
mutant(A08, "conv_transpose2d", "padding cropped from one side only",
       _TRANSPOSE.format(**{**_T, "crop": "full[:, :, 2 * ph:, 2 * pw:]"}))
mutant(A08, "conv_transpose2d", "= instead of +=: overlapping kernels overwrite",
       _TRANSPOSE.format(**{**_T, "op": "="}))
mutant(A08, "conv_transpose2d", "bias forgotten", _TRANSPOSE.format(**{**_T, "bias_off": " and False"}))

A09 = "09_fast_convolution"
_IM2COL = """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    if sh < 1 or sw < 1 or ph < 0 or pw < 0 or kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError("bad arguments")
    OH, OW = (H + 2 * ph - kh) // {sh} + 1, (W + 2 * pw - kw) // {sw} + 1
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    cols = np.empty((N, OH, OW, C, kh, kw))
    for p in range(kh):
        for q in range(kw):
            cols[:, :, :, :, p, q] = xp[:, :, p:p + {sh} * (OH - 1) + 1:{sh}, q:q + {sw} * (OW - 1) + 1:{sw}].transpose(0, 2, 3, 1)
    return {ret}
"""
_IC = dict(sh="sh", sw="sw", ret="cols.reshape(N * OH * OW, C * kh * kw)")
mutant(A09, "im2col", "ignored stride", _IM2COL.format(**{**_IC, "sh": "1", "sw": "1"}))
mutant(A09, "im2col", "not vectorised: a loop over output positions", """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    if sh < 1 or sw < 1 or ph < 0 or pw < 0 or kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError("bad arguments")
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    OH, OW = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    rows = [xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw].ravel()
            for n in range(N) for i in range(OH) for j in range(OW)]
    return np.array(rows).reshape(N * OH * OW, C * kh * kw)
""")
mutant(A09, "im2col", "swapped axes: one column per window", _IM2COL.format(**{**_IC, "ret": "cols.reshape(N * OH * OW, C * kh * kw).T"}))
mutant(A09, "im2col", "columns in (p, q, c) order", _IM2COL.format(
    **{**_IC, "ret": "cols.transpose(0, 1, 2, 4, 5, 3).reshape(N * OH * OW, C * kh * kw)"}))

_FAST = """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("bad shapes")
    if b is not None and np.shape(b) != (w.shape[0],):
        raise ValueError("bad bias")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    if sh < 1 or sw < 1 or ph < 0 or pw < 0 or KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("bad arguments")
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    cols = np.empty((C, KH, KW, N, OH, OW))
    for p in range(KH):
        for q in range(KW):
            cols[:, p, q] = xp[:, :, p:p + sh * (OH - 1) + 1:sh, q:q + sw * (OW - 1) + 1:sw].transpose(1, 0, 2, 3)
    out = {kernel}.reshape(O, -1) @ cols.reshape(C * KH * KW, -1)
    out = out.reshape(O, N, OH, OW).transpose({axes})
    return out if b is None else out + {bias}
"""
_F = dict(kernel="w", axes="1, 0, 2, 3", bias="np.asarray(b)[None, :, None, None]")
# first, so that the "all wrong" student of the tests meets the line counter in the sandbox
mutant(A09, "conv2d_fast", "not vectorised: notebook 04's loop over output positions", """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("bad shapes")
    if b is not None and np.shape(b) != (w.shape[0],):
        raise ValueError("bad bias")
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    if sh < 1 or sw < 1 or ph < 0 or pw < 0 or KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("bad arguments")
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    out = np.zeros((N, O, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = np.tensordot(xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW], w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + np.asarray(b)[None, :, None, None]
""")
mutant(A09, "conv2d_fast", "flipped kernels (true convolution instead of the layer's cross-correlation)",
       _FAST.format(**{**_F, "kernel": "w[:, :, ::-1, ::-1]"}))
mutant(A09, "conv2d_fast", "swapped axes: output (C_out, N, H, W) left as is",
       _FAST.format(**{**_F, "axes": "0, 1, 2, 3"}))
mutant(A09, "conv2d_fast", "bias forgotten", _FAST.format(**{**_F, "bias": "0.0"}))

_FFT = """
def fft_convolve2d(image, kernel):
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("2-D inputs only")
    H, W = image.shape
    KH, KW = kernel.shape
    if KH > H or KW > W:
        raise ValueError("kernel larger than the image")
    size = {size}
    full = np.fft.irfft2(np.fft.rfft2(image, size) * np.fft.rfft2({kernel}, size), size)
    return full[{rows}, {cols}]
"""
_FF = dict(size="(H + KH - 1, W + KW - 1)", kernel="kernel", rows="KH - 1:H", cols="KW - 1:W")
mutant(A09, "fft_convolve2d", "missing flip: cross-correlation", _FFT.format(**{**_FF, "kernel": "kernel[::-1, ::-1]"}))
mutant(A09, "fft_convolve2d", "off-by-one: the valid part taken from the top-left corner",
       _FFT.format(**{**_FF, "rows": ":H - KH + 1", "cols": ":W - KW + 1"}))
mutant(A09, "fft_convolve2d", "the full convolution returned, not the valid part",
       _FFT.format(**{**_FF, "rows": ":", "cols": ":"}))

A10 = "10_capstone_tiny_cnn"
_CE = """
def softmax_cross_entropy(logits, y):
    logits, y = np.asarray(logits, dtype=np.float64), np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError("bad shapes")
    n = logits.shape[0]
    z = {shift}
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].{reduce}()
    d = np.exp(log_p)
    {one_hot}
    return float(loss), d / {scale}
"""
_C = dict(shift="logits - logits.max(axis=1, keepdims=True)", reduce="mean", one_hot="d[np.arange(n), y] -= 1.0",
          scale="n")
# first: summed instead of averaged; Adam does not mind the scale, so the network still trains
mutant(A10, "softmax_cross_entropy", "summed over the batch, not averaged", _CE.format(**{**_C, "reduce": "sum",
                                                                                         "scale": "1"}))
mutant(A10, "softmax_cross_entropy", "one-hot never subtracted from the gradient",
       _CE.format(**{**_C, "one_hot": "pass"}))
mutant(A10, "softmax_cross_entropy", "no maximum subtracted: overflows on large logits",
       _CE.format(**{**_C, "shift": "logits"}))

_ADAM = """
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    param, grad, m, v = (np.asarray(a, dtype=np.float64) for a in (param, grad, m, v))
    if not param.shape == grad.shape == m.shape == v.shape or t < 1:
        raise ValueError("bad arguments")
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = {m_hat}, {v_hat}
    return param - lr * m_hat / ({root} + eps), m, v
"""
_A = dict(m_hat="m / (1 - beta1 ** t)", v_hat="v / (1 - beta2 ** t)", root="np.sqrt(v_hat)")
mutant(A10, "adam_step", "no bias correction", _ADAM.format(**{**_A, "m_hat": "m", "v_hat": "v"}))
mutant(A10, "adam_step", "square root of v forgotten", _ADAM.format(**{**_A, "root": "v_hat"}))

# predict: classifiers that do not use the trained network (they need no `model`)
mutant(A10, "predict", "always the most common digit", """
def predict(images):
    return np.full(len(images), 1)
""")
mutant(A10, "predict", "nearest class mean of the raw pixels (about 90%: below the pass mark)", """
def predict(images):
    from convcourse import load_digits
    train, train_labels = load_digits()
    means = np.array([train[train_labels == d].mean(axis=0) for d in range(10)])
    diff = np.asarray(images, dtype=np.float64)[:, None] - means[None]
    return (diff ** 2).sum(axis=(2, 3)).argmin(axis=1)
""")


def for_function(function: str) -> list[Mutant]:
    return [m for m in MUTANTS if m.function == function]
