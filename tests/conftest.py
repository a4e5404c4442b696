"""Fixtures shared by several test modules: notebooks run in this process, and the student
bundle as a student meets it (unzipped into an empty folder, set up by its own script,
JupyterLab started by it)."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.course import NOTEBOOKS, REPO, assignment_ids
from grader.earlier import PACKAGE, module_name
from grader.release import build_bundle
from notebook_runs import NotebookRun, run_notebook

OUT = REPO / "out" / "student-side"   # screenshots and measured times, for people to look at


# Fixtures that grade a class, run whole notebooks, or set up and drive the student bundle:
# a test that uses one is `slow` (./course test -m "not slow" leaves it out).
SLOW_FIXTURES = {"graded", "regraded", "graded_class", "notebook_runs", "bundle_zip", "student_bundle",
                 "student_lab", "lab", "korean_bundle", "korean_lab", "fresh_bundle", "trained", "term",
                 "nbgrader_course", "service", "hub", "hub_stopped", "dask_cluster", "local_class"}
# fixtures that grade through the sandbox: a test that uses one is marked `sandbox`
GRADING_FIXTURES = {"graded", "regraded", "graded_class", "term", "nbgrader_course", "service", "dask_cluster",
                    "local_class"}


# nbval runs every edition's solution notebooks: the English ones in solutions/ (a testpath),
# the others built here before collection into out/editions/<lang>/ (grader/editions.py; a
# stale catalogue fails tests/test_editions.py, not the collection), which a run of the
# testpaths (`./course test`, with or without options) collects too
EDITIONS = REPO / "out" / "editions"


def pytest_configure(config):
    from grader.editions import LANGUAGES, SOURCE_LANGUAGE, write_sources
    for lang in LANGUAGES:
        if lang != SOURCE_LANGUAGE:
            shutil.rmtree(EDITIONS / lang, ignore_errors=True)
            write_sources(lang, EDITIONS / lang, strict=False)
    if config.args_source == pytest.Config.ArgsSource.TESTPATHS and str(EDITIONS) not in config.args:
        config.args.append(str(EDITIONS))


def is_solution_notebook(path: Path) -> bool:
    """A solution notebook nbval runs: solutions/ or an edition's build of it."""
    parts = Path(path).resolve().relative_to(REPO).parts
    return parts[:1] == ("solutions",) or parts[:2] == ("out", "editions")


def pytest_collection_modifyitems(config, items):
    """Marks the slow tests: nbval's runs of the solution notebooks and every test using a
    slow fixture. Tests marked `sandbox` are skipped where the sandbox cannot run, with
    the sandbox's own reason (grader/sandbox.check_available), never errors."""
    # what waits for an early start (pytest_collection_finish) runs last, so that the other
    # tests run meanwhile: the student bundle's users, then the graded class's; and after
    # them what measures time (the capstone's training), when nothing else runs
    # (the shared hub's stop is checked after every test that uses the hub)
    def waits(item):
        fixtures = set(getattr(item, "fixturenames", ()))
        return 4 if "hub_stopped" in fixtures else 3 if "trained" in fixtures else 2 if "graded_class" in fixtures else \
            1 if {"student_bundle", "korean_bundle"} & fixtures else 0
    items.sort(key=waits)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if is_solution_notebook(Path(str(item.fspath))) or SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
        if GRADING_FIXTURES & fixtures:
            item.add_marker(pytest.mark.sandbox)
    from grader.sandbox import SandboxUnavailable, check_available
    marked = [item for item in items if item.get_closest_marker("sandbox")]
    if not marked:
        return
    try:
        check_available()
    except SandboxUnavailable as exc:
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=f"the grader's sandbox cannot run here: {exc}"))


def ta_release_digest() -> dict[str, str]:
    """{path: sha256} of what a teaching assistant's `python -m grader release` wrote: the
    released notebooks, the repository's convcourse.earlier and build/ (the student bundle)."""
    import hashlib
    from grader.release import BUILD
    files = [p for root in (NOTEBOOKS, PACKAGE, BUILD) if root.exists()
             for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return {str(p.relative_to(REPO)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


@pytest.fixture(scope="session", autouse=True)
def ta_release_untouched():
    """Running the tests never changes a teaching assistant's release (a bundle built with
    --closed, say): every test writes to temporary folders or out/. Checked once, after
    the last test; a change fails the run and names the files."""
    before = ta_release_digest()
    yield
    after = ta_release_digest()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"the test run changed the teaching assistant's release: {changed[:20]}"


# Two long waits start as soon as the tests are collected, each in a thread of its own,
# while the other tests run: the graded class (mostly sandboxed kernels) and the student
# bundle's set-up in an empty folder (mostly pip unpacking). A fixture that needs one
# waits for it; an error in it is raised there.
_EARLY: dict = {}


def _needed(session, fixture: str) -> bool:
    return any(fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker("skip")
               for item in session.items)


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="early")
    factory = session.config._tmp_path_factory  # the tmp_path_factory fixture's own
    if _needed(session, "graded_class"):
        import one_class
        written = one_class.write(factory.mktemp("class"))   # here: the notebooks are written before any test runs
        _EARLY["graded_class"] = pool.submit(one_class.run, written)
    if _needed(session, "student_bundle"):
        _EARLY["student_bundle"] = pool.submit(set_up_bundle, factory.mktemp("bundle-build"), factory.mktemp("student"))
    if _needed(session, "korean_bundle"):
        _EARLY["korean_bundle"] = pool.submit(set_up_bundle, factory.mktemp("bundle-build-ko"),
                                              factory.mktemp("student-ko"), "ko")
    pool.shutdown(wait=False)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """The class of every suite that enrolled (tests/one_class.py), graded in one batch."""
    if "graded_class" not in _EARLY:
        import one_class
        return one_class.grade(tmp_path_factory.mktemp("class"))
    return _EARLY["graded_class"].result()


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory) -> dict:
    """Every assignment generated once by the release's own `generate`: the released
    notebooks and the gradebook that autograde would prepare, and the hidden cases' inputs
    as autograde writes them."""
    from grader.hidden.wire import write_cases
    from grader.release import generate
    root = tmp_path_factory.mktemp("generated")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    generate(root / "release", db_url=db_url)
    write_cases(root / "cases")
    return {"release": root / "release", "db_url": db_url, "cases": root / "cases"}


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (tests/postgres.py), stopped and its
    data removed at the end. Without PostgreSQL's binaries the tests that need it fail and
    say what to install: CI must run them, so they never skip."""
    import postgres
    try:
        bin_dir = postgres.find_bin_dir()
    except postgres.PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    with postgres.started(bin_dir) as server:
        postgres.record(f"PostgreSQL ({bin_dir}) started in {server.start_seconds:.1f} s on port {server.port}")
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database (no tables) of the session's PostgreSQL server, for one test."""
    return postgres_server.new_database()


@pytest.fixture(scope="session")
def notebook_runs() -> dict[str, NotebookRun]:
    """{assignment: its solution notebook run in this process (tests/notebook_runs.py)},
    each notebook run once, when first asked for."""
    class Runs(dict):
        def __missing__(self, aid):
            self[aid] = run_notebook(aid)
            return self[aid]
    return Runs()


def student_env(home: Path | None = None) -> dict[str, str]:
    """A student's shell: none of the repository's venv, paths or test settings."""
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "MPL", "CONVCOURSE", "PYTEST"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    if home is not None:
        env["HOME"] = str(home)
    return env


def own_definitions(assignments: list[str]) -> str:
    """What a student pastes into a cell above 08-10's earlier-functions cell: their own
    functions of those assignments (here the model solutions, from the repository's
    convcourse.earlier, without each module's docstring)."""
    return "\n\n\n".join((PACKAGE / f"{module_name(aid)}.py").read_text(encoding="utf-8").split('"""', 2)[2].strip()
                          for aid in assignments)


def unzip_bundle(zip_path: Path, dest: Path) -> Path:
    """Unzip as a student does, keeping the script executable; the bundle's folder."""
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(zip_path), "-d", str(dest)], check=True)
    else:  # zipfile drops the permissions that unzip restores
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                zf.extract(info, dest)
                if info.external_attr >> 16:
                    (dest / info.filename).chmod((info.external_attr >> 16) & 0o777)
    return dest / "conv-course"


@pytest.fixture(scope="session")
def bundle_zip(tmp_path_factory) -> Path:
    """The student bundle of the committed release, every assignment closed, built in a
    temporary folder (never build/, which holds the teaching assistant's release)."""
    return build_bundle(NOTEBOOKS, assignment_ids(), out=tmp_path_factory.mktemp("bundle-build"))


@dataclass
class SetUpBundle:
    root: Path
    setup: subprocess.CompletedProcess
    seconds: float


def set_up_bundle(build_dir: Path, student_dir: Path, lang: str = "en") -> SetUpBundle:
    """The bundle (every assignment closed) unzipped into an empty folder and set up by its
    own `./course setup` (pip's download cache is the machine's, as a student's second try
    would have it). English: the committed release's; another edition: released for the test,
    in `build_dir`."""
    if lang == "en":
        zip_path = build_bundle(NOTEBOOKS, assignment_ids(), out=build_dir)
    else:
        from grader.release import BUNDLE_ZIP, release
        release(build_dir / "notebooks", closed=assignment_ids(), earlier=build_dir / "earlier", build=build_dir,
                lang=lang)
        zip_path = build_dir / BUNDLE_ZIP.name
    root = unzip_bundle(zip_path, student_dir)
    start = time.perf_counter()
    setup = subprocess.run(["./course", "setup"], cwd=root, env=student_env(), capture_output=True,
                           text=True, timeout=1200)
    seconds = time.perf_counter() - start
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ("setup.txt" if lang == "en" else f"setup-{lang}.txt")).write_text(f"./course setup in an empty folder: {seconds:.0f} s, exit {setup.returncode}\n"
                                   f"{setup.stdout}\n{setup.stderr}")
    assert setup.returncode == 0, f"./course setup failed:\n{setup.stdout}\n{setup.stderr}"
    return SetUpBundle(root, setup, seconds)


@pytest.fixture(scope="session")
def student_bundle(tmp_path_factory) -> SetUpBundle:
    """The student bundle as a student meets it, set up in an empty folder (started early:
    see pytest_collection_finish)."""
    if "student_bundle" not in _EARLY:
        return set_up_bundle(tmp_path_factory.mktemp("bundle-build"), tmp_path_factory.mktemp("student"))
    return _EARLY["student_bundle"].result()


@pytest.fixture(scope="session")
def korean_bundle(tmp_path_factory) -> SetUpBundle:
    """The Korean edition's bundle (`release --lang ko`), set up in an empty folder like the
    English one (started early too)."""
    if "korean_bundle" not in _EARLY:
        return set_up_bundle(tmp_path_factory.mktemp("bundle-build-ko"), tmp_path_factory.mktemp("student-ko"), "ko")
    return _EARLY["korean_bundle"].result()


@dataclass
class StudentLab:
    root: Path
    url: str
    token: str
    log: Path

    def api(self, path: str) -> int:
        request = urllib.request.Request(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def student_lab(student_bundle, tmp_path_factory):
    """`./course lab` of the set-up bundle, for a new student (an empty HOME), until the
    session ends; then the whole process group is stopped."""
    yield from _run_lab(student_bundle, tmp_path_factory)


@pytest.fixture(scope="session")
def korean_lab(korean_bundle, tmp_path_factory):
    """`./course lab` of the Korean edition's bundle, for a new student."""
    yield from _run_lab(korean_bundle, tmp_path_factory)


def _run_lab(student_bundle: SetUpBundle, tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["./course", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True"],
            cwd=student_bundle.root, env=student_env(tmp_path_factory.mktemp("home")),
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    lab = StudentLab(student_bundle.root, f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + 90
        while lab_status(lab) != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"./course lab did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield lab
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def lab_status(lab: StudentLab) -> int:
    try:
        return lab.api("/api/status")
    except OSError:
        return 0


@pytest.fixture(scope="session")
def hub():
    """`python -m grader hub` on a free port, with the tests' own accounts, for the whole session
    (tests/hub_session.py); stopped at the end, or by `hub_stopped`."""
    import hub_session
    running = hub_session.start(_free_port())
    yield running
    hub_session.stop(running)


@pytest.fixture(scope="session")
def hub_stopped(hub) -> dict:
    """The shared hub stopped (SIGTERM, as Ctrl+C): its exit code, time, and what was left
    running. Tests using it run after every other test."""
    import hub_session
    return hub_session.stop(hub)
