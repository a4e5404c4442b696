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


def test_environment_yml_pins_equal_requirements():
    pip_pins = pins("requirements.txt", "==")
    conda_pins = pins("environment.yml", "=")
    conda_pins.pop("python", None)
    assert pip_pins, "requirements.txt pins nothing"
    assert conda_pins == pip_pins


def test_environment_yml_python_matches_the_supported_python():
    assert pins("environment.yml", "=")["python"] == "3.11"


def test_constraints_agree_with_requirements():
    constraints = pins("constraints.txt", "==")
    for name, pinned in pins("requirements.txt", "==").items():
        assert constraints.get(name) == pinned, name


def test_installed_versions_are_the_pinned_ones():
    for name, pinned in pins("requirements.txt", "==").items():
        assert version(name) == pinned, name


def test_a_drifted_pin_is_seen():
    # teeth: the comparison above fails when one file moves a version
    drifted = (REPO / "environment.yml").read_text().replace("numpy=2.4.6", "numpy=2.4.5")
    conda_pins = parse_pins(drifted, "=")
    conda_pins.pop("python", None)
    assert conda_pins != pins("requirements.txt", "==")
