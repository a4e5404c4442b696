"""The kernel, forked from the runner instead of started as a new Python.

`prefork()` forks, before the runner has a thread, an event loop or a ZMQ context, the
process that becomes the kernel; it waits for the command jupyter_client would have run.
`launch_kernel` (in place of jupyter_client's, which nbclient reaches through its local
provisioner) sends it that command and returns a Popen-like handle. The kernel so starts
with whatever the runner had imported: when the fork server (forkserver.py) started the
runner, that is ipykernel, numpy and matplotlib, and the kernel's start costs
milliseconds instead of a new interpreter and its imports. Anything else than
`python -m ipykernel_launcher ...` is run by exec, as jupyter_client would.

What the notebook can see is what a kernel started by jupyter_client sees (the test:
tests/test_sandbox.py::test_a_forked_kernel_looks_like_a_started_one): its arguments,
environment, working folder, standard streams, session, `sys.path`, fresh random states
and matplotlib's configuration folder.
"""
import functools
import json
import os
import signal
import sys

LAUNCHER = ("-m", "ipykernel_launcher")


class ForkedKernel:
    """The parts of subprocess.Popen that jupyter_client and the runner use."""
    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def _reaped(self, flags):
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:
            pid, status = self.pid, 0
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)

    def poll(self):
        if self.returncode is None:
            self._reaped(os.WNOHANG)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            self._reaped(0)
        return self.returncode

    def send_signal(self, signum):
        if self.returncode is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


_waiting = None  # (pid, write end of its pipe) of the process that becomes the kernel


def prefork():
    """Fork the process that becomes the kernel. Call before any thread, event loop or
    ZMQ context exists in this process, and before it holds anything the kernel must not."""
    global _waiting
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(write)
            # Popen(start_new_session=True) does it before exec: jupyter_client then
            # interrupts the kernel's process group, which must not be the runner's
            os.setsid()
            _become_kernel(read)
        finally:
            os._exit(1)
    os.close(read)
    _waiting = (pid, write)


def launch_kernel(cmd, stdin=None, stdout=None, stderr=None, env=None, independent=False, cwd=None, **kw):
    """jupyter_client.launcher.launch_kernel for the forked process: the same command,
    environment and working folder, standard output and error inherited from here."""
    global _waiting
    if _waiting is None or stdin is not None or stdout is not None or stderr is not None or independent:
        raise RuntimeError("warm.launch_kernel: one kernel per prefork(), with the runner's own streams")
    pid, write = _waiting
    _waiting = None
    env = dict(os.environ if env is None else env)
    env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client: the kernel exits with its parent
    with os.fdopen(write, "w") as fh:
        json.dump({"cmd": [os.path.expanduser(s) for s in cmd], "env": env, "cwd": cwd or os.getcwd()}, fh)
    return ForkedKernel(pid)


def _become_kernel(read):
    with os.fdopen(read) as fh:
        text = fh.read()
    if not text:  # the runner ended without a kernel
        os._exit(0)
    order = json.loads(text)
    cmd, env, cwd = order["cmd"], order["env"], order["cwd"]
    # what Popen(stdin=PIPE, close_fds=True, cwd=cwd) gives the kernel
    stdin_read, stdin_write = os.pipe()
    os.close(stdin_write)
    os.dup2(stdin_read, 0)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir(cwd)
    if list(cmd[1:3]) != list(LAUNCHER):
        os.execvpe(cmd[0], cmd, env)
    os.environ.clear()
    os.environ.update(env)
    import importlib.util
    import runpy
    # `python -m ipykernel_launcher ARGS`: the launcher drops the working folder from
    # sys.path and IPython puts it back; PYTHONPATH's folders come first, as at start-up
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin] + list(cmd[3:])
    sys.path[:] = _start_path(env)
    _as_if_new()
    from ipykernel import kernelapp
    # read from the environment when ipykernel was imported, maybe before this kernel's
    kernelapp.launch_new_instance = functools.partial(kernelapp.IPKernelApp.launch_instance,
                                                      parent_handle=int(env["JPY_PARENT_PID"]))
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    sys.stdout.flush()
    os._exit(0)


def _start_path(env):
    """sys.path as a new `python -m` would have it after ipykernel_launcher removed the
    working folder: PYTHONPATH's folders, then the interpreter's own."""
    extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    own = sys.path[1:]  # the runner's as it started: its folder first, then the same
    for folder in extra:
        if folder in own:
            own.remove(folder)
    return extra + own


def _as_if_new():
    """Undo what a process that did not start as this kernel leaves behind."""
    try:  # a new process is dumpable; one whose uid changed (the fork server's) is not
        import ctypes
        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # noqa: BLE001 - only /proc/self's owner depends on it
        pass
    if sys.modules.get("rfc3987_syntax", 0) is None:  # uri_grammar's, for the runner's nbformat
        del sys.modules["rfc3987_syntax"]
    if "numpy" in sys.modules:  # numpy seeds its global generator from the OS at import
        sys.modules["numpy"].random.seed()
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:  # it found its folders at import, under the fork server's variables
        for name in ("get_configdir", "get_cachedir"):
            _forget(getattr(matplotlib, name))
    import importlib
    importlib.invalidate_caches()
    sys.path_importer_cache.clear()


def _forget(cached):
    """Reset one of matplotlib's _logged_cached functions, so that its next call computes."""
    names = cached.__code__.co_freevars
    if "called" in names:
        cached.__closure__[names.index("called")].cell_contents = False
