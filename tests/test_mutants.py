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
