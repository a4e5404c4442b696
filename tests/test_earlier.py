"""convcourse.earlier: later notebooks get earlier assignments' functions, and only
those of assignments already closed (grader/earlier.py)."""
import importlib
import shutil
import subprocess
import sys

import pytest

from grader.course import REPO, assignment_ids
from grader.earlier import PACKAGE, before, graded_functions, write_package
from grader.hidden import REGISTRY, evaluate
from grader.release import ReleaseError, bundle_problems, check_closed


def test_committed_package_is_what_release_produces(tmp_path):
    write_package(tmp_path / "earlier", assignment_ids())
    committed = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert committed == sorted(p.name for p in (tmp_path / "earlier").glob("*.py"))
    for name in committed:
        assert (PACKAGE / name).read_text() == (tmp_path / "earlier" / name).read_text(), \
            f"convcourse/earlier/{name} differs: run `python -m grader release`"


FUNCTIONS = sorted(name for name, spec in REGISTRY.items() if not spec.is_classifier)


def test_every_graded_function_is_in_exactly_one_assignment():
    # all but the capstone's predict, which needs the network its notebook trains
    owners = [name for aid in assignment_ids() for name in graded_functions(aid)]
    assert sorted(owners) == FUNCTIONS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_model_solution_passes_its_hidden_cases(name):
    earlier = importlib.import_module("convcourse.earlier")
    assert all(v.passed for v in evaluate(name, getattr(earlier, name)))


def _import_in(folder, statement):
    return subprocess.run([sys.executable, "-c", statement], cwd=folder, capture_output=True, text=True,
                          env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})


def test_bundle_gets_closed_assignments_only(tmp_path):
    closed = ["01_signals_and_convolution", "04_stride_and_padding"]
    shutil.copytree(REPO / "convcourse", tmp_path / "convcourse", ignore=shutil.ignore_patterns("earlier"))
    write_package(tmp_path / "convcourse" / "earlier", closed)
    assert sorted(p.stem for p in (tmp_path / "convcourse" / "earlier").glob("*.py")) == \
        ["__init__", "signals_and_convolution", "stride_and_padding"]
    ok = _import_in(tmp_path, "from convcourse.earlier import conv2d, conv1d; print(conv2d.__module__)")
    assert ok.returncode == 0 and "stride_and_padding" in ok.stdout, ok.stderr
    refused = _import_in(tmp_path, "from convcourse.earlier import max_pool2d")
    assert "max_pool2d is an exercise of notebook 05_pooling, which is not closed yet" in refused.stderr
    assert bundle_problems(tmp_path, closed) == []
    # teeth: a module of an open assignment in the bundle is a leak
    (tmp_path / "convcourse" / "earlier" / "pooling.py").write_text(
        (PACKAGE / "pooling.py").read_text())
    assert any("05_pooling, which is not closed" in p for p in bundle_problems(tmp_path, closed))


def test_grading_sees_assignments_before_the_graded_one():
    ids = assignment_ids()
    assert before(ids[0]) == []
    assert before("08_backpropagation") == ids[:ids.index("08_backpropagation")]


def test_unknown_closed_assignment_is_refused():
    with pytest.raises(ReleaseError, match="no such assignment"):
        check_closed(["04_stride"])


def test_student_package_outside_earlier_defines_no_graded_function():
    for path in (REPO / "convcourse").glob("*.py"):
        text = path.read_text()
        assert not any(f"def {name}(" in text for name in REGISTRY), path


def test_what_each_notebook_waits_for():
    from grader.earlier import needs
    assert needs("08_backpropagation") == ["03_channels_and_filters", "04_stride_and_padding", "05_pooling"]
    assert needs("09_fast_convolution") == ["02_image_convolution", "04_stride_and_padding"]
    assert "08_backpropagation" in needs("10_capstone_tiny_cnn") and "09_fast_convolution" in needs("10_capstone_tiny_cnn")
    assert all(needs(aid) == [] for aid in assignment_ids()[:8])      # 00-07 build what they use
