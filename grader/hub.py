"""python -m grader hub: the course for many users on this machine (`./course hub`).

JupyterHub (pip) behind configurable-http-proxy (npm) starts each user's JupyterLab as that
user's own Linux account (LocalProcessSpawner); nbgrader's exchange is a shared folder; the
instructor's server opens on a private copy of the course with formgrader, the students' on
their home folder with the Assignment List and Validate. Everything lives under one hub
root (default /srv/conv-course):

  venv/        the hub's Python (Debian's python3, readable by every user): requirements.txt
               + requirements-grader.txt + requirements-hub.txt, pinned by constraints.txt;
               a .pth puts student/ (then course/, for the grader's sandbox) on every
               kernel's path
  node/        configurable-http-proxy, pinned by hub/package.json and its lock file
  student/     the student bundle (grader/release.py's build_bundle): convcourse/, data/,
               jupyter-config/ (no formgrader for students), readable by all
  course/      the instructor's course folder (grader/, solutions/, the gradebook, ...): owned by
               the instructor, mode 0700; code is refreshed from the repository at each start,
               solutions/ and notebooks/ only copied the first time (the instructor's to edit)
  exchange/    nbgrader's exchange (mode 1777; nbgrader sets its course folder's modes)
  home/<user>  each user's home, mode 0700
  etc/jupyter/ the nbgrader settings every user shares (where the exchange is, the course id)
  state/       JupyterHub's database, cookie secret, the proxy's pid, accounts.txt (root only)
  run/         the grader's sandbox service's socket

The JupyterHub configuration is hub/jupyterhub_config.py; it reads its paths from the
CONV_HUB_* environment variables set here, then an optional local override file (a real
authenticator: README, "Running a course").
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import grp
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .course import COURSE_ID, NOTEBOOKS, REPO

HUB_DIR = REPO / "hub"
DEFAULT_ROOT = Path("/srv/conv-course")
SYSTEM_PYTHON = Path("/usr/bin/python3")   # not pyenv's: its tree is unreadable to other users
GECOS = "conv-course hub user"            # marks the accounts this module created (and may change)
GRADERS_GROUP = "conv-course-graders"     # may use the grader's sandbox service
# refreshed from the repository at every start (code and data); the rest of course/ is the instructor's
COURSE_CODE = ["grader", "convcourse", "data", "bundle", "nbgrader_config.py", "README.md", "docs"]
COURSE_CONTENT = ["solutions", "notebooks"]   # copied only when course/ is created
USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


class HubError(RuntimeError):
    """What stops the hub from starting, said so that the reader knows what to do."""


@dataclass
class Layout:
    root: Path

    def __post_init__(self):
        self.root = Path(self.root).resolve()

    venv = property(lambda self: self.root / "venv")
    python = property(lambda self: self.root / "venv" / "bin" / "python")
    node = property(lambda self: self.root / "node")
    proxy = property(lambda self: self.root / "node" / "node_modules" / ".bin" / "configurable-http-proxy")
    student = property(lambda self: self.root / "student")
    course = property(lambda self: self.root / "course")
    exchange = property(lambda self: self.root / "exchange")
    home = property(lambda self: self.root / "home")
    etc = property(lambda self: self.root / "etc" / "jupyter")
    state = property(lambda self: self.root / "state")
    run = property(lambda self: self.root / "run")
    socket = property(lambda self: self.root / "run" / "sandbox.sock")
    accounts = property(lambda self: self.root / "state" / "accounts.txt")


@dataclass
class Accounts:
    instructor: str
    students: list[str]
    passwords: dict[str, str] = field(default_factory=dict)


def say(text: str) -> None:
    print(f"hub: {text}", flush=True)


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a set-up step; on failure raise HubError with the step and its last output."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise HubError(f"'{' '.join(map(str, cmd))}' failed (exit {proc.returncode}):\n"
                       + (proc.stdout + proc.stderr).strip()[-3000:])
    return proc


# ----------------------------------------------------------------------------------------
# checks

def check_machine() -> None:
    if os.geteuid() != 0:
        raise HubError("the hub must run as root: it starts each user's server as that user's own "
                       "Linux account and creates the accounts. Run: sudo ./course hub")
    for tool, package in [("useradd", "passwd"), ("chpasswd", "passwd"), ("npm", "npm"), ("node", "nodejs")]:
        if shutil.which(tool) is None:
            raise HubError(f"'{tool}' was not found; the hub needs it. On Debian or Ubuntu: "
                           f"apt-get install {package}")
    if not SYSTEM_PYTHON.exists():
        raise HubError(f"{SYSTEM_PYTHON} was not found: the hub's venv is built on the system's Python "
                       "(3.11 or newer), which every user can read. apt-get install python3 python3-venv")
    ok = subprocess.run([SYSTEM_PYTHON, "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"],
                        capture_output=True)
    if ok.returncode != 0:
        raise HubError(f"{SYSTEM_PYTHON} must be Python 3.11 or newer with the venv module "
                       "(apt-get install python3-venv)")


def digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------
# set-up, each step skipped when its inputs did not change

def build_venv(lay: Layout) -> None:
    """The hub's venv on the system Python, rebuilt when the pins change (like ./course's .venv)."""
    want = digest(REPO / "requirements.txt", REPO / "requirements-grader.txt", REPO / "requirements-hub.txt",
                  REPO / "constraints.txt")
    stamp = lay.venv / ".installed"
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    say(f"building the hub's Python environment in {lay.venv} (first start, or the pins changed; a few minutes)")
    if not lay.python.exists():
        run([SYSTEM_PYTHON, "-m", "venv", lay.venv])
    log = lay.venv / "pip.log"
    with open(log, "w") as out:
        proc = subprocess.run([lay.python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
                               "-r", REPO / "requirements.txt", "-r", REPO / "requirements-grader.txt",
                               "-r", REPO / "requirements-hub.txt",
                               "-c", REPO / "constraints.txt"], stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise HubError(f"pip could not install the hub's packages (the last lines are in {log}):\n"
                       + "\n".join(log.read_text().splitlines()[-15:]))
    stamp.write_text(want + "\n")


def link_course_packages(lay: Layout) -> None:
    """Kernels import convcourse whatever folder they run in, through a .pth in the hub's venv,
    as ./course does for .venv: students' kernels from student/ (the bundle's package), which
    comes first; the grader's sandbox from course/ (it binds only course/convcourse and data/
    there, and student/ not at all). course/ is the instructor's (0700): for anyone else it
    stays an unreadable folder on the path, and `import grader` fails as it should. The
    instructor's own servers put course/ first with PYTHONPATH."""
    site = subprocess.run([lay.python, "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "conv-course-student.pth").unlink(missing_ok=True)   # the earlier, students-only name
    (Path(site) / "conv-course.pth").write_text(f"{lay.student}\n{lay.course}\n")


def install_proxy(lay: Layout) -> None:
    want = digest(HUB_DIR / "package.json", HUB_DIR / "package-lock.json")
    stamp = lay.node / ".installed"
    if stamp.exists() and stamp.read_text().strip() == want and lay.proxy.exists():
        return
    say("installing configurable-http-proxy with npm (pinned by hub/package-lock.json)")
    lay.node.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(HUB_DIR / name, lay.node / name)
    try:
        run(["npm", "ci", "--no-audit", "--no-fund", "--omit=dev"], cwd=lay.node)
    except HubError as exc:
        raise HubError(f"npm could not install configurable-http-proxy (is the npm registry reachable?): {exc}")
    stamp.write_text(want + "\n")


def build_student_side(lay: Layout, closed: list[str]) -> None:
    """The student bundle, built by the release's own build_bundle from the committed release
    (never touching notebooks/, convcourse/earlier/ or build/), unpacked in student/."""
    from .release import build_bundle

    out = lay.root / ".bundle-build"
    build_bundle(NOTEBOOKS, closed, out=out)
    shutil.rmtree(lay.student, ignore_errors=True)
    (out / "student").rename(lay.student)
    shutil.move(str(out / "conv-course-student.zip"), lay.root / "conv-course-student.zip")
    shutil.rmtree(out)
    readable_by_all(lay.student)


def readable_by_all(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = Path(dirpath, name)
            p.chmod(0o755 if os.access(p, os.X_OK) else 0o644)


def ensure_group(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        run(["groupadd", "--system", name])
        return grp.getgrnam(name).gr_gid


def check_account(name: str) -> None:
    """Refuse a name Linux cannot have, or an existing account that this module did not create."""
    if not USERNAME.match(name):
        raise HubError(f"'{name}' cannot be a Linux user name (lower-case letters, digits, '_' and '-', "
                       "at most 31): map the authenticator's names (Authenticator.username_map)")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return
    if entry.pw_gecos != GECOS:
        raise HubError(f"the Linux account '{name}' already exists and was not created by the hub "
                       f"(uid {entry.pw_uid}); choose another name (--instructor, --student-prefix)")


def ensure_user(name: str, home_root: Path, groups: tuple[str, ...] = ()) -> pwd.struct_passwd:
    """The Linux account `name` with its home in `home_root` (0700, its own). Only accounts this
    module created (marked in their GECOS field) are changed; any other existing account is refused."""
    check_account(name)
    home = home_root / name
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        cmd = ["useradd", "--home-dir", home, "--no-create-home", "--shell", "/bin/bash",
               "--user-group", "--comment", GECOS]
        if groups:
            cmd += ["--groups", ",".join(groups)]
        run(cmd + [name])
        entry = pwd.getpwnam(name)
    else:
        if Path(entry.pw_dir) != home:
            run(["usermod", "--home", home, name])
        missing = [g for g in groups if name not in grp.getgrnam(g).gr_mem]
        if missing:
            run(["usermod", "--append", "--groups", ",".join(missing), name])
        entry = pwd.getpwnam(name)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    home.chmod(0o700)
    return entry


def set_passwords(names: list[str]) -> dict[str, str]:
    """Fresh random passwords for the demo accounts, set with chpasswd (PAM checks them)."""
    passwords = {name: secrets.token_urlsafe(9) for name in names}
    run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in passwords.items()))
    return passwords


def copy_course(lay: Layout, instructor: pwd.struct_passwd) -> None:
    """The instructor's course folder: the course's code refreshed, their content kept."""
    new = not lay.course.exists()
    lay.course.mkdir(exist_ok=True)
    lay.course.chmod(0o700)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COURSE_CODE + (COURSE_CONTENT if new else []):
        src, dst = REPO / name, lay.course / name
        # the folder is the instructor's: never write through a link they may have put there
        if dst.is_symlink() or dst.is_file():
            dst.unlink()
        elif dst.is_dir():
            shutil.rmtree(dst)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        else:
            shutil.copy2(src, dst)
    for dirpath, dirnames, filenames in os.walk(lay.course):
        for p in [dirpath] + [os.path.join(dirpath, n) for n in filenames]:
            os.lchown(p, instructor.pw_uid, instructor.pw_gid)


def prepare_shared(lay: Layout) -> None:
    lay.root.mkdir(parents=True, exist_ok=True)
    lay.root.chmod(0o755)
    closed = [p for p in lay.root.parents if not os.stat(p).st_mode & 0o001]
    if closed:
        raise HubError(f"the hub's users cannot reach {lay.root}: {closed[0]} is not searchable by others "
                       f"(chmod o+x {closed[0]}, or choose another --root)")
    for folder, mode in [(lay.home, 0o755), (lay.state, 0o700), (lay.run, 0o755)]:
        folder.mkdir(exist_ok=True)
        folder.chmod(mode)
    # nbgrader wants its exchange root writable by all (it chmods it to 0777 otherwise); the
    # sticky bit keeps students from renaming the course folder the instructor's release creates
    lay.exchange.mkdir(exist_ok=True)
    os.chown(lay.exchange, 0, 0)
    lay.exchange.chmod(0o1777)
    lay.etc.mkdir(parents=True, exist_ok=True)
    for p in (lay.etc.parent, lay.etc):
        p.chmod(0o755)
    (lay.etc / "nbgrader_config.json").write_text(json.dumps(
        {"Exchange": {"root": str(lay.exchange)}, "CourseDirectory": {"course_id": COURSE_ID}}, indent=1) + "\n")
    (lay.etc / "nbgrader_config.json").chmod(0o644)


def own_course_exchange(lay: Layout, instructor: pwd.struct_passwd) -> None:
    """The course's folder in the exchange, made the instructor's before any student could make
    it theirs (the exchange's root is writable by all); nbgrader adds inbound/, outbound/ and
    feedback/ with their own modes at the first release."""
    import stat as st
    folder = lay.exchange / COURSE_ID
    if not os.path.lexists(folder):
        folder.mkdir()
    info = os.lstat(folder)   # never follow a link a user may have put there
    if not st.S_ISDIR(info.st_mode) or info.st_uid not in (0, instructor.pw_uid):
        raise HubError(f"{folder} is not a folder of the instructor's (uid {info.st_uid}): someone else "
                       "made it; remove it and start again")
    os.chown(folder, instructor.pw_uid, instructor.pw_gid, follow_symlinks=False)
    folder.chmod(0o755)


def sandbox_service_available(lay: Layout) -> bool:
    """Whether the course's grader offers `sandbox-service` (formgrader's sandboxed autograde)."""
    proc = subprocess.run([lay.python, "-m", "grader", "sandbox-service", "--help"], capture_output=True,
                          env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(lay.course)}, cwd=lay.course)
    return proc.returncode == 0


def prepare(lay: Layout, instructor: str, students: list[str], closed: list[str]) -> Accounts:
    """Everything the hub needs under the hub root; returns the demo accounts with passwords."""
    check_machine()
    for name in [instructor, *students]:
        check_account(name)
    prepare_shared(lay)
    build_venv(lay)
    install_proxy(lay)
    build_student_side(lay, closed)
    link_course_packages(lay)
    ensure_group(GRADERS_GROUP)
    entry = ensure_user(instructor, lay.home, (GRADERS_GROUP,))
    for name in students:
        ensure_user(name, lay.home)
    copy_course(lay, entry)
    own_course_exchange(lay, entry)
    accounts = Accounts(instructor, students, set_passwords([instructor, *students]))
    lay.accounts.write_text("".join(f"{n} {p}\n" for n, p in accounts.passwords.items()))
    lay.accounts.chmod(0o600)
    return accounts


# ----------------------------------------------------------------------------------------
# launch and stop

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_environment(lay: Layout, ip: str, port: int, instructor: str, students: list[str],
                    sandbox: bool, local_config: Path | None, db_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "CONV_"))}
    env.update({
        # sbin: the hub's pre-spawn hook runs useradd for a real authenticator's new users
        "PATH": f"{lay.venv / 'bin'}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "CONV_HUB_ROOT": str(lay.root),
        "CONV_HUB_REPO": str(REPO),
        "CONV_HUB_IP": ip,
        "CONV_HUB_PORT": str(port),
        "CONV_HUB_API_PORT": str(free_port()),
        "CONV_HUB_PROXY_API_PORT": str(free_port()),
        "CONV_HUB_INSTRUCTORS": instructor,
        "CONV_HUB_STUDENTS": ",".join(students),
        "CONV_HUB_GRADERS_GROUP": GRADERS_GROUP,
        "CONV_HUB_SANDBOX": "1" if sandbox else "",
        "CONV_HUB_LOCAL_CONFIG": str(local_config or lay.root / "jupyterhub_config.local.py"),
        "CONV_HUB_DB": db_url,   # the course's gradebook, if not SQLite in the course folder
    })
    return env


def hub_users(lay: Layout) -> dict[int, str]:
    """uid -> name of this hub's accounts: those it created (its GECOS mark) with their home here."""
    return {p.pw_uid: p.pw_name for p in pwd.getpwall()
            if p.pw_gecos == GECOS and Path(p.pw_dir).parent == lay.home}


def leftovers(lay: Layout) -> dict[int, str]:
    """pid -> command line of every process still running for this hub: its users' (servers,
    kernels, terminals), the proxy, and the sandbox service of this hub root."""
    uids = set(hub_users(lay))
    marks = (str(lay.proxy), str(lay.socket), str(lay.node))
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            uid = entry.stat().st_uid
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        if state.split()[1] in ("Z", "X"):   # exited, waiting for its parent to reap it
            continue
        if uid in uids or any(m in cmdline for m in marks):
            found[int(entry.name)] = cmdline
    return found


def sweep(lay: Layout, grace: float = 5.0) -> dict[int, str]:
    """End whatever the hub left behind (TERM, then KILL); returns what was found."""
    found = leftovers(lay)
    for pid in found:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while leftovers(lay) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in leftovers(lay):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return found


def wait_until_up(proc: subprocess.Popen, health: str, url: str) -> None:
    """Say when the hub answers (JupyterHub's log scrolls the banner away). Its own API port,
    not the proxy's, which logs an error for each request before the hub's route exists."""
    import urllib.request
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(health, timeout=5):
                say(f"ready: log in at {url}")
                return
        except OSError:
            time.sleep(0.5)


def serve(lay: Layout, env: dict[str, str], log=None, ready_url: str | None = None) -> int:
    """Run JupyterHub until it stops (Ctrl+C, or SIGTERM to this process, is passed on), then
    make sure that nothing of the hub is left running."""
    cmd = [str(lay.venv / "bin" / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")]
    # a session of its own: the terminal's Ctrl+C reaches only us, and JupyterHub gets exactly
    # one SIGTERM (two signals make it run its clean-up twice at once)
    # SIGINT at its default even when we were started with it ignored (`cmd &` in a script):
    # JupyterHub's services inherit it, and stop on it
    proc = subprocess.Popen(cmd, env=env, cwd=lay.state, stdout=log, stderr=subprocess.STDOUT if log else None,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    stopping = []

    def forward(signum, frame):
        if proc.poll() is None and not stopping:
            stopping.append(signum)
            say("stopping: the hub, the proxy, every user's server and kernels, the sandbox service")
            proc.send_signal(signal.SIGTERM)
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    if ready_url:
        wait_until_up(proc, f"http://127.0.0.1:{env['CONV_HUB_API_PORT']}/hub/health", ready_url)
    code = proc.wait()
    left = sweep(lay)
    if left:
        say(f"JupyterHub left {len(left)} process(es) running; ended them:")
        for pid, cmdline in left.items():
            print(f"  {pid} {cmdline[:150]}", flush=True)
    say("stopped: no process of the hub, its proxy or its users is left")
    return code


def banner(lay: Layout, ip: str, port: int, accounts: Accounts, sandbox: bool, local_config: Path) -> str:
    host = "127.0.0.1" if ip in ("", "0.0.0.0", "127.0.0.1") else ip
    lines = [f"the course is at http://{host}:{port}/  (log in there; stop with Ctrl+C)",
             f"hub root: {lay.root}; student bundle: {lay.root / 'conv-course-student.zip'}",
             "accounts (passwords are new at every start):",
             f"  instructor  {accounts.instructor:<12} {accounts.passwords[accounts.instructor]}  "
             f"(formgrader, course folder {lay.course})"]
    lines += [f"  student     {name:<12} {accounts.passwords[name]}" for name in accounts.students]
    if local_config.exists():
        lines.append(f"local configuration: {local_config}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the hub root (default %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="the port users log in on (default %(default)s)")
    parser.add_argument("--ip", default="127.0.0.1",
                        help="the address to listen on (default %(default)s; 0.0.0.0 for every interface, "
                             "behind HTTPS: README)")
    parser.add_argument("--instructor", default="instructor", help="the instructor's account (default %(default)s)")
    parser.add_argument("--students", type=int, default=3, metavar="N",
                        help="demo student accounts student1..studentN (default %(default)s; 0 with a real "
                             "authenticator, whose users get accounts at their first login)")
    parser.add_argument("--student-prefix", default="student", help="demo students' names (default %(default)s)")
    parser.add_argument("--closed", nargs="*", default=[], metavar="ASSIGNMENT_ID",
                        help="assignments past their deadline: the students' convcourse.earlier has their "
                             "model solutions (as python -m grader release --closed)")
    parser.add_argument("--config", type=Path, default=None,
                        help="the local JupyterHub configuration loaded last (default ROOT/jupyterhub_config.local.py)")
    parser.add_argument("--db", default="", metavar="URL",
                        help="the course's gradebook for formgrader and the grader (nbgrader's db_url, e.g. "
                             "postgresql+psycopg2://USER:PASSWORD@HOST/DB; default: gradebook.db in the course folder)")
    parser.add_argument("--prepare-only", action="store_true", help="set up the hub root, do not start")
    args = parser.parse_args(argv)

    lay = Layout(args.root)
    students = [f"{args.student_prefix}{i}" for i in range(1, args.students + 1)]
    local_config = (args.config or lay.root / "jupyterhub_config.local.py").resolve()
    try:
        if args.config and not local_config.exists():
            raise HubError(f"--config {args.config}: no such file")
        accounts = prepare(lay, args.instructor, students, args.closed)
        sandbox = sandbox_service_available(lay)
        if not sandbox:  # formgrader would refuse to autograde: better to say so now
            raise HubError(f"the course's grader in {lay.course} has no sandbox service (python -m grader "
                           "sandbox-service): update the repository, then start the hub again")
    except HubError as exc:
        print(f"hub: {exc}", file=sys.stderr)
        return 2
    if args.prepare_only:
        return 0
    left = sweep(lay)   # what a hub killed with SIGKILL may have left
    if left:
        say(f"ended {len(left)} process(es) left by an earlier hub in {lay.root}")
    print(banner(lay, args.ip, args.port, accounts, sandbox, local_config), flush=True)
    env = hub_environment(lay, args.ip, args.port, args.instructor, students, sandbox, local_config, args.db)
    host = "127.0.0.1" if args.ip in ("", "0.0.0.0") else args.ip
    try:
        return serve(lay, env, ready_url=f"http://{host}:{args.port}/")
    finally:
        # the printed passwords work only while the hub runs (the next start sets new ones)
        for name in accounts.passwords:
            subprocess.run(["usermod", "--lock", name], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
