"""The assertions of the visible tests: a failure says what was checked, what was
expected and what came back.

    assert_close(got, expected, what, why=None, atol=1e-8, rtol=1e-5)   numbers and arrays
    assert_equal(got, expected, what, why=None)                         exact: ints, bools, tuples
    assert_shape(got, shape, what)                                      an array's shape
    with assert_raises(ValueError, what): ...                           an error is raised

`what` names the value checked, usually the call that produced it, and `why` says
where the expected value comes from. For example

    assert_close(correlate2d(img, np.ones((3, 3)))[0, 0], 45.0,
                 "correlate2d(img, np.ones((3, 3)))[0, 0]", why="the sum of the first window")

fails with "correlate2d(img, np.ones((3, 3)))[0, 0] should be 45.0 (the sum of the first
window), got 54.0". Every check accepts what a correct answer may return (a numpy
integer where an int is expected, a list where an array is), as the hidden tests do.
"""
from __future__ import annotations

import numpy as np

from .i18n import tr

__all__ = ["assert_close", "assert_equal", "assert_raises", "assert_shape"]


def _float(value) -> str:
    text = f"{float(value):.6g}"
    return text + ".0" if text.lstrip("-").isdigit() else text


def _show(value) -> str:
    if isinstance(value, np.ndarray) and value.ndim:
        return np.array2string(value, separator=", ", threshold=30, edgeitems=3,
                               formatter={"float_kind": _float})
    if isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
        return _float(value)
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + " ..."


def _why(why: str | None) -> str:
    return f" ({why})" if why else ""


def _as_numbers(got, what: str, expected: np.ndarray) -> np.ndarray:
    wanted = tr("a number") if expected.ndim == 0 else tr("an array of shape {shape}", shape=expected.shape)
    if got is None:
        raise AssertionError(tr("{what} should be {wanted}, got None: does your function return its result?",
                                what=what, wanted=wanted))
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(tr("{what} should be {wanted}, got {kind} {got}", what=what, wanted=wanted,
                                kind=type(got).__name__, got=_show(got))) from None
    return arr


def _differences(arr: np.ndarray, expected: np.ndarray, close: np.ndarray, what: str, why: str | None) -> str:
    if arr.size <= 12:
        return tr("{what} should be {expected}{why}, got {got}", what=what, expected=_show(expected),
                  why=_why(why), got=_show(arr))
    wrong = np.argwhere(~close)
    first = tuple(int(i) for i in wrong[0])
    want = expected if expected.ndim == 0 else expected[first]
    return tr("{what}: {count} of {size} entries differ from the expected values{why}; "
              "the first at index {index} should be {expected}, got {got}", what=what, count=len(wrong),
              size=arr.size, why=_why(why), index=first, expected=_show(want), got=_show(arr[first]))


def assert_close(got, expected, what: str, why: str | None = None, *, atol: float = 1e-8, rtol: float = 1e-5):
    """`got` equals `expected` up to rounding (np.isclose's rule), with the same shape.
    A single expected number is compared with every entry of `got`."""
    expected = np.asarray(expected, dtype=np.float64)
    arr = _as_numbers(got, what, expected)
    if expected.ndim and arr.shape != expected.shape:
        raise AssertionError(_shape_message(what, expected.shape, why, arr.shape))
    close = np.isclose(arr, expected, rtol=rtol, atol=atol)
    if not np.all(close):
        raise AssertionError(_differences(arr, expected, np.asarray(close), what, why))


def _shape_message(what: str, expected: tuple, why: str | None, got: tuple) -> str:
    return tr("{what} should have shape {expected}{why}, got shape {got}", what=what, expected=expected,
              why=_why(why), got=got)


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return tr("a numpy array")
    name = ("numpy " if isinstance(value, np.generic) else "") + type(value).__name__
    return tr("an {name}" if name[0] in "aeiou" else "a {name}", name=name)


def assert_equal(got, expected, what: str, why: str | None = None):
    """`got` equals `expected` exactly.
    - a bool expected: True or False (Python's or numpy's);
    - an int expected: an integer (Python's or numpy's), not a float or a bool;
    - a list or an array expected: an array of these values and this shape;
    - anything else (a tuple, a string, None): equal under ==."""
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)) or bool(got) != bool(expected):
            raise AssertionError(tr("{what} should be {expected}{why}, got {got}", what=what, expected=bool(expected),
                                    why=_why(why), got=_show(got))
                                 + ("" if isinstance(got, (bool, np.bool_)) else tr(" ({kind}, not a bool)", kind=_kind(got))))
    elif isinstance(expected, (int, np.integer)):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            hint = tr(" (use // for floor division)") if isinstance(got, (float, np.floating)) else ""
            raise AssertionError(tr("{what} should be the int {expected}{why}, got {got}, {kind}{hint}", what=what,
                                    expected=int(expected), why=_why(why), got=_show(got), kind=_kind(got), hint=hint))
        if int(got) != int(expected):
            raise AssertionError(tr("{what} should be {expected}{why}, got {got}", what=what, expected=int(expected),
                                    why=_why(why), got=int(got)))
    elif isinstance(expected, (list, np.ndarray)):
        expected = np.asarray(expected)
        arr = _as_numbers(got, what, expected.astype(np.float64))
        if arr.shape != expected.shape:
            raise AssertionError(_shape_message(what, expected.shape, why, arr.shape))
        same = arr == expected
        if not np.all(same):
            raise AssertionError(_differences(arr, expected, np.asarray(same), what, why))
    else:
        try:
            equal = bool(got == expected)
        except (TypeError, ValueError):  # an array compared with a tuple, say
            equal = False
        if not equal:
            kinds = "" if type(got) is type(expected) else tr(" ({got_kind}, not {expected_kind})",
                                                              got_kind=_kind(got), expected_kind=_kind(expected))
            raise AssertionError(tr("{what} should be {expected}{why}, got {got}", what=what, expected=_show(expected),
                                    why=_why(why), got=_show(got)) + kinds)


def assert_shape(got, shape: tuple, what: str, why: str | None = None):
    """`got` is an array (or nested list) of the given shape."""
    shape = tuple(shape)
    if got is None:
        raise AssertionError(tr("{what} should be {wanted}, got None: does your function return its result?",
                                what=what, wanted=tr("an array of shape {shape}", shape=shape)))
    try:
        actual = np.shape(got)
    except ValueError:  # a ragged nested list
        raise AssertionError(tr("{what} should be an array of shape {shape}, got a ragged {kind}", what=what,
                                shape=shape, kind=type(got).__name__)) from None
    if actual != shape:
        raise AssertionError(_shape_message(what, shape, why, actual))


class assert_raises:
    """`with assert_raises(ValueError, "conv1d(x, k, mode='middle')"):` the block must
    raise ValueError (or a subclass of it); any other outcome fails with a message."""

    def __init__(self, error: type[BaseException], what: str):
        self.error, self.what = error, what

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            raise AssertionError(tr("{what} should raise {error}, but raised no error", what=self.what,
                                    error=self.error.__name__))
        if issubclass(kind, self.error):
            return True
        if not issubclass(kind, Exception):  # KeyboardInterrupt and the like pass through
            return False
        raise AssertionError(tr("{what} should raise {error}, but raised {kind}: {value}", what=self.what,
                                error=self.error.__name__, kind=kind.__name__, value=value)) from value
