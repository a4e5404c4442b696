"""Hidden cases for 00_welcome."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register


def _sliding_windows_cases(rng):
    cases = []
    for n, size in [(1, 1), (5, 1), (5, 5), (9, 4), (13, 3), (8, 7), (20, 6)]:
        x = rng.normal(size=n)
        cases.append(Case((x, size), describe=f"x of length {n}, size {size}"))
    cases.append(Case((np.arange(6.0), 2), describe="x = arange(6), size 2"))
    x = rng.normal(size=5)
    cases += [
        Case((x, 6), describe="size larger than len(x)", raises=ValueError),
        Case((x, 0), describe="size 0", raises=ValueError),
        Case((rng.normal(size=(3, 4)), 2), describe="a 2-D x", raises=ValueError),
    ]
    return cases


register(Spec(
    name="sliding_windows",
    make_cases=_sliding_windows_cases,
    reference=ref.sliding_windows,
    hints=[Hint(lambda x, size: ref.sliding_windows(x, size).T, "rows and columns swapped")],
    seed=100,
))
