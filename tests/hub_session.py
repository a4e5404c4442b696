"""One `python -m grader hub` per test session, shared by tests/test_hub.py and
tests/test_hub_browser.py (fixtures `hub` and `hub_stopped` in conftest.py).

The hub root is out/hub-root/ (CONV_HUB_TEST_ROOT to change it; /var/tmp/conv-course-hub-test
when the repository sits in a folder other users cannot enter), not a pytest temporary
folder: those are private to root, and the hub's users must read the root. Every session
starts it afresh except for venv/ and node/, which the hub rebuilds only when the pins
change. The accounts are the tests' own (hubt-instructor, hubt-student1..3), never a
course's, so that the tests can run beside a real hub.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import REPO
from grader.hub import Layout, leftovers



def _default_root() -> Path:
    """out/hub-root/, where the hub's users can reach it; else (a clone in a private folder,
    such as mktemp -d makes) a folder of /var/tmp, which they can."""
    inside = REPO / "out" / "hub-root"
    if all(os.stat(p).st_mode & 0o001 for p in inside.parents if p.exists() and p != inside):
        return inside
    return Path("/var/tmp/conv-course-hub-test")


ROOT = Path(os.environ.get("CONV_HUB_TEST_ROOT") or _default_root())
INSTRUCTOR, STUDENT_PREFIX, STUDENTS = "hubt-instructor", "hubt-student", 3
# what only the tests need from the hub: JupyterLab's application object in the page (to open
# notebooks and read cells, as tests/test_browser.py does); set through the documented local file
LOCAL_CONFIG = 'c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]\n'
START_TIMEOUT = 900   # the first start builds the hub's venv


@dataclass
class Hub:
    proc: subprocess.Popen
    lay: Layout
    url: str
    passwords: dict[str, str]
    log: Path
    started_seconds: float
    stopped: dict = field(default_factory=dict)

    @property
    def instructor(self) -> str:
        return INSTRUCTOR

    @property
    def students(self) -> list[str]:
        return [f"{STUDENT_PREFIX}{i}" for i in range(1, STUDENTS + 1)]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def fresh_root(root: Path) -> None:
    """Remove what an earlier session left, keeping the built venv/ and node/."""
    if root.exists():
        for child in root.iterdir():
            if child.name not in ("venv", "node"):
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def start(port: int) -> Hub:
    lay = Layout(ROOT)
    fresh_root(lay.root)
    lay.root.mkdir(parents=True, exist_ok=True)
    (lay.root / "local.py").write_text(LOCAL_CONFIG)
    log = lay.root / "hub.log"
    begin = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "grader", "hub", "--root", str(lay.root), "--port", str(port),
             "--instructor", INSTRUCTOR, "--student-prefix", STUDENT_PREFIX, "--students", str(STUDENTS),
             "--config", str(lay.root / "local.py")],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    hub = Hub(proc, lay, url, {}, log, 0.0)
    while status(f"{url}/hub/login") != 200:
        if proc.poll() is not None or time.monotonic() - begin > START_TIMEOUT:
            stop(hub)
            raise AssertionError(f"the hub did not start:\n{hub.output()[-4000:]}")
        time.sleep(0.5)
    hub.started_seconds = time.monotonic() - begin
    # the printed accounts (the same as state/accounts.txt)
    hub.passwords = dict(re.findall(r"^\s+(?:instructor|student)\s+(\S+)\s+(\S+)", hub.output(), re.M))
    assert set(hub.passwords) == {INSTRUCTOR, *hub.students}, hub.output()
    return hub


def stop(hub: Hub, timeout: float = 90) -> dict:
    """SIGTERM to `python -m grader hub` (what Ctrl+C or a service manager sends); returns its
    exit code, the seconds it took, and what was still running just after it exited."""
    if hub.stopped:
        return hub.stopped
    begin = time.monotonic()
    hub.proc.send_signal(signal.SIGTERM)
    try:
        code = hub.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        hub.proc.kill()
        code = None
    hub.stopped = {"code": code, "seconds": time.monotonic() - begin, "left": leftovers(hub.lay)}
    return hub.stopped


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


class Session:
    """A user's browser-less session with the hub: cookies, JupyterHub's XSRF token."""

    def __init__(self, hub: Hub):
        self.hub = hub
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None,
                raw: bytes | None = None) -> tuple[int, str, str]:
        """(status, final URL, body) of GET (or POST of a form, or of `raw`) `path`, following redirects."""
        body = urllib.parse.urlencode(data).encode() if data is not None else raw
        req = urllib.request.Request(self.hub.url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=150) as response:
                return response.status, response.url, response.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.url, e.read().decode(errors="replace")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def login(self, user: str, password: str | None = None) -> tuple[int, str, str]:
        self.request("/hub/login")
        return self.request("/hub/login?next=", {"username": user, "password": password or self.hub.passwords[user],
                                                 "_xsrf": self.cookie("_xsrf") or ""})

    def server_api(self, user: str, path: str) -> tuple[int, str]:
        """GET the user's server API (its own XSRF cookie is not needed for GET)."""
        code, _, body = self.request(f"/user/{user}{path}")
        return code, body

    def server_post(self, user: str, path: str, payload: dict) -> tuple[int, str]:
        """POST JSON to the user's server API, with its XSRF cookie echoed as Jupyter requires."""
        xsrf = next((c.value for c in self.jar if c.name == "_xsrf" and c.path.startswith(f"/user/{user}")), "")
        code, _, body = self.request(f"/user/{user}{path}", headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
                                     raw=json.dumps(payload).encode())
        return code, body

    def wait_for_server(self, user: str, timeout: float = 150) -> None:
        """Until the user's server answers; a page of it first, so that the hub's OAuth
        redirects give this session the server's own cookie (its API answers 403 without)."""
        deadline = time.monotonic() + timeout
        while True:
            self.request(f"/user/{user}/lab")
            code, body = self.server_api(user, "/api/status")
            if code == 200:
                return
            assert time.monotonic() < deadline, f"{user}'s server did not start: {code} {body[:300]}"
            time.sleep(1)


def processes_of(uid: int) -> list[str]:
    """Command lines of the running processes of `uid` (not those that exited and wait to be reaped)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    state = next(l for l in (entry / "status").read_text().splitlines() if l.startswith("State:"))
                    if state.split()[1] not in ("Z", "X"):
                        out.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except (OSError, StopIteration):
                pass
    return out


def json_of(text: str):
    return json.loads(text)
