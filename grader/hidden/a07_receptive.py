"""Hidden cases for 07_receptive_field."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register


def _cases(rng):
    fixed = [([(3, 1)], "one 3x3 layer"), ([(3, 1)] * 3, "three 3x3 layers"), ([(7, 1)], "one 7x7 layer"),
             ([(3, 1), (2, 2), (3, 1)], "conv, 2x2 pool, conv"),
             ([(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)], "AlexNet's conv and pool layers"),
             ([(1, 1), (1, 1)], "two 1x1 layers"), ([(7, 2), (3, 2)], "ResNet's stem: 7x7 stride 2, 3x3 pool")]
    cases = [Case((tuple(layers),), describe=label) for layers, label in fixed]
    for i in range(4):
        n = int(rng.integers(2, 8))
        layers = tuple((int(rng.choice([1, 2, 3, 5, 7])), int(rng.choice([1, 1, 2, 3]))) for _ in range(n))
        cases.append(Case((layers,), describe=f"random stack {i + 1} of {n} layers"))
    return cases


def _stride_ignored(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def _own_stride(layers):
    # each layer's growth multiplied by its own stride too (one stride too many)
    field, jump = 1, 1
    for k, s in layers:
        jump *= s
        field += (k - 1) * jump
    return field


register(Spec(
    name="receptive_field",
    make_cases=_cases,
    reference=ref.receptive_field,
    returns="int",
    hints=[
        Hint(_stride_ignored, "the strides are ignored: after a stride-s layer each step covers s input pixels"),
        Hint(_own_stride, "a layer's own stride does not enlarge its own field, only the layers after it"),
        Hint(lambda layers: int(np.prod([k for k, _ in layers])), "the kernel sizes are multiplied: they add up "
                                                                  "(k - 1 each, times the strides before)"),
    ],
    seed=701,
))
