"""Hidden cases for 04_stride_and_padding."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register


def _pad_cases(rng):
    cases = []
    for shape, pad in [((3, 4), 1), ((2, 5, 3), 2), ((2, 3, 4, 5), 1), ((4, 4), 0), ((3, 6), (2, 1)),
                       ((1, 2, 5, 4), (0, 3)), ((2, 2), 3), ((1, 1, 1, 1, 3, 2), (1, 2))]:
        cases.append(Case((rng.normal(size=shape), pad), describe=f"x of shape {shape}, pad {pad}"))
    cases += [Case((rng.normal(size=5), 1), describe="a 1-D x", raises=ValueError),
              Case((rng.normal(size=(3, 3)), -1), describe="a negative pad", raises=ValueError),
              Case((rng.normal(size=(3, 3)), (1, -2)), describe="a negative pad in a pair", raises=ValueError)]
    return cases


def _pad_bottom_right(x, pad):
    x = np.asarray(x, dtype=np.float64)
    ph, pw = ref._pair(pad)
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(0, 2 * ph), (0, 2 * pw)])


def _pad_every_axis(x, pad):
    ph, _ = ref._pair(pad)
    return np.pad(np.asarray(x, dtype=np.float64), ph)


def _pad_swapped(x, pad):
    ph, pw = ref._pair(pad)
    return ref.zero_pad(x, (pw, ph))


register(Spec(
    name="zero_pad",
    make_cases=_pad_cases,
    reference=ref.zero_pad,
    hints=[
        Hint(_pad_bottom_right, "all the zeros went to the bottom and right: pad is per side"),
        Hint(_pad_every_axis, "every axis was padded: pad only the last two (height and width)"),
        Hint(_pad_swapped, "height and width padding are swapped: a pair is (ph, pw)"),
    ],
    seed=401,
))

# (n, f, stride, padding); fitting and non-fitting strides, 1x1 filters, big paddings
_SIZES = [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 3, 0), (32, 5, 1, 2), (227, 11, 4, 0), (224, 7, 2, 3),
          (5, 5, 1, 0), (6, 1, 3, 0), (10, 4, 3, 1), (9, 3, 2, 1), (1, 3, 1, 1), (13, 3, 5, 2)]


def _size_cases(rng):
    cases = [Case((n, f), {"stride": s, "padding": p}, describe=f"n={n}, f={f}, stride {s}, padding {p}")
             for n, f, s, p in _SIZES]
    for _ in range(4):
        n, f, s, p = (int(rng.integers(5, 60)), int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 5)),
                      int(rng.integers(0, 4)))
        cases.append(Case((n, f), {"stride": s, "padding": p}, describe=f"n={n}, f={f}, stride {s}, padding {p}"))
    cases.append(Case((7, 3), {}, describe="n=7, f=3, default stride and padding"))
    return cases


def _output_cases(rng):
    return _size_cases(rng) + [
        Case((4, 7), {"stride": 1, "padding": 1}, describe="a filter larger than the padded input",
             raises=ValueError),
        Case((7, 3), {"stride": 0, "padding": 0}, describe="stride 0", raises=ValueError),
        Case((7, 3), {"stride": 1, "padding": -1}, describe="a negative padding", raises=ValueError),
    ]


register(Spec(
    name="conv_output_size",
    make_cases=_output_cases,
    reference=ref.conv_output_size,
    returns="int",
    hints=[
        Hint(lambda n, f, stride=1, padding=0: (n - f + padding) // stride + 1,
             "padding counted once: it is added on both sides, 2p"),
        Hint(lambda n, f, stride=1, padding=0: (n - f + 2 * padding) // stride - 1,
             "off by two: the formula ends in + 1, not - 1 (an erratum of the lecture notes)"),
        Hint(lambda n, f, stride=1, padding=0: -(-(n - f + 2 * padding) // stride) + 1,
             "rounded up: a window that does not fit is dropped (floor)"),
        Hint(lambda n, f, stride=1, padding=0: n - f + 2 * padding + 1, "the stride is ignored"),
    ],
    seed=402,
))


def _fits_cases(rng):
    return _size_cases(rng) + [
        Case((4, 7), {"stride": 1, "padding": 0}, describe="a filter larger than the input"),
        Case((7, 3), {"stride": 0, "padding": 0}, describe="stride 0", raises=ValueError),
        Case((7, 3), {"stride": 1, "padding": -2}, describe="a negative padding", raises=ValueError),
    ]


register(Spec(
    name="stride_fits",
    make_cases=_fits_cases,
    reference=ref.stride_fits,
    returns="bool",
    hints=[
        # checked in this order: a too-large filter is the more specific mistake
        Hint(lambda n, f, stride=1, padding=0: (n + 2 * padding - f) % stride == 0,
             "a filter larger than the padded input never fits"),
        Hint(lambda n, f, stride=1, padding=0: (n - f) % stride == 0, "the padding is ignored"),
    ],
    seed=403,
))


def _same_cases(rng):
    cases = [Case((f,), describe=f"f={f}") for f in (1, 3, 5, 7, 9, 11)]
    cases.append(Case((int(rng.choice([13, 15, 21])),), describe="a larger odd f"))
    cases += [Case((f,), describe=f"an even f={f}", raises=ValueError) for f in (2, 4)]
    cases.append(Case((0,), describe="f=0", raises=ValueError))
    return cases


register(Spec(
    name="same_padding",
    make_cases=_same_cases,
    reference=ref.same_padding,
    returns="int",
    hints=[Hint(lambda f: f - 1, "that is the total over both sides: padding is per side, (f - 1) // 2"),
           Hint(lambda f: f // 2 + 1, "one too many: (f - 1) // 2")],
    seed=404,
))

# x (N, C_in, H, W), w (C_out, C_in, KH, KW), bias?, stride, padding
_CONV = [((1, 1, 5, 5), (1, 1, 3, 3), False, 1, 0), ((2, 3, 7, 7), (4, 3, 3, 3), True, 2, 1),
         ((1, 3, 8, 6), (2, 3, 3, 2), True, (2, 1), 0), ((3, 2, 9, 9), (3, 2, 5, 5), False, 1, 2),
         ((2, 1, 7, 10), (2, 1, 3, 3), True, 3, (1, 2)), ((1, 4, 6, 6), (5, 4, 1, 1), True, 1, 0),
         ((2, 3, 11, 8), (2, 3, 4, 3), True, (3, 2), (2, 1)), ((1, 2, 4, 4), (3, 2, 4, 4), False, 1, 0),
         ((1, 3, 7, 7), (2, 3, 3, 3), True, 2, 0), ((4, 1, 6, 5), (1, 1, 2, 2), True, 2, 1),
         ((1, 1, 3, 3), (1, 1, 5, 5), False, 1, 1)]


def _conv_cases(rng):
    cases = []
    for xs, ws, bias, stride, padding in _CONV:
        args = (rng.normal(size=xs), rng.normal(size=ws)) + ((rng.normal(size=ws[0]),) if bias else ())
        cases.append(Case(args, {"stride": stride, "padding": padding},
                          describe=f"x {xs}, w {ws}, {'with' if bias else 'no'} bias, stride {stride}, "
                                   f"padding {padding}"))
    x, w = rng.normal(size=(1, 3, 6, 6)), rng.normal(size=(2, 3, 3, 3))
    cases.append(Case((x, w), describe="x (1, 3, 6, 6), w (2, 3, 3, 3), default stride and padding"))
    cases += [
        Case((x, rng.normal(size=(2, 2, 3, 3))), describe="w with 2 input channels for 3", raises=ValueError),
        Case((x[0], w), describe="a 3-D x (no batch axis)", raises=ValueError),
        Case((x, w), {"stride": 0}, describe="stride 0", raises=ValueError),
        Case((x, w), {"padding": -1}, describe="a negative padding", raises=ValueError),
        Case((rng.normal(size=(1, 1, 2, 2)), rng.normal(size=(1, 1, 5, 5))), {"padding": 1},
             describe="a kernel larger than the padded input", raises=ValueError),
        Case((x, w, rng.normal(size=3)), describe="a bias of length 3 for 2 filters", raises=ValueError),
    ]
    return cases


def _stride_ignored(x, w, b=None, stride=1, padding=0):
    return ref.conv2d(x, w, b, 1, padding)


def _stride_swapped(x, w, b=None, stride=1, padding=0):
    sh, sw = ref._pair(stride)
    return ref.conv2d(x, w, b, (sw, sh), padding)


def _padding_swapped(x, w, b=None, stride=1, padding=0):
    ph, pw = ref._pair(padding)
    return ref.conv2d(x, w, b, stride, (pw, ph))


def _rows_stride_only(x, w, b=None, stride=1, padding=0):
    sh, _ = ref._pair(stride)
    return ref.conv2d(x, w, b, (sh, 1), padding)


def _conv_no_bias(x, w, b=None, stride=1, padding=0):
    return ref.conv2d(x, w, None, stride, padding)


def _conv_flipped(x, w, b=None, stride=1, padding=0):
    return ref.conv2d(x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding)


def _conv_last_channel(x, w, b=None, stride=1, padding=0):
    # `out = ...` instead of `out += ...` in a loop over input channels
    return ref.conv2d(np.asarray(x)[:, -1:], np.asarray(w)[:, -1:], b, stride, padding)


def _conv_first_sample(x, w, b=None, stride=1, padding=0):
    out = ref.conv2d(x, w, b, stride, padding)
    out[1:] = 0.0
    return out


def _conv_padded_after(rows_only):
    def wrong(x, w, b=None, stride=1, padding=0):
        ph, pw = ref._pair(padding)
        widths = [(0, 0), (0, 0), (0, 2 * ph), (pw, pw) if rows_only else (0, 2 * pw)]
        return ref.conv2d(np.pad(np.asarray(x, dtype=np.float64), widths), w, b, stride, 0)
    return wrong


def _conv_last_sample(x, w, b=None, stride=1, padding=0):
    # every sample of the batch gets the last one's output (`out = ...` outside the batch loop)
    out = ref.conv2d(x, w, b, stride, padding)
    return np.broadcast_to(out[-1:], out.shape)


register(Spec(
    name="conv2d",
    make_cases=_conv_cases,
    reference=ref.conv2d,
    hints=[
        Hint(_stride_ignored, "the stride is ignored: move the window by `stride` pixels"),
        Hint(_stride_swapped, "the stride pair is swapped: stride=(sh, sw) is (rows, columns)"),
        Hint(_padding_swapped, "the padding pair is swapped: padding=(ph, pw) is (rows, columns)"),
        Hint(_rows_stride_only, "the stride is applied to the rows only"),
        Hint(_conv_no_bias, "the bias is missing: add b[o] to output channel o"),
        Hint(_conv_flipped, "the kernels are flipped: a CNN layer computes cross-correlation (no flip)"),
        Hint(_conv_last_channel, "only the last input channel counts: accumulate over channels with +=, not ="),
        Hint(_conv_first_sample, "only the first image of the batch was computed"),
        Hint(_conv_last_sample, "every sample got the same output: compute each image of the batch"),
        Hint(_conv_padded_after(True), "all the padding rows went to the bottom: ph rows at the top and ph at "
                                       "the bottom"),
        Hint(_conv_padded_after(False), "all the padding went to the bottom and right: pad is per side"),
    ],
    seed=405,
))
