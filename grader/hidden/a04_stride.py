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


# (n, f, stride, padding, dilation): spans that fit exactly, "same" padding d(f - 1)/2, 1-tap
# filters (no gap to widen), f = 2 (where d*f and d*(f - 1) + 1 differ by d - 1), strides > 1
_DILATED_SIZES = [(7, 3, 1, 0, 2), (9, 3, 1, 0, 4), (32, 3, 1, 2, 2), (64, 3, 1, 4, 4), (10, 3, 2, 1, 2),
                  (15, 5, 3, 0, 3), (224, 3, 2, 2, 2), (1, 3, 1, 2, 2), (20, 1, 1, 0, 5), (12, 2, 1, 0, 3),
                  (11, 2, 3, 1, 4), (7, 3, 2, 0, 1)]


def _dilated_size_cases(rng):
    sizes = list(_DILATED_SIZES)
    while len(sizes) < len(_DILATED_SIZES) + 4:
        n, f, s, p, d = (int(rng.integers(5, 60)), int(rng.choice([2, 3, 5])), int(rng.integers(1, 4)),
                         int(rng.integers(0, 4)), int(rng.integers(2, 5)))
        if ref.dilated_span(f, d) <= n + 2 * p:
            sizes.append((n, f, s, p, d))
    return [Case((n, f), {"stride": s, "padding": p, "dilation": d},
                 describe=f"n={n}, f={f}, stride {s}, padding {p}, dilation {d}") for n, f, s, p, d in sizes]


def _output_cases(rng):
    # the dilated cases come after the others, so that those keep their numbers and inputs
    return _size_cases(rng) + [
        Case((4, 7), {"stride": 1, "padding": 1}, describe="a filter larger than the padded input",
             raises=ValueError),
        Case((7, 3), {"stride": 0, "padding": 0}, describe="stride 0", raises=ValueError),
        Case((7, 3), {"stride": 1, "padding": -1}, describe="a negative padding", raises=ValueError),
    ] + _dilated_size_cases(rng) + [
        Case((7, 3), {"dilation": 4}, describe="n=7, f=3, dilation 4: a dilated filter (span 9) larger than "
                                               "the input", raises=ValueError),
        Case((8, 3), {"stride": 2, "padding": 1, "dilation": 5},
             describe="n=8, f=3, stride 2, padding 1, dilation 5: a dilated filter (span 11) larger than the "
                      "padded input", raises=ValueError),
        Case((7, 3), {"dilation": 0}, describe="dilation 0", raises=ValueError),
        Case((7, 3), {"stride": 1, "padding": 1, "dilation": -2}, describe="a negative dilation", raises=ValueError),
    ]


_span = ref.dilated_span  # each hint takes a dilation, so it also tells its mistake apart on the dilated cases

register(Spec(
    name="conv_output_size",
    make_cases=_output_cases,
    reference=ref.conv_output_size,
    returns="int",
    hints=[
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + padding - _span(f, dilation)) // stride + 1,
             "padding counted once: it is added on both sides, 2p"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + 2 * padding - _span(f, dilation)) // stride - 1,
             "off by two: the formula ends in + 1, not - 1 (an erratum of the lecture notes)"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: -(-(n + 2 * padding - _span(f, dilation)) // stride) + 1,
             "rounded up: a window that does not fit is dropped (floor)"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: n + 2 * padding - _span(f, dilation) + 1,
             "the stride is ignored"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + 2 * padding - f) // stride + 1,
             "the dilation is ignored: a dilated filter spans d*(f - 1) + 1 cells"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + 2 * padding - dilation * f) // stride + 1,
             "the dilated filter spans d*(f - 1) + 1 cells, not d*f: there is nothing after its last tap"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + 2 * padding - f) // (stride * dilation) + 1,
             "the dilation was used as a stride: it spreads the filter's taps, the window still moves by `stride`"),
        Hint(lambda n, f, stride=1, padding=0, dilation=1: (n + 2 * padding - _span(f, dilation) + 1) // stride + 1,
             "off by one: the filter spans d*(f - 1) + 1 cells (f without dilation), the last tap included"),
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
    """conv2d's cases without dilation: notebook 09's conv2d_fast (no dilation argument) has them too."""
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


# x, w, bias?, stride, padding, dilation: int and pair dilations with strides and paddings, a
# span that fills the input exactly, "same" padding d(k - 1)/2, a 1x1 kernel (no gap to widen),
# 2x2 kernels (where a span of d*k instead of d*(k - 1) + 1 loses d - 1 rows), dilation 1 given
_DILATED = [((1, 1, 7, 7), (1, 1, 3, 3), False, 1, 0, 2), ((2, 3, 9, 8), (4, 3, 3, 3), True, 1, 2, 2),
            ((1, 2, 11, 10), (3, 2, 3, 2), True, 2, 1, (2, 3)),
            ((2, 1, 10, 12), (2, 1, 3, 3), True, (1, 2), (0, 1), (1, 3)),
            ((1, 3, 8, 8), (2, 3, 2, 2), False, 1, 0, 4), ((1, 1, 6, 6), (1, 1, 1, 1), True, 1, 0, 3),
            ((3, 2, 12, 9), (2, 2, 3, 3), True, 3, 1, 2), ((1, 2, 9, 9), (1, 2, 5, 5), False, 1, 4, 2),
            ((1, 1, 5, 5), (1, 1, 3, 3), False, 1, 0, 2),
            ((2, 2, 13, 11), (3, 2, 2, 3), True, (2, 3), (1, 0), (3, 2)),
            ((1, 3, 7, 6), (2, 3, 3, 3), True, 2, 1, 1)]


def _dilated_conv_cases(rng):
    cases = []
    for xs, ws, bias, stride, padding, dilation in _DILATED:
        args = (rng.normal(size=xs), rng.normal(size=ws)) + ((rng.normal(size=ws[0]),) if bias else ())
        cases.append(Case(args, {"stride": stride, "padding": padding, "dilation": dilation},
                          describe=f"x {xs}, w {ws}, {'with' if bias else 'no'} bias, stride {stride}, "
                                   f"padding {padding}, dilation {dilation}"))
    x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(2, 2, 3, 3))
    cases += [
        Case((x, w), {"dilation": 0}, describe="dilation 0", raises=ValueError),
        Case((x, w), {"dilation": (2, -1)}, describe="a negative dilation in a pair", raises=ValueError),
        Case((x, w), {"dilation": 3}, describe="x (1, 2, 5, 5), w (2, 2, 3, 3), dilation 3: a dilated kernel "
                                                 "(span 7) larger than the input", raises=ValueError),
        Case((rng.normal(size=(1, 1, 8, 5)), rng.normal(size=(1, 1, 3, 3))),
             {"padding": (0, 1), "dilation": (1, 4)},
             describe="x (1, 1, 8, 5), w (1, 1, 3, 3), padding (0, 1), dilation (1, 4): a dilated kernel "
                      "(3 x 9) wider than the padded input", raises=ValueError),
    ]
    return cases


def _conv2d_cases(rng):
    # the dilated cases come after the others, so that those keep their numbers and inputs
    return _conv_cases(rng) + _dilated_conv_cases(rng)


# each hint takes a dilation, so it also tells its mistake apart on the dilated cases
def _stride_ignored(x, w, b=None, stride=1, padding=0, dilation=1):
    return ref.conv2d(x, w, b, 1, padding, dilation)


def _stride_swapped(x, w, b=None, stride=1, padding=0, dilation=1):
    sh, sw = ref._pair(stride)
    return ref.conv2d(x, w, b, (sw, sh), padding, dilation)


def _padding_swapped(x, w, b=None, stride=1, padding=0, dilation=1):
    ph, pw = ref._pair(padding)
    return ref.conv2d(x, w, b, stride, (pw, ph), dilation)


def _rows_stride_only(x, w, b=None, stride=1, padding=0, dilation=1):
    sh, _ = ref._pair(stride)
    return ref.conv2d(x, w, b, (sh, 1), padding, dilation)


def _conv_no_bias(x, w, b=None, stride=1, padding=0, dilation=1):
    return ref.conv2d(x, w, None, stride, padding, dilation)


def _conv_flipped(x, w, b=None, stride=1, padding=0, dilation=1):
    return ref.conv2d(x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding, dilation)


def _conv_last_channel(x, w, b=None, stride=1, padding=0, dilation=1):
    # `out = ...` instead of `out += ...` in a loop over input channels
    return ref.conv2d(np.asarray(x)[:, -1:], np.asarray(w)[:, -1:], b, stride, padding, dilation)


def _conv_first_sample(x, w, b=None, stride=1, padding=0, dilation=1):
    out = ref.conv2d(x, w, b, stride, padding, dilation)
    out[1:] = 0.0
    return out


def _conv_padded_after(rows_only):
    def wrong(x, w, b=None, stride=1, padding=0, dilation=1):
        ph, pw = ref._pair(padding)
        widths = [(0, 0), (0, 0), (0, 2 * ph), (pw, pw) if rows_only else (0, 2 * pw)]
        return ref.conv2d(np.pad(np.asarray(x, dtype=np.float64), widths), w, b, stride, 0, dilation)
    return wrong


def _conv_last_sample(x, w, b=None, stride=1, padding=0, dilation=1):
    # every sample of the batch gets the last one's output (`out = ...` outside the batch loop)
    out = ref.conv2d(x, w, b, stride, padding, dilation)
    return np.broadcast_to(out[-1:], out.shape)


def _dilation_ignored(x, w, b=None, stride=1, padding=0, dilation=1):
    return ref.conv2d(x, w, b, stride, padding, 1)


def _dilation_swapped(x, w, b=None, stride=1, padding=0, dilation=1):
    dh, dw = ref._pair(dilation)
    return ref.conv2d(x, w, b, stride, padding, (dw, dh))


def _dilation_rows_only(x, w, b=None, stride=1, padding=0, dilation=1):
    dh, _ = ref._pair(dilation)
    return ref.conv2d(x, w, b, stride, padding, (dh, 1))


def _span_d_times_k(x, w, b=None, stride=1, padding=0, dilation=1):
    """The output size computed with a span of d*k: the right taps, the last rows or columns missing."""
    out = ref.conv2d(x, w, b, stride, padding, dilation)
    (H, W), (KH, KW) = np.shape(x)[2:], np.shape(w)[2:]
    (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    return out[:, :, :(H + 2 * ph - dh * KH) // sh + 1, :(W + 2 * pw - dw * KW) // sw + 1]


def _dilation_as_stride(x, w, b=None, stride=1, padding=0, dilation=1):
    """Windows moved by stride * dilation, with their taps next to each other."""
    (sh, sw), (dh, dw) = ref._pair(stride), ref._pair(dilation)
    return ref.conv2d(x, w, b, (sh * dh, sw * dw), padding)


def _dilation_gap_too_wide(x, w, b=None, stride=1, padding=0, dilation=1):
    """d zeros put between two taps (taps d + 1 apart) instead of d - 1; told only where there
    is a dilation (conv2d_fast, which has none, shares these hints)."""
    dh, dw = ref._pair(dilation)
    if dh == dw == 1:
        raise ValueError("not a dilated case")
    return ref.conv2d(x, w, b, stride, padding, (dh + 1, dw + 1))


register(Spec(
    name="conv2d",
    make_cases=_conv2d_cases,
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
        Hint(_dilation_ignored, "the dilation is ignored: the kernel's taps are `dilation` pixels apart"),
        Hint(_dilation_swapped, "the dilation pair is swapped: dilation=(dh, dw) is (rows, columns)"),
        Hint(_dilation_rows_only, "the dilation is applied to the rows only"),
        Hint(_span_d_times_k, "the output is too small: a dilated kernel spans d*(k - 1) + 1 pixels, not d*k"),
        Hint(_dilation_as_stride, "the dilation moved the window: the window moves by `stride`, and the "
                                  "dilation spreads the kernel's taps inside it"),
        Hint(_dilation_gap_too_wide, "the taps are too far apart: with dilation d they are d pixels apart "
                                     "(d - 1 pixels skipped between two taps)"),
    ],
    seed=405,
))
