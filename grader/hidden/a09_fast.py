"""Hidden cases for 09_fast_convolution. conv2d_fast has conv2d's contract, so it gets
conv2d's cases and hints (04), with more and larger shapes."""
import numpy as np

from . import a02_image, a04_stride  # noqa: F401 - a02 registers convolve2d, whose hints are reused
from . import reference as ref
from .core import REGISTRY, Budget, Case, Hint, Spec, register

def _line_budget(channels_times_taps: int) -> int:
    """Lines of the student's own Python one call may run: a fixed allowance plus four per
    input channel and kernel tap, so a loop over channels and taps is fine. The model
    solutions stay under 100; a loop over the output positions of the large cases below
    (1,152 and 1,600 positions) runs thousands."""
    return 100 + 4 * channels_times_taps

# x shape, kh, kw, stride, padding
_COLS = [((1, 1, 4, 4), 2, 2, 1, 0), ((2, 3, 5, 6), 3, 3, 1, 0), ((1, 2, 7, 7), 3, 3, 2, 1),
         ((2, 1, 6, 5), 2, 3, (2, 1), (1, 0)), ((3, 2, 5, 5), 1, 1, 1, 0), ((1, 3, 4, 6), 4, 6, 1, 0),
         ((1, 1, 8, 7), 3, 2, 3, 2)]


def _im2col_cases(rng):
    cases = [Case((rng.normal(size=s), kh, kw), {"stride": st, "padding": p},
                  describe=f"x {s}, a {kh}x{kw} window, stride {st}, padding {p}")
             for s, kh, kw, st, p in _COLS]
    cases.append(Case((rng.normal(size=(2, 2, 5, 5)), 3, 3), {}, describe="x (2, 2, 5, 5), 3x3, default stride and padding"))
    # 1,152 output positions: a Python loop over them shows in the line count
    cases.append(Case((rng.normal(size=(2, 3, 24, 24)), 3, 3), {"padding": 1},
                      describe="x (2, 3, 24, 24), a 3x3 window, stride 1, padding 1"))
    cases += [Case((rng.normal(size=(2, 5, 5)), 3, 3), {}, describe="a 3-D x", raises=ValueError),
              Case((rng.normal(size=(1, 1, 3, 3)), 4, 2), {}, describe="a window taller than x", raises=ValueError),
              Case((rng.normal(size=(1, 1, 5, 5)), 2, 2), {"stride": 0}, describe="stride 0", raises=ValueError)]
    return cases


def _cols_position_major(x, kh, kw, stride=1, padding=0):
    return ref.im2col(x, kh, kw, stride, padding).T


def _cols_channel_last(x, kh, kw, stride=1, padding=0):
    """columns ordered (p, q, c) instead of (c, p, q)"""
    cols = ref.im2col(x, kh, kw, stride, padding)
    c = np.shape(x)[1]
    return cols.reshape(len(cols), c, kh, kw).transpose(0, 2, 3, 1).reshape(len(cols), -1)


LOOP_ADVICE = ("is there a Python loop over output positions? Gather the windows and use one matrix product "
               "(a loop over the kernel's taps is fine)")


register(Spec(
    name="im2col",
    make_cases=_im2col_cases,
    reference=ref.im2col,
    max_lines=Budget(lambda case: _line_budget(np.shape(case.args[0])[1] * case.args[1] * case.args[2]),
                     LOOP_ADVICE),
    hints=[
        Hint(_cols_position_major, "transposed: one row per output position, one column per (c, p, q)"),
        Hint(_cols_channel_last, "the columns are in (p, q, c) order: use (c, p, q), the order of "
                                 "w.reshape(C_out, -1)"),
        Hint(lambda x, kh, kw, stride=1, padding=0: ref.im2col(x, kh, kw, 1, padding),
             "the stride is ignored: move the window by `stride` pixels"),
    ],
    seed=901,
))


def _fast_conv_cases(rng):
    cases = a04_stride._conv_cases(rng)
    for xs, ws, stride, padding in [((4, 8, 16, 16), (16, 8, 3, 3), 1, 1), ((2, 16, 12, 10), (8, 16, 5, 3), 2, 2),
                                    ((1, 3, 32, 32), (6, 3, 5, 5), 1, 0), ((1, 2, 40, 40), (3, 2, 3, 3), 1, 1)]:
        cases.append(Case((rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])),
                          {"stride": stride, "padding": padding},
                          describe=f"x {xs}, w {ws}, stride {stride}, padding {padding}, with bias"))
    return cases


register(Spec(
    name="conv2d_fast",
    make_cases=_fast_conv_cases,
    reference=ref.conv2d_fast,
    max_lines=Budget(lambda case: _line_budget(int(np.prod(np.shape(case.args[1])[1:]))), LOOP_ADVICE),
    hints=REGISTRY["conv2d"].hints,
    seed=902,
))


def _fft_cases(rng):
    shapes = [((5, 5), (3, 3)), ((7, 6), (3, 2)), ((16, 12), (5, 5)), ((9, 9), (1, 1)), ((8, 10), (8, 3)),
              ((32, 32), (7, 7)), ((6, 13), (2, 4))]
    cases = [Case((rng.normal(size=i), rng.normal(size=k)), describe=f"a {i[0]}x{i[1]} image and a "
                  f"{k[0]}x{k[1]} kernel") for i, k in shapes]
    cases += [Case((rng.normal(size=(3, 3)), rng.normal(size=(4, 2))), describe="a kernel taller than the image",
                   raises=ValueError),
              Case((rng.normal(size=9), rng.normal(size=(3, 3))), describe="a 1-D image", raises=ValueError)]
    return cases


register(Spec(
    name="fft_convolve2d",
    make_cases=_fft_cases,
    reference=ref.fft_convolve2d,
    hints=REGISTRY["convolve2d"].hints,
    rtol=1e-9, atol=1e-9,
    seed=903,
))
