"""The capstone meets the issue's targets as its notebook is written: at least 97% of the
held-out digits right (which the notebook cannot see), trained in at most 60 s. The
suite runs this test last (tests/conftest.py), when no grading batch shares the cores."""
import time

import matplotlib
import nbformat
import numpy as np
import pytest

from grader.course import SOLUTIONS
from grader.hidden.a10_capstone import HELDOUT, MIN_ACCURACY

AID = "10_capstone_tiny_cnn"


@pytest.fixture(scope="module")
def trained():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    nb = nbformat.read(SOLUTIONS / AID / f"{AID}.ipynb", as_version=4)
    namespace = {"__name__": "capstone"}
    start = time.perf_counter()
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{AID}:{cell.get('id')}", "exec"), namespace)  # noqa: S102 - our notebook
            plt.close("all")
    return namespace, time.perf_counter() - start


def test_held_out_accuracy_and_training_time(trained):
    namespace, _ = trained
    with np.load(HELDOUT) as data:
        accuracy = float(np.mean(namespace["predict"](data["images"]) == data["labels"]))
    print(f"held-out accuracy {accuracy:.2%}, training {namespace['seconds']:.1f} s")
    assert accuracy >= 0.97 > MIN_ACCURACY           # the target; the pass mark is lower
    assert namespace["seconds"] <= 60
    assert namespace["total_params"](namespace["layers"], (1, 8, 8)) == 6090
