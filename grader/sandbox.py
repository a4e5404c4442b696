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
"""
from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
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


def command(workdir: Path, slot: int, limits: Limits, args: list[str],
            base_uid: int = BASE_UID, earlier_dir: Path | None = None) -> list[str]:
    """The bwrap command line that runs `args` in `workdir` inside the sandbox.

    The sandbox's root is empty: only what is bound here exists in it (an allowlist, so a
    file left anywhere else on the machine stays out of reach)."""
    uid = base_uid + slot
    venv, base = Path(sys.prefix), Path(sys.base_prefix)
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
    for path in sorted({venv, base, DATA, REPO / "convcourse"}, key=lambda p: len(p.parts)):
        if not any(path == s or s in path.parents for s in SYSTEM):
            cmd += parents(path) + ["--ro-bind", str(path), str(path)]
    if earlier_dir is not None:  # only the assignments before the one being graded
        cmd += ["--ro-bind", str(earlier_dir), str(REPO / "convcourse" / "earlier")]
    cmd += ["--ro-bind", str(INKERNEL), HARNESS]
    cmd += parents(workdir) + ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
                               "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
        "PYTHONPATH": HARNESS, "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_RUNTIME_DIR": str(workdir / ".jupyter"), "IPYTHONDIR": str(workdir / ".ipython"),
        "MPLCONFIGDIR": str(workdir / ".matplotlib"), "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += ["prlimit", f"--data={limits.memory_bytes}", f"--as={4 * limits.memory_bytes}",
            f"--cpu={limits.cpu_seconds}", f"--nproc={limits.processes}", f"--fsize={limits.file_bytes}",
            "--core=0", "--",
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]
    return cmd + args


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


def run_notebook(workdir: Path, cases: bytes, slot: int, limits: Limits = Limits(),
                 base_uid: int = BASE_UID, earlier_dir: Path | None = None) -> RunResult:
    """Execute workdir/in.ipynb into workdir/out.ipynb inside the sandbox, in a working
    area of bounded size (what workdir held is copied in, what the run left copied back).
    `cases` (hidden/wire.cases_for) goes to the runner's standard input."""
    uid = base_uid + slot
    args = [str(Path(sys.prefix) / "bin" / "python"), f"{HARNESS}/runner.py", "in.ipynb", "out.ipynb",
            "status.json", str(limits.cell_seconds), str(limits.notebook_seconds)]
    with work_area(workdir, uid, limits):
        try:
            proc = subprocess.run(command(workdir, slot, limits, args, base_uid, earlier_dir),
                                  input=cases, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=wall_seconds(limits))
        except subprocess.TimeoutExpired:
            return RunResult("killed at the wall-time limit", None)
    out = workdir / "out.ipynb"
    # The runner exits 0 only after writing its results with nothing else left running;
    # any other exit (the notebook killed it, say) means nothing that came back is trusted.
    if proc.returncode != 0 or not safe_file(out):
        return RunResult(f"no notebook came back: the run was stopped (exit {proc.returncode})", None)
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
    import json
    if not safe_file(path, max_bytes):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
