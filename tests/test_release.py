"""notebooks/ is exactly what the release produces, and the release leaks nothing."""
import json
import shutil
import zipfile

import pytest

from grader.course import NOTEBOOKS, SOLUTIONS, assignment_ids
from grader.release import build_bundle, find_leaks


@pytest.fixture(scope="module")
def fresh_release(generated_course):
    return generated_course["release"]


def test_every_assignment_is_released():
    assert assignment_ids(), "no assignments found in solutions/"
    for aid in assignment_ids():
        assert sorted(p.name for p in (NOTEBOOKS / aid).iterdir()) == \
            sorted(p.name for p in (SOLUTIONS / aid).glob("*.ipynb"))


def test_committed_release_is_what_release_produces(fresh_release):
    committed = sorted(p.relative_to(NOTEBOOKS) for p in NOTEBOOKS.rglob("*") if p.is_file())
    produced = sorted(p.relative_to(fresh_release) for p in fresh_release.rglob("*") if p.is_file())
    assert committed == produced
    for rel in produced:
        assert (NOTEBOOKS / rel).read_bytes() == (fresh_release / rel).read_bytes(), \
            f"notebooks/{rel} differs from the release: run `python -m grader release`"


def test_no_committed_notebook_has_outputs():
    for path in list(SOLUTIONS.rglob("*.ipynb")) + list(NOTEBOOKS.rglob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, path


def test_release_has_no_solution_or_hidden_test():
    assert find_leaks() == []


def test_leak_check_has_teeth(tmp_path):
    aid = assignment_ids()[0]
    shutil.copytree(NOTEBOOKS, tmp_path / "rel")
    path = next((tmp_path / "rel" / aid).glob("*.ipynb"))
    nb = json.loads(path.read_text())
    source = json.loads(next((SOLUTIONS / aid).glob("*.ipynb")).read_text())
    solution_cell = next(c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    lines = "".join(solution_cell["source"]).split("\n")
    inner = lines[lines.index(next(l for l in lines if "BEGIN SOLUTION" in l)) + 1:]
    leaked = next(l for l in inner if len(l.strip()) >= 8 and not l.strip().startswith("#"))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = "".join(code["source"]) + "\n" + leaked + "\nfrom grader.hidden import check"
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    path.write_text(json.dumps(nb))
    problems = " ".join(find_leaks(tmp_path / "rel"))
    assert "solution or hidden-test line" in problems
    assert "refers to the grader" in problems
    assert "has outputs" in problems


def test_student_bundle_has_no_grader_and_no_solutions(tmp_path):
    zip_path = build_bundle(out=tmp_path)   # never build/, which holds the TA's release
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert any(n.startswith("conv-course/notebooks/") for n in names)
        assert any(n.startswith("conv-course/data/") for n in names)
        assert "conv-course/convcourse/data.py" in names
        assert not any("/grader/" in n or "/solutions/" in n or "/tests/" in n for n in names)
        for n in names:
            text = zf.read(n)
            assert b"BEGIN SOLUTION" not in text and b"BEGIN HIDDEN TESTS" not in text, n
        # the student's own JupyterLab configuration (tests/test_browser.py sees it at work)
        assert "conv-course/jupyter-config/labconfig/page_config.json" in names
        assert "conv-course/README.md" in names and "conv-course/requirements-test.txt" not in names
        # students install what the notebooks need, not the grader's Dask or database driver
        assert "conv-course/requirements-grader.txt" not in names
        assert b"dask" not in zf.read("conv-course/requirements.txt")
    assert zip_path.parent == tmp_path


def test_bundle_readme_follows_the_release_edition(tmp_path):
    """A bundle built from a Korean release (the hub builds one from the committed release)
    has the Korean README, one from the English release the English one; no README.ko.md."""
    import json
    import shutil

    from grader.course import NOTEBOOKS
    from grader.release import release_edition

    korean = tmp_path / "korean"
    shutil.copytree(NOTEBOOKS, korean)
    for path in korean.glob("*/*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["metadata"]["convcourse"] = {"edition": "ko"}
        path.write_text(json.dumps(nb), encoding="utf-8")
    assert (release_edition(NOTEBOOKS), release_edition(korean)) == ("en", "ko")
    for release_dir, out, first in ((NOTEBOOKS, tmp_path / "en", "# Convolution for CNNs"),
                                    (korean, tmp_path / "ko", "# CNN을 위한 합성곱")):
        with zipfile.ZipFile(build_bundle(release_dir, out=out)) as zf:
            assert zf.read("conv-course/README.md").decode("utf-8").startswith(first)
            assert "conv-course/README.ko.md" not in zf.namelist()
