"""Hidden cases for 10_capstone_tiny_cnn: the loss and the optimiser step on random
inputs, and the trained network on the held-out digits (grader/hidden/data/, never
shipped to students; only its images enter the sandbox, never its labels)."""
from pathlib import Path

import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register

HELDOUT = Path(__file__).resolve().parent / "data" / "digits_heldout.npz"
MIN_ACCURACY = 0.96  # the model solution: 97.8-98.6% over 8 initial seeds (see README)


def _ce_cases(rng):
    cases = []
    for n, k, scale in [(1, 10, 1.0), (5, 10, 1.0), (8, 3, 2.0), (4, 10, 50.0), (16, 7, 0.1), (3, 2, 10.0)]:
        logits = rng.normal(size=(n, k)) * scale
        if scale == 50.0:
            logits[:, 0] += 1000.0  # exp overflows unless the maximum is subtracted first
        cases.append(Case((logits, rng.integers(0, k, size=n)),
                          describe=f"{n} samples, {k} classes" + (", very large logits" if scale == 50.0 else "")))
    cases += [Case((rng.normal(size=(4, 10)), rng.integers(0, 10, size=3)), describe="3 labels for 4 samples",
                   raises=ValueError),
              Case((rng.normal(size=10), rng.integers(0, 10, size=1)), describe="1-D logits", raises=ValueError)]
    return cases


def _ce_sum(logits, y):
    loss, d = ref.softmax_cross_entropy(logits, y)
    return loss * len(y), d * len(y)


def _ce_no_one_hot(logits, y):
    loss, d = ref.softmax_cross_entropy(logits, y)
    z = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return loss, z / z.sum(axis=1, keepdims=True) / len(y)


register(Spec(
    name="softmax_cross_entropy",
    make_cases=_ce_cases,
    reference=ref.softmax_cross_entropy,
    adapt="parts",
    parts=("loss", "dlogits"),
    expects="a tuple (loss, dlogits)",
    hints=[
        Hint(_ce_sum, "summed over the batch: the loss is the mean over samples (and so is its gradient)"),
        Hint(_ce_no_one_hot, "dlogits is the softmax itself: subtract 1 at each sample's true class"),
    ],
    seed=1001,
))


def _adam_cases(rng):
    cases = []
    for shape, t, kwargs in [((3,), 1, {}), ((4, 5), 1, {"lr": 0.01}), ((2, 3, 3, 3), 7, {}),
                             ((10,), 100, {"lr": 0.003, "beta1": 0.8, "beta2": 0.99}), ((6,), 3, {"eps": 1e-3})]:
        m = rng.normal(size=shape) * (t > 1)
        v = rng.uniform(0, 1, size=shape) * (t > 1)
        cases.append(Case((rng.normal(size=shape), rng.normal(size=shape), m, v, t), kwargs,
                          describe=f"parameters of shape {shape}, step t = {t}"
                                   + (", " + ", ".join(f"{k}={v}" for k, v in kwargs.items()) if kwargs else "")))
    cases += [Case((rng.normal(size=3), rng.normal(size=4), np.zeros(3), np.zeros(3), 1), {},
                   describe="a gradient of another shape than the parameters", raises=ValueError),
              Case((rng.normal(size=3), rng.normal(size=3), np.zeros(3), np.zeros(3), 0), {},
                   describe="step t = 0 (steps count from 1)", raises=ValueError)]
    return cases


def _adam_no_bias_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * np.asarray(m) + (1 - beta1) * np.asarray(grad)
    v = beta2 * np.asarray(v) + (1 - beta2) * np.asarray(grad) ** 2
    return np.asarray(param) - lr * m / (np.sqrt(v) + eps), m, v


register(Spec(
    name="adam_step",
    make_cases=_adam_cases,
    reference=ref.adam_step,
    adapt="parts",
    parts=("param", "m", "v"),
    expects="a tuple (param, m, v)",
    hints=[
        Hint(_adam_no_bias_correction, "no bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t"),
        Hint(lambda p, g, m, v, t, lr=1e-3, **k: (np.asarray(p) - lr * np.asarray(g), *ref.adam_step(p, g, m, v, t, lr, **k)[1:]),
             "that is a plain gradient step: Adam divides the averaged gradient by sqrt(v_hat) + eps"),
    ],
    seed=1002,
))


def _heldout():
    with np.load(HELDOUT) as data:
        return data["images"], data["labels"]


def _predict_cases(rng):
    images, _ = _heldout()
    return [Case((images.copy(),), describe=f"the {len(images)} held-out digits")]


def _true_labels(images):
    held, labels = _heldout()
    if np.shape(images) != held.shape or not np.array_equal(images, held):
        raise ValueError("not the held-out images")
    return labels.astype(np.float64)


register(Spec(
    name="predict",
    make_cases=_predict_cases,
    reference=_true_labels,
    min_accuracy=MIN_ACCURACY,
    depends_on=("softmax_cross_entropy", "adam_step"),
    expects="an array of predicted labels, one per image",
    seed=1003,
))
