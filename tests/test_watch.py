"""The watch of a graded call (grader/inkernel/watch.py): what it sees, what it lets be,
and that it tells library code from the student's through symbolic links."""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from grader.course import REPO
from grader.inkernel import forbidden
from grader.inkernel.watch import Watch


def watched(func, *args, count_lines=False):
    watch = Watch(count_lines)
    try:
        watch.call(func, args, {})
    except Exception:  # noqa: BLE001 - what was used counts even when the call fails
        pass
    return watch


X, K = np.arange(30.0), np.array([1.0, -2.0, 0.5])


def test_forbidden_routines_are_seen_however_bound():
    import scipy.ndimage
    import scipy.signal
    from numpy.polynomial import polynomial
    alias = np.convolve
    ways = {
        "numpy.convolve": [lambda x, k: np.convolve(x, k), lambda x, k: alias(x, k),
                           lambda x, k, _c=np.convolve: _c(x, k), lambda x, k: getattr(np, "con" + "volve")(x, k),
                           lambda x, k: np.__dict__["convolve"](x, k)],
        "numpy.correlate": [lambda x, k: np.correlate(x, k, "valid")],
        "numpy.polymul": [lambda x, k: np.polymul(x, k)],
        "numpy.polynomial": [lambda x, k: polynomial.polymul(x, k)],
        "scipy.signal": [lambda x, k: scipy.signal.fftconvolve(x, k), lambda x, k: scipy.signal.oaconvolve(x, k)],
        "scipy.ndimage": [lambda x, k: scipy.ndimage.correlate1d(x, k), lambda x, k: scipy.ndimage.maximum_filter(x, 3)],
    }
    for routine, funcs in ways.items():
        for func in funcs:
            used = watched(func, X, K).used
            assert used and used[0].startswith(routine), (routine, used)


def test_torch_is_seen_as_a_whole_package():
    torch = pytest.importorskip("torch")
    t = torch.ones(1, 1, 5, 5)
    used = watched(lambda: torch.nn.functional.conv2d(t, t[:, :, :3, :3])).used
    assert used and used[0].startswith("torch")


def test_numpy_arithmetic_is_allowed():
    def vectorised(x, k):
        windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, 2), len(k))
        return np.einsum("ij,j->i", windows, k[::-1]) + np.fft.irfft(np.fft.rfft(x)).sum() + np.tensordot(k, k, 1)

    assert watched(vectorised, X, K).used == []


def test_reaching_around_the_watch_is_seen():
    def switch_off(x, k):
        sys.setprofile(None)
        return np.convolve(x, k)

    def thread(x, k):
        out = []
        t = threading.Thread(target=lambda: out.append(np.convolve(x, k)))
        t.start()
        t.join()
        return out[0]

    def shell(x, k):
        os.system("true")
        return x

    def frames(x, k):
        return sys._getframe(1).f_globals

    assert "sys.setprofile" in watched(switch_off, X, K).used
    assert "_thread.start_new_thread" in watched(thread, X, K).used
    assert "posix.system" in watched(shell, X, K).used
    assert "sys._getframe" in watched(frames, X, K).used
    assert all(name in forbidden.UNWATCHED_NAMES for name in
               ("sys.setprofile", "_thread.start_new_thread", "posix.system", "sys._getframe"))
    assert sys.getprofile() is None  # the hook never outlives the call


def test_the_hook_is_restored_and_exceptions_pass_through():
    def fails(x, k):
        np.convolve(x, k)
        raise ValueError("mine")

    watch = Watch()
    with pytest.raises(ValueError, match="mine"):
        watch.call(fails, (X, K), {})
    assert watch.used[0] == "numpy.convolve" and sys.getprofile() is None


def test_lines_of_library_code_are_not_counted():
    def loop(x, k):
        out = np.zeros(len(x))
        for i in range(len(x)):
            out[i] = x[i]
        return out

    assert watched(lambda x, k: np.pad(np.convolve(x, k), 3).sum(), X, K, count_lines=True).lines <= 2
    assert watched(loop, X, K, count_lines=True).lines >= 2 * len(X)


def test_library_code_reached_through_a_symlinked_venv_is_not_counted(tmp_path):
    """A venv behind a linked folder reports numpy's code under the linked path: the
    counter and the module names must resolve it (once, numpy's lines counted as the
    student's and 09's model solutions failed)."""
    link = tmp_path / "linked-venv"
    link.symlink_to(sys.prefix, target_is_directory=True)
    code = textwrap.dedent("""
        import sys, numpy as np
        assert sys.prefix.startswith(%r), sys.prefix
        assert np.__file__.startswith(%r), np.__file__
        from grader.inkernel.watch import Watch
        w = Watch(count_lines=True)
        w.call(lambda: np.pad(np.einsum("ij,j->i", np.ones((40, 3)), np.ones(3)), 2).sum(), (), {})
        w2 = Watch()
        w2.call(lambda: np.convolve(np.ones(5), np.ones(2)), (), {})
        print(w.lines, w2.used)
    """ % (str(link), str(link)))
    proc = subprocess.run([str(link / "bin" / "python"), "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines, used = proc.stdout.split(" ", 1)
    assert int(lines) <= 2 and "numpy.convolve" in used
