"""The sandbox hides what it must, and results cross its boundary as checked data."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import sandbox
from grader.course import REPO
from grader.hidden import REGISTRY, verdicts_from_outcomes
from grader.hidden import reference as ref
from grader.hidden.wire import read_outcomes, write_cases
from grader.static_check import forbidden_uses

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
                                reason="the sandbox needs root and bubblewrap")


def in_sandbox(tmp_path, code, hide=()):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    os.chown(work, sandbox.BASE_UID + 7, sandbox.BASE_UID + 7)
    cmd = sandbox.command(work, cases, [Path(h) for h in hide], 7, sandbox.Limits(),
                          [sys.executable, "-c", code])
    env = dict(os.environ, GRADER_SECRET="s3cret")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


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


def test_memory_limit(tmp_path):
    proc = in_sandbox(tmp_path, "import numpy as np\ntry:\n    a = np.ones(4 * 2**30 // 8)\n    print('allocated')\n"
                                "except MemoryError:\n    print('MemoryError')")
    assert proc.stdout.strip() == "MemoryError"


def test_results_round_trip_through_the_wire(tmp_path):
    cases_dir, results = tmp_path / "cases", tmp_path / "work" / "results"
    write_cases(cases_dir)
    sys.path.insert(0, str(sandbox.INKERNEL))
    try:
        import harness
        harness.CASES_DIR, harness.RESULTS_DIR = str(cases_dir), str(results)
        harness.harvest("conv1d", ref.conv1d)
        harness.harvest("correlate2d", lambda image, kernel: np.zeros((1, 1)))
    finally:
        sys.path.remove(str(sandbox.INKERNEL))
    good = verdicts_from_outcomes("conv1d", read_outcomes(results, "conv1d"))
    # the reference does not validate arguments: only its error cases fail
    assert all(v.passed for v, c in zip(good, REGISTRY["conv1d"].cases()) if c.raises is None)
    bad = verdicts_from_outcomes("correlate2d", read_outcomes(results, "correlate2d"))
    assert not any(v.passed for v in bad[:3])


def test_forged_or_malformed_results_are_not_trusted(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "conv1d.json").write_text("{not json")
    np.savez(results / "conv1d.npz", case0=np.zeros(3))
    assert read_outcomes(results, "conv1d") is None
    (results / "conv1d.json").write_text(json.dumps({"records": [{}] * 3}))
    outcomes = read_outcomes(results, "conv1d")
    assert not all(v.passed for v in verdicts_from_outcomes("conv1d", outcomes))
    (results / "sliding_windows.json").symlink_to("/etc/passwd")
    assert read_outcomes(results, "sliding_windows") is None


def test_static_check_follows_helpers_and_aliases():
    cells = ["import numpy as np\nfrom numpy import convolve as cv\nimport scipy.signal as ss\n_c = np.convolve\n"
             "y = np.convolve([1], [1])",
             "def a(x, k, mode='full'):\n    return cv(x, k)",
             "def b(x, k):\n    return helper(x, k)\ndef helper(x, k):\n    return ss.correlate(x, k)",
             "def c(x, k):\n    return _c(x, k)",
             "def d(x, k):\n    return getattr(np, 'con' + 'volve')(x, k)",
             "def e(x, k):\n    y = np.zeros(3)\n    for i in range(3):\n        y[i] += x[i] * k[0]\n    return y",
             "%matplotlib inline\ndef f(x):\n    return np.asarray(x)"]
    assert set(forbidden_uses(cells, list("abcdef"))) == {"a", "b", "c", "d"}
