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


def for_function(function: str) -> list[Mutant]:
    return [m for m in MUTANTS if m.function == function]
