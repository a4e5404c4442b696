"""Hidden cases for 03_channels_and_filters."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register

# (C_in, H, W), (C_out, KH, KW), bias?
_SHAPES = [((1, 5, 5), (1, 3, 3), False), ((3, 7, 6), (2, 3, 3), True), ((3, 8, 8), (4, 5, 5), True),
           ((2, 6, 9), (3, 2, 4), False), ((4, 5, 7), (1, 1, 1), True), ((3, 4, 4), (2, 4, 4), True),
           ((5, 9, 4), (3, 3, 1), False), ((1, 10, 12), (6, 3, 5), True), ((3, 6, 6), (3, 3, 3), False)]


def _multichannel_cases(rng):
    cases = []
    for (c_in, h, w), (c_out, kh, kw), bias in _SHAPES:
        args = (rng.normal(size=(c_in, h, w)), rng.normal(size=(c_out, c_in, kh, kw)))
        if bias:
            args += (rng.normal(size=c_out),)
        cases.append(Case(args, describe=f"x {(c_in, h, w)}, w {(c_out, c_in, kh, kw)}, "
                                         f"{'with' if bias else 'without'} bias"))
    cases += [
        Case((rng.normal(size=(3, 6, 6)), rng.normal(size=(2, 2, 3, 3))),
             describe="w with 2 input channels for a 3-channel x", raises=ValueError),
        Case((rng.normal(size=(6, 6)), rng.normal(size=(2, 1, 3, 3))), describe="a 2-D x", raises=ValueError),
        Case((rng.normal(size=(2, 6, 6)), rng.normal(size=(2, 3, 3))), describe="a 3-D w", raises=ValueError),
        Case((rng.normal(size=(2, 4, 4)), rng.normal(size=(1, 2, 5, 3))),
             describe="a kernel taller than x", raises=ValueError),
        Case((rng.normal(size=(2, 6, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=2)),
             describe="a bias of length 2 for 3 filters", raises=ValueError),
    ]
    return cases


def _transposed(x, w, b=None):
    return ref.conv2d_multichannel(x, np.swapaxes(np.asarray(w), 2, 3), b)


def _no_bias(x, w, b=None):
    return ref.conv2d_multichannel(x, w)


def _flipped(x, w, b=None):
    return ref.conv2d_multichannel(x, np.asarray(w)[:, :, ::-1, ::-1], b)


def _last_channel_only(x, w, b=None):
    # `out = ...` instead of `out += ...` in the loop over input channels
    x, w = np.asarray(x), np.asarray(w)
    return ref.conv2d_multichannel(x[-1:], w[:, -1:], b)


def _first_channel_only(x, w, b=None):
    x, w = np.asarray(x), np.asarray(w)
    return ref.conv2d_multichannel(x[:1], w[:, :1], b)


def _channels_averaged(x, w, b=None):
    out = ref.conv2d_multichannel(x, w)
    out = out / np.shape(x)[0]
    return out if b is None else out + np.asarray(b)[:, None, None]


def _bias_once(x, w, b=None):
    # the bias added once per input channel
    out = ref.conv2d_multichannel(x, w)
    return out if b is None else out + np.shape(x)[0] * np.asarray(b)[:, None, None]


register(Spec(
    name="conv2d_multichannel",
    make_cases=_multichannel_cases,
    reference=ref.conv2d_multichannel,
    hints=[
        Hint(_no_bias, "the bias is missing: add b[o] to every value of output channel o"),
        Hint(_bias_once, "the bias is added once per input channel: add it once per output channel"),
        Hint(_flipped, "the kernels are flipped: a CNN layer computes cross-correlation (no flip)"),
        Hint(_last_channel_only, "only the last input channel counts: accumulate over channels with +=, "
                                 "not ="),
        Hint(_first_channel_only, "only the first input channel counts: sum over all C_in channels"),
        Hint(_transposed, "kernel rows and columns swapped (each kernel transposed)"),
        Hint(_channels_averaged, "the channels are averaged: a filter sums its C_in channel responses"),
    ],
    seed=301,
))


def _relu_cases(rng):
    shapes = [(7,), (3, 4), (2, 3, 5), (2, 3, 4, 5), (1, 1), (6, 1, 2)]
    cases = [Case((rng.normal(size=s),), describe=f"an array of shape {s}") for s in shapes]
    cases += [Case((-np.abs(rng.normal(size=(3, 3))) - 0.1,), describe="all values negative"),
              Case((np.abs(rng.normal(size=(4, 2))) + 0.1,), describe="all values positive"),
              Case((np.zeros((2, 2)),), describe="zeros")]
    return cases


register(Spec(
    name="relu",
    make_cases=_relu_cases,
    reference=ref.relu,
    hints=[
        Hint(np.abs, "negative values became positive (abs): ReLU sets them to 0"),
        Hint(lambda x: np.minimum(x, 0), "the negative part was kept: ReLU keeps max(x, 0)"),
        Hint(lambda x: (np.asarray(x) > 0).astype(float), "a 0/1 mask, not the values: keep x where x > 0"),
    ],
    seed=302,
))
