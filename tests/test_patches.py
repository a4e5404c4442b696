"""grader/patches.py: each patch still fits the pinned code it stands in for (these fail
loudly after an upgrade that changes it), gives what nbgrader would compute itself, and
is applied only in the grader's own processes."""
import re
import subprocess
import sys
from pathlib import Path

import nbgrader.api
import pytest

from grader import patches
from grader.course import REPO, tools_on_path


def test_every_patch_still_fits_the_pinned_code():
    assert patches.uri_grammar_reliance_problem() is None
    assert patches.alembic_reliance_problem() is None
    assert patches.schema_reliance_problem() is None


def test_alembic_head_in_process_is_nbgraders():
    tools_on_path()
    original = nbgrader.api.get_alembic_version
    expected = original()  # nbgrader's way: the `alembic heads` command in a subprocess
    assert patches.alembic_head_in_process()
    try:
        assert nbgrader.api.get_alembic_version() == expected != ""
    finally:
        nbgrader.api.get_alembic_version = original


def test_uri_grammar_is_skipped_and_notebooks_still_validate():
    # in a fresh process: this one has nbformat loaded already (by nbval)
    script = """
import sys
from grader.patches import skip_uri_grammar
assert skip_uri_grammar()
import nbformat
assert sys.modules["rfc3987_syntax"] is None
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
nb.cells[0]["source"] = 1
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("invalid notebook refused")
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "invalid notebook refused"


def test_uri_grammar_is_what_nbformat_would_import_without_the_patch():
    # the patch saves something only while jsonschema still builds the grammar on import
    proc = subprocess.run([sys.executable, "-c", "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.stdout.strip() == "True", proc.stderr


def test_importing_the_grader_patches_nothing():
    # nbval's kernels and Jupyter servers (nbgrader_config.py) import grader: they get nbgrader as shipped
    script = """
import sys
import grader, grader.autograde, grader.release, grader.hidden
from traitlets.config import Config
from grader.settings import configure
configure(Config())  # what nbgrader_config.py does
import nbgrader.api, nbgrader.nbgraderformat.common as common, jsonschema
assert "rfc3987_syntax" not in sys.modules or sys.modules["rfc3987_syntax"] is not None
assert common.jsonschema is jsonschema
assert not getattr(nbgrader.api.get_alembic_version, "_grader_patch", False)
print("unpatched")
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert proc.stdout.strip() == "unpatched", proc.stderr


def test_nbgrader_schema_checked_once_still_rejects_bad_metadata():
    import nbformat
    import nbgrader.nbgraderformat.common as common
    from jsonschema import ValidationError
    from nbgrader.nbgraderformat import MetadataValidator

    good = nbformat.v4.new_code_cell("1", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True, "schema_version": 3}})
    bad = nbformat.v4.new_code_cell("1", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": "many", "solution": False, "locked": True,
        "schema_version": 3}})
    original = common.jsonschema
    assert patches.check_nbgrader_schema_once()
    try:
        assert common.jsonschema.ValidationError is ValidationError  # the rest of jsonschema is there
        patches._validator.cache_clear()
        for _ in range(50):  # nbgrader builds a new validator, with a new schema dict, per notebook
            MetadataValidator().validate_cell(good)
            with pytest.raises(ValidationError, match="many"):
                MetadataValidator().validate_cell(bad)
        info = patches._validator.cache_info()
        assert info.currsize == 1 and info.misses == 1, info   # keyed by content, not by id
    finally:
        common.jsonschema = original


def test_a_patch_whose_target_changed_is_not_applied(monkeypatch, capsys):
    import nbgrader.nbgraderformat.common as common

    monkeypatch.setattr(common, "jsonschema", object())
    assert patches.check_nbgrader_schema_once() is False
    assert "not applying check_nbgrader_schema_once" in capsys.readouterr().err
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", None)
    assert patches.alembic_head_in_process() is False


def test_uri_check_reads_jsonschemas_source(monkeypatch, tmp_path):
    import importlib.util

    fake = tmp_path / "jsonschema"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "_format.py").write_text("import rfc3987_syntax\n")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: importlib.util.spec_from_file_location(name, fake / "__init__.py")
                        if name == "jsonschema" else real(name, *a))
    assert "no longer imports rfc3987_syntax" in patches.uri_grammar_reliance_problem()


def test_the_sandboxs_runner_uses_the_same_guarded_patch():
    source = (REPO / "grader" / "inkernel" / "runner.py").read_text()
    assert "from uri_grammar import skip_uri_grammar" in source and "rfc3987" not in source


def test_kernels_start_without_the_debugger_in_the_sandbox():
    """grader/inkernel/debugpy.py stands in for debugpy in the sandbox: ipykernel must still
    treat its ImportError as "no debugger", and the stand-in must raise it."""
    import ipykernel.debugger

    source = Path(ipykernel.debugger.__file__).read_text()
    assert "from debugpy.server import api" in source
    assert "except ImportError:\n    _is_debugpy_available = False" in source
    stand_in = REPO / "grader" / "inkernel" / "debugpy.py"
    with pytest.raises(ImportError, match="not available while grading"):
        exec(compile(stand_in.read_text(), str(stand_in), "exec"), {})


def test_grading_pipeline_is_nbgraders_with_our_substitutions():
    from grader.settings import course_config, sandboxed

    config = sandboxed(course_config(), Path("/nowhere"), Path("/nowhere"), 1000)
    names = lambda classes: [cls.__name__ for cls in classes]  # noqa: E731
    assert names(config.Autograde.sanitize_preprocessors) == [
        "ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "RecordTestCells", "OverwriteCells",
        "FollowEdition", "CheckCellMetadata"]
    assert names(config.Autograde.autograde_preprocessors) == [
        "SandboxExecute", "TrustedVerdicts", "IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput",
        "SaveAutoGrades", "AssignLatePenalties"]
    assert names(config.GenerateFeedback.preprocessors) == ["GetGrades", "RedactHiddenTests",
                                                            "CSSHTMLHeaderPreprocessor"]


def test_a_substitution_nbgrader_no_longer_allows_fails_loudly():
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from grader.settings import nbgrader_default

    with pytest.raises(RuntimeError, match="no longer has exactly one Execute"):
        nbgrader_default(Autograde, "sanitize_preprocessors", {Execute: []})


def test_the_forked_kernel_relies_only_on_what_the_pinned_libraries_do():
    """grader/inkernel/warm.py stands in for jupyter_client's launch of the kernel and
    undoes what importing ipykernel and matplotlib in the fork server fixed: each reliance
    on their code, checked here against the pinned versions."""
    import inspect

    import ipykernel.kernelapp
    import jupyter_client.launcher
    import matplotlib
    from jupyter_client.provisioning import local_provisioner

    from grader.inkernel import warm

    # the local provisioner calls the module's launch_kernel, which runner.py replaces
    assert "self.process = launch_kernel(cmd, **scrubbed_kwargs)" in inspect.getsource(local_provisioner)
    assert list(inspect.signature(jupyter_client.launcher.launch_kernel).parameters) == \
        list(inspect.signature(warm.launch_kernel).parameters)
    # what it does for the kernel on POSIX, which warm does too
    source = inspect.getsource(jupyter_client.launcher.launch_kernel)
    assert 'kwargs["start_new_session"] = True' in source and 'env["JPY_PARENT_PID"] = str(os.getpid())' in source
    # and what it uses of the process it gets back
    used = set(re.findall(r"self\.process\.(\w+)", inspect.getsource(local_provisioner))) - {"win32_interrupt_event"}
    assert used <= set(dir(warm.ForkedKernel(0))), used
    # ipykernel reads JPY_PARENT_PID when imported; warm passes it to launch_instance
    assert 'int(os.environ.get("JPY_PARENT_PID") or 0)' in inspect.getsource(ipykernel.kernelapp)
    assert ipykernel.kernelapp.launch_new_instance == ipykernel.kernelapp.IPKernelApp.launch_instance
    # matplotlib remembers its folders in a closure warm resets
    for cached in (matplotlib.get_configdir, matplotlib.get_cachedir):
        assert "called" in cached.__code__.co_freevars
