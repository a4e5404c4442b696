"""The machinery of hidden cases: a Spec per graded function, run by `check`.

A Spec holds seeded cases (inputs only), a reference implementation that gives the
expected output, and known-wrong variants ("hints") used to tell a student *what*
went wrong without showing the hidden inputs or values. `check(name, func)` is what a
notebook's hidden test block calls; `evaluate(name, func)` returns the verdicts as
data, for the pytest suite and any out-of-kernel re-check.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..inkernel.adapters import ADAPTERS, unpack_parts
from ..inkernel.forbidden import THREAD_RUNNING, UNWATCHED_NAMES
from ..inkernel.linecount import TAMPERED
from ..inkernel.percase import run_one
from . import messages
from .messages import say, text


class HiddenTestFailure(AssertionError):
    """A hidden case failed; the message says which property, never the values."""


@dataclass
class Case:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    describe: str = ""          # sizes and options only, never values
    raises: type | None = None  # the exception type the function must raise


@dataclass
class Hint:
    """A known-wrong variant: if the student's output matches it, say `message`."""
    wrong: Callable[..., Any]
    message: str


@dataclass
class Budget:
    """The most of something one call may do on a case (calls to its function arguments, lines
    of the student's own Python), and what to tell a student who went over it: `advice` is
    the exercise's own words."""
    most: Callable[[Case], int]
    advice: str


@dataclass
class Spec:
    name: str
    make_cases: Callable[[np.random.Generator], list[Case]]
    reference: Callable[..., Any]
    hints: list[Hint] = field(default_factory=list)
    rtol: float = 1e-7
    atol: float = 1e-9
    seed: int = 0
    # most calls allowed to the callable arguments of a case (catches a Python loop
    # over an integration grid), or None
    max_calls: Budget | None = None
    # the kind of scalar the function must return ("int" or "bool"), or None for arrays
    returns: str | None = None
    # for results that are not arrays: the name of the converter to numbers in
    # grader/inkernel/adapters.py (applied alike to the student's and the reference's
    # results), and what the result must be, for the message when it cannot be converted
    adapt: str | None = None
    expects: str = "a numpy array of numbers"
    # for a tuple result (adapt="parts"): the name of each part, e.g. ("dx", "dw", "db")
    parts: tuple[str, ...] = ()
    # for a classifier (the capstone): the least fraction of labels that must be right;
    # the reference returns the true labels
    min_accuracy: float | None = None
    # graded functions this one cannot pass without (the capstone's network is trained
    # with the student's loss and optimiser): a missing one costs this one's points too
    depends_on: tuple[str, ...] = ()
    # most lines of the student's own Python one call may run on a case
    # (grader/inkernel/linecount.py): catches a Python loop over output positions where the
    # function must be vectorised
    max_lines: Budget | None = None

    @property
    def is_classifier(self) -> bool:
        """Graded on accuracy against true labels (the capstone's predict), not on values
        compared with a reference: it needs its notebook's trained network."""
        return self.min_accuracy is not None

    def numbers(self, value: Any) -> Any:
        return ADAPTERS[self.adapt](value) if self.adapt else value

    def cases(self) -> list[Case]:
        return self.make_cases(np.random.default_rng(self.seed))


@dataclass
class Verdict:
    passed: bool
    message: str = ""
    case: int | None = None


REGISTRY: dict[str, Spec] = {}


def register(spec: Spec) -> Spec:
    if spec.name in REGISTRY:
        raise RuntimeError(f"hidden cases for {spec.name!r} registered twice")
    REGISTRY[spec.name] = spec
    return spec


SCALAR_TYPES = {
    "int": {"int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"},
    "bool": {"bool", "bool_"},
}
SCALAR_WORDS = {"int": "scalar_int", "bool": "scalar_bool"}  # their messages (grader/hidden/messages.py)


def _type_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    return f"a {type(value).__name__}"


@dataclass
class Outcome:
    """What a graded function did on one case, as plain data: from the record of
    grader/inkernel/percase.run_one, made in the sandbox or in this process."""
    raised: str | None = None        # the exception's type name
    value: np.ndarray | None = None  # the result as a float64 array
    type_name: str = ""              # the result's type, when it is not numbers
    modified: bool = False           # an input array was changed in place
    calls: int = 0                   # calls made to callable arguments (signals)
    lines: int = 0                   # lines of non-library Python run (when the spec counts them)
    used: list = field(default_factory=list)  # forbidden routines called (grader/inkernel/watch.py)


def outcome_from_record(record: Any, value: np.ndarray | None) -> Outcome | None:
    """The Outcome of one case from the record grader/inkernel/percase.run_one made, in
    the sandbox (then untrusted: read defensively) or here; None if it is not a record."""
    if not isinstance(record, dict):
        return None
    raised, used, kind = record.get("raised"), record.get("used", []), str(record.get("type", "value"))[:40]

    def count(key):
        number = record.get(key, 0)
        return number if isinstance(number, int) and not isinstance(number, bool) else 10**9

    return Outcome(
        raised=str(raised)[:60] if raised is not None else None,
        value=value,
        type_name=f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}",
        modified=bool(record.get("modified", False)),
        calls=count("calls"),
        lines=count("lines"),
        used=[str(u)[:80] for u in used[:5]] if isinstance(used, list) else ["(unreadable)"],
    )


def run_case(func: Callable, case: Case, adapt: str | None = None, count_lines: bool = False) -> Outcome:
    """Run one case in this process exactly as the sandbox's harness does
    (grader/inkernel/percase.py), on a copy of its inputs."""
    args, kwargs = copy.deepcopy(list(case.args)), copy.deepcopy(case.kwargs)
    record, numbers = run_one(func, args, kwargs, adapt, count_lines)
    return outcome_from_record(record, numbers)


def judge(spec: Spec, case: Case, outcome: Outcome, lang: str = "en") -> str | None:
    """None if the case passes, else a message naming the failed property (never a value
    or an input), in the edition `lang` (grader/hidden/messages.py)."""
    where = messages.where(case.describe, lang)
    if outcome.used:
        return used_message(outcome.used, where, lang)
    if outcome.raised == "NotImplementedError":
        return say("not_implemented", lang)
    if case.raises is not None:
        if outcome.raised == case.raises.__name__:
            return None
        if outcome.raised:
            return say("raised_expected", lang, raised=outcome.raised, where=where, expected=case.raises.__name__)
        return say("should_raise", lang, expected=case.raises.__name__, where=where)
    if outcome.raised:
        return say("raised", lang, raised=outcome.raised, where=where)
    if outcome.modified:
        return say("modified", lang, where=where)
    if spec.max_calls is not None and outcome.calls > spec.max_calls.most(case):
        return say("calls", lang, calls=outcome.calls, where=where, advice=text(spec.max_calls.advice, lang))
    if spec.max_lines is not None and outcome.lines > spec.max_lines.most(case):
        if outcome.lines >= TAMPERED:
            return say("line_counter", lang, where=where)
        return say("lines", lang, lines=outcome.lines, where=where, most=spec.max_lines.most(case),
                   advice=text(spec.max_lines.advice, lang))
    got = outcome.value
    if got is None:
        return say("returned", lang, returned=_returned(outcome.type_name, lang), where=where,
                   expects=text(spec.expects, lang))
    if spec.returns is not None and outcome.type_name.split(" ", 1)[-1] not in SCALAR_TYPES[spec.returns]:
        return say("returned", lang, returned=_returned(outcome.type_name, lang, ""), where=where,
                   expects=say(SCALAR_WORDS[spec.returns], lang))
    expected = np.asarray(spec.numbers(spec.reference(*copy.deepcopy(case.args), **case.kwargs)), dtype=np.float64)
    if spec.is_classifier:
        return _accuracy_message(spec, got, expected, where, lang)
    if spec.parts:
        message, explained = _parts_message(spec, got, expected, where, lang)
    else:
        message, explained = _mismatch(got, expected, spec, where, lang=lang)
    # a known-wrong variant explains wrong values, and a wrong shape too (a stride or dilation
    # ignored, a span off by one) when the variant has exactly the student's shape and values
    if message is None or not explained:
        return message
    for hint in spec.hints:
        try:
            wrong = np.asarray(spec.numbers(hint.wrong(*copy.deepcopy(case.args), **case.kwargs)), dtype=np.float64)
        except Exception:  # noqa: BLE001 - a hint that does not apply to this case
            continue
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-6, atol=1e-8):
            return say("hinted", lang, message=message, hint=text(hint.message, lang))
    return message


def _returned(type_name: str, lang: str, unknown: str | None = None) -> str:
    """What a result that is not what it should be is, as the "returned" message names it
    ("a list" in English, "list" in Korean); `unknown` if it has no type name (default: the
    "something" message)."""
    unknown = say("something", lang) if unknown is None else unknown
    if messages.language(lang) == "en":
        return type_name or unknown
    return messages.article_free(type_name) or unknown


def used_message(used: list[str], where: str = "", lang: str = "en") -> str:
    """What a graded call that used a forbidden routine is told: the first one it called
    (the one the student's code named; later ones are that routine's insides). `where` is
    messages.where() of the case, in `lang`."""
    first = used[0]
    if first == THREAD_RUNNING:
        return say("used_thread", lang, first=text(first, lang), where=where)
    if first in UNWATCHED_NAMES:
        return say("used_unwatched", lang, first=first, where=where)
    return say("used_routine", lang, first=first, where=where)


def _mismatch(got: np.ndarray, expected: np.ndarray, spec: Spec, where: str, label: str = "",
              lang: str = "en") -> tuple[str | None, bool]:
    """What differs between two arrays, or None: shape, then finiteness, then values; and
    whether a known-wrong variant may explain it (wrong values, or the whole result's shape)."""
    prefix = say("label", lang, label=label) if label else ""
    if got.shape != expected.shape:
        return say("shape", lang, label=prefix, got=got.shape, expected=expected.shape, where=where), not label
    if not np.all(np.isfinite(got)):
        return say("not_finite", lang, label=prefix, where=where), False
    err = np.abs(got - expected)
    if np.all(err <= spec.atol + spec.rtol * np.abs(expected)):
        return None, False
    of = say("of", lang, label=label) if label else ""
    return say("values", lang, of=of, where=where, error=f"{err.max():.3g}"), True


def _parts_message(spec: Spec, got: np.ndarray, expected: np.ndarray, where: str,
                   lang: str = "en") -> tuple[str | None, bool]:
    want = unpack_parts(expected)
    try:
        have = unpack_parts(got)
    except ValueError:
        have = None
    if have is None or len(have) != len(want):
        return say("parts_other", lang, where=where, parts=", ".join(spec.parts)), False
    for label, g, e in zip(spec.parts, have, want):
        if e is None and g is not None:
            return say("part_not_none", lang, label=label, where=where), False
        if e is not None and g is None:
            return say("part_none", lang, label=label, where=where, shape=e.shape), False
        if e is not None:
            message, explained = _mismatch(g, e, spec, where, label, lang)
            if message:
                return message, explained
    return None, False


def _accuracy_message(spec: Spec, got: np.ndarray, labels: np.ndarray, where: str, lang: str = "en") -> str | None:
    if got.shape != labels.shape:
        return say("labels_shape", lang, got=got.shape, where=where, expected=labels.shape)
    right = int(np.sum(got == labels))
    if right >= spec.min_accuracy * len(labels):
        return None
    return say("accuracy", lang, accuracy=f"{right / len(labels):.1%}", right=right, total=len(labels), where=where,
               least=f"{spec.min_accuracy:.0%}")


def verdicts_from_outcomes(name: str, outcomes: list[Outcome], lang: str = "en") -> list[Verdict]:
    """Judge outcomes reported for every hidden case of `name` (e.g. by the sandbox); the
    messages in the edition `lang`."""
    cases = REGISTRY[name].cases()
    if len(outcomes) != len(cases):
        return [Verdict(False, say("not_all_run", lang, name=name))]
    verdicts = []
    for i, (case, outcome) in enumerate(zip(cases, outcomes)):
        message = judge(REGISTRY[name], case, outcome, lang)
        verdicts.append(Verdict(message is None, message or "", i))
    return verdicts


def evaluate(name: str, func: Callable, lang: str = "en") -> list[Verdict]:
    """Run every hidden case of `name` on `func`; one Verdict per case, its message in `lang`."""
    spec = REGISTRY[name]
    if not callable(func):
        return [Verdict(False, say("not_a_function", lang, name=name, returned=_returned(_type_name(func), lang)))]
    return verdicts_from_outcomes(name, [run_case(func, case, spec.adapt, spec.max_lines is not None)
                                         for case in spec.cases()], lang)


def failure_message(name: str, verdicts: list[Verdict], lang: str = "en") -> str | None:
    """The message for a graded function's verdicts: its first failed case, or None."""
    failed = [v for v in verdicts if not v.passed]
    if not failed:
        return None
    first = failed[0]
    which = say("which", lang, number=first.case + 1, count=len(verdicts)) if first.case is not None else ""
    return say("failure", lang, name=name, which=which, message=first.message)


def check(name: str, func: Callable, lang: str = "en") -> None:
    """The hidden test block of a notebook: raise HiddenTestFailure on the first
    failed case, with a message that names the property, not the hidden values."""
    __tracebackhide__ = True  # noqa: F841 - keeps this frame out of IPython/pytest tracebacks
    if name not in REGISTRY:
        raise RuntimeError(f"grader: no hidden cases named {name!r}")
    verdicts = evaluate(name, func, lang)
    message = failure_message(name, verdicts, lang)
    if message:
        raise HiddenTestFailure(message) from None
    print(say("all_passed", lang, name=name, count=len(verdicts)))
