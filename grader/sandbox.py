"""Run one notebook in a sandbox: bubblewrap namespaces, an unprivileged uid, rlimits.

Inside, the notebook sees only what is bound in (an allowlist): the system's /usr, /etc
and library folders, the Python environment, the student-side package and data (all
read-only), the in-kernel harness (read-only), and its
working area (read-write): the working folder, with /tmp inside it, on a tmpfs of
bounded size mounted for this run alone (`work_area`), so that no notebook can fill the
grader's disk or memory with files, however many it writes. The hidden cases' inputs
are not in the sandbox's file system: they arrive on the runner's standard input, for
the harness alone. The repository (solutions, grader,
tests), the submissions, the grader's output, /root, /home and everything else do not
exist there; there is no network, no other process, no inherited environment variable.
Limits: memory (data segment; address space at 4x as a backstop), CPU time, processes
(per-slot uid, so the limit is real), file size, disk space and files of the working
area, and wall time (the runner stops at the notebook limit; a hard kill follows).

bubblewrap builds each sandbox; the runner in it is forked by this process's fork server
(grader/inkernel/forkserver.py: `ForkServer`, `run_notebook`), which has the runner's and
the kernel's libraries imported, into the sandbox's namespaces, with the same uid, limits
and environment as a runner started by bubblewrap, prlimit and setpriv (`command`).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .course import DATA, REPO
from .inkernel.protocol import WALL_FACTOR

INKERNEL = Path(__file__).resolve().parent / "inkernel"
BASE_UID = 61000
SLOTS = 64  # sandbox uids per batch: at most this many notebooks run at once
# where the in-kernel harness is mounted inside the sandbox (in its /tmp)
HARNESS = "/tmp/.harness"


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 2**30       # per process: RLIMIT_DATA (heap and anonymous maps)
    cpu_seconds: int = 600
    cell_seconds: int = 60               # of the kernel's CPU time (wall: WALL_FACTOR times as much)
    notebook_seconds: int = 300
    processes: int = 256                 # tasks (threads count) of the slot's uid
    file_bytes: int = 256 * 2**20
    disk_bytes: int = 512 * 2**20        # the working area, /tmp included (a tmpfs: memory, not disk)
    disk_files: int = 16384              # files and folders in it


class SandboxUnavailable(RuntimeError):
    pass


def check_available() -> None:
    """Raise SandboxUnavailable with a fix if this machine cannot run the sandbox."""
    missing = [tool for tool in ("bwrap", "setpriv", "prlimit") if shutil.which(tool) is None]
    if missing:
        raise SandboxUnavailable(f"{', '.join(missing)} not found: install bubblewrap and util-linux "
                                 "(`apt-get install bubblewrap`; ./course setup does this as root)")
    if os.geteuid() != 0:
        raise SandboxUnavailable("the sandbox drops each submission to its own uid, which needs root: "
                                 "run the grader as root (a container or CI job is fine)")
    with tempfile.TemporaryDirectory() as probe:
        try:
            _mount_area(Path(probe), BASE_UID, Limits())
        except OSError as exc:
            raise SandboxUnavailable(f"cannot mount a tmpfs for the sandbox's working area ({exc}): run the "
                                     "grader where root may mount (a container needs CAP_SYS_ADMIN)") from None
        _unmount(Path(probe))


def _mount_area(path: Path, uid: int, limits: Limits) -> None:
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o",
                           f"size={limits.disk_bytes},nr_inodes={limits.disk_files},mode=0700,uid={uid},gid={uid},"
                           "nosuid,nodev", "tmpfs", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise OSError(proc.stderr.strip() or f"mount exited {proc.returncode}")


def _unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "--lazy", str(path)], capture_output=True)


def unmount_work_areas(root: Path) -> None:
    """Unmount every working area still mounted under `root` (a batch killed mid-run
    leaves them), deepest first, so that the folder can be removed."""
    prefix = str(root.resolve()) + os.sep
    with open("/proc/self/mounts") as fh:
        points = [line.split()[1].replace("\\040", " ") for line in fh]
    for point in sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True):
        _unmount(Path(point))


DISK_RESERVE = 2 * 2**30  # what copying a working area back must leave free on the grader's disk
KEPT_ALWAYS = ("out.ipynb", "status.json")


def _regular_files(top: Path):
    """(path, size) of the regular files under `top`, links and special files left out."""
    for folder, dirs, files in os.walk(top):
        for name in files:
            path = Path(folder) / name
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                yield path, st.st_size


def _copy_back(area: Path, dest: Path) -> None:
    """Copy the regular files of `area` to `dest` on disk, for inspection: all of them if
    the disk keeps DISK_RESERVE free, else only the run's results. The sandbox's /tmp is
    private scratch and goes with the run, as a /tmp does."""
    files = [(p, s) for p, s in _regular_files(area) if p.relative_to(area).parts[0] != ".tmp"]
    if shutil.disk_usage(dest.parent).free - sum(size for _, size in files) < DISK_RESERVE:
        files = [(p, s) for p, s in files if p.parent == area and p.name in KEPT_ALWAYS]
    for path, _ in files:
        target = dest / path.relative_to(area)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target, follow_symlinks=False)


@contextlib.contextmanager
def work_area(workdir: Path, uid: int, limits: Limits = Limits()):
    """Mount a tmpfs of limits.disk_bytes on `workdir` for one run, holding what `workdir`
    held before and an empty `.tmp` (the sandbox's /tmp); on exit, copy what the run left
    back to `workdir` on disk (see _copy_back) and unmount."""
    staged = workdir.with_name(workdir.name + ".staged")
    shutil.rmtree(staged, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.rename(staged)
    workdir.mkdir()
    _mount_area(workdir, uid, limits)
    try:
        shutil.copytree(staged, workdir, dirs_exist_ok=True)  # the grader's own files (in.ipynb, ...)
        shutil.rmtree(staged)
        (workdir / ".tmp").mkdir(mode=0o700)
        for folder, dirs, files in os.walk(workdir):  # the sandbox's uid owns them, or cannot write
            for name in dirs + files:
                os.chown(os.path.join(folder, name), uid, uid)
        yield workdir
    finally:
        kept = workdir.with_name(workdir.name + ".kept")
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir()
        try:
            _copy_back(workdir, kept)
        finally:
            _unmount(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
            kept.rename(workdir)


SYSTEM = [Path(p) for p in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")]
# bound read-only at the same path: the Python environment, the data, the course's package
_BOUND = {Path(sys.prefix), Path(sys.base_prefix), DATA, REPO / "convcourse"}


def _bwrap(workdir: Path, earlier_dir: Path | None) -> list[str]:
    """bwrap's part of the command line: the namespaces, the binds and the environment.

    The sandbox's root is empty: only what is bound here exists in it (an allowlist, so a
    file left anywhere else on the machine stays out of reach)."""
    cmd = ["bwrap"]
    made: set[Path] = set()

    def parents(path: Path) -> list[str]:
        # bwrap makes missing mount points 0700, which the unprivileged uid cannot
        # traverse: make the folders on the way 0755 first
        out = []
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made:
                made.add(parent)
                out += ["--perms", "0755", "--dir", str(parent)]
        return out

    for path in SYSTEM:
        if path.is_symlink():  # merged /usr: /lib -> usr/lib
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            cmd += ["--ro-bind", str(path), str(path)]
    # /tmp is a folder of the working area (work_area), so it counts against the same bound
    cmd += ["--dev", "/dev", "--proc", "/proc", "--bind", str(workdir / ".tmp"), "/tmp"]
    for path in sorted(_BOUND, key=lambda p: len(p.parts)):
        if not any(path == s or s in path.parents for s in SYSTEM):
            cmd += parents(path) + ["--ro-bind", str(path), str(path)]
    if earlier_dir is not None:  # only the assignments before the one being graded
        cmd += ["--ro-bind", str(earlier_dir), str(REPO / "convcourse" / "earlier")]
    cmd += ["--ro-bind", str(INKERNEL), HARNESS]
    cmd += parents(workdir) + ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
                               "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    for key, value in environment(workdir).items():
        cmd += ["--setenv", key, value]
    return cmd


def environment(workdir: Path) -> dict[str, str]:
    """The whole environment of a sandboxed process (nothing is inherited)."""
    return {
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
        "PYTHONPATH": HARNESS, "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_RUNTIME_DIR": str(workdir / ".jupyter"), "IPYTHONDIR": str(workdir / ".ipython"),
        "MPLCONFIGDIR": str(workdir / ".matplotlib"), "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def _rlimits(limits: Limits) -> dict[str, int]:
    """prlimit's options (and the fork server's limits): memory, CPU, processes, file size, no core."""
    return {"data": limits.memory_bytes, "as": 4 * limits.memory_bytes, "cpu": limits.cpu_seconds,
            "nproc": limits.processes, "fsize": limits.file_bytes, "core": 0}


def command(workdir: Path, slot: int, limits: Limits, args: list[str],
            base_uid: int = BASE_UID, earlier_dir: Path | None = None) -> list[str]:
    """The command line that runs `args` in `workdir` inside the sandbox, as the slot's uid
    with the limits."""
    uid = base_uid + slot
    return (_bwrap(workdir, earlier_dir) + ["prlimit"] + [f"--{k}={v}" for k, v in _rlimits(limits).items()]
            + ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]
            + args)


def wall_seconds(limits: Limits) -> int:
    """How long a run may take by the clock before it is killed: the runner stops a notebook
    at limits.notebook_seconds of CPU time, or at WALL_FACTOR times that by the clock."""
    return WALL_FACTOR * limits.notebook_seconds + 60


# The notebook's figures go to its feedback as the student saw them (the inline backend, as
# in JupyterLab), drawn at 72 dots per inch instead of matplotlib's 100: half the pixels
# to draw and to store in every graded notebook and feedback page. (convcourse/interactive.py
# draws its figures at 72 already.)
GRADING_MATPLOTLIBRC = "figure.dpi: 72\n"


def start_shared(earlier_dir: Path, font_folder: Path):
    """Prepare what every sandbox reads: each assignment's convcourse.earlier in `earlier_dir`
    (grader/earlier.py, written here), matplotlib's configuration folder `font_folder` (its
    font cache, built once and copied into each working area, which saves about 0.5 s a
    notebook, and the grading's matplotlibrc; the folder exists even if the build failed), and
    the compiled bytecode of the modules each kernel imports from read-only folders, where it
    cannot write its own (the course package, the harness, convcourse.earlier); without it
    every notebook compiles them again, about 0.1 s. The last two run in subprocesses beside
    the caller's own work; returns the function that waits for them."""
    from .earlier import write_for_grading

    write_for_grading(earlier_dir)
    env = dict(os.environ, MPLCONFIGDIR=str(font_folder))
    fonts = subprocess.Popen([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    compiled = subprocess.Popen([sys.executable, "-m", "compileall", "-q", str(REPO / "convcourse"), str(INKERNEL),
                                 str(earlier_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait() -> Path:
        fonts.wait()
        compiled.wait()  # a module left uncompiled is compiled by each kernel, as before
        font_folder.mkdir(parents=True, exist_ok=True)
        (font_folder / "matplotlibrc").write_text(GRADING_MATPLOTLIBRC)
        return font_folder
    return wait


def batch_base_uid() -> int:
    """A uid range of this batch's own, so that concurrent batches do not share the
    per-uid process limit: 64 slots from 61000 + 64 * (pid mod 512)."""
    return BASE_UID + SLOTS * (os.getpid() % 512)


@dataclass
class RunResult:
    status: str          # complete, kernel died, notebook time limit, killed, runner error: ...
    notebook: Path | None
    disk_full: bool = False  # the notebook filled its working area (files it wrote were cut short)


# What bubblewrap runs while the fork server's runner works in the sandbox (forkserver.py):
# a root without capabilities (the slot's uid cannot signal it), which says it has started
# and waits for its standard input to close; when it ends, its sandbox ends.
PLACEHOLDER = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", "/bin/sh", "-c", "echo; exec cat"]
START_SECONDS = 60  # for bubblewrap to build a sandbox and the fork server to start


class ForkServer:
    """A fork server (inkernel/forkserver.py), which forks each notebook's runner into its
    sandbox with the libraries already imported; runs from several threads go on side by
    side. It is started with the sandbox's environment (but PYTHONPATH, which names a folder
    of the sandbox's: on this machine, /tmp/.harness is anybody's) and matplotlib's
    configuration folder `mpl_config` (what each working area gets a copy of; None: a folder
    of its own, empty), and ends when this process does."""

    def __init__(self, mpl_config: Path | None):
        import socket
        self.mpl_config, self.owner = mpl_config, os.getpid()
        # its HOME and the like are never written to; without a configuration folder, matplotlib
        # gets an empty one (tests), removed with the server
        self.scratch = None if mpl_config else Path(tempfile.mkdtemp(prefix="conv-course-forkserver-"))
        if self.scratch is not None:
            import atexit
            atexit.register(shutil.rmtree, self.scratch, True)
        folder = mpl_config or self.scratch
        env = dict(environment(folder), MPLCONFIGDIR=str(folder),
                   MPLBACKEND="module://matplotlib_inline.backend_inline")  # what ipykernel sets
        del env["PYTHONPATH"]
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            # what the sandbox shows of this machine's files, which the server imports from
            seen = json.dumps(sorted(str(p) for p in [*SYSTEM, *_BOUND]))
            self.process = subprocess.Popen([sys.executable, str(INKERNEL / "forkserver.py"), str(theirs.fileno()), seen],
                                            env=env, cwd=folder, pass_fds=(theirs.fileno(),),
                                            stdin=subprocess.DEVNULL)
        self.sock.settimeout(START_SECONDS)
        try:
            ready = self.sock.recv(16)
        except OSError:
            ready = b""
        self.sock.settimeout(None)
        if ready != b"ready":
            self.stop()
            raise SandboxUnavailable("the fork server (grader/inkernel/forkserver.py) did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.sock.close()
        self.process.kill()
        self.process.wait()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self, order: dict, cases: bytes, timeout: float, on_timeout) -> int | None:
        """Run the runner of `order` with `cases` on its standard input; its exit status,
        or None if it ran past `timeout` seconds (then `on_timeout()`, which must end the
        sandbox, is called). Raises NotStarted if the runner never ran (ForkServerGone: the
        server is gone)."""
        import socket
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        read, write = os.pipe()
        with mine:
            try:
                socket.send_fds(self.sock, [b"r"], [theirs.fileno(), read])
            except OSError as exc:  # nothing of the run has started
                os.close(write)
                raise ForkServerGone from exc
            finally:
                os.close(read)
                theirs.close()
            try:
                mine.send(json.dumps(order).encode())
            except OSError as exc:  # its child ended before it read the order
                os.close(write)
                raise NotStarted(f"the fork server's child ended ({exc})") from exc

            def hand_over():
                try:
                    with os.fdopen(write, "wb") as fh:
                        fh.write(cases)
                except OSError:  # the runner ended without reading them
                    pass
            threading.Thread(target=hand_over, daemon=True).start()
            mine.settimeout(timeout)
            try:
                reply = mine.recv(4096)
            except TimeoutError:
                on_timeout()
                mine.settimeout(START_SECONDS)
                with contextlib.suppress(OSError):
                    mine.recv(4096)  # the runner's end: its sandbox is gone
                return None
        if not reply:  # the server's child was killed
            raise RuntimeError("the fork server lost a run")
        answer = json.loads(reply)
        if "error" in answer:
            raise NotStarted(str(answer["error"]))
        return int(answer["exit"])


class ForkServerGone(RuntimeError):
    """The fork server ended before it took the run."""


class NotStarted(RuntimeError):
    """The fork server could not start the runner in the sandbox (the grader's failure)."""


_servers: dict[tuple[int, Path | None], ForkServer] = {}
_servers_lock = threading.Lock()


def fork_server(mpl_config: Path | None, replace: ForkServer | None = None) -> ForkServer:
    """This process's fork server for `mpl_config`, started if need be; `replace`: one that
    failed, ended (if it is still the one in use) and started again. One run's failure
    never ends a server that others are running with: its children outlive it."""
    key = (os.getpid(), mpl_config)  # a forked process's copy is its parent's server
    with _servers_lock:
        server = _servers.get(key)
        if server is not None and (server is replace or not server.alive()):
            server.stop()
            server = None
        if server is None:
            server = _servers[key] = ForkServer(mpl_config)
        return server


class SandboxNotBuilt(RuntimeError):
    """bubblewrap did not build the sandbox or start its placeholder."""


def _read_info(fd: int) -> dict:
    """bubblewrap's --info-fd report (a JSON object; the pipe may stay open)."""
    import select
    data, decoder = b"", json.JSONDecoder()
    while True:
        if not select.select([fd], [], [], START_SECONDS)[0]:
            raise SandboxNotBuilt("bubblewrap said nothing")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise SandboxNotBuilt("bubblewrap ended without saying where the sandbox is")
        data += chunk
        try:
            return decoder.raw_decode(data.decode())[0]
        except ValueError:
            continue


def _wait_started(holder: subprocess.Popen) -> None:
    """The placeholder says so once it runs, in the sandbox built."""
    import select
    if not select.select([holder.stdout], [], [], START_SECONDS)[0] or os.read(holder.stdout.fileno(), 1) != b"\n":
        raise SandboxNotBuilt("the sandbox's placeholder did not start")


def _run_once(workdir: Path, uid: int, limits: Limits, earlier_dir: Path | None, mpl_config: Path | None,
              cases: bytes) -> int | None:
    """One sandbox around a placeholder, the fork server's runner in it; the runner's exit
    status (None: stopped at the wall-time limit)."""
    argv = [f"{HARNESS}/runner.py", "in.ipynb", "out.ipynb", "status.json", str(limits.cell_seconds),
            str(limits.notebook_seconds)]
    info_read, info_write = os.pipe()
    holder = subprocess.Popen(_bwrap(workdir, earlier_dir) + ["--info-fd", str(info_write), "--"] + PLACEHOLDER,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              pass_fds=(info_write,))
    os.close(info_write)
    try:
        info = _read_info(info_read)
        _wait_started(holder)
        order = {"holder": info.get("child-pid"), "workdir": str(workdir), "uid": uid, "limits": _rlimits(limits),
                 "env": dict(environment(workdir), PWD=str(workdir)), "argv": argv,  # bwrap's --chdir sets PWD
                 "namespaces": {name: info.get(f"{name}-namespace") for name in
                                ("pid", "ipc", "uts", "net", "cgroup", "mnt")}}
        server = fork_server(mpl_config)
        try:
            return server.run(order, cases, wall_seconds(limits), holder.kill)
        except ForkServerGone:
            fork_server(mpl_config, replace=server)  # for the next attempt
            raise
    finally:
        os.close(info_read)
        holder.stdin.close()
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()


def run_notebook(workdir: Path, cases: bytes, slot: int, limits: Limits = Limits(),
                 base_uid: int = BASE_UID, earlier_dir: Path | None = None,
                 mpl_config: Path | None = None) -> RunResult:
    """Execute workdir/in.ipynb into workdir/out.ipynb inside the sandbox, in a working
    area of bounded size (what workdir held is copied in, what the run left copied back).
    `cases` (hidden/wire.cases_for) goes to the runner's standard input. The runner is
    forked by this process's fork server (`mpl_config`: see ForkServer) into a sandbox
    bubblewrap built around a placeholder; if that fails before the runner starts (the
    grader's failure, not the notebook's), once more."""
    with work_area(workdir, base_uid + slot, limits):
        for _ in range(2):
            try:
                code = _run_once(workdir, base_uid + slot, limits, earlier_dir, mpl_config, cases)
                break
            except (SandboxNotBuilt, ForkServerGone, NotStarted) as exc:
                failure = f"{type(exc).__name__}: {exc}"
            except SandboxUnavailable:  # no fork server at all: the batch cannot grade
                raise
            except RuntimeError as exc:  # the server's child was killed mid-run
                return RunResult(f"no notebook came back: the grader's sandbox failed ({exc}); grade it again", None)
        else:
            return RunResult(f"no notebook came back: the grader's sandbox failed twice ({failure}); grade it again"[:300],
                             None)
        if code is None:
            return RunResult("killed at the wall-time limit", None)
    out = workdir / "out.ipynb"
    # The runner exits 0 only after writing its results with nothing else left running;
    # any other exit (the notebook killed it, say) means nothing that came back is trusted.
    if code != 0 or not safe_file(out):
        return RunResult(f"no notebook came back: the run was stopped (exit {code})", None)
    status = read_small_json(workdir / "status.json", 4096) or {}
    return RunResult(str(status.get("status", "unknown"))[:100], out, status.get("disk_full") is True)


def safe_file(path: Path, max_bytes: int = 512 * 2**20) -> bool:
    """A regular file (not a link) of bounded size: the only kind we read back."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes


def read_small_json(path: Path, max_bytes: int):
    if not safe_file(path, max_bytes):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
