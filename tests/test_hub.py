"""`python -m grader hub` (what `./course hub` runs): the set-up it leaves, logging in over
HTTP, who reaches what, and that stopping it leaves no process behind. One hub per session
(tests/hub_session.py), shared with tests/test_hub_browser.py."""
from __future__ import annotations

import json
import os
import pwd
import re
import stat
import subprocess
import textwrap
import time

import pytest

from grader.course import REPO
from grader.hub import GECOS, GRADERS_GROUP, main as hub_main
from hub_session import Session, processes_of


def run_as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    """`cmd` as the Linux user `user` (their uid, gid and groups), as their kernel would run it."""
    entry = pwd.getpwnam(user)
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *cmd],
                          capture_output=True, text=True, cwd=entry.pw_dir,   # python -c puts its cwd first on sys.path
                          env={"PATH": "/usr/bin:/bin", "HOME": entry.pw_dir, "LANG": "C.UTF-8"})


def test_prints_where_to_log_in_and_the_accounts(hub):
    out = hub.output()
    assert f"the course is at {hub.url}/" in out, out
    for user, password in hub.passwords.items():
        assert len(password) >= 12
        entry = pwd.getpwnam(user)
        assert entry.pw_gecos == GECOS and entry.pw_dir == str(hub.lay.home / user)
    assert (hub.lay.accounts.stat().st_mode & 0o777) == 0o600


def test_the_hub_root(hub):
    lay, instructor = hub.lay, pwd.getpwnam(hub.instructor)
    course = lay.course.stat()
    assert (course.st_uid, stat.S_IMODE(course.st_mode)) == (instructor.pw_uid, 0o700)
    assert stat.S_IMODE(lay.exchange.stat().st_mode) == 0o1777
    course_exchange = (lay.exchange / "conv-course").lstat()   # the instructor's before any student's
    assert (course_exchange.st_uid, stat.S_IMODE(course_exchange.st_mode)) == (instructor.pw_uid, 0o755)
    for user in [hub.instructor, *hub.students]:
        home = (lay.home / user).stat()
        assert (home.st_uid, stat.S_IMODE(home.st_mode)) == (pwd.getpwnam(user).pw_uid, 0o700)
    assert (lay.student / "jupyter-config" / "jupyter_server_config.json").exists()
    assert not (lay.student / "grader").exists() and not (lay.student / "solutions").exists()
    assert instructor.pw_name in __import__("grp").getgrnam(GRADERS_GROUP).gr_mem
    # the hub's venv is the system Python's, not the tests' (pyenv's is unreadable to users)
    assert os.path.realpath(lay.venv / "bin" / "python").startswith("/usr/bin/python3")


def test_students_read_the_student_side_but_not_the_course(hub):
    student = hub.students[0]
    solution = hub.lay.course / "solutions" / "02_image_convolution" / "02_image_convolution.ipynb"
    assert solution.exists()
    denied = run_as(student, "cat", str(solution))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr
    assert run_as(student, "ls", str(hub.lay.home / hub.students[1])).returncode != 0   # nor each other's home
    # what their kernels import: the student package and the course's data, from the hub's venv
    ok = run_as(student, str(hub.lay.python), "-c", "import convcourse, convcourse.data as d; print(convcourse.__file__)")
    assert ok.returncode == 0 and ok.stdout.startswith(str(hub.lay.student)), ok.stderr
    no_grader = run_as(student, str(hub.lay.python), "-c", "import grader")
    assert no_grader.returncode != 0 and "ModuleNotFoundError" in no_grader.stderr
    mine = run_as(hub.instructor, "cat", str(solution))
    assert mine.returncode == 0


def test_wrong_password_is_refused(hub):
    code, url, body = Session(hub).login(hub.students[0], "not-the-password")
    assert "/hub/login" in url and "Invalid username or password" in body


def test_student_logs_in_gets_a_server_as_their_own_user_without_formgrader(hub):
    student = hub.students[0]
    session = Session(hub)
    code, url, _ = session.login(student)
    assert code == 200 and (f"/user/{student}/" in url or f"/hub/spawn-pending/{student}" in url), url
    session.wait_for_server(student)
    uid = pwd.getpwnam(student).pw_uid
    assert any("jupyterhub-singleuser" in cmd for cmd in processes_of(uid)), processes_of(uid)
    code, body = session.server_api(student, "/api/contents")
    assert code == 200   # their home folder
    # a kernel, which stopping the hub must end too (test_stopping_leaves_no_process)
    code, body = session.server_post(student, "/api/kernels", {"name": "python3"})
    assert code == 201, body[:300]
    deadline = time.monotonic() + 60
    while not any("ipykernel" in cmd for cmd in processes_of(uid)):
        assert time.monotonic() < deadline, processes_of(uid)
        time.sleep(0.5)
    # nbgrader's student side is there, the instructor's is not
    assert session.server_api(student, "/assignments?course_id=conv-course")[0] != 404
    assert session.server_api(student, "/formgrader")[0] == 404
    assert session.server_api(student, "/formgrader/api/assignments")[0] == 404
    # nor anyone else's server
    code, url, _ = session.request(f"/user/{hub.instructor}/formgrader")
    assert code in (403, 404) or f"/user/{student}/" in url, (code, url)


def test_instructor_gets_formgrader_on_the_course_folder(hub):
    session = Session(hub)
    code, url, _ = session.login(hub.instructor)
    assert code == 200 and (f"/user/{hub.instructor}/" in url or "/hub/spawn-pending/" in url), url
    session.wait_for_server(hub.instructor)
    code, body = session.server_api(hub.instructor, "/formgrader/api/assignments")
    assert code == 200, body[:500]
    assert "02_image_convolution" in body
    code, body = session.server_api(hub.instructor, "/api/contents")
    names = {item["name"] for item in __import__("json").loads(body)["content"]}
    assert {"solutions", "notebooks", "grader"} <= names, names


LOAD_CONFIG = """
import sys
from jupyterhub.app import JupyterHub
app = JupyterHub()
app.load_config_file(sys.argv[1])
authenticator = app.authenticator_class(parent=app, db=None)
print(type(authenticator).__module__ + "." + type(authenticator).__name__)
"""


def readme_authenticators() -> list[str]:
    """The local configuration files README's "Running a course" shows."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Running a course"):text.index("## Layout")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    return [textwrap.dedent(b) for b in blocks if "authenticator_class" in b]


def test_the_documented_authenticators_load_without_code_changes(hub, tmp_path):
    """README's local files, loaded by hub/jupyterhub_config.py as the hub loads them, give
    JupyterHub the authenticator they name (installed in the hub's venv, configured)."""
    found = []
    for number, snippet in enumerate(readme_authenticators()):
        local = tmp_path / f"local{number}.py"
        local.write_text(snippet)
        env = {"PATH": f"{hub.lay.venv / 'bin'}:/usr/sbin:/usr/bin:/bin", "CONV_HUB_ROOT": str(hub.lay.root),
               "CONV_HUB_REPO": str(REPO), "CONV_HUB_PORT": "1", "CONV_HUB_API_PORT": "2",
               "CONV_HUB_PROXY_API_PORT": "3", "CONV_HUB_INSTRUCTORS": hub.instructor,
               "CONV_HUB_LOCAL_CONFIG": str(local)}
        proc = subprocess.run([str(hub.lay.python), "-c", LOAD_CONFIG, str(REPO / "hub" / "jupyterhub_config.py")],
                              env=env, capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
        found.append(proc.stdout.split()[-1])
    assert found == ["oauthenticator.github.GitHubOAuthenticator", "ltiauthenticator.lti13.auth.LTI13Authenticator"], found


PRE_SPAWN = """
import json, sys
from jupyterhub.app import JupyterHub
app = JupyterHub()
app.load_config_file(sys.argv[1])
hook = app.config.Spawner.pre_spawn_hook
for name in sys.argv[2:]:
    class User: pass
    class Spawner: pass
    spawner = Spawner(); spawner.user = User(); spawner.user.name = name
    spawner.environment = dict(app.config.Spawner.environment)
    hook(spawner)
    print(json.dumps({"name": name, "env": spawner.environment}))
"""


def test_the_gradebook_url_reaches_the_instructors_server_only(hub, tmp_path):
    """./course hub --db URL: the instructor's server (formgrader, nbgrader_config.py, and the
    grader run from its terminal) gets CONV_COURSE_DB; students' servers do not."""
    from grader.hub import hub_environment

    url = "postgresql+psycopg2://grader:secret@127.0.0.1:5432/course"
    env = hub_environment(hub.lay, "127.0.0.1", 1, hub.instructor, hub.students, True, tmp_path / "none.py", url)
    env["PATH"] = f"{hub.lay.venv / 'bin'}:/usr/sbin:/usr/bin:/bin"
    proc = subprocess.run([str(hub.lay.python), "-c", PRE_SPAWN, str(REPO / "hub" / "jupyterhub_config.py"),
                           hub.instructor, hub.students[0]], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = {d["name"]: d["env"] for d in map(json.loads, proc.stdout.splitlines())}
    assert seen[hub.instructor]["CONV_COURSE_DB"] == url
    assert seen[hub.instructor]["CONV_COURSE_SANDBOX"] == str(hub.lay.socket)
    assert "CONV_COURSE_DB" not in seen[hub.students[0]] and "CONV_COURSE_SANDBOX" not in seen[hub.students[0]]


def pins(path, sep="=="):
    out = {}
    for line in (REPO / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if sep in line:
            name, version = line.split(sep)
            out[name.strip().lower().replace("_", "-").replace(".", "-")] = version.strip()
    return out


def test_hub_pins_agree_with_the_course_pins():
    hub_pins, constraints = pins("requirements-hub.txt"), pins("constraints.txt")
    assert hub_pins["jupyterhub"] == "6.1.1"
    clash = {n: (v, constraints[n]) for n, v in hub_pins.items() if n in constraints and constraints[n] != v}
    assert not clash, f"requirements-hub.txt and constraints.txt pin different versions: {clash}"
    package = __import__("json").loads((REPO / "hub" / "package.json").read_text())
    lock = __import__("json").loads((REPO / "hub" / "package-lock.json").read_text())
    wanted = package["dependencies"]["configurable-http-proxy"]
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted


def test_refuses_to_run_without_root(tmp_path):
    nobody = pwd.getpwnam("nobody")
    proc = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                           str(REPO / ".venv" / "bin" / "python"), "-m", "grader", "hub", "--root", str(tmp_path / "r")],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "HOME": "/tmp"})
    if "Permission denied" in proc.stderr and "python" in proc.stderr:
        pytest.skip("this checkout's venv is not readable by nobody")
    assert proc.returncode == 2 and "must run as root" in proc.stderr, proc.stderr


def test_refuses_an_existing_account_it_did_not_create(tmp_path, capsys):
    assert hub_main(["--root", str(tmp_path / "r"), "--instructor", "nobody", "--students", "0",
                     "--prepare-only"]) == 2
    assert "already exists and was not created by the hub" in capsys.readouterr().err


def test_stopping_leaves_no_process(hub, hub_stopped):
    (REPO / "out" / "hub").mkdir(parents=True, exist_ok=True)
    (REPO / "out" / "hub" / "stop.txt").write_text(f"SIGTERM to python -m grader hub until it exited: "
                                                   f"{hub_stopped['seconds']:.1f} s, exit {hub_stopped['code']}\n")
    assert hub_stopped["code"] == 0, hub.output()[-3000:]
    assert hub_stopped["left"] == {}, hub_stopped
    for user in [hub.instructor, *hub.students]:
        assert processes_of(pwd.getpwnam(user).pw_uid) == []
        # the printed passwords no longer work
        assert subprocess.run(["passwd", "--status", user], capture_output=True, text=True).stdout.split()[1] == "L"
    out = hub.output()
    assert "stopped: no process of the hub" in out
    assert "JupyterHub left" not in out, out[out.index("JupyterHub left"):][:2000]   # its own clean-up sufficed
