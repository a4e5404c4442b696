"""Every graded function has hidden cases; the reference solutions pass all of them;
and the checker itself cannot be fooled by the cheap tricks."""
import copy

import numpy as np
import pytest

from grader.course import assignment_ids
from grader.hidden import REGISTRY, HiddenTestFailure, check, evaluate
from grader.hidden.core import run_case
from grader.course import checked_functions, solution_functions

GRADED = [(aid, name) for aid in assignment_ids() for name in checked_functions(aid)]
# the capstone's `predict` is graded on the network its notebook trains: nbval runs that
# notebook with its hidden check, and test_autograde grades it in the sandbox
FUNCTIONS = [(aid, name) for aid, name in GRADED if not REGISTRY[name].is_classifier]


@pytest.fixture(scope="module")
def solutions():
    return {aid: solution_functions(aid) for aid in assignment_ids()}


def test_every_registered_function_is_checked_by_a_notebook():
    assert sorted(REGISTRY) == sorted(name for _, name in GRADED)


@pytest.mark.parametrize("aid,name", FUNCTIONS)
def test_reference_solution_passes_every_hidden_case(solutions, aid, name):
    verdicts = evaluate(name, solutions[aid][name])
    assert verdicts and all(v.passed for v in verdicts), [v.message for v in verdicts if not v.passed]


@pytest.mark.parametrize("aid,name", FUNCTIONS)
def test_hard_coded_visible_answers_earn_nothing(solutions, aid, name):
    # a function that answers every call with the first hidden case's answer
    spec = REGISTRY[name]
    first = next(c for c in spec.cases() if c.raises is None)
    constant = spec.reference(*first.args, **first.kwargs)   # an array, a number or a tuple of them
    with pytest.raises(HiddenTestFailure):
        check(name, lambda *a, **k: copy.deepcopy(constant))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_always_equal_objects_and_non_arrays_fail(name):
    class AlwaysEqual:
        def __eq__(self, other):
            return True
        __array_priority__ = 1000

    verdicts = evaluate(name, lambda *a, **k: AlwaysEqual())
    assert not any(v.passed for v in verdicts if REGISTRY[name].cases()[v.case].raises is None)


def test_dilation_is_covered_by_the_hidden_cases():
    """04's dilation: int and pair dilations with strides and paddings, and the errors
    (dilation < 1, a dilated kernel that does not fit in the padded input)."""
    for name in ("conv2d", "conv_output_size"):
        cases = REGISTRY[name].cases()
        dilated = [c for c in cases if c.kwargs.get("dilation", 1) != 1]
        values = [c for c in dilated if c.raises is None]
        assert len(values) >= 10, name
        assert any(np.ndim(c.kwargs["dilation"]) == 0 and np.max(c.kwargs.get("stride", 1)) > 1
                   and np.max(c.kwargs.get("padding", 0)) > 0 for c in values), name
        errors = [c.describe for c in dilated if c.raises is ValueError]
        assert any("larger than" in e or "wider than" in e for e in errors) and any(
            "dilation 0" in e for e in errors) and any("negative dilation" in e for e in errors), (name, errors)
    pairs = [c for c in REGISTRY["conv2d"].cases() if np.ndim(c.kwargs.get("dilation", 1)) == 1 and c.raises is None]
    assert any(c.kwargs["dilation"][0] != c.kwargs["dilation"][1] and np.ndim(c.kwargs["stride"]) == 1
               and np.max(c.kwargs["padding"]) > 0 for c in pairs), "a pair dilation with a pair stride and padding"


def test_dilated_cases_come_after_the_old_ones_unchanged():
    """Adding dilation kept every earlier hidden case (inputs and numbers) as it was; notebook
    09's conv2d_fast, which has no dilation, gets none of the dilated cases."""
    from grader.hidden import a04_stride
    for name, old in [("conv2d", a04_stride._conv_cases), ("conv_output_size", a04_stride._size_cases)]:
        before, now = old(np.random.default_rng(REGISTRY[name].seed)), REGISTRY[name].cases()
        for a, b in zip(before, now):
            assert a.describe == b.describe and a.kwargs == b.kwargs
            assert all(np.array_equal(x, y) for x, y in zip(a.args, b.args))
    assert not any("dilation" in c.kwargs for c in REGISTRY["conv2d_fast"].cases())


def test_messages_name_the_property_not_the_values():
    with pytest.raises(HiddenTestFailure) as info:
        check("convolve2d", lambda image, kernel: np.zeros((2, 3)))
    message = str(info.value)
    assert "output shape (2, 3), expected" in message
    assert "[" not in message  # no array contents


def test_forbidden_routines_are_seen_however_bound():
    """The watch of a graded call names the routine it used, bound in any way."""
    import scipy.signal

    def via_numpy(x, k, mode="full"):
        return np.convolve(x, k, mode)

    def via_default(x, k, mode="full", _c=np.convolve):
        return _c(x, k, mode)

    def via_getattr(x, k, mode="full"):
        return getattr(np, "con" + "volve")(x, k, mode)

    sig = scipy.signal

    def via_alias(image, kernel):
        return sig.correlate2d(image, kernel, mode="valid")

    def helper(image, kernel):
        return scipy.signal.convolve2d(image, kernel, mode="valid")

    def via_helper(image, kernel):
        return helper(image, kernel)

    for name, func, routine in [("conv1d", via_numpy, "numpy.convolve"), ("conv1d", via_default, "numpy.convolve"),
                                ("conv1d", via_getattr, "numpy.convolve"),
                                ("correlate2d", via_alias, "scipy.signal._signaltools.correlate2d"),
                                ("correlate2d", via_helper, "scipy.signal._signaltools.convolve2d")]:
        verdicts = evaluate(name, func)
        assert not any(v.passed for v in verdicts), func.__name__
        assert f"called {routine}" in verdicts[0].message and "ready-made" in verdicts[0].message, verdicts[0].message


def test_classifier_below_the_pass_mark_fails_with_its_accuracy():
    from grader.hidden.a10_capstone import HELDOUT, MIN_ACCURACY
    labels = np.load(HELDOUT)["labels"].astype(int)
    wrong = int(np.ceil(len(labels) * (1 - MIN_ACCURACY))) + 1     # one digit too many wrong
    answers = labels.copy()
    answers[:wrong] = (answers[:wrong] + 1) % 10
    message = evaluate("predict", lambda images: answers)[0].message
    assert "held-out accuracy" in message and f"at least {MIN_ACCURACY:.0%}" in message
    answers[:wrong - 1] = labels[:wrong - 1]                         # at the mark: passes
    assert evaluate("predict", lambda images: answers)[0].passed
    assert "one label per image" in evaluate("predict", lambda images: answers[:10])[0].message


def test_reference_solutions_use_no_forbidden_routine(solutions):
    for aid, name in FUNCTIONS:
        for case in REGISTRY[name].cases()[:3]:
            assert run_case(solutions[aid][name], case).used == [], name


def test_warnings_and_prints_do_not_cost_points(solutions):
    import warnings
    inner = solutions["00_welcome"]["sliding_windows"]

    def noisy(x, size):
        print("debug output")
        warnings.warn("a harmless warning")
        return inner(x, size)

    assert all(v.passed for v in evaluate("sliding_windows", noisy))


def test_changing_inputs_in_place_is_reported():
    def in_place(x, size):
        out = np.lib.stride_tricks.sliding_window_view(np.asarray(x, float), size).copy()
        x[...] = 0
        return out

    messages = [v.message for v in evaluate("sliding_windows", in_place) if not v.passed]
    assert any("in place" in m for m in messages)


def test_loops_over_output_positions_are_counted_not_timed(solutions):
    """conv2d_fast must be vectorised: notebook 04's loop over positions computes the right
    values and still fails, by the number of lines it runs; the model solution passes."""
    loop = solutions["04_stride_and_padding"]["conv2d"]
    messages = [v.message for v in evaluate("conv2d_fast", loop) if not v.passed]
    assert messages and all("loop over output positions" in m for m in messages)
    assert all(v.passed for v in evaluate("conv2d_fast", solutions["09_fast_convolution"]["conv2d_fast"]))


def test_switching_the_line_counter_off_fails(solutions):
    import sys
    fast = solutions["09_fast_convolution"]["conv2d_fast"]

    def quiet(*args, **kwargs):
        sys.settrace(None)
        return fast(*args, **kwargs)

    messages = [v.message for v in evaluate("conv2d_fast", quiet) if not v.passed]
    assert messages and "called sys.settrace" in messages[0] and "reach around the grader's watch" in messages[0]
