"""Hidden cases for 02_image_convolution."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register

_SHAPES = [((1, 1), (1, 1)), ((5, 5), (1, 1)), ((5, 5), (5, 5)), ((7, 7), (3, 3)),
           ((9, 6), (3, 2)), ((6, 11), (2, 4)), ((12, 10), (5, 3)), ((8, 8), (4, 4)),
           ((4, 13), (1, 6)), ((15, 9), (7, 1))]


def _image_cases(rng):
    cases = []
    for (h, w), (kh, kw) in _SHAPES:
        image, kernel = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
        cases.append(Case((image, kernel), describe=f"a {h}x{w} image and a {kh}x{kw} kernel"))
    cases += [
        Case((rng.normal(size=(4, 4)), rng.normal(size=(5, 3))), describe="a kernel taller than the image", raises=ValueError),
        Case((rng.normal(size=(4, 4)), rng.normal(size=(3, 5))), describe="a kernel wider than the image", raises=ValueError),
        Case((rng.normal(size=(4, 4, 3)), rng.normal(size=(3, 3))), describe="a 3-D image", raises=ValueError),
        Case((rng.normal(size=(4, 4)), rng.normal(size=3)), describe="a 1-D kernel", raises=ValueError),
    ]
    return cases


def _flip_rows(image, kernel):
    return ref.correlate2d(image, np.asarray(kernel)[::-1, :])


def _flip_cols(image, kernel):
    return ref.correlate2d(image, np.asarray(kernel)[:, ::-1])


def _transposed(image, kernel):
    return ref.correlate2d(image, np.asarray(kernel).T)


register(Spec(
    name="correlate2d",
    make_cases=_image_cases,
    reference=ref.correlate2d,
    hints=[
        Hint(ref.convolve2d, "the kernel is flipped: cross-correlation does not flip it"),
        Hint(_transposed, "kernel rows and columns swapped (kernel.T)"),
    ],
    seed=202,
))

register(Spec(
    name="convolve2d",
    make_cases=_image_cases,
    reference=ref.convolve2d,
    hints=[
        Hint(ref.correlate2d, "looks like cross-correlation: did you flip the kernel?"),
        Hint(_flip_rows, "the kernel is flipped upside down only: flip both axes"),
        Hint(_flip_cols, "the kernel is flipped left-right only: flip both axes"),
        Hint(_transposed, "the kernel is transposed (kernel.T), not flipped: use kernel[::-1, ::-1]"),
    ],
    seed=203,
))


def _gaussian_cases(rng):
    cases = [Case((size, float(sigma)), describe=f"size {size}, sigma {sigma:.2f}")
             for size, sigma in [(1, 1.0), (3, 0.5), (3, 1.0), (5, 1.0), (7, 2.0), (9, 1.5), (11, 3.0)]]
    for _ in range(3):
        size, sigma = int(rng.choice([3, 5, 7, 9, 13])), float(rng.uniform(0.3, 4.0))
        cases.append(Case((size, sigma), describe=f"size {size}, sigma {sigma:.2f}"))
    cases += [
        Case((4, 1.0), describe="an even size", raises=ValueError),
        Case((5, 0.0), describe="sigma = 0", raises=ValueError),
        Case((5, -1.0), describe="a negative sigma", raises=ValueError),
        Case((0, 1.0), describe="size 0", raises=ValueError),
    ]
    return cases


def _gauss_unnormalised(size, sigma):
    r = np.arange(size) - (size - 1) / 2
    return np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma ** 2))


def _gauss_no_two(size, sigma):
    g = _gauss_unnormalised(size, sigma / np.sqrt(2))  # exp(-r^2 / sigma^2)
    return g / g.sum()


def _gauss_off_centre(size, sigma):
    r = np.arange(size, dtype=float)
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma ** 2))
    return g / g.sum()


register(Spec(
    name="gaussian_kernel",
    make_cases=_gaussian_cases,
    reference=ref.gaussian_kernel,
    hints=[
        Hint(_gauss_unnormalised, "not normalised: divide by the sum so the kernel sums to 1"),
        Hint(_gauss_no_two, "the exponent is -(i^2 + j^2) / sigma^2: it should divide by 2 sigma^2"),
        Hint(_gauss_off_centre, "the peak is at a corner: measure i and j from the centre"),
    ],
    seed=204,
))
