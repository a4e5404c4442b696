"""Hidden cases for 01_signals_and_convolution."""
import numpy as np

from . import reference as ref
from ..inkernel.function_inputs import Signal
from .core import Budget, Case, Hint, Spec, register


def _box(a, b):
    return Signal("box", [a, b])


def _tent(c, w):
    return Signal("tent", [c, w])


def _bump(c, w):
    return Signal("bump", [c, w])


def _continuous_cases(rng):
    cases = []
    shapes = [("box", _box), ("tent", _tent), ("bump", _bump)]
    for i in range(6):
        fname, fmake = shapes[i % 3]
        gname, gmake = shapes[(i * 2 + 1) % 3]
        f = fmake(*sorted(rng.uniform(-1.5, 1.0, 2) + [0, 0.6])) if fname == "box" else fmake(rng.uniform(-1, 1), rng.uniform(0.3, 1.2))
        g = gmake(*sorted(rng.uniform(-1.0, 1.5, 2) + [0, 0.6])) if gname == "box" else gmake(rng.uniform(-1, 1), rng.uniform(0.3, 1.2))
        n_tau = int(rng.integers(200, 900))
        tau = np.linspace(-4.0, 4.0, n_tau)
        t = np.sort(rng.uniform(-3.0, 3.0, int(rng.integers(5, 40))))
        cases.append(Case((f, g, t, tau),
                          describe=f"{fname} * {gname}, {len(t)} points t, {n_tau}-point grid"))
    f, g = _box(0.0, 1.0), _tent(0.0, 1.0)
    tau = np.linspace(-2.0, 2.0, 101)
    cases += [
        Case((f, g, np.zeros((2, 3)), tau), describe="a 2-D t", raises=ValueError),
        Case((f, g, np.zeros(4), tau[:1]), describe="a one-point grid tau", raises=ValueError),
    ]
    return cases


def _continuous_no_dtau(f, g, t, tau):
    return ref.continuous_convolution(f, g, t, tau) / (tau[1] - tau[0])


def _continuous_flipped(f, g, t, tau):
    dtau = tau[1] - tau[0]
    return (f(tau)[None, :] * g(tau[None, :] - np.asarray(t)[:, None])).sum(axis=1) * dtau


register(Spec(
    name="continuous_convolution",
    make_cases=_continuous_cases,
    reference=ref.continuous_convolution,
    hints=[
        Hint(_continuous_no_dtau, "too large by a factor 1/dtau: multiply the sum by the grid step"),
        Hint(_continuous_flipped, "g is not flipped: the integrand is f(tau) g(t - tau)"),
    ],
    rtol=1e-7, atol=1e-9, seed=101,
    # a loop over t is allowed, over tau not
    max_calls=Budget(lambda case: np.size(case.args[2]) + 4,
                     "evaluate f and g on whole arrays (no Python loop over tau)"),
))


def _conv1d_cases(rng):
    cases = []
    sizes = [(1, 1), (5, 1), (1, 4), (8, 3), (3, 8), (10, 4), (7, 7), (12, 5), (6, 9), (16, 6)]
    for n, m in sizes:
        for mode in ("full", "same", "valid"):
            x, k = rng.normal(size=n), rng.normal(size=m)
            cases.append(Case((x, k), {"mode": mode}, describe=f"x of length {n}, k of length {m}, mode={mode!r}"))
    x, k = rng.normal(size=6), rng.normal(size=3)
    cases.append(Case((x, k), describe=f"x of length 6, k of length 3, default mode"))
    cases += [
        Case((x, k), {"mode": "middle"}, describe="mode='middle'", raises=ValueError),
        Case((np.zeros(0), k), describe="an empty x", raises=ValueError),
        Case((x, np.zeros(0)), describe="an empty k", raises=ValueError),
    ]
    return cases


register(Spec(
    name="conv1d",
    make_cases=_conv1d_cases,
    reference=ref.conv1d,
    hints=[
        Hint(lambda x, k, mode="full": ref.conv1d(x, np.asarray(k)[::-1], mode),
             "looks like cross-correlation: did you flip the kernel?"),
    ],
    seed=102,
))


def _correlate1d_cases(rng):
    cases = []
    for n, m in [(1, 1), (6, 1), (6, 6), (9, 2), (10, 3), (15, 4), (20, 7), (8, 5)]:
        x, k = rng.normal(size=n), rng.normal(size=m)
        cases.append(Case((x, k), describe=f"x of length {n}, k of length {m}"))
    cases.append(Case((rng.normal(size=3), rng.normal(size=4)), describe="k longer than x", raises=ValueError))
    return cases


register(Spec(
    name="correlate1d",
    make_cases=_correlate1d_cases,
    reference=ref.correlate1d,
    hints=[
        Hint(lambda x, k: ref.correlate1d(x, np.asarray(k)[::-1]),
             "the kernel is flipped: cross-correlation uses k[p] * x[i + p] with no flip"),
    ],
    seed=103,
))
