"""Hidden cases for 08_backpropagation."""
import numpy as np

from ..inkernel.function_inputs import Field
from . import reference as ref
from .core import Case, Hint, Spec, register


# --- numerical_gradient -----------------------------------------------------------------

def _field(rng, kind, shape):
    size = int(np.prod(shape))
    if kind == "quadratic":
        return Field(kind, [rng.uniform(0.5, 2.0, size), rng.normal(size=size)])
    if kind == "sines":
        return Field(kind, [rng.normal(size=size), rng.uniform(0.5, 2.0, size)])
    if kind == "quadratic_form":
        return Field(kind, [rng.normal(size=size * size)])
    return Field(kind, [rng.normal(size=size)])


def _numgrad_cases(rng):
    specs = [("quadratic", (5,), None), ("sines", (3, 4), None), ("cubic", (2, 3, 2), None),
             ("log_sum_exp", (7,), None), ("quadratic_form", (2, 3), None), ("sines", (1, 2, 3, 3), 1e-4),
             ("cubic", (4,), 0.1), ("quadratic", (1,), 1e-3)]
    cases = []
    for kind, shape, h in specs:
        kwargs = {} if h is None else {"h": h}
        cases.append(Case((_field(rng, kind, shape), rng.normal(size=shape)), kwargs,
                          describe=f"a {kind.replace('_', ' ')} f of an array of shape {shape}, "
                                   + ("the default h" if h is None else f"h = {h}")))
    cases += [Case((_field(rng, "cubic", (3,)), rng.normal(size=3)), {"h": 0.0}, describe="h = 0",
                   raises=ValueError),
              Case((_field(rng, "cubic", (3,)), rng.normal(size=3)), {"h": -1e-5}, describe="a negative h",
                   raises=ValueError)]
    return cases


def _forward_difference(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    base, grad = f(x), np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - base) / h
        x[idx] = old
    return grad


register(Spec(
    name="numerical_gradient",
    make_cases=_numgrad_cases,
    reference=ref.numerical_gradient,
    hints=[
        Hint(_forward_difference, "looks like a forward difference (f(x+h) - f(x)) / h: use the central "
                                  "difference (f(x+h) - f(x-h)) / (2h)"),
        Hint(lambda f, x, h=1e-5: 2 * ref.numerical_gradient(f, x, h),
             "twice the gradient: divide f(x+h) - f(x-h) by 2h, not by h"),
        Hint(lambda f, x, h=1e-5: ref.numerical_gradient(f, x),
             "the step h is ignored: use the h you are given"),
    ],
    rtol=1e-7, atol=1e-8,
    seed=801,
))


# --- conv2d_backward --------------------------------------------------------------------

# x shape, w shape, stride, padding, with bias
_CONV = [((1, 1, 5, 5), (1, 1, 3, 3), 1, 0, False), ((2, 3, 6, 5), (4, 3, 3, 2), 1, 0, True),
         ((1, 2, 7, 7), (3, 2, 3, 3), 2, 0, True), ((2, 1, 6, 8), (2, 1, 3, 3), 1, 1, True),
         ((1, 3, 7, 6), (2, 3, 3, 3), 2, 1, False), ((3, 2, 8, 7), (2, 2, 2, 3), (2, 1), (1, 0), True),
         ((1, 1, 9, 9), (1, 1, 5, 5), 3, 2, True), ((2, 2, 4, 4), (3, 2, 1, 1), 1, 0, True),
         ((1, 4, 5, 6), (2, 4, 5, 6), 1, 0, True), ((1, 1, 7, 5), (1, 1, 2, 2), (1, 3), (0, 1), False)]


def _conv_cases(rng):
    cases = []
    for xs, ws, stride, padding, bias in _CONV:
        x, w = rng.normal(size=xs), rng.normal(size=ws)
        b = rng.normal(size=ws[0]) if bias else None
        dout = rng.normal(size=ref.conv2d(x, w, b, stride, padding).shape)
        cases.append(Case((dout, x, w), {"b": b, "stride": stride, "padding": padding},
                          describe=f"x {xs}, w {ws}, stride {stride}, padding {padding}, "
                                   + ("with" if bias else "without") + " bias"))
    x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    cases += [
        Case((rng.normal(size=(1, 3, 4, 4)), x, w), {}, describe="dout of the wrong shape", raises=ValueError),
        Case((rng.normal(size=(1, 3, 3, 3)), x, rng.normal(size=(3, 1, 3, 3))), {},
             describe="a channel mismatch between x and w", raises=ValueError),
        Case((rng.normal(size=(3, 3, 3)), x[0], w), {}, describe="a 3-D x", raises=ValueError),
    ]
    return cases


def _dx_not_flipped(dout, x, w, b=None, stride=1, padding=0):
    # the full correlation with the *unflipped* kernel, i.e. the kernel flipped once too often
    dx, dw, db = ref.conv2d_backward(dout, x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding)
    return dx, ref.conv2d_backward(dout, x, w, b, stride, padding)[1], db


def _dw_last_image(dout, x, w, b=None, stride=1, padding=0):
    dx, _, db = ref.conv2d_backward(dout, x, w, b, stride, padding)
    return dx, ref.conv2d_backward(dout[-1:], x[-1:], w, b, stride, padding)[1], db


def _db_per_position(dout, x, w, b=None, stride=1, padding=0):
    dx, dw, db = ref.conv2d_backward(dout, x, w, b, stride, padding)
    return dx, dw, None if b is None else np.asarray(dout).sum(axis=(2, 3))[0]


register(Spec(
    name="conv2d_backward",
    make_cases=_conv_cases,
    reference=ref.conv2d_backward,
    adapt="parts",
    parts=("dx", "dw", "db"),
    expects="a tuple (dx, dw, db)",
    hints=[
        Hint(_dx_not_flipped, "dx has the kernel flipped the wrong way: each output sends dout times w "
                              "(not flipped) back onto the inputs its window covered; as a window sliding "
                              "over dout, that is the flipped kernel (a full convolution)"),
        Hint(_dw_last_image, "dw holds only the last image of the batch: accumulate over the batch with +=, not ="),
        Hint(_db_per_position, "db must sum dout over the batch and all positions"),
    ],
    seed=802,
))


# --- max_pool2d_backward ----------------------------------------------------------------

_POOL = [((1, 1, 4, 4), 2, None), ((2, 3, 6, 6), 2, None), ((1, 2, 7, 5), 2, None),
         ((2, 1, 7, 7), 3, 2), ((1, 2, 5, 6), 2, 1), ((1, 3, 8, 6), (2, 3), None),
         ((2, 1, 9, 8), (3, 2), (2, 1)), ((3, 2, 4, 6), 1, None), ((1, 1, 5, 5), 5, None)]


def _pool_cases(rng):
    cases = []
    for shape, size, stride in _POOL:
        x = rng.normal(size=shape)  # continuous values: no ties inside a window
        dout = rng.normal(size=ref.max_pool2d(x, size, stride).shape)
        kwargs = {"size": size} if stride is None else {"size": size, "stride": stride}
        cases.append(Case((dout, x), kwargs, describe=f"x {shape}, size {size}, "
                          + ("default stride" if stride is None else f"stride {stride}")))
    x = rng.normal(size=(1, 1, 6, 6))
    cases += [Case((rng.normal(size=(1, 1, 2, 2)), x), {"size": 2}, describe="dout of the wrong shape",
                   raises=ValueError),
              Case((rng.normal(size=(1, 3, 3)), x[0]), {"size": 2}, describe="a 3-D x", raises=ValueError)]
    return cases


def _overwrite(dout, x, size=2, stride=None):
    """`dx[window] = ...` instead of `+=`: where windows overlap, the last one wins."""
    x = np.asarray(x, dtype=np.float64)
    kh, kw = ref._pair(size)
    sh, sw = ref._pair(size if stride is None else stride)
    dx = np.zeros_like(x)
    N, C, OH, OW = np.shape(dout)
    for i in range(OH):
        for j in range(OW):
            win = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(N, C, -1)
            k = win.argmax(axis=-1)
            for n in range(N):
                for c in range(C):
                    dx[n, c, i * sh + k[n, c] // kw, j * sw + k[n, c] % kw] = dout[n, c, i, j]
    return dx


def _spread(dout, x, size=2, stride=None):
    """The average pool's gradient: dout shared by every cell of the window."""
    x = np.asarray(x, dtype=np.float64)
    kh, kw = ref._pair(size)
    sh, sw = ref._pair(size if stride is None else stride)
    dx = np.zeros_like(x)
    for i in range(np.shape(dout)[2]):
        for j in range(np.shape(dout)[3]):
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.asarray(dout)[:, :, i:i + 1, j:j + 1] / (kh * kw)
    return dx


register(Spec(
    name="max_pool2d_backward",
    make_cases=_pool_cases,
    reference=ref.max_pool2d_backward,
    hints=[
        Hint(_overwrite, "where windows overlap, a cell that is the maximum of two windows gets both "
                         "gradients: accumulate with +=, not ="),
        Hint(_spread, "the gradient is spread over the whole window (that is average pooling's): "
                      "max pooling sends it only to the window's maximum"),
        Hint(lambda dout, x, size=2, stride=None: ref.max_pool2d_backward(dout, x, size, 1)
             if np.shape(dout) == ref.max_pool2d(x, size, 1).shape else None,
             "the windows move one pixel at a time: the stride defaults to the window size"),
    ],
    seed=803,
))


# --- avg_pool2d_backward ----------------------------------------------------------------

# x shape, size, stride (None: the default, stride = size); stride < size makes windows overlap
_AVG = [((1, 1, 4, 4), 2, None), ((2, 3, 6, 6), 2, None), ((1, 2, 7, 5), 2, None),
        ((2, 1, 7, 7), 3, 2), ((1, 2, 5, 6), 2, 1), ((1, 3, 8, 6), (2, 3), None),
        ((2, 1, 9, 8), (3, 2), (2, 1)), ((3, 2, 4, 6), 1, None), ((1, 1, 5, 5), 5, None),
        ((1, 2, 6, 7), 3, (1, 2))]


def _avg_cases(rng):
    cases = []
    for shape, size, stride in _AVG:
        x = rng.normal(size=shape)
        dout = rng.normal(size=ref.avg_pool2d(x, size, stride).shape)
        kwargs = {"size": size} if stride is None else {"size": size, "stride": stride}
        cases.append(Case((dout, x), kwargs, describe=f"x {shape}, size {size}, "
                          + ("default stride" if stride is None else f"stride {stride}")))
    x = rng.normal(size=(1, 1, 6, 6))
    cases += [Case((rng.normal(size=(1, 1, 2, 2)), x), {"size": 2}, describe="dout of the wrong shape",
                   raises=ValueError),
              Case((rng.normal(size=(1, 3, 3)), x[0]), {"size": 2}, describe="a 3-D x", raises=ValueError),
              Case((rng.normal(size=(1, 1, 6, 6)), x), {"size": 0}, describe="size 0", raises=ValueError),
              Case((rng.normal(size=(1, 1, 5, 5)), x), {"size": 2, "stride": 0}, describe="stride 0",
                   raises=ValueError),
              Case((rng.normal(size=(1, 1, 1, 1)), x), {"size": (7, 2)}, describe="a window taller than x",
                   raises=ValueError)]
    return cases


def _avg_windows(dout, x, size, stride, op):
    """Average pooling's backward pass, each window written with `op` (accumulate or overwrite),
    on the grid of positions that dout has."""
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = ref._pair(size)
    sh, sw = ref._pair(size if stride is None else stride)
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            share = dout[:, :, i:i + 1, j:j + 1] / (kh * kw)
            if op == "=":
                dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] = share
            else:
                dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += share
    return dx


def _avg_stride_one(dout, x, size=2, stride=None):
    """The windows of dout's grid placed one pixel apart when no stride is given."""
    return _avg_windows(dout, x, size, 1 if stride is None else stride, "+=")


register(Spec(
    name="avg_pool2d_backward",
    make_cases=_avg_cases,
    reference=ref.avg_pool2d_backward,
    hints=[
        Hint(lambda dout, x, size=2, stride=None: _avg_windows(dout, x, size, stride, "="),
             "where windows overlap, a cell inside two windows gets a share of both: accumulate with +=, not ="),
        Hint(lambda dout, x, size=2, stride=None: ref.avg_pool2d_backward(dout, x, size, stride)
             * np.prod(ref._pair(size)),
             "each window averages kh * kw inputs, so each of them gets dout / (kh * kw), not all of dout"),
        Hint(ref.max_pool2d_backward, "the whole gradient went to the window's maximum (that is max pooling's): "
                                      "average pooling shares it equally among all cells of the window"),
        Hint(_avg_stride_one, "the windows move one pixel at a time: the stride defaults to the window size"),
        Hint(lambda dout, x, size=2, stride=None: ref.avg_pool2d_backward(dout, x, size, stride)
             * ref._pair(size)[1] / ref._pair(size)[0],
             "a kh x kw window has kh * kw cells, not kh * kh: windows need not be square"),
    ],
    seed=804,
))


# --- conv_transpose2d -------------------------------------------------------------------

# x shape, w shape (C_in, C_out, KH, KW), stride, padding, with bias
_TRANSPOSE = [((1, 1, 3, 3), (1, 1, 3, 3), 1, 0, False), ((2, 3, 4, 5), (3, 2, 3, 3), 2, 0, True),
              ((1, 2, 5, 4), (2, 4, 3, 2), (2, 1), (1, 0), True), ((2, 1, 4, 4), (1, 3, 4, 4), 2, 1, True),
              ((1, 4, 3, 3), (4, 4, 2, 2), 2, 0, True), ((3, 2, 2, 3), (2, 3, 5, 5), 3, 2, False),
              ((1, 3, 6, 5), (3, 1, 1, 1), 1, 0, True), ((2, 2, 3, 4), (2, 2, 3, 3), 1, 1, True),
              ((1, 1, 4, 4), (1, 1, 3, 3), (1, 3), (0, 1), False), ((1, 2, 1, 1), (2, 3, 3, 3), 2, 0, True),
              ((2, 3, 3, 3), (3, 3, 4, 3), (2, 3), (1, 1), True)]


def _transpose_cases(rng):
    cases = []
    for xs, ws, stride, padding, bias in _TRANSPOSE:
        b = rng.normal(size=ws[1]) if bias else None
        cases.append(Case((rng.normal(size=xs), rng.normal(size=ws)), {"b": b, "stride": stride, "padding": padding},
                          describe=f"x {xs}, w {ws}, stride {stride}, padding {padding}, "
                                   + ("with" if bias else "without") + " bias"))
    x, w = rng.normal(size=(1, 2, 3, 3)), rng.normal(size=(2, 3, 3, 3))
    cases += [
        Case((x, rng.normal(size=(3, 2, 3, 3))), {}, describe="w with 3 input channels for an x with 2",
             raises=ValueError),
        Case((x[0], w), {}, describe="a 3-D x", raises=ValueError),
        Case((x, w), {"b": rng.normal(size=2)}, describe="a bias of 2 values for 3 output channels",
             raises=ValueError),
        Case((x, w), {"stride": 0}, describe="stride 0", raises=ValueError),
        Case((x, w), {"padding": -1}, describe="padding -1", raises=ValueError),
        Case((x, w), {"stride": 1, "padding": (1, 3)}, describe="a padding that leaves no output column",
             raises=ValueError),
    ]
    return cases


def _transpose_swapped(x, w, b=None, stride=1, padding=0):
    """w read as conv2d's (C_out, C_in, KH, KW): only possible when the two counts are equal."""
    w = np.asarray(w)
    if w.shape[0] != w.shape[1]:
        return None
    return ref.conv_transpose2d(x, w.transpose(1, 0, 2, 3), b, stride, padding)


def _transpose_one_side(x, w, b=None, stride=1, padding=0):
    """All of the cropping (2p) taken off the top and left, none off the bottom and right."""
    ph, pw = ref._pair(padding)
    full = ref.conv_transpose2d(x, w, b, stride, 0)
    return full[:, :, 2 * ph:, 2 * pw:]


def _cropped(full, padding, b):
    """The transposed convolution's last steps on the full pasted output: p rows and columns off
    each side, then the bias."""
    ph, pw = ref._pair(padding)
    out = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return out if b is None else out + np.asarray(b)[None, :, None, None]


def _transpose_overwrite(x, w, b=None, stride=1, padding=0):
    """Each input pixel's kernel written with = instead of added: where they overlap, the last wins."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    sh, sw = ref._pair(stride)
    N, _, H, W = x.shape
    _, O, KH, KW = w.shape
    full = np.zeros((N, O, (H - 1) * sh + KH, (W - 1) * sw + KW))
    for i in range(H):
        for j in range(W):
            full[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW] = np.einsum("nc,copq->nopq", x[:, :, i, j], w)
    return _cropped(full, padding, b)


def _transpose_unstrided(x, w, b=None, stride=1, padding=0):
    """The output's size is right, but input pixel (i, j) pasted its kernel at (i, j), not (i*sh, j*sw)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    sh, sw = ref._pair(stride)
    N, _, H, W = x.shape
    _, O, KH, KW = w.shape
    full = np.zeros((N, O, (H - 1) * sh + KH, (W - 1) * sw + KW))
    full[:, :, :H + KH - 1, :W + KW - 1] = ref.conv_transpose2d(x, w)
    return _cropped(full, padding, b)


register(Spec(
    name="conv_transpose2d",
    make_cases=_transpose_cases,
    reference=ref.conv_transpose2d,
    hints=[
        Hint(lambda x, w, b=None, stride=1, padding=0: ref.conv_transpose2d(x, np.asarray(w)[:, :, ::-1, ::-1],
                                                                           b, stride, padding),
             "the kernel is flipped: each input pixel pastes w as it is (not flipped), scaled by the pixel, "
             "at its place in the output"),
        Hint(_transpose_swapped, "w has shape (C_in, C_out, KH, KW) here, as in PyTorch's conv_transpose2d: "
                                 "w[c, o] links input channel c to output channel o (conv2d's w is the other "
                                 "way round)"),
        Hint(_transpose_overwrite, "where the pasted kernels overlap, their contributions add up: accumulate "
                                   "with +=, not ="),
        Hint(lambda x, w, b=None, stride=1, padding=0: ref.conv_transpose2d(x, w, None, stride, padding),
             "the bias is missing: b[o] is added to every position of output channel o"),
        Hint(_transpose_one_side, "the padding is cropped from one side only: cut p rows off the top and p off "
                                  "the bottom (and p columns off each side)"),
        Hint(_transpose_unstrided, "the stride is ignored where the kernels are pasted: input pixel (i, j) "
                                   "pastes its kernel at row i * sh, column j * sw of the output"),
    ],
    seed=805,
))
