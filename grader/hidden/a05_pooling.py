"""Hidden cases for 05_pooling."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register

# x shape, size, stride (None: the default, stride = size)
_POOL = [((1, 1, 4, 4), 2, None), ((2, 3, 6, 6), 2, None), ((1, 2, 7, 5), 2, None),   # 7x5: floor
         ((2, 1, 6, 9), 3, None), ((1, 2, 7, 7), 3, 2), ((2, 2, 5, 6), 2, 1),           # overlapping
         ((1, 3, 8, 6), (2, 3), None), ((2, 1, 9, 8), (3, 2), (2, 1)), ((1, 1, 5, 5), 5, None),
         ((3, 2, 4, 6), 1, None), ((1, 2, 6, 10), (1, 4), (1, 2))]


def _describe(shape, size, stride):
    return f"x {shape}, size {size}, " + ("default stride" if stride is None else f"stride {stride}")


def _pool_cases(rng):
    cases = []
    for shape, size, stride in _POOL:
        kwargs = {"size": size} if stride is None else {"size": size, "stride": stride}
        cases.append(Case((rng.normal(size=shape),), kwargs, describe=_describe(shape, size, stride)))
    cases.append(Case((rng.normal(size=(1, 2, 6, 6)),), {}, describe="x (1, 2, 6, 6), default size and stride"))
    cases += [
        Case((rng.normal(size=(3, 6, 6)),), {"size": 2}, describe="a 3-D x", raises=ValueError),
        Case((rng.normal(size=(1, 1, 3, 3)),), {"size": 4}, describe="a window larger than x",
             raises=ValueError),
        Case((rng.normal(size=(1, 1, 6, 6)),), {"size": 2, "stride": 0}, describe="stride 0", raises=ValueError),
        Case((rng.normal(size=(1, 1, 6, 6)),), {"size": 0}, describe="size 0", raises=ValueError),
    ]
    return cases


def _stride_one(pool):
    def wrong(x, size=2, stride=None):
        return pool(x, size, 1)
    return wrong


def _swapped_pairs(pool):
    def wrong(x, size=2, stride=None):
        swap = lambda v: v[::-1] if isinstance(v, tuple) else v  # noqa: E731
        return pool(x, swap(size), None if stride is None else swap(stride))
    return wrong


def _sum_pool(x, size=2, stride=None):
    kh, kw = ref._pair(size)
    return ref.avg_pool2d(x, size, stride) * kh * kw


register(Spec(
    name="max_pool2d",
    make_cases=_pool_cases,
    reference=ref.max_pool2d,
    hints=[
        Hint(ref.avg_pool2d, "these are window averages: max pooling keeps each window's largest value"),
        Hint(_stride_one(ref.max_pool2d), "the windows move one pixel at a time: the stride defaults to the window size"),
        Hint(_swapped_pairs(ref.max_pool2d), "height and width are swapped: a pair is (h, w)"),
    ],
    seed=501,
))

register(Spec(
    name="avg_pool2d",
    make_cases=_pool_cases,
    reference=ref.avg_pool2d,
    hints=[
        Hint(ref.max_pool2d, "these are window maxima: average pooling takes each window's mean"),
        Hint(_sum_pool, "these are window sums: divide by the number of values in the window"),
        Hint(_stride_one(ref.avg_pool2d), "the windows move one pixel at a time: the stride defaults to the window size"),
        Hint(_swapped_pairs(ref.avg_pool2d), "height and width are swapped: a pair is (h, w)"),
    ],
    seed=502,
))


def _gap_cases(rng):
    shapes = [(1, 1, 1, 1), (2, 3, 4, 4), (1, 5, 7, 3), (4, 2, 1, 6), (3, 8, 2, 2), (2, 4, 5, 9)]
    cases = [Case((rng.normal(size=s),), describe=f"x {s}") for s in shapes]
    cases += [Case((rng.normal(size=(3, 4, 4)),), describe="a 3-D x", raises=ValueError),
              Case((rng.normal(size=(2, 3)),), describe="a 2-D x", raises=ValueError)]
    return cases


register(Spec(
    name="global_avg_pool",
    make_cases=_gap_cases,
    reference=ref.global_avg_pool,
    hints=[
        Hint(lambda x: np.asarray(x).mean(axis=(2, 3), keepdims=True),
             "the output keeps its 1x1 spatial axes: return shape (N, C)"),
        Hint(lambda x: np.asarray(x).sum(axis=(2, 3)), "these are sums: divide by H * W"),
        Hint(lambda x: np.asarray(x).max(axis=(2, 3)), "these are maxima: global *average* pooling"),
    ],
    seed=503,
))
