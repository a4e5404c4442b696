"""The sandbox hides what it must, and results cross its boundary as checked data.

Tests marked `sandbox` need root, bubblewrap and tmpfs mounts (skipped elsewhere, with the
reason); the others run anywhere: the harness, the wire format and the static check."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import sandbox
from grader.course import REPO
from grader.hidden import REGISTRY, verdicts_from_outcomes
from grader.hidden import reference as ref
from grader.hidden.wire import outcomes_from_payload, result_payloads, write_cases
from grader.static_check import findings, student_code_findings
from grading import harvested_outputs

def in_sandbox(tmp_path, code):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    with sandbox.work_area(work, sandbox.BASE_UID + 7, sandbox.Limits()):
        cmd = sandbox.command(work, 7, sandbox.Limits(), [sys.executable, "-c", code])
        env = dict(os.environ, GRADER_SECRET="s3cret")
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.sandbox
def test_inside_sees_only_what_it_should(tmp_path):
    probe = f"""
import os, socket, json
out = {{"uid": os.getuid(), "env": sorted(os.environ)}}
try:
    open({str(REPO / 'solutions' / '00_welcome' / '00_welcome.ipynb')!r}).read(); out["solutions"] = True
except OSError:
    out["solutions"] = False
try:
    import grader; out["grader"] = True
except ImportError:
    out["grader"] = False
import convcourse
out["data"] = os.path.exists(str(convcourse.data_path("grace_hopper.jpg")))
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1); out["net"] = True
except OSError:
    out["net"] = False
try:
    open({str(REPO / 'data' / 'x')!r}, "w"); out["write_data"] = True
except OSError:
    out["write_data"] = False
out["pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
out["home_files"] = os.listdir("/root") if os.path.isdir("/root") else []
out["var_tmp"] = os.path.exists("/var/tmp")
print(json.dumps(out))
"""
    proc = in_sandbox(tmp_path, probe)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["uid"] == sandbox.BASE_UID + 7
    assert seen["solutions"] is False and seen["grader"] is False
    assert seen["data"] is True and seen["write_data"] is False
    assert seen["net"] is False
    assert "GRADER_SECRET" not in seen["env"]
    assert seen["pids"] <= 3
    assert set(seen["home_files"]) <= {".pyenv"} and seen["var_tmp"] is False  # only the bound Python


@pytest.mark.sandbox
def test_memory_limit(tmp_path):
    proc = in_sandbox(tmp_path, "import numpy as np\ntry:\n    a = np.ones(4 * 2**30 // 8)\n    print('allocated')\n"
                                "except MemoryError:\n    print('MemoryError')")
    assert proc.stdout.strip() == "MemoryError"


def _harvest(tmp_path, monkeypatch, name, func):
    """Run the in-kernel harness here and return the outputs it publishes."""
    cases_dir = tmp_path / "cases"
    if not cases_dir.exists():
        write_cases(cases_dir)
    return harvested_outputs(cases_dir, name, func)


def test_results_round_trip_through_cell_outputs(tmp_path, monkeypatch):
    outputs = _harvest(tmp_path, monkeypatch, "conv1d", ref.conv1d)
    payloads = result_payloads(outputs)["conv1d"]
    assert len(payloads) == 1
    good = verdicts_from_outcomes("conv1d", outcomes_from_payload(payloads[0]))
    # the reference does not validate arguments: only its error cases fail
    assert all(v.passed for v, c in zip(good, REGISTRY["conv1d"].cases()) if c.raises is None)
    outputs = _harvest(tmp_path, monkeypatch, "correlate2d", lambda image, kernel: np.zeros((1, 1)))
    bad = verdicts_from_outcomes("correlate2d", outcomes_from_payload(result_payloads(outputs)["correlate2d"][0]))
    assert not any(v.passed for v in bad[:3])


def _empty_npz():
    import base64
    import io
    buffer = io.BytesIO()
    np.savez(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


EMPTY_NPZ = _empty_npz()


def test_malformed_payloads_are_not_trusted():
    assert outcomes_from_payload({"name": "conv1d", "records": [], "npz": "not base64!"}) is None
    assert outcomes_from_payload({"name": "conv1d"}) is None
    assert outcomes_from_payload({"name": "conv1d", "records": [{}] * 3, "npz": ""}) is None   # no archive
    assert outcomes_from_payload({"name": "conv1d", "records": ["x"], "npz": EMPTY_NPZ}) is None  # not a record
    # well-formed, but too few records and no values: read, and every verdict fails
    outcomes = outcomes_from_payload({"name": "conv1d", "records": [{}] * 3, "npz": EMPTY_NPZ})
    assert outcomes is not None and len(outcomes) == 3
    verdicts = verdicts_from_outcomes("conv1d", outcomes)
    assert verdicts and not any(v.passed for v in verdicts)


def test_static_check_charges_reaches_into_the_grader_only():
    """Reaching into the grader is a "grader" finding (charged); a ready-made routine is a
    "routine" mention (never charged: the watch of graded calls decides)."""
    reaches = ["import harness\nharness.FORBIDDEN.clear()",
               "g = np.__dict__['con' + 'volve']",
               "def d(x, k):\n    return getattr(np, 'con' + 'volve')(x, k)",
               "import sys\nsys.settrace(None)",                      # would switch off the watch
               "import sys\nm = sys.modules",
               "import linecount", "import watch", "from forbidden import ROUTINE_PACKAGES",
               "import builtins", "b = __builtins__", "print(globals())", "print(locals())",
               "exec('x = 1')", "f = eval", "__import__('har' + 'ness')", "import importlib",
               "import ctypes", "import gc\ngc.get_objects()", "from gc import get_referrers",
               "import pickle", "np.load('a.npy', allow_pickle=True)", "%run helper.py",
               "import sys\nsys.path.insert(0, '.')", "def f():\n    pass\nf.__code__",
               "e.__traceback__.tb_frame.f_back", "from operator import attrgetter",
               "k = '__globals__'", "get_ipython().display_pub", "np.convolve.__module__ = 'mine'",
               "%timeit import harness", "from . import mine", "b = own_or_earlier(globals(), '__builtins__')",
               "import os\nos.sys.modules", "import sys as s\ns.modules", "from os import sys", "import pydoc",
               "from unittest import mock", "import doctest", "import timeit\ntimeit.timeit('import harness')",
               "from timeit import timeit\ntimeit('im' + 'port harness')", "import code"]
    for source in reaches:
        assert any(f.kind == "grader" for f in findings(source)), source
    mentions = ["import numpy as np\n_c = np.convolve", "def a(x, k, _conv=np.convolve):\n    return _conv(x, k)",
                "f = lambda x, k: np.correlate(x, k)", "from numpy import *", "from scipy import signal",
                "import torch.nn.functional as F"]
    for source in mentions:
        kinds = [f.kind for f in findings(source)]
        assert kinds and set(kinds) == {"routine"}, source
    innocent = ["def e(x, k):\n    y = np.zeros(3)\n    for i in range(3):\n        y[i] += x[i] * k[0]\n    return y",
                "%matplotlib inline\nfrom numpy.lib.stride_tricks import sliding_window_view\nw = sliding_window_view(x, 3)",
                "from convcourse.earlier import conv2d, conv2d_backward\nspectrum = np.fft.rfft2(x, (8, 8))",
                "from convcourse import earlier\nout = earlier.conv2d(x, w)",
                "def shape_of(a):\n    return getattr(a, 'shape', None)",
                "vars = [1, 2]\ncompile = 'no'\nprint(vars, compile)",
                'def f():\n    """my own test harness"""\n    return "harness"',
                "def g(x):\n    print(locals())\n    return x",
                "%timeit -n 3 f(x)\n!ls\nfiles = !ls",
                "from __future__ import annotations\nimport math, inspect, threading, subprocess, os, sys\nprint(sys.path)",
                "def deco(f):\n    def wrapper(*a):\n        return f(*a)\n    wrapper.__name__ = f.__name__\n    return wrapper",
                "np.load('a.npz', allow_pickle=False)",
                "conv2d, relu = own_or_earlier(globals(), 'conv2d', 'relu')",
                "import timeit\nprint(timeit.timeit(lambda: f(x), number=10), timeit.timeit('f(x)', globals={'f': f, 'x': 1}))",
                "print(np.repeat(x, 3), sys.version, os.path.join('a', 'b'))"]
    assert student_code_findings(innocent) == []


def test_packed_tuples_round_trip_and_forgeries_are_refused():
    import pytest

    from grader.inkernel.adapters import pack_parts, unpack_parts
    parts = (np.arange(6.0).reshape(2, 3), None, np.float64(2.5), np.zeros((1, 0, 2)))
    back = unpack_parts(pack_parts(parts))
    assert back[1] is None and back[0].tolist() == parts[0].tolist() and back[2] == 2.5 and back[3].shape == (1, 0, 2)
    for forged in ([np.inf, 1.0], [np.nan], [2.0, 1e12, 1.0, 5.0], [1.5, 2.0, 0.0], [1.0, -3.0], [3.0, 2.0]):
        with pytest.raises(ValueError):
            unpack_parts(np.array(forged))


@pytest.mark.sandbox
def test_working_area_is_bounded_and_tmp_is_part_of_it(tmp_path):
    """Files the notebook writes, in its folder or in /tmp, share one bounded area; what
    it left comes back to the working folder on disk, and nothing stays mounted."""
    limits = sandbox.Limits(disk_bytes=8 * 2**20, disk_files=64)
    code = """
import errno, os
written = 0
try:
    for i in range(100):
        with open(("/tmp" if i % 2 else ".") + f"/f{i}", "wb") as fh:
            fh.write(b"x" * 2**20)
        written += 2**20
except OSError as e:
    print("stopped", written // 2**20, errno.errorcode[e.errno])
try:
    for i in range(100):
        os.mkdir(f"d{i}")
except OSError as e:
    print("folders", errno.errorcode[e.errno])
"""
    work = tmp_path / "work"
    with sandbox.work_area(work, sandbox.BASE_UID + 7, limits):
        proc = subprocess.run(sandbox.command(work, 7, limits, [sys.executable, "-c", code]),
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    stopped = proc.stdout.split()
    assert stopped[0] == "stopped" and int(stopped[1]) <= 8 and stopped[2] == "ENOSPC", proc.stdout
    assert "folders ENOSPC" in proc.stdout
    assert (work / "f0").is_file() and not (work / ".tmp").exists()   # the folder copied back, /tmp gone
    assert not os.path.ismount(work)
    assert str(work) not in open("/proc/self/mounts").read()


@pytest.mark.sandbox
def test_work_areas_left_mounted_are_unmounted(tmp_path):
    """A batch killed mid-run leaves its working areas mounted: the next one unmounts them."""
    area = tmp_path / ".sandbox" / "student" / "00_welcome" / "00_welcome"
    area.mkdir(parents=True)
    sandbox._mount_area(area, sandbox.BASE_UID + 7, sandbox.Limits())
    assert os.path.ismount(area)
    sandbox.unmount_work_areas(tmp_path / ".sandbox")
    assert not os.path.ismount(area)


def test_the_sandbox_and_this_process_judge_the_same_outcomes(tmp_path, monkeypatch):
    """One per-case runner (grader/inkernel/percase.py) serves the harness and the
    in-process check: on odd results they record exactly the same."""
    from grader.hidden.core import run_case

    class WithArray:
        def __array__(self, dtype=None, copy=None):
            return np.zeros((1, 1))

    answers = {
        "exits": lambda x, size: (_ for _ in ()).throw(SystemExit(3)),
        "array-like object": lambda x, size: WithArray(),
        "strings": lambda x, size: [["1", "2"]],
        "scalar": lambda x, size: np.int64(3),
        "subclass": lambda x, size: np.ones((2, 2)).view(np.matrix),
        "nothing": lambda x, size: None,
        "in place": lambda x, size: x.fill(0),
        "forbidden": lambda x, size: np.convolve(x, np.ones(size)),
    }
    cases = REGISTRY["sliding_windows"].cases()
    for label, func in answers.items():
        payload = result_payloads(_harvest(tmp_path, monkeypatch, "sliding_windows", func))["sliding_windows"][0]
        sandboxed = outcomes_from_payload(payload)
        here = [run_case(func, case) for case in cases]
        for a, b in zip(sandboxed, here):
            assert (a.raised, a.type_name, a.modified, a.used, a.calls) == (b.raised, b.type_name, b.modified, b.used,
                                                                           b.calls), label
            assert (a.value is None) == (b.value is None) and (a.value is None or np.array_equal(a.value, b.value)), label


def _run_cells(work, cells, limits):
    import nbformat

    work.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), work / "in.ipynb")
    result = sandbox.run_notebook(work, b"", 5, limits)
    assert result.notebook is not None, result.status
    return result.status, [[o.get("ename") or o.get("text", "") for o in c.outputs]
                           for c in nbformat.read(result.notebook, as_version=4).cells]


@pytest.mark.sandbox
def test_time_limits_count_the_kernels_cpu_time_not_the_machines_load(tmp_path):
    """A cell that computes for about 1.5 s of CPU finishes under a 2 s limit even with the
    machine's cores busy three times over (by the clock it takes several seconds: a wall-time
    limit would stop it, and a student's grade would depend on --jobs); a cell that computes
    for ever is stopped at the limit, one that waits for ever by the clock at WALL_FACTOR times it."""
    import time

    from grader.inkernel.protocol import WALL_FACTOR

    cores = os.cpu_count() or 1
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3 * cores)]
    try:
        status, outputs = _run_cells(tmp_path / "computes", [
            "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass\nprint('computed')",
            "while True: pass",
            "print('next')"], sandbox.Limits(cell_seconds=2, notebook_seconds=60))
    finally:
        for hog in hogs:
            hog.kill()
    assert status == "complete"
    assert outputs[0] == ["computed\n"]
    assert "CellTimeoutError" in outputs[1]
    assert outputs[2] == ["next\n"]

    start = time.monotonic()
    status, outputs = _run_cells(tmp_path / "waits", ["import time\ntime.sleep(600)", "print('next')"],
                                 sandbox.Limits(cell_seconds=1, notebook_seconds=60))
    assert "CellTimeoutError" in outputs[0] and outputs[1] == ["next\n"]
    assert WALL_FACTOR * 1 <= time.monotonic() - start < WALL_FACTOR * 1 + 20


# What a notebook's kernel reports of itself (tests of the fork server, below).
SELF_REPORT = r'''
import json, os, re, resource, signal, sys, threading
import matplotlib, numpy
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
report = {
    "argv": sys.argv[:1] + sys.argv[3:], "path": sys.path, "cwd": os.getcwd(), "env": dict(os.environ),
    "ids": [os.getresuid(), os.getresgid(), os.getgroups()], "session": os.getsid(0) == os.getpid(),
    "group": os.getpgid(0) == os.getpid(), "stdin": os.fstat(0).st_mode, "caps": [status[k] for k in ("CapPrm", "CapEff", "CapInh", "CapAmb")],
    "no_new_privs": status["NoNewPrivs"], "limits": [resource.getrlimit(getattr(resource, "RLIMIT_" + n)) for n in ("DATA", "AS", "CPU", "NPROC", "FSIZE", "CORE")],
    "threads": sorted(re.sub(r"^Thread-[0-9]+", "Thread", t.name) for t in threading.enumerate()), "sigint": repr(signal.getsignal(signal.SIGINT)),
    "sigpipe": repr(signal.getsignal(signal.SIGPIPE)), "flags": repr(sys.flags), "mpl": [matplotlib.get_configdir(), matplotlib.get_cachedir(), matplotlib.get_backend(), matplotlib.rcParams["figure.dpi"]],
    "modules_from_outside": sorted(name for name, m in list(sys.modules.items()) if getattr(m, "__file__", None) and not os.path.exists(m.__file__)),
    "grader": sorted(name for name in sys.modules if name.split(".")[0] in ("grader", "forkserver") or name.startswith("convcourse.earlier")),
    "random": [float(numpy.random.rand()), __import__("random").random()],
}
print(json.dumps(report))
'''


def _self_report_notebook(work, mpl_config):
    import nbformat

    work.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SELF_REPORT)],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}),
                   work / "in.ipynb")
    shutil.copytree(mpl_config, work / ".matplotlib")


def _report(notebook):
    import nbformat

    outputs = nbformat.read(notebook, as_version=4).cells[0].outputs
    assert [o.get("name") for o in outputs] == ["stdout"], outputs
    return json.loads(outputs[0]["text"])


@pytest.fixture
def mpl_config(tmp_path):
    folder = tmp_path / "matplotlib"
    folder.mkdir()
    (folder / "matplotlibrc").write_text(sandbox.GRADING_MATPLOTLIBRC)
    return folder


@pytest.mark.sandbox
def test_a_forked_kernel_looks_like_a_started_one(tmp_path, mpl_config):
    """The fork server's runner and the kernel it forks (grader/inkernel/forkserver.py,
    warm.py) look to the notebook as a runner started by bubblewrap and a kernel started
    by jupyter_client do: arguments, environment, path, identity, limits, session, standard
    input, threads, signals, matplotlib's folders and configuration, fresh random states;
    no module of theirs comes from a file the sandbox cannot see."""
    limits = sandbox.Limits()
    _self_report_notebook(tmp_path / "forked", mpl_config)
    result = sandbox.run_notebook(tmp_path / "forked", b"", 7, limits, mpl_config=mpl_config)
    assert result.status == "complete"
    forked = _report(result.notebook)

    started = tmp_path / "started"  # nbclient as runner.py calls it, its kernel started as usual
    _self_report_notebook(started, mpl_config)
    script = ("import nbformat\nfrom nbclient import NotebookClient\nnb = nbformat.read('in.ipynb', as_version=4)\n"
              "NotebookClient(nb, kernel_name='python3', resources={'metadata': {'path': '.'}}, extra_arguments=["
              "'--HistoryManager.hist_file=:memory:', '--IPKernelApp.log_level=ERROR', "
              "'--IPKernelApp.exec_lines=import harness as _h; del _h']).execute()\nnbformat.write(nb, 'out.ipynb')")
    with sandbox.work_area(started, sandbox.BASE_UID + 7, limits):
        proc = subprocess.run(sandbox.command(started, 7, limits, [sys.executable, "-c", script]),
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    reference = _report(started / "out.ipynb")

    for report, work in ((forked, tmp_path / "forked"), (reference, started)):
        assert report["cwd"] == str(work)
        report["env"] = {k: v.replace(str(work), "WORK") for k, v in report["env"].items() if k != "JPY_PARENT_PID"}
        report["cwd"] = None
        report["mpl"][:2] = [p.replace(str(work), "WORK") for p in report["mpl"][:2]]
    assert forked.pop("random") != reference.pop("random")
    assert forked == reference
    assert forked["ids"] == [[sandbox.BASE_UID + 7] * 3] * 2 + [[]]
    assert forked["caps"] == ["0000000000000000"] * 4 and forked["no_new_privs"] == "1"
    assert forked["mpl"][2:] == ["module://matplotlib_inline.backend_inline", 72.0]
    assert forked["modules_from_outside"] == [] and forked["grader"] == []


@pytest.mark.sandbox
def test_the_sandbox_of_a_forked_runner_holds_only_its_own(tmp_path, mpl_config):
    """What the notebook can reach in a run of the fork server's: no network, none of the
    grader's files, the runner and the placeholder but no process it may signal but its own
    runner's, and runs side by side in threads (the sandbox service) each in their own."""
    import concurrent.futures

    probe = ("import json, os, socket, signal\nmine = {os.getpid(), os.getppid()}\nothers = {}\n"
             "for pid in sorted(int(p) for p in os.listdir('/proc') if p.isdigit()):\n"
             "    try:\n        os.kill(pid, 0); others[pid] = 'may signal'\n"
             "    except PermissionError:\n        others[pid] = 'may not'\n"
             "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1); net = True\n"
             "except OSError:\n    net = False\n"
             f"print(json.dumps({{'others': others, 'mine': sorted(mine), 'net': net, 'cwd': os.getcwd(), "
             f"'solutions': os.path.exists({str(REPO / 'solutions')!r}), 'files': sorted(os.listdir('.'))}}))")

    def run(i):
        import nbformat
        work = tmp_path / f"run{i}"
        work.mkdir()
        (work / f"mine{i}").write_text("x")
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)]), work / "in.ipynb")
        result = sandbox.run_notebook(work, b"", 10 + i, sandbox.Limits(), mpl_config=mpl_config)
        assert result.status == "complete"
        return json.loads(nbformat.read(result.notebook, as_version=4).cells[0].outputs[0]["text"])

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        seen = list(pool.map(run, range(3)))
    for i, report in enumerate(seen):
        assert report["net"] is False and report["solutions"] is False
        assert f"mine{i}" in report["files"] and not any(f"mine{j}" in report["files"] for j in range(3) if j != i)
        others = {int(pid): how for pid, how in report["others"].items()}
        # bubblewrap's init and the placeholder (root's), the runner and the kernel: nothing else
        assert len(others) == 4, others
        assert sorted(pid for pid, how in others.items() if how == "may signal") == report["mine"], others


@pytest.mark.sandbox
def test_a_run_past_its_wall_time_is_killed_and_the_fork_server_goes_on(tmp_path, mpl_config, monkeypatch):
    """The wall-time backstop ends the run's whole sandbox; a fork server that died is
    replaced at the next run."""
    import time

    import nbformat

    monkeypatch.setattr(sandbox, "wall_seconds", lambda limits: 3)
    work = tmp_path / "sleeps"
    work.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(600)")]),
                   work / "in.ipynb")
    assert sandbox.run_notebook(work, b"", 7, sandbox.Limits(), mpl_config=mpl_config).status == \
        "killed at the wall-time limit"
    for _ in range(50):  # the kernel goes with its PID namespace, a moment after the runner
        left = subprocess.run(["pgrep", "-u", str(sandbox.BASE_UID + 7)], capture_output=True, text=True).stdout
        if not left:
            break
        time.sleep(0.1)
    assert left == ""

    sandbox.fork_server(mpl_config).process.kill()
    monkeypatch.undo()
    work = tmp_path / "after"
    work.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('ran')")]), work / "in.ipynb")
    result = sandbox.run_notebook(work, b"", 7, sandbox.Limits(), mpl_config=mpl_config)
    assert result.status == "complete"
    assert nbformat.read(result.notebook, as_version=4).cells[0].outputs[0]["text"] == "ran\n"


def test_the_fork_server_imports_only_from_what_the_sandbox_shows():
    """A folder on the grader's sys.path that the sandbox does not show (the hub's student
    bundle, whose convcourse comes first there) is left out before the server imports
    anything, as a new Python in the sandbox leaves it out; the server's own folder stays."""
    sys.path.insert(0, str(REPO / "grader" / "inkernel"))
    try:
        from forkserver import as_the_sandbox_sees
    finally:
        sys.path.pop(0)
    shown = ["/usr", "/srv/venv", "/srv/course/convcourse", "/tmp/.harness"]
    path = ["/srv/course/grader/inkernel", "/tmp/.harness", "/usr/lib/python311.zip", "/srv/venv/lib/site-packages",
            "/srv/student", "/srv/course", "/srv/coursework", "/srv/course/convcourse/sub"]
    assert as_the_sandbox_sees(path, shown) == ["/srv/course/grader/inkernel", "/tmp/.harness", "/usr/lib/python311.zip",
                                                 "/srv/venv/lib/site-packages", "/srv/course", "/srv/course/convcourse/sub"]


@pytest.mark.sandbox
def test_the_fork_server_takes_no_module_from_the_machines_tmp(tmp_path, mpl_config):
    """/tmp/.harness is the sandbox's name for the harness, but on the grader's machine
    anybody may create it: the fork server, root, must not import from it (it is started
    without PYTHONPATH)."""
    planted = Path("/tmp/.harness")
    if planted.exists():
        pytest.skip("/tmp/.harness exists on this machine")
    marker = tmp_path / "imported"
    planted.mkdir()
    try:
        for name in ("sitecustomize", "json", "numpy"):
            (planted / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write({name!r})\n")
        server = sandbox.ForkServer(mpl_config)
        try:
            environ = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
        finally:
            server.stop()
    finally:
        shutil.rmtree(planted)
    assert not marker.exists()
    assert not any(entry.startswith(b"PYTHONPATH=") for entry in environ)


@pytest.mark.sandbox
def test_a_runner_the_fork_server_could_not_start_is_started_again(tmp_path, mpl_config, monkeypatch):
    """A failure before the runner starts is the grader's, not the notebook's: the fork
    server's child says why (here, a namespace that is not the sandbox's is refused), and
    the run is tried once more in a new sandbox."""
    import nbformat

    tries = []
    real = sandbox.ForkServer.run

    def first_fails(self, order, *args):
        tries.append(order["holder"])
        if len(tries) == 1:
            order = dict(order, namespaces=dict(order["namespaces"], mnt=1))
        return real(self, order, *args)

    monkeypatch.setattr(sandbox.ForkServer, "run", first_fails)
    work = tmp_path / "work"
    work.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('ran')")]), work / "in.ipynb")
    result = sandbox.run_notebook(work, b"", 7, sandbox.Limits(), mpl_config=mpl_config)
    assert result.status == "complete" and len(tries) == 2 and tries[0] != tries[1]

    def always_fails(self, order, *args):
        return real(self, dict(order, namespaces=dict(order["namespaces"], mnt=1)), *args)

    monkeypatch.setattr(sandbox.ForkServer, "run", always_fails)
    result = sandbox.run_notebook(work, b"", 7, sandbox.Limits(), mpl_config=mpl_config)
    assert result.notebook is None and "sandbox failed twice" in result.status and "namespace" in result.status
