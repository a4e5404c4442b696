"""The registry of hidden cases, by graded-function name.

A notebook's hidden test block calls `check("conv1d", conv1d)`. The same registry
serves nbgrader's autograde, the pytest suite and out-of-kernel re-checks.
"""
from . import (a00_welcome, a01_signals, a02_image, a03_channels, a04_stride, a05_pooling,  # noqa: F401
               a06_counting, a07_receptive, a08_backprop, a09_fast, a10_capstone)
from .core import REGISTRY, HiddenTestFailure, Outcome, Verdict, check, evaluate, verdicts_from_outcomes

__all__ = ["REGISTRY", "HiddenTestFailure", "Outcome", "Verdict", "check", "evaluate", "verdicts_from_outcomes"]
