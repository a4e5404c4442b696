"""Known-wrong variants of each graded function (missing flip, off-by-one, swapped
axes, `=` instead of `+=`, ...) fail the hidden cases, with a useful message."""
import numpy as np
import pytest

from grader.hidden import REGISTRY, evaluate
from grader.mutants import MUTANTS, for_function
from grader.course import solution_functions


@pytest.fixture(scope="module")
def namespaces():
    return {aid: solution_functions(aid) for aid in {m.assignment for m in MUTANTS}}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_graded_function_has_at_least_two_mutants(name):
    assert len(for_function(name)) >= 2


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.function}: {m.label}")
def test_mutant_fails_hidden_cases(namespaces, mutant):
    namespace = dict(namespaces[mutant.assignment])  # the mutant may call other solutions
    exec(mutant.source, namespace)  # noqa: S102 - our own source
    verdicts = evaluate(mutant.function, namespace[mutant.function])
    failed = [v for v in verdicts if not v.passed]
    assert failed, f"mutant {mutant.label!r} passes every hidden case"
    assert all(v.message for v in failed)


def test_flip_mistakes_get_a_flip_hint(namespaces):
    for mutant in MUTANTS:
        if "flip" not in mutant.label or mutant.function == "continuous_convolution":
            continue
        namespace = dict(namespaces[mutant.assignment])
        exec(mutant.source, namespace)  # noqa: S102
        messages = " ".join(v.message for v in evaluate(mutant.function, namespace[mutant.function]))
        assert "flip" in messages, (mutant.label, messages)


# 04's dilation mistakes, and what the first hidden case each one fails must tell the student
DILATION_HINTS = {
    ("conv_output_size", "dilation ignored"): "the dilation is ignored",
    ("conv_output_size", "off-by-one: the dilated filter spans d*f"): "not d*f",
    ("conv_output_size", "off-by-one: the dilated filter spans d*(f - 1)"): "the last tap included",
    ("conv_output_size", "dilation used as a stride"): "the dilation was used as a stride",
    ("conv2d", "dilation ignored"): "the dilation is ignored",
    ("conv2d", "swapped axes: dilation pair read as (dw, dh)"): "the dilation pair is swapped",
    ("conv2d", "dilation along the rows only"): "the dilation is applied to the rows only",
    ("conv2d", "off-by-one: the dilated kernel spans d*k"): "not d*k",
    ("conv2d", "dilation used as a stride: the window moves by s*d, its taps side by side"):
        "the dilation moved the window",
}


@pytest.mark.parametrize("function,label", list(DILATION_HINTS), ids=[f"{f}: {lab}" for f, lab in DILATION_HINTS])
def test_dilation_mistakes_are_named(namespaces, function, label):
    (mutant,) = [m for m in for_function(function) if m.label == label]
    namespace = dict(namespaces[mutant.assignment])
    exec(mutant.source, namespace)  # noqa: S102 - our own source
    first = next(v for v in evaluate(function, namespace[function]) if not v.passed)
    assert DILATION_HINTS[function, label] in first.message, first.message


def test_every_dilation_mutant_is_named():
    assert {(m.function, m.label) for m in MUTANTS if "dilat" in m.label and "accepts" not in m.label} \
        == set(DILATION_HINTS)
