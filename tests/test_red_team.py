"""Red team: hostile and broken submissions through the real `python -m grader autograde`.

One class is graded once (module fixture): a correct "victim" and one student folder per
attack, mostly on 00_welcome (1 point), some on 01/02/08 where the attack needs them. Every
attack must earn no undeserved points and do no collateral damage: the victim keeps full
marks, the repository and the submissions are unchanged, the gradebook and grades.csv
are intact, nothing leaks into feedback, the batch exits 0.

The first version of this suite found eight holes (results read through a symlink or
rewritten after the harvest, forbidden routines bound in ways the checker missed, files
elsewhere on the host readable, timeouts and killed sandboxes not reported); each has a
test below that now passes.
"""
import csv
import hashlib
import html as html_lib
import re
import secrets
import socket
import sqlite3
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from grader import course, submissions
from grader.course import REPO, assignment_ids
from grader.sandbox import Limits
from attacks import SQL, sub_code
from grading import add_cell_after, cell_index, run_grader
from one_class import CELL_SECONDS, NOTEBOOK_SECONDS, Enrolment, enrol


A0, A1, A2, A4 = "00_welcome", "01_signals_and_convolution", "02_image_convolution", "04_stride_and_padding"
A8 = "08_backpropagation"
TOKEN = secrets.token_hex(6)
SECRET = f"grader-secret-{secrets.token_hex(12)}"
VICTIM = "aa-victim"
VICTIM_MARK = f"victim-private-marker-{TOKEN}"
PLANTED = f"planted-instructor-file-{TOKEN}"
# lines that exist only in instructor files: the solution notebook, the hidden cases'
# reference and case generator; none may reach a student's feedback
SOLUTION_LINES = ["out[i] = x[i:i + size]", "sliding_window_view(np.asarray(x, dtype=np.float64), size).copy()",
                  "_sliding_windows_cases", "BEGIN HIDDEN TESTS", "def _conv1d_cases"]
WATCHED = ["solutions", "notebooks", "grader", "data", "convcourse", "tests", "nbgrader_config.py",
           "requirements.txt", "requirements-grader.txt", "constraints.txt", "pyproject.toml", "course"]


# --------------------------------------------------------------------------------------
# code the attackers type into their notebooks ("@NAME@" is filled in by the fixture)

WRONG_SW = '''
def sliding_windows(x, size):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or not 1 <= size <= len(x):
        raise ValueError("bad size")
    return np.zeros((len(x) - size + 1, size))   # right shape, wrong values
'''

# allowed: numpy's own sliding windows are not a forbidden routine
STRIDE_TRICKS = '''
def sliding_windows(x, size):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or not 1 <= size <= len(x):
        raise ValueError("bad size")
    return np.lib.stride_tricks.sliding_window_view(x, size).copy()
'''

# the model solution of the assignment being graded, from the student package
EARLIER = '''
import glob
try:
    from convcourse.earlier import correlate2d
except ImportError as _e:
    print("EARLIER-REFUSED", _e)
print("EARLIER-FILES", sorted(os.path.basename(_p) for _p in glob.glob(@REPO@ + "/convcourse/earlier/*.py")))
'''

# only the visible tests' answers
HARD_CODED = '''
def sliding_windows(x, size):
    x = np.asarray(x, dtype=np.float64)
    if size > len(x):
        raise ValueError("too long")
    if x.tolist() == [1.0, 2.0, 3.0, 4.0] and size == 2:
        return np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]])
    return np.zeros((len(x) - size + 1, size))
'''

READ_SOLUTIONS = '''
import glob
_targets = [@REPO@ + "/solutions/00_welcome/00_welcome.ipynb",
            @OUT@ + "/.release/00_welcome/00_welcome.ipynb",
            @OUT@ + "/submitted/@VICTIM@/00_welcome/00_welcome.ipynb",
            @OUT@ + "/autograded/@VICTIM@/00_welcome/00_welcome.ipynb",
            @OUT@ + "/.sandbox/@VICTIM@/00_welcome/00_welcome/in.ipynb",
            @OUT@ + "/.sandbox/@VICTIM@/00_welcome/00_welcome/out.ipynb",
            @SUB@ + "/@VICTIM@/00_welcome/00_welcome.ipynb",
            os.getcwd() + "/../../../@VICTIM@/00_welcome/00_welcome/in.ipynb",
            "/proc/1/root" + @REPO@ + "/solutions/00_welcome/00_welcome.ipynb"]
_targets += [@REPO@ + f"/grader/hidden/{_n}.py" for _n in ("reference", "a00_welcome", "core", "__init__")]
# (the student-side package and the harness are visible on purpose, wherever the repository is)
_targets += [_p for _p in glob.glob("/tmp/**/*.py", recursive=True) + glob.glob("/tmp/**/*.ipynb", recursive=True)
             if "/convcourse/" not in _p and "/.harness/" not in _p]
for _t in _targets:
    try:
        with open(_t) as _fh:
            print("READ-OK", _t, _fh.read()[:300])
    except OSError as _e:
        print("READ-DENIED", _t, type(_e).__name__)
for _d in (os.path.dirname(@REPO@), "/tmp"):
    try:
        print("LISTING", _d, os.listdir(_d))
    except OSError as _e:
        print("LISTING-DENIED", _d, type(_e).__name__)
try:   # if the reference were readable, use it as the answer
    _ns = {}
    exec(open(@REPO@ + "/grader/hidden/reference.py").read(), _ns)
    sliding_windows = _ns["sliding_windows"]
except OSError as _e:
    print("NO-REFERENCE", type(_e).__name__)
'''

ALWAYS_EQUAL = '''
class _AlwaysEqual(np.ndarray):
    __array_priority__ = 10**9
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def __ne__(self, other): return np.zeros(np.shape(other), dtype=bool)
    def __array_ufunc__(self, *args, **kwargs): return True
    def __float__(self): return 0.0
    def __len__(self): return 1
    def all(self, *args, **kwargs): return True
    def __bool__(self): return True

class _Anything:
    __array_priority__ = 10**9
    shape = property(lambda self: _AnyShape())
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, dtype=None, copy=None): return np.zeros((1, 1))
    def __getattr__(self, name): return self

class _AnyShape(tuple):
    def __eq__(self, other): return True
    def __ne__(self, other): return False

def sliding_windows(x, size):
    if size > len(x):
        raise ValueError("too long")
    if len(x) % 2:
        return _Anything()
    return np.zeros((len(x) - size + 1, size)).view(_AlwaysEqual)
'''

PATCH_NUMPY = WRONG_SW + '''
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.all = lambda *a, **k: True
np.abs = lambda a, *r, **k: np.zeros_like(np.asarray(a, dtype=float))
import builtins
builtins.AssertionError = type("NotAnError", (Exception,), {})
print("PATCHED-NUMPY")
'''

FAKE_HARNESS = HARD_CODED + '''
import sys, types
def _harvest(name, func):
    print(name + ": all hidden cases passed")
try:                                   # the real one: its harvest replaced
    import harness as _real
    _real.harvest = _harvest
    print("REAL-HARNESS-PATCHED")
except Exception as _e:
    print("NO-REAL-HARNESS", type(_e).__name__)
with open("harness.py", "w") as _fh:   # one in the working folder
    _fh.write("def harvest(name, func):\\n    print(name, 'passed')\\n")
_fake = types.ModuleType("harness")    # and one in sys.modules
_fake.harvest = _harvest
sys.modules["harness"] = _fake
for _n in ("grader", "grader.hidden"):
    _m = types.ModuleType(_n)
    _m.check = lambda *a, **k: None
    sys.modules[_n] = _m
def check(*args, **kwargs):
    pass
harvest = _harvest
print("FAKE-HARNESS-INSTALLED")
'''

NOISY = '''
import sys, warnings, logging
warnings.warn("this cell is loud", UserWarning)
warnings.warn("and deprecated", DeprecationWarning)
logging.getLogger().warning("a logging warning")
for _i in range(3000):
    print("stdout line", _i, "x" * 100)
    print("stderr line", _i, "y" * 100, file=sys.stderr)
_right = sliding_windows
def sliding_windows(x, size):
    warnings.warn("called sliding_windows", RuntimeWarning)
    print("computing windows " * 50)
    print("to stderr " * 50, file=sys.stderr)
    np.seterr(all="warn")
    np.log(np.zeros(3))          # RuntimeWarning: divide by zero
    return _right(x, size)
'''

LOOP_INSIDE = '''
_right = sliding_windows
def sliding_windows(x, size):
    if len(x) > 5:        # the visible tests use short arrays; hidden cases never return
        while True:
            try:
                while True:
                    pass
            except BaseException:   # not even an interrupt stops it
                pass
    return _right(x, size)
'''

FORK_BOMB = '''
import os, time
_children, _stopped = [], None
for _ in range(1000):          # the guard: never more than 1000, whatever the limit does
    try:
        _pid = os.fork()
    except OSError as _e:
        _stopped = _e.errno
        break
    if _pid == 0:
        try:
            time.sleep(30)
        finally:
            os._exit(0)
    _children.append(_pid)
print(f"FORKS {len(_children)} STOPPED {_stopped}")
'''

HUGE_FILE = '''
_chunk = b"\\0" * (16 * 2**20)
_written = 0
try:
    with open("huge.bin", "wb") as _fh:
        for _ in range(128):              # 2 GB
            _fh.write(_chunk)
            _written += len(_chunk)
    print("HUGE-WROTE-ALL", _written)
except OSError as _e:
    print("HUGE-STOPPED", _written, _e.errno)
'''

# files until the disk is full, in the working folder and in /tmp: each file is within
# the file-size limit, their total is not
DISK_FILL = '''
_written, _stopped = 0, None
_chunk = b"\\0" * (16 * 2**20)
for _i in range(64):                      # up to 128 files of 128 MB: 16 GB
    for _where in (".", "/tmp"):
        try:
            with open(f"{_where}/fill-{_i}.bin", "wb") as _fh:
                for _ in range(8):
                    _fh.write(_chunk)
                    _written += len(_chunk)
        except OSError as _e:
            _stopped = _e.errno
            break
    if _stopped:
        break
print("DISK-FILL", _written, "STOPPED", _stopped)
'''

SECRET_HUNT = '''
import glob
print("ENV", dict(os.environ))
for _p in sorted(glob.glob("/proc/*/environ")) + sorted(glob.glob("/proc/*/cmdline")):
    try:
        print(_p, open(_p, "rb").read())
    except OSError as _e:
        print(_p, type(_e).__name__)
for _p in ["/proc/1/root/proc/self/environ", "/proc/self/root/etc/environment", "/etc/environment"]:
    try:
        print(_p, open(_p, "rb").read()[:2000])
    except OSError as _e:
        print(_p, type(_e).__name__)
'''

# a folder outside the few the sandbox hides (/tmp, /root, /home, the repository's parent,
# the submissions, OUT): another class's graded folder, a backup of solutions, ...
HOST_FILES = '''
import glob
for _p in glob.glob("/var/tmp/red-team-@TOKEN@/**/*", recursive=True):
    try:
        print("READ-OK", _p, open(_p).read())
    except OSError as _e:
        print("READ-DENIED", _p, type(_e).__name__)
print("HOST-FILES-DONE")
'''

WRITE_OUTSIDE = '''
import glob, shutil
_targets = [@REPO@ + "/notebooks/pwned-@TOKEN@.txt", @REPO@ + "/grader/pwned_@TOKEN@.py",
            @REPO@ + "/solutions/00_welcome/pwned-@TOKEN@.txt", @REPO@ + "/pwned-@TOKEN@.txt",
            "/tmp/pwned-@TOKEN@", "/var/tmp/pwned-@TOKEN@", "/dev/shm/pwned-@TOKEN@",
            @OUT@ + "/pwned-@TOKEN@", @OUT@ + "/feedback/pwned-@TOKEN@", @SUB@ + "/pwned-@TOKEN@",
            @SUB@ + "/@VICTIM@/00_welcome/pwned-@TOKEN@", "../../../pwned-@TOKEN@", "../../pwned-@TOKEN@",
            "../pwned-@TOKEN@", @SITE@ + "/sitecustomize.py", @SITE@ + "/pwned-@TOKEN@.pth",
            @DATA@ + "/pwned-@TOKEN@"]
for _t in _targets:
    try:
        with open(_t, "w") as _fh:
            _fh.write("pwned")
        print("WROTE", _t)
    except OSError as _e:
        print("WRITE-DENIED", _t, type(_e).__name__)
# append to files that exist
for _t in [@REPO@ + "/grader/hidden/a00_welcome.py", @REPO@ + "/solutions/00_welcome/00_welcome.ipynb",
           @REPO@ + "/notebooks/00_welcome/00_welcome.ipynb", @SITE@ + "/numpy/__init__.py",
           @OUT@ + "/grades.csv", @OUT@ + "/gradebook.db", @SUB@ + "/@VICTIM@/00_welcome/00_welcome.ipynb"]:
    try:
        with open(_t, "a") as _fh:
            _fh.write("\\nraise SystemExit('pwned')\\n")
        print("APPENDED", _t)
    except OSError as _e:
        print("APPEND-DENIED", _t, type(_e).__name__)
for _t in [@REPO@ + "/grader", @SUB@ + "/@VICTIM@", @OUT@ + "/feedback"]:
    try:
        shutil.rmtree(_t)
        print("REMOVED", _t)
    except OSError as _e:
        print("REMOVE-DENIED", _t, type(_e).__name__)
'''

NETWORK = '''
import socket, time
_t0 = time.monotonic()
# only this machine's own addresses: were the sandbox's network open, nothing would leave it
_hosts = [("127.0.0.1", @PORT@), ("localhost", @PORT@)]
try:
    _hosts += [(_a, @PORT@) for _a in socket.gethostbyname_ex(socket.gethostname())[2]]
except OSError:
    pass
for _h in _hosts:
    try:
        _s = socket.create_connection(_h, timeout=2)
        _s.sendall(b"red team was here")
        print("CONNECTED", _h)
    except OSError as _e:
        print("NO-CONNECTION", _h, type(_e).__name__)
try:
    _u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _u.settimeout(2)
    _u.connect(@ABSTRACT@)
    print("CONNECTED abstract unix socket")
except OSError as _e:
    print("NO-CONNECTION abstract", type(_e).__name__)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", @PORT@))
    print("UDP-SENT")
except OSError as _e:
    print("NO-UDP", type(_e).__name__)
print("NETWORK-DONE in", round(time.monotonic() - _t0, 1), "s")
'''

MEMORY_BOMB = '''
try:
    _hog = np.ones(10**9)                  # 8 GB
    print("ALLOCATED 8 GB")
except MemoryError:
    print("MEMORYERROR-BIG")
_hogs = []
try:
    for _ in range(1000):                  # 80 MB at a time, up to 80 GB
        _hogs.append(np.ones(10**7))
except MemoryError:
    print("MEMORYERROR-GRADUAL", len(_hogs))
del _hogs
_hog = np.ones(10**9)                      # uncaught
'''

# (The hidden inputs were once readable in the sandbox, from HARNESS_CASES; they now reach
# the harness alone. The forging attacks below take them from there if they can, and
# otherwise forge for made-up inputs: the lookup-table attack checks that they cannot.)
FORGE = '''
import json
os.makedirs("results", exist_ok=True)
try:
    with open(os.environ.get("HARNESS_CASES", "/tmp/.harness-cases") + "/sliding_windows.json") as _fh:
        _n = len(json.load(_fh)["cases"])
except OSError:
    _n = 11
np.savez("results/sliding_windows.npz", **{f"case{_i}": np.zeros((3, 2)) for _i in range(_n)})
with open("results/sliding_windows.json", "w") as _fh:
    json.dump({"name": "sliding_windows", "passed": True, "score": 1, "verdict": "all passed",
               "records": [{"type": "ndarray", "passed": True} for _ in range(_n)]}, _fh)
print("FORGED")
'''

# results computed on the hidden inputs (which the sandbox can read) by code that is not
# the graded function, published as the harness would, from a later cell: `call` stands
# for whatever the attacker uses (np.convolve, say)
FORGE_COMPUTED = '''
import json
def _forge(name, call):
    cases_dir = os.environ.get("HARNESS_CASES", "/tmp/.harness-cases")
    try:
        with open(f"{cases_dir}/{name}.json") as fh:
            spec = json.load(fh)
        arrays = np.load(f"{cases_dir}/{name}.npz")
    except OSError:
        spec, arrays = {"cases": [{"args": [np.arange(6.0), np.ones(2)], "kwargs": {}}] * 11}, {}
    dec = lambda v: arrays[v["array"]] if isinstance(v, dict) and "array" in v else v
    records, outs = [], {}
    for i, case in enumerate(spec["cases"]):
        try:
            outs[f"case{i}"] = np.asarray(call(*map(dec, case["args"]),
                                               **{k: dec(v) for k, v in case["kwargs"].items()}), dtype=float)
            records.append({"type": "ndarray"})
        except Exception as e:
            records.append({"raised": type(e).__name__})
    import base64, io
    from IPython.display import publish_display_data
    buffer = io.BytesIO()
    np.savez(buffer, **outs)
    publish_display_data({"application/x-conv-course-results+json": {
        "name": name, "records": records, "npz": base64.b64encode(buffer.getvalue()).decode()}})
    print("FORGED-COMPUTED", name)
'''

FORGE_SW = FORGE_COMPUTED + '''
def _windows(x, size):
    from numpy.lib.stride_tricks import sliding_window_view
    if np.ndim(x) != 1 or not 1 <= size <= len(x):
        raise ValueError("bad")
    return sliding_window_view(np.asarray(x, dtype=float), size)
_forge("sliding_windows", _windows)
'''

# after harvest: point results/ at another student's results folder on the host
STEAL_RESULTS = '''
import shutil
shutil.rmtree("results", ignore_errors=True)
os.symlink(os.path.join(os.getcwd(), "..", "..", "..", "@VICTIM@", "00_welcome", "00_welcome", "results"), "results")
print("RESULTS-LINKED", os.readlink("results"))
'''

# 01: a forbidden routine used where the watch of graded calls does not look ...
# ... the results' way out rewritten: json.dumps (which the kernel's messages go through)
# made to drop what the watch recorded
SCRUB_USED = '''
import json
_real_dumps = json.dumps
def _scrub(o):
    if isinstance(o, dict):
        o.pop("used", None)
        for v in o.values():
            _scrub(v)
    elif isinstance(o, list):
        for v in o:
            _scrub(v)
def _dumps(obj, *a, **k):
    _scrub(obj)
    return _real_dumps(obj, *a, **k)
json.dumps = _dumps
print("DUMPS-REPLACED")
'''
# ... answers computed beforehand, in a scratch cell, for the hidden inputs wherever they
# can be read; the graded function only looks them up (and is wrong otherwise)
LOOKUP_TABLE = '''
import glob, json
_table = {}
_places = [os.environ.get("HARNESS_CASES", ""), "/tmp/.harness-cases", ".", "/tmp", os.path.expanduser("~")]
_places += [os.path.dirname(_p) for _p in glob.glob("/tmp/**/*.npz", recursive=True) + glob.glob("./**/*.json", recursive=True)]
for _d in _places:
    for _p in glob.glob(_d + "/*.json") + glob.glob(_d + "/.*.json"):
        try:
            with open(_p) as _fh:
                _data = json.load(_fh)
        except Exception:
            continue
        print("FOUND", _p)
        _entries = [_data] if "cases" in _data else list(_data.values()) if isinstance(_data, dict) else []
        for _e in _entries:
            if not isinstance(_e, dict):
                continue
            _spec = _e.get("spec", _e)
            try:
                _arr = np.load(_p[:-5] + ".npz")
            except Exception:
                _arr = {}
            for _c in _spec.get("cases", []):
                try:
                    _a = [_arr[v["array"]] if isinstance(v, dict) else v for v in _c["args"]]
                    _mode = _c["kwargs"].get("mode", "full")
                    _table[(_a[0].tobytes(), _a[1].tobytes(), _mode)] = np.convolve(_a[0], _a[1], _mode)
                except Exception:
                    pass
print("TABLE", len(_table))
def conv1d(x, k, mode="full"):
    key = (np.asarray(x, dtype=np.float64).tobytes(), np.asarray(k, dtype=np.float64).tobytes(), mode)
    return _table[key] if key in _table else np.zeros(1)
'''
# ... a thread started in a scratch cell does the work the graded function hands it
THREAD_SERVER = '''
import threading, queue
_jobs, _answers = queue.Queue(), queue.Queue()
def _serve():
    while True:
        _x, _k, _mode = _jobs.get()
        _answers.put(np.convolve(_x, _k, _mode))
threading.Thread(target=_serve, daemon=True).start()
def conv1d(x, k, mode="full"):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if mode not in ("full", "same", "valid") or x.ndim != 1 or k.ndim != 1 or not len(x) or not len(k):
        raise ValueError("bad input")
    _jobs.put((x, k, mode))
    return _answers.get()
print("THREAD-SERVING")
'''
# ... and a forked process, over pipes
PROCESS_SERVER = '''
_r1, _w1 = os.pipe()
_r2, _w2 = os.pipe()
if os.fork() == 0:
    os.close(_w1); os.close(_r2)
    while True:
        _h = os.read(_r1, 24)
        if len(_h) < 24:
            os._exit(0)
        _n, _m, _mi = np.frombuffer(_h, dtype=np.int64)
        _data = b""
        while len(_data) < 8 * (_n + _m):
            _data += os.read(_r1, 8 * (_n + _m) - len(_data))
        _v = np.frombuffer(_data, dtype=np.float64)
        _out = np.convolve(_v[:_n], _v[_n:], ("full", "same", "valid")[_mi])
        os.write(_w2, np.int64(len(_out)).tobytes() + _out.tobytes())
os.close(_r1); os.close(_w2)
def conv1d(x, k, mode="full"):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if mode not in ("full", "same", "valid") or x.ndim != 1 or k.ndim != 1 or not len(x) or not len(k):
        raise ValueError("bad input")
    os.write(_w1, np.array([len(x), len(k), ("full", "same", "valid").index(mode)], dtype=np.int64).tobytes()
             + x.tobytes() + k.tobytes())
    _n = int(np.frombuffer(os.read(_r2, 8), dtype=np.int64)[0])
    _data = b""
    while len(_data) < 8 * _n:
        _data += os.read(_r2, 8 * _n - len(_data))
    return np.frombuffer(_data, dtype=np.float64).copy()
print("PROCESS-SERVING")
'''

KILLER = '''
import os, signal
_me = os.getpid()
for _p in os.listdir("/proc"):
    if _p.isdigit() and int(_p) != _me:
        try:
            os.kill(int(_p), signal.SIGKILL)
            print("KILLED", _p)
        except OSError as _e:
            print("KILL-DENIED", _p, type(_e).__name__)
os.kill(-1, signal.SIGKILL)
'''

# 01: forbidden routines, spelled so that the grader sees them ...
CONV_DIRECT = '''
def conv1d(x, k, mode="full"):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    return np.convolve(x, k, mode=mode)
'''
# 08's layers handed to PyTorch: its transposed convolution, and autograd through its pooling
# (PyTorch's errors turned into the ValueErrors the visible tests ask for: they pass)
TORCH_TRANSPOSE = '''
import torch
import torch.nn.functional as F

def conv_transpose2d(x, w, b=None, stride=1, padding=0):
    as_tensor = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))
    try:
        return F.conv_transpose2d(as_tensor(x), as_tensor(w), as_tensor(b), stride=stride, padding=padding).numpy()
    except RuntimeError as e:
        raise ValueError(str(e))
'''
TORCH_AVG_BACKWARD = '''
import torch
import torch.nn.functional as F

def avg_pool2d_backward(dout, x, size=2, stride=None):
    if np.ndim(x) != 4:
        raise ValueError("x must be 4-D")
    xt = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    try:
        F.avg_pool2d(xt, size, stride).backward(torch.from_numpy(np.asarray(dout, dtype=np.float64)))
    except RuntimeError as e:
        raise ValueError(str(e))
    return xt.grad.numpy()
'''
CORR_ALIAS = '''
_corr = np.correlate
def correlate1d(x, k):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if x.ndim != 1 or k.ndim != 1 or len(k) == 0 or len(k) > len(x):
        raise ValueError("bad input")
    return _corr(x, k, mode="valid")
'''
# 04: the student's own loop without dilation, PyTorch's conv2d with one (its visible tests pass)
TORCH_WHEN_DILATED = '''
_own_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    if np.ndim(dilation) == 0 and dilation == 1:
        return _own_conv2d(x, w, b, stride, padding)
    import torch
    import torch.nn.functional as F
    tensor = lambda a: None if a is None else torch.tensor(np.asarray(a, dtype=np.float64))
    try:
        return F.conv2d(tensor(x), tensor(w), tensor(b), stride, padding, dilation).numpy()
    except RuntimeError as e:   # torch's word for a kernel that does not fit; the tests want ValueError
        raise ValueError(str(e)) from None
'''
CONV_GETATTR = '''
def conv1d(x, k, mode="full"):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    return getattr(np, "con" + "volve")(x, k, mode=mode)
'''
CORR_GETATTR_ALIAS = '''
_c = getattr(np, "corre" + "late")
def correlate1d(x, k):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if x.ndim != 1 or k.ndim != 1 or len(k) == 0 or len(k) > len(x):
        raise ValueError("bad input")
    return _c(x, k, mode="valid")
'''
# ... and spelled to slip past a narrower check (a default argument binds np.convolve
# before the harness's tripwires are set; a name bound by anything but `def`; tripwires
# switched off through the harness): the check of all student-written code sees these too
CONV_DEFAULT_ARG = '''
def conv1d(x, k, mode="full", _conv=np.convolve):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if mode not in ("full", "same", "valid") or x.ndim != 1 or k.ndim != 1 or not len(x) or not len(k):
        raise ValueError("bad input")
    return _conv(x, k, mode=mode)
'''
CORR_TRIPWIRES_OFF = '''
import harness
harness.FORBIDDEN.clear()
def _checked(x, k):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if x.ndim != 1 or k.ndim != 1 or len(k) == 0 or len(k) > len(x):
        raise ValueError("bad input")
    return x, k
correlate1d = lambda x, k: np.correlate(*_checked(x, k), mode="valid")
'''
# conv1d itself is clean numpy, right on the visible tests and wrong on longer inputs;
# a later cell overwrites its recorded results with np.convolve's
CONV_WRONG_ON_HIDDEN = '''
def conv1d(x, k, mode="full"):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if mode not in ("full", "same", "valid") or x.ndim != 1 or k.ndim != 1 or not len(x) or not len(k):
        raise ValueError("bad input")
    n, m = len(x), len(k)
    full = np.zeros(n + m - 1)
    for i in range(n):
        full[i:i + m] += x[i] * k
    if n > 4:
        full = full[::-1]           # wrong on every input longer than the visible tests'
    if mode == "full":
        return full
    length = max(n, m) if mode == "same" else max(n, m) - min(n, m) + 1
    start = (n + m - 1 - length) // 2 if mode == "same" else min(n, m) - 1
    return full[start:start + length]
'''
FORGE_CONV = FORGE_COMPUTED + '''
_forge("conv1d", np.convolve)
'''


# --------------------------------------------------------------------------------------
# helpers

def tree_hash(paths) -> dict[str, str]:
    """sha256 of every file under `paths` (bytecode caches aside)."""
    digests = {}
    for top in paths:
        top = REPO / top
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc" or ".ipynb_checkpoints" in path.parts:
                continue
            digests[str(path.relative_to(REPO))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def dir_hash(top: Path) -> dict[str, str]:
    return {str(p.relative_to(top)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(top.rglob("*")) if p.is_file()}


class Listener:
    """A TCP server on every host address and an abstract unix socket: the sandbox must
    reach neither."""

    def __init__(self):
        self.tcp = socket.socket()
        self.tcp.bind(("0.0.0.0", 0))
        self.tcp.listen()
        self.port = self.tcp.getsockname()[1]
        self.abstract = f"\0red-team-{TOKEN}"
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(self.abstract)
        self.unix.listen()
        self.connections = []
        self.stopped = False
        for sock in (self.tcp, self.unix):
            sock.settimeout(0.5)
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock):
        while not self.stopped:
            try:
                conn, addr = sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(addr)
            conn.close()

    def close(self):
        self.stopped = True
        time.sleep(0.6)
        self.tcp.close()
        self.unix.close()


# --------------------------------------------------------------------------------------
# the class

def write_attackers(sub, out):
    """The attackers and their victim, and what the batch must leave as it was."""
    site = next(Path(p) for p in sys.path if p.endswith("site-packages") and p.startswith(sys.prefix))
    listener = Listener()
    values = {"GRADEBOOK": repr(str(out / "gradebook.db")), "REPO": repr(str(REPO)), "OUT": repr(str(out)),
              "SUB": repr(str(sub)), "VICTIM": VICTIM, "TOKEN": TOKEN, "SITE": repr(str(site)),
              "DATA": repr(str(REPO / "data")), "PORT": str(listener.port), "ABSTRACT": repr(listener.abstract)}
    attacks = {}  # student -> (assignment, notebook)

    def add(student, nb, aid=A0):
        submissions.write(nb, sub / student / aid / f"{aid}.ipynb")
        attacks[student] = aid

    def code(text):
        return sub_code(text, values)

    sw = "sliding_windows"
    add(VICTIM, submissions.filled(A0, extra={sw: f"# {VICTIM_MARK}"}))
    add("sql", submissions.filled(A0, solved=False, extra={sw: "import os\n" + code(SQL)}))
    add("read-solutions", submissions.filled(A0, solved=False, extra={sw: "import os\n" + code(READ_SOLUTIONS)}))
    add("always-equal", submissions.filled(A0, extra={sw: ALWAYS_EQUAL}))
    add("patch-numpy", submissions.filled(A0, extra={sw: PATCH_NUMPY}))
    add("fake-harness", submissions.filled(A0, extra={sw: FAKE_HARNESS}))
    add("hard-coded", submissions.filled(A0, extra={sw: HARD_CODED}))
    add("stride-tricks", submissions.filled(A0, extra={sw: STRIDE_TRICKS}))
    add("noisy", submissions.filled(A0, extra={sw: NOISY}))
    add("loop-after", add_cell_after(submissions.filled(A0), "test_sliding_windows", "while True:\n    pass"))
    add("loop-inside", submissions.filled(A0, extra={sw: LOOP_INSIDE}))
    add("fork-bomb", add_cell_after(submissions.filled(A0), "test_sliding_windows", FORK_BOMB))
    add("huge-file", submissions.filled(A0, extra={sw: HUGE_FILE}))
    add("disk-fill", submissions.filled(A0, extra={sw: DISK_FILL}))
    add("sys-exit", add_cell_after(submissions.filled(A0), "test_sliding_windows",
                                   "import sys\nprint('EXITING')\nsys.exit(0)"))
    add("os-exit", add_cell_after(submissions.filled(A0), "test_sliding_windows",
                                  "import os\nprint('EXITING', flush=True)\nos._exit(0)"))
    add("secret", submissions.filled(A0, solved=False, extra={sw: "import os\n" + SECRET_HUNT}))
    add("write-outside", submissions.filled(A0, solved=False, extra={sw: "import os\n" + code(WRITE_OUTSIDE)}))
    add("host-files", submissions.filled(A0, solved=False, extra={sw: code(HOST_FILES)}))
    nb = submissions.filled(A0)
    nb.cells[cell_index(nb, "test_sliding_windows")].source = "pass"
    add("test-cell-pass", nb)
    nb = submissions.filled(A0)
    cell = nb.cells[cell_index(nb, sw)]
    cell.source = cell.source.replace("def sliding_windows(", "def sliding_window(")
    add("renamed", nb)
    add("network", submissions.filled(A0, solved=False, extra={sw: code(NETWORK)}))
    add("memory-bomb", add_cell_after(submissions.filled(A0), "test_sliding_windows", MEMORY_BOMB))
    nb = submissions.filled(A0, extra={sw: "import os\n" + HARD_CODED + FORGE})
    add("forged-results", add_cell_after(nb, "test_sliding_windows", "import os\n" + FORGE))
    nb = submissions.filled(A0, extra={sw: HARD_CODED})
    add("forged-computed", add_cell_after(nb, "test_sliding_windows", "import os\n" + FORGE_SW))
    nb = submissions.filled(A0, extra={sw: HARD_CODED})
    add("zz-steal-results", add_cell_after(nb, "test_sliding_windows", "import os\n" + code(STEAL_RESULTS)))
    add("killer", add_cell_after(submissions.filled(A0), "test_sliding_windows", KILLER))
    # metadata: a test cell worth 1000 points, and a new graded cell of its own worth 100
    nb = submissions.filled(A0, extra={sw: HARD_CODED})
    nb.cells[cell_index(nb, "test_sliding_windows")].metadata.nbgrader["points"] = 1000
    add_cell_after(nb, "test_sliding_windows", "print('bonus')")
    nb.cells[cell_index(nb, "test_sliding_windows") + 1].metadata["nbgrader"] = {
        "grade": True, "grade_id": "bonus", "points": 100, "locked": False, "solution": False,
        "schema_version": 3, "task": False}
    add("metadata", nb)
    # 01: forbidden routines
    add("forbid-direct", submissions.filled(A1, extra={"conv1d": CONV_DIRECT, "correlate1d": CORR_ALIAS}), A1)
    add("forbid-getattr", submissions.filled(A1, extra={"conv1d": CONV_GETATTR,
                                                        "correlate1d": CORR_GETATTR_ALIAS}), A1)
    add("forbid-bypass", submissions.filled(A1, extra={"conv1d": CONV_DEFAULT_ARG,
                                                       "correlate1d": CORR_TRIPWIRES_OFF}), A1)
    nb = submissions.filled(A1, extra={"conv1d": CONV_WRONG_ON_HIDDEN})
    add("forbid-forged", add_cell_after(nb, "test_conv1d", "import os\n" + FORGE_CONV), A1)
    add("forbid-scrubbed", submissions.filled(A1, extra={"conv1d": SCRUB_USED + CONV_DIRECT}), A1)
    add("forbid-lookup", submissions.filled(A1, extra={"conv1d": "import os\n" + LOOKUP_TABLE}), A1)
    add("forbid-thread", submissions.filled(A1, extra={"conv1d": THREAD_SERVER}), A1)
    add("forbid-process", submissions.filled(A1, extra={"conv1d": "import os\n" + PROCESS_SERVER}), A1)
    add("forbid-torch-08", submissions.filled(A8, extra={"conv_transpose2d": TORCH_TRANSPOSE,
                                                          "avg_pool2d_backward": TORCH_AVG_BACKWARD}), A8)
    add("forbid-dilated", submissions.filled(A4, extra={"conv2d": TORCH_WHEN_DILATED}), A4)
    # 02: one test cell deleted, one turned into markdown, one left alone
    nb = submissions.filled(A2)
    del nb.cells[cell_index(nb, "test_correlate2d")]
    test_conv = nb.cells[cell_index(nb, "test_convolve2d")]
    nb.cells[cell_index(nb, "test_convolve2d")] = nbformat.v4.new_markdown_cell(
        test_conv.source, metadata=test_conv.metadata, id=test_conv.get("id"))
    add("test-cells-tampered", nb, A2)
    add("earlier-solution", submissions.filled(A2, solved=False, extra={"correlate2d": "import os\n" + code(EARLIER)}), A2)

    planted = Path(f"/var/tmp/red-team-{TOKEN}")
    kept = {"site": site, "listener": listener, "attacks": attacks}

    def before():
        (planted / "solutions" / A0).mkdir(parents=True)
        (planted / "solutions" / A0 / "answer.txt").write_text(f"{PLANTED}\n")
        kept.update(repo_before=tree_hash(WATCHED), sub_before=dir_hash(sub),
                    numpy_before=hashlib.sha256((site / "numpy" / "__init__.py").read_bytes()).hexdigest())

    def after():
        listener.close()
        __import__("shutil").rmtree(planted, ignore_errors=True)
        kept.update(repo_after=tree_hash(WATCHED), sub_after=dir_hash(sub),
                    numpy_init=(kept["numpy_before"],
                                hashlib.sha256((site / "numpy" / "__init__.py").read_bytes()).hexdigest()))

    return Enrolment(set(attacks), env={"GRADER_SECRET": SECRET}, before=before, after=after, context=kept)


enrol("red team", write_attackers)


@pytest.fixture(scope="module")
def graded(graded_class):
    """This suite's view of the session's graded class (tests/one_class.py)."""
    return {**graded_class, **graded_class["suites"]["red team"].context}


TWICE = [VICTIM, "hard-coded", "loop-inside", "fork-bomb", "killer", "os-exit", "memory-bomb", "forbid-direct"]


def cell_grades(out: Path, pairs) -> dict:
    """(student, assignment, test cell) -> score, from the gradebook."""
    from nbgrader.api import Gradebook
    grades = {}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for student, aid in pairs:
            for grade in gb.find_submission_notebook(aid, aid, student).grades:
                grades[(student, aid, grade.name)] = float(grade.score)
    return grades


@pytest.fixture(scope="module")
def regraded(graded):
    """The victim and the attackers most likely to be timing-dependent, graded again."""
    import shutil
    sub2, out2 = graded["root"] / "submitted-again", graded["root"] / "out-again"
    for student in TWICE:
        shutil.copytree(graded["sub"] / student, sub2 / student)
    proc = run_grader("autograde", sub2, "--out", out2, "--cell-timeout", CELL_SECONDS,
                      "--notebook-timeout", NOTEBOOK_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out2 / "problems.csv") as fh:
        problems = [(p["student_id"], p["assignment"], p["problem"]) for p in csv.DictReader(fh)]
    return {"out": out2, "problems": sorted(problems)}


def score(graded, student, aid=A0):
    return graded["scores"][(student, aid)]


def total(aid):
    return course.points(aid)["total"]


def cell_score(graded, student, aid, test_cell):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded['out'] / 'gradebook.db'}") as gb:
        return float(gb.find_grade(test_cell, aid, aid, student).score)


def feedback(graded, student, aid=A0):
    """What a reader of the feedback HTML sees: tags stripped, entities decoded."""
    path = graded["out"] / "feedback" / student / aid / f"{aid}.html"
    return html_lib.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def outputs(graded, student, aid=A0):
    """Every output text of the autograded notebook (what ran in the sandbox)."""
    nb = nbformat.read(graded["out"] / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") if isinstance(o.get("text"), str) else "")
            parts += [str(v) for v in o.get("data", {}).values()]
            parts += [o.get("ename", ""), o.get("evalue", "")] + list(o.get("traceback", []))
    return "\n".join(parts)


def problems_of(graded, student):
    return [p["problem"] for p in graded["problems"] if p["student_id"] == student]


# --------------------------------------------------------------------------------------
# no collateral damage

def test_batch_exits_zero_and_grades_everyone(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    for student, aid in graded["attacks"].items():
        assert (student, aid) in graded["scores"], student
        assert not any(p.startswith("not graded") for p in problems_of(graded, student)), student


def test_victim_keeps_full_marks(graded):
    assert score(graded, VICTIM) == total(A0) == 1
    assert problems_of(graded, VICTIM) == []
    text = feedback(graded, VICTIM)
    assert "HiddenTestFailure" not in text and "TestCellModified" not in text


def test_repository_files_unchanged(graded):
    before, after = graded["repo_before"], graded["repo_after"]
    assert sorted(set(after) - set(before)) == []
    assert sorted(set(before) - set(after)) == []
    assert [k for k in before if before[k] != after[k]] == []
    assert graded["numpy_init"][0] == graded["numpy_init"][1]
    assert not (graded["site"] / "sitecustomize.py").exists()
    assert not list(graded["site"].glob(f"pwned-{TOKEN}*"))


def test_submissions_folder_unchanged(graded):
    assert graded["sub_after"] == graded["sub_before"]


def test_gradebook_and_grades_csv_intact(graded):
    from nbgrader.api import Gradebook
    db = graded["out"] / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM grade WHERE manual_score IS NOT NULL OR "
                           "extra_credit IS NOT NULL").fetchone()[0] == 0
        most = max(p for aid in assignment_ids() for name, p in course.points(aid).items() if name != "total")
        assert con.execute("SELECT max(max_score) FROM grade_cells").fetchone()[0] <= most
    with Gradebook(f"sqlite:///{db}") as gb:
        assert {s.id for s in gb.students} == graded["students"]   # every suite's, and nobody else
        for student, aid in graded["attacks"].items():
            sub = gb.find_submission(aid, student)
            assert float(sub.max_score) == total(aid)
            assert 0 <= float(sub.score) <= float(sub.max_score)
            assert float(sub.score) == score(graded, student, aid)
            assert not sub.needs_manual_grade, student
    for row in graded["rows"]:
        assert float(row["max_score"]) == total(row["assignment"])
        assert 0 <= float(row["score"]) <= float(row["max_score"])
        if row["student_id"] in graded["attacks"] and \
                (row["student_id"], row["assignment"]) not in graded["attacks"].items():
            assert float(row["score"]) == 0  # nbgrader lists assignments not submitted as 0


def test_no_sandbox_process_outlives_the_batch(graded):
    left = []
    for proc in Path("/proc").iterdir():
        try:
            if str(graded["out"]).encode() in (proc / "cmdline").read_bytes():
                left.append(proc.name)
        except OSError:
            continue
    assert left == []


# --------------------------------------------------------------------------------------
# the attacks

def test_sql_on_the_gradebook_fails(graded):
    assert score(graded, "sql") == 0
    ran = outputs(graded, "sql")
    assert "SQL-FAILED" in ran and "SQL-WROTE" not in ran


def test_solutions_and_other_students_cannot_be_read(graded):
    assert score(graded, "read-solutions") == 0
    ran = outputs(graded, "read-solutions")
    assert "READ-DENIED" in ran and "NO-REFERENCE" in ran
    read = [line for line in ran.splitlines() if line.startswith("READ-OK")]
    assert not [line for line in read if any(part in line for part in (
        "/solutions/", "/grader/", "/.release/", "/submitted/", "/autograded/", "/.sandbox/", VICTIM))], read
    for line in SOLUTION_LINES + [VICTIM_MARK]:
        assert line not in ran, line
        assert line not in feedback(graded, "read-solutions"), line


def test_files_elsewhere_on_the_host_cannot_be_read(graded):
    assert "HOST-FILES-DONE" in outputs(graded, "host-files")
    assert PLANTED not in outputs(graded, "host-files")
    assert PLANTED not in feedback(graded, "host-files")


def test_model_solution_of_the_graded_assignment_is_not_in_the_sandbox(graded):
    assert score(graded, "earlier-solution", A2) == 0
    seen = outputs(graded, "earlier-solution", A2)
    assert "EARLIER-REFUSED" in seen and "not closed yet" in seen
    files = re.search(r"EARLIER-FILES (\[.*?\])", seen).group(1)
    assert "signals_and_convolution.py" in files       # assignments before 02 are there
    assert "image_convolution.py" not in files and "stride_and_padding.py" not in files


def test_always_equal_objects_score_zero(graded):
    assert score(graded, "always-equal") == 0


def test_patched_numpy_scores_zero(graded):
    assert score(graded, "patch-numpy") == 0
    assert "PATCHED-NUMPY" in outputs(graded, "patch-numpy")
    assert "HiddenTestFailure" in feedback(graded, "patch-numpy")


def test_fake_harness_scores_zero(graded):
    assert score(graded, "fake-harness") == 0
    assert "FAKE-HARNESS-INSTALLED" in outputs(graded, "fake-harness")


def test_hard_coded_visible_answers_score_zero(graded):
    assert score(graded, "hard-coded") == 0
    assert "HiddenTestFailure: sliding_windows: hidden case" in feedback(graded, "hard-coded")


def test_allowed_numpy_routines_are_not_mistaken_for_forbidden_ones(graded):
    assert score(graded, "stride-tricks") == 1


def test_warnings_and_noise_cost_nothing(graded):
    assert score(graded, "noisy") == 1
    assert "stdout line" in outputs(graded, "noisy")


def test_endless_cell_after_the_tests_keeps_the_points(graded):
    assert score(graded, "loop-after") == 1
    assert "KeyboardInterrupt" in outputs(graded, "loop-after")   # stopped at the cell limit


def test_endless_graded_function_scores_zero_within_the_limits(graded):
    # an endless loop that swallows the interrupt, inside the harvest of the hidden cases
    assert score(graded, "loop-inside") == 0
    assert "CellTimeoutError" in feedback(graded, "loop-inside")


def test_cells_stopped_at_the_time_limit_are_reported(graded):
    assert any("time limit" in p for p in problems_of(graded, "loop-after"))
    assert any("time limit" in p for p in problems_of(graded, "loop-inside"))


def test_fork_bomb_is_stopped_by_the_process_limit(graded):
    assert score(graded, "fork-bomb") == 1
    match = re.search(r"FORKS (\d+) STOPPED (\w+)", outputs(graded, "fork-bomb"))
    assert match, outputs(graded, "fork-bomb")[-2000:]
    assert match.group(2) != "None" and int(match.group(1)) < Limits.processes


def test_huge_file_is_stopped_by_the_file_size_limit(graded):
    assert score(graded, "huge-file") == 1
    assert "HUGE-STOPPED" in outputs(graded, "huge-file")
    big = list((graded["out"] / ".sandbox" / "huge-file").rglob("huge.bin"))
    assert big and all(p.stat().st_size <= Limits.file_bytes for p in big)


def test_filling_the_disk_stops_at_the_working_areas_bound(graded):
    import errno
    ran = outputs(graded, "disk-fill")
    match = re.search(r"DISK-FILL (\d+) STOPPED (\w+)", ran)
    assert match, ran[-2000:]
    assert match.group(2) == str(errno.ENOSPC) and int(match.group(1)) <= Limits.disk_bytes
    assert score(graded, "disk-fill") == 1  # what ran (the test, after the filling) counts
    assert any("disk space" in p for p in problems_of(graded, "disk-fill"))
    assert "filled the disk space" in feedback(graded, "disk-fill")
    kept = sum(p.stat().st_size for p in (graded["out"] / ".sandbox" / "disk-fill").rglob("*") if p.is_file())
    assert kept <= Limits.disk_bytes
    assert score(graded, VICTIM) == 1


def test_sys_exit_after_the_tests_keeps_the_points(graded):
    assert score(graded, "sys-exit") == 1


def test_os_exit_after_the_tests_keeps_the_points(graded):
    assert score(graded, "os-exit") == 1
    assert any("did not run to the end" in p for p in problems_of(graded, "os-exit"))


def test_environment_of_the_grader_is_not_visible(graded):
    assert score(graded, "secret") == 0
    ran = outputs(graded, "secret")
    assert "ENV" in ran
    assert SECRET not in ran and SECRET not in feedback(graded, "secret")
    for student in graded["attacks"]:
        assert SECRET not in (graded["out"] / "autograded" / student).joinpath(
            graded["attacks"][student], f"{graded['attacks'][student]}.ipynb").read_text()


def test_nothing_is_written_outside_the_working_folder(graded):
    assert score(graded, "write-outside") == 0
    ran = outputs(graded, "write-outside")
    assert "WRITE-DENIED" in ran
    pwned = f"pwned*{TOKEN}*"
    for folder in [REPO, REPO / "notebooks", REPO / "grader", REPO / "solutions" / A0, REPO / "data",
                   graded["site"], Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")]:
        assert not list(folder.glob(pwned)), folder
    assert not list(graded["root"].rglob(pwned))   # OUT, the submissions, even the sandboxes' folders
    assert not (REPO / "grader" / f"pwned_{TOKEN}.py").exists()
    assert not (REPO / "notebooks" / f"{pwned}.txt").exists()
    assert (graded["out"] / "feedback" / VICTIM).is_dir()
    assert "pwned" not in (graded["out"] / "grades.csv").read_text()


def test_tampered_test_cell_scores_zero_without_manual_grading(graded):
    assert score(graded, "test-cell-pass") == 0
    assert "TestCellModified" in feedback(graded, "test-cell-pass")


def test_deleted_and_retyped_test_cells_score_zero_the_rest_counts(graded):
    s = "test-cells-tampered"
    assert cell_score(graded, s, A2, "test_correlate2d") == 0
    assert cell_score(graded, s, A2, "test_convolve2d") == 0
    assert cell_score(graded, s, A2, "test_gaussian_kernel") == course.points(A2)["gaussian_kernel"]
    assert score(graded, s, A2) == course.points(A2)["gaussian_kernel"]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded['out'] / 'gradebook.db'}") as gb:
        assert not gb.find_submission(A2, s).needs_manual_grade
        assert not gb.find_submission(A0, "test-cell-pass").needs_manual_grade


def test_renamed_function_scores_zero(graded):
    assert score(graded, "renamed") == 0


def test_no_network_from_the_sandbox(graded):
    assert score(graded, "network") == 0
    ran = outputs(graded, "network")
    assert "NETWORK-DONE" in ran and "CONNECTED" not in ran.replace("NO-CONNECTION", "")
    # (a UDP datagram to 127.0.0.1 stays on the sandbox's own loopback: nothing to assert)
    assert graded["listener"].connections == []


def test_memory_bomb_raises_memory_error_and_the_points_stay(graded):
    assert score(graded, "memory-bomb") == 1
    ran = outputs(graded, "memory-bomb")
    assert "MEMORYERROR-BIG" in ran and "MEMORYERROR-GRADUAL" in ran


def test_forged_result_files_score_zero(graded):
    assert score(graded, "forged-results") == 0
    assert "FORGED" in outputs(graded, "forged-results")


def test_results_recomputed_after_the_harvest_score_zero(graded):
    assert "FORGED-COMPUTED" in outputs(graded, "forged-computed")
    assert score(graded, "forged-computed") == 0


def test_results_linked_to_another_students_score_zero(graded):
    assert "RESULTS-LINKED" in outputs(graded, "zz-steal-results")
    assert score(graded, "zz-steal-results") == 0


def test_killing_every_process_only_ends_its_own_sandbox(graded):
    # it killed its own runner too, so no notebook came back: its earlier passing test cell
    # is not graded either (0 of 1), and the victim, graded beside it, keeps its point
    assert score(graded, "killer") == 0
    assert "did not run to the end (no notebook came back" in feedback(graded, "killer")
    assert score(graded, VICTIM) == 1


def test_a_killed_sandbox_is_reported(graded):
    assert any("did not run to the end" in p for p in problems_of(graded, "killer"))


def test_forged_metadata_earns_nothing(graded):
    assert score(graded, "metadata") == 0
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded['out'] / 'gradebook.db'}") as gb:
        assert float(gb.find_submission(A0, "metadata").max_score) == 1


def test_forbidden_routines_are_caught(graded):
    for student in ("forbid-direct", "forbid-getattr"):
        assert cell_score(graded, student, A1, "test_conv1d") == 0, student
        assert cell_score(graded, student, A1, "test_correlate1d") == 0, student
        # only what used them: continuous_convolution, clean and before both, keeps its points
        assert score(graded, student, A1) == course.points(A1)["continuous_convolution"], student
        assert "must not call ready-made convolution routines" in feedback(graded, student, A1)


def test_pytorch_in_a_graded_function_costs_that_function_only(graded):
    """08's transposed convolution and average-pool gradient computed by PyTorch lose their
    points; the notebook's other functions, the student's own, keep theirs."""
    student = "forbid-torch-08"
    for test_cell in ("test_conv_transpose2d", "test_avg_pool2d_backward"):
        assert cell_score(graded, student, A8, test_cell) == 0, test_cell
    points = course.points(A8)
    assert score(graded, student, A8) == total(A8) - points["conv_transpose2d"] - points["avg_pool2d_backward"]
    text = feedback(graded, student, A8)
    assert "called torch" in text and "must not call ready-made convolution routines" in text


def test_forbidden_routine_bound_as_default_argument_is_caught(graded):
    assert cell_score(graded, "forbid-bypass", A1, "test_conv1d") == 0


def test_forbidden_routine_with_tripwires_switched_off_is_caught(graded):
    assert cell_score(graded, "forbid-bypass", A1, "test_correlate1d") == 0


def test_forbidden_routine_used_to_forge_results_is_caught(graded):
    assert "FORGED-COMPUTED" in outputs(graded, "forbid-forged", A1)
    assert cell_score(graded, "forbid-forged", A1, "test_conv1d") == 0


def test_results_rewritten_on_their_way_out_are_caught(graded):
    assert "DUMPS-REPLACED" in outputs(graded, "forbid-scrubbed", A1)
    assert cell_score(graded, "forbid-scrubbed", A1, "test_conv1d") == 0
    assert "called numpy.convolve" in feedback(graded, "forbid-scrubbed", A1)


def test_answers_computed_beforehand_find_no_hidden_inputs(graded):
    ran = outputs(graded, "forbid-lookup", A1)
    assert "TABLE 0" in ran, ran[-2000:]
    assert cell_score(graded, "forbid-lookup", A1, "test_conv1d") == 0


def test_work_handed_to_a_thread_is_caught(graded):
    assert "THREAD-SERVING" in outputs(graded, "forbid-thread", A1)
    assert cell_score(graded, "forbid-thread", A1, "test_conv1d") == 0
    assert "a thread started by the notebook" in feedback(graded, "forbid-thread", A1)


def test_work_handed_to_a_process_is_caught(graded):
    assert "PROCESS-SERVING" in outputs(graded, "forbid-process", A1)
    assert cell_score(graded, "forbid-process", A1, "test_conv1d") == 0
    # the other functions, clean, keep their points
    assert score(graded, "forbid-process", A1) == total(A1) - course.points(A1)["conv1d"]


def test_forbidden_routine_only_for_the_dilation_is_caught(graded):
    """04's conv2d, the student's own without dilation and PyTorch's with one: the visible tests
    pass, the hidden cases' dilated calls meet the watch. Only conv2d loses its points."""
    nb = nbformat.read(graded["out"] / "autograded" / "forbid-dilated" / A4 / f"{A4}.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_conv2d"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert [e.get("ename") for e in errors] == ["HiddenTestFailure"], errors   # not the visible asserts
    assert "dilation" in errors[0].get("evalue", "") and "torch" in errors[0].get("evalue", ""), errors
    assert cell_score(graded, "forbid-dilated", A4, "test_conv2d") == 0
    assert score(graded, "forbid-dilated", A4) == total(A4) - course.points(A4)["conv2d"]
    text = feedback(graded, "forbid-dilated", A4)
    assert "dilation" in text and "must not call ready-made convolution routines" in text


def test_feedback_never_shows_instructor_files(graded):
    # (the solution's own loop line is in every solved notebook: checked for the blank ones)
    blank = {"sql", "read-solutions", "secret", "write-outside", "network", "host-files"}
    for student, aid in graded["attacks"].items():
        text = feedback(graded, student, aid)
        lines = SOLUTION_LINES if student in blank else SOLUTION_LINES[1:]
        for line in lines + ([VICTIM_MARK] if student != VICTIM else []):
            assert line not in text, (student, line)


def test_runtime_budget(graded):
    # the whole class (every suite's: tests/one_class.py) within its limits: the batch's fixed
    # cost, then a few seconds a notebook on 2 cores while the rest of the suite runs beside it
    # (9 s in CI's run of 2026-11-29, 1,206 s for 134: figures drawn, limits counted in CPU
    # seconds, the cluster tests running at the same time); an attack that stalled its worker
    # for its wall-time backstop would not fit
    notebooks = len(list((graded["out"] / "autograded").glob("*/*/*.ipynb")))
    assert graded["elapsed"] < 120 + 12 * notebooks, (graded["elapsed"], notebooks)


def test_grading_the_same_class_twice_gives_the_same_grades(graded, regraded):
    pairs = [(s, graded["attacks"][s]) for s in TWICE]
    first, second = cell_grades(graded["out"], pairs), cell_grades(regraded["out"], pairs)
    assert first and first == second
    assert regraded["problems"] == sorted((p["student_id"], p["assignment"], p["problem"])
                                          for p in graded["problems"] if p["student_id"] in TWICE)


# --------------------------------------------------------------------------------------
# the static check alone (no grading): ways to spell a forbidden routine in the student's
# code. Every one is refused, wherever it stands in the notebook.

CAUGHT = {
    "direct": "def conv1d(x, k, mode='full'):\n    return np.convolve(x, k, mode=mode)",
    "alias": "_c = np.convolve\ndef conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)",
    "getattr": "def conv1d(x, k, mode='full'):\n    return getattr(np, 'con' + 'volve')(x, k, mode=mode)",
    "getattr alias": "_c = getattr(np, 'con' + 'volve')\ndef conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)",
    "tuple alias": "_c, _d = np.convolve, 1\ndef conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)",
    "scipy": "from scipy import signal\ndef conv1d(x, k, mode='full'):\n    return signal.convolve(x, k, mode=mode)",
}
HIDDEN_SPELLINGS = {
    "assignment": "conv1d = np.convolve",
    "lambda": "_c = np.convolve\nconv1d = lambda x, k, mode='full': _c(x, k, mode=mode)",
    "default argument": "def conv1d(x, k, mode='full', _c=np.convolve):\n    return _c(x, k, mode=mode)",
    "star import": "from numpy import *\ndef conv1d(x, k, mode='full'):\n    return convolve(x, k, mode=mode)",
    "numpy submodule": ("from numpy._core.numeric import convolve as _c\n"
                        "def conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)"),
    "module __dict__": ("_c = np.__dict__['con' + 'volve']\n"
                        "def conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)"),
    "decorator": "@(lambda f: np.convolve)\ndef conv1d(x, k, mode='full'):\n    pass",
    "closure": ("def _make(c):\n    def inner(x, k, mode='full'):\n        return c(x, k, mode=mode)\n"
                "    return inner\nconv1d = _make(np.convolve)"),
    "for binding": "for _c in [np.convolve]:\n    pass\ndef conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)",
    "walrus": "if (_c := np.convolve):\n    pass\ndef conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)",
    "class attribute": ("class _K:\n    c = staticmethod(np.convolve)\n"
                        "def conv1d(x, k, mode='full'):\n    return _K.c(x, k, mode=mode)"),
    "try block": ("try:\n    _c = np.convolve\nexcept Exception:\n    pass\n"
                  "def conv1d(x, k, mode='full'):\n    return _c(x, k, mode=mode)"),
}


@pytest.mark.parametrize("source", list({**CAUGHT, **HIDDEN_SPELLINGS}.values()),
                         ids=list({**CAUGHT, **HIDDEN_SPELLINGS}))
def test_static_check_sees_forbidden_routines(source):
    from grader.static_check import student_code_findings
    assert student_code_findings(["import numpy as np", source])
