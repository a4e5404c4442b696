"""The pip route and the conda route install the same pinned packages, and the
environment running the tests is the pinned one."""
import re
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pins(path, sep):
    return parse_pins((REPO / path).read_text(), sep)


def parse_pins(text, sep):
    found = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip().lstrip("- ").strip()
        m = re.fullmatch(rf"([A-Za-z0-9_.-]+){re.escape(sep)}([0-9][^\s]*)", line)
        if m:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def environment_pins(text):
    """{name: version} of environment.yml: its conda packages (`name=version`) and the
    packages of its `pip:` section (`name==version`, pip's names, as in requirements.txt)."""
    import yaml
    found = {}
    for dep in yaml.safe_load(text)["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, f"environment.yml: unexpected section {sorted(dep)}"
            section = parse_pins("\n".join(dep["pip"]), "==")
        else:
            section = parse_pins(dep, "=")
        clash = found.keys() & section.keys()
        assert not clash, f"environment.yml pins {sorted(clash)} twice"
        found.update(section)
    return found


def conda_route_pins(text=None):
    """environment.yml's pins but Python's: what must equal requirements.txt."""
    found = environment_pins((REPO / "environment.yml").read_text() if text is None else text)
    found.pop("python", None)
    return found


def pip_route_pins():
    """What `./course` installs in the repository: requirements.txt + requirements-grader.txt."""
    return pins("requirements.txt", "==") | pins("requirements-grader.txt", "==")


def test_environment_yml_pins_equal_requirements():
    pip_pins = pip_route_pins()
    conda_pins = conda_route_pins()
    assert pip_pins, "requirements.txt pins nothing"
    assert conda_pins == pip_pins


def test_students_install_nothing_only_the_grader_needs():
    """The bundle ships requirements.txt alone: no Dask, no PostgreSQL driver, no progress bar
    (14 packages, 39 MB); and the two files pin no package twice."""
    student, grader = pins("requirements.txt", "=="), pins("requirements-grader.txt", "==")
    assert not student.keys() & grader.keys()
    assert {"dask", "distributed", "psycopg2-binary", "tqdm"} <= grader.keys()
    from grader.release import BUNDLE_FILES
    assert "requirements-grader.txt" not in BUNDLE_FILES and "requirements.txt" in BUNDLE_FILES


def test_environment_yml_python_matches_the_supported_python():
    assert environment_pins((REPO / "environment.yml").read_text())["python"] == "3.11"


def test_constraints_agree_with_requirements():
    constraints = pins("constraints.txt", "==")
    for name, pinned in pip_route_pins().items():
        assert constraints.get(name) == pinned, name


def test_installed_versions_are_the_pinned_ones():
    for name, pinned in pip_route_pins().items():
        assert version(name) == pinned, name


def test_a_drifted_pin_is_seen():
    # teeth: the comparison above fails when one file moves a version
    drifted = (REPO / "environment.yml").read_text().replace("numpy=2.4.6", "numpy=2.4.5")
    assert conda_route_pins(drifted) != pip_route_pins()


def test_a_drifted_pip_section_pin_is_seen():
    # the same for a package environment.yml takes from PyPI
    text = (REPO / "environment.yml").read_text()
    drifted = text.replace("psycopg2-binary==2.9.13", "psycopg2-binary==2.9.12")
    assert drifted != text, "environment.yml no longer pins psycopg2-binary==2.9.13 in its pip: section"
    assert conda_route_pins(text)["psycopg2-binary"] == "2.9.13"
    assert conda_route_pins(drifted) != pip_route_pins()
