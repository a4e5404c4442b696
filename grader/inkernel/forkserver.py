"""The fork server: a process that imported once what every sandboxed run imports (the
runner's nbformat and nbclient, the kernel's ipykernel, numpy and matplotlib) and forks
each notebook's runner into the sandbox that bubblewrap built for it. The runner then
forks the kernel (warm.py), so a notebook starts in milliseconds instead of two new
Python processes and their imports.

It runs outside the sandbox, as root, one per grading process (grader/sandbox.py starts
it by exec, with the sandbox's environment but no PYTHONPATH, and talks to it over a
socket). It imports nothing of the grader, only from folders the sandbox shows too, and
never holds a secret: its memory, which every runner and kernel starts from, is the
libraries' alone. It only forks: its child reads the order, and the hidden cases go from
the grader to the runner through a pipe whose end it passes on unread. For each notebook:

1. bubblewrap builds the sandbox as for any run (namespaces, the allowlisted binds, the
   working area) and runs a placeholder in it, as a root without capabilities, which
   the slot's uid cannot signal;
2. a child of this server joins the placeholder's namespaces (`setns`), after checking
   they are the ones bubblewrap reported, and takes the sandbox's root and working folder;
3. it forks the runner, which is in the sandbox's PID namespace, and which takes what
   `prlimit` and `setpriv` give a started runner: the limits, the slot's uid and no
   groups, no capabilities (checked), no_new_privs; then a new session, the sandbox's
   environment, the hidden cases on its standard input, and `python runner.py ARGS` as
   `sys.argv`.

The child reports the runner's exit status, or why the runner never started (the
grader's failure, which the grader retries). When the placeholder ends, so does every
process in the sandbox (its PID namespace goes with it), as when bubblewrap's command ends.

Usage (by grader/sandbox.py): python forkserver.py SOCKET_FD SHOWN_FOLDERS_JSON
"""
import ctypes
import gc
import json
import os
import resource
import signal
import socket
import sys

from uri_grammar import skip_uri_grammar

# join these in this order, the mount namespace last (its fd was opened before)
NAMESPACES = (("pid", 0x20000000), ("ipc", 0x08000000), ("uts", 0x04000000), ("net", 0x40000000),
              ("cgroup", 0x02000000), ("mnt", 0x00020000))
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
LIMITS = {"data": resource.RLIMIT_DATA, "as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU,
          "nproc": resource.RLIMIT_NPROC, "fsize": resource.RLIMIT_FSIZE, "core": resource.RLIMIT_CORE}
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


# Libraries only (their files are at the same paths inside the sandbox), none that acts on
# importing: not ipywidgets or matplotlib_inline's backend, which register with the running
# IPython when imported, nor the harness, which takes the hidden cases.
PRELOADED = (
    # the runner's
    "nbformat", "nbclient", "jupyter_client.provisioning.local_provisioner",
    # the kernel's, and what it imports as it starts or shows an error
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.logger", "IPython.core.oinspect",
    "IPython.core.pylabtools", "IPython.extensions.storemagic", "stack_data", "pygments.formatters.terminal256",
    "psutil", "sqlite3", "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio", "pdb",
    # the notebooks'
    "numpy", "numpy.random", "matplotlib.pyplot", "matplotlib.backends.backend_agg", "PIL.Image",
    "PIL.JpegImagePlugin", "PIL.PngImagePlugin",
    "convcourse", "convcourse.testing", "convcourse.images", "convcourse.volumes", "convcourse.prerequisites",
    "convcourse.fields", "convcourse.training", "convcourse.timing", "convcourse.summaries", "convcourse.signals",
    "convcourse.gradients",
)


def preload():
    """What a runner and its kernel import, here once."""
    import importlib
    skip_uri_grammar()  # before nbformat, as in runner.py
    del sys.modules["uri_grammar"]  # imported from outside: the runner imports the sandbox's
    for name in PRELOADED:
        importlib.import_module(name)
    # the earlier assignments' solutions: each sandbox binds its own, or none
    assert not any(name.startswith("convcourse.earlier") for name in sys.modules)


class NotStarted(Exception):
    """The runner could not be started in the sandbox: the grader's failure, not the notebook's."""


def enter(order, cases_fd):
    """In a child of the server: join the sandbox, fork the runner into it, wait for it.
    Returns the runner's exit status; raises NotStarted if it never ran."""
    # everything of the placeholder through one handle: if it ended and its pid was reused,
    # these opens fail instead of reaching another process's namespaces or root
    proc = os.open(f"/proc/{order['holder']}", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    opened = []
    for name, flag in NAMESPACES:
        expected = order["namespaces"].get(name)
        if expected is None and name == "cgroup":
            continue  # --unshare-cgroup-try did not: the sandbox has this process's
        fd = os.open(f"ns/{name}", os.O_RDONLY | os.O_CLOEXEC, dir_fd=proc)
        if os.fstat(fd).st_ino != expected:
            raise NotStarted(f"the placeholder's {name} namespace is not the sandbox's")
        opened.append((fd, flag))
    root = os.open("root", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=proc)
    for fd, flag in opened:
        _check(_libc.setns(fd, flag))
        os.close(fd)
    os.fchdir(root)
    os.chroot(".")
    os.close(root)
    os.close(proc)
    os.chdir(order["workdir"])
    failed_read, failed_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 126
        try:
            os.close(failed_read)
            code = become_runner(order, cases_fd, failed_write)
        finally:
            os._exit(code)
    os.close(cases_fd)
    os.close(failed_write)
    with os.fdopen(failed_read, "rb") as fh:
        failure = fh.read(4096)  # the end comes as the runner starts (closerange) or fails to
    _, status = os.waitpid(pid, 0)
    if failure:
        raise NotStarted(failure.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)


def become_runner(order, cases_fd, failed):
    """In the sandbox's PID namespace: take what a runner started by bubblewrap, prlimit
    and setpriv would have, then run runner.py. Returns its exit status. What goes wrong
    before the runner starts is written to `failed`, which is closed as it starts."""
    try:
        os.setsid()
        for name, value in order["limits"].items():
            resource.setrlimit(LIMITS[name], (value, value))
        uid = order["uid"]
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # from root to another uid: no capabilities left
        if os.getresuid() != (uid, uid, uid) or _capabilities() != 0:
            raise RuntimeError("the runner kept root's identity or a capability")
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        # the uid change cleared it; the parent is outside this PID namespace (ppid 0)
        _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0))
        if os.getppid() != 0:
            raise RuntimeError("the fork server's child ended")
        os.dup2(cases_fd, 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
    except BaseException as exc:  # noqa: BLE001 - the grader's failure, reported as such
        os.write(failed, f"{type(exc).__name__}: {exc}".encode()[:4000])
        return 126
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # `failed` too: the runner has started
    os.environ.clear()
    os.environ.update(order["env"])
    runner = order["argv"][0]
    sys.argv = list(order["argv"])
    # `python runner.py` with PYTHONPATH: its folder, then PYTHONPATH's, then the interpreter's
    sys.path[:1] = [os.path.dirname(runner)] + [p for p in order["env"].get("PYTHONPATH", "").split(":") if p]
    import importlib
    importlib.invalidate_caches()
    sys.path_importer_cache.clear()
    import runpy
    try:
        runpy.run_path(runner, run_name="__main__")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - as an uncaught exception ends `python runner.py`
        import traceback
        traceback.print_exc()
        return 1
    return 0


def _capabilities():
    """This process's effective and permitted capability sets, or-ed (0: none)."""
    with open("/proc/self/status") as fh:
        fields = dict(line.split(":\t", 1) for line in fh.read().splitlines() if ":\t" in line)
    return int(fields["CapEff"], 16) | int(fields["CapPrm"], 16)


def serve(sock):
    """Each order is a message of one byte with two file descriptors: the run's own socket,
    on which the child that runs it reads the order (JSON) and answers {"exit": status} or
    {"error": why it could not start the runner}, and the read end of the hidden cases'
    pipe. Runs go on side by side. The server only forks: it never reads an order, so its
    memory, which every later runner and kernel starts from, holds none of them."""
    while True:
        message, fds, _, _ = socket.recv_fds(sock, 16, 2)
        if not message:
            return  # the grading process is gone
        while True:  # children that ended since
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if len(fds) == 2 and os.fork() == 0:
            try:
                gc.enable()
                sock.close()
                run(*fds)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)


def run(run_fd, cases_fd):
    """One order, in a child of the server (which it outlives: the sandbox ends with the
    placeholder, whatever happens here)."""
    with socket.socket(fileno=run_fd) as conn:
        try:
            reply = {"exit": enter(json.loads(conn.recv(1 << 16)), cases_fd)}
        except BaseException as exc:  # noqa: BLE001 - the runner never ran
            reply = {"error": f"{type(exc).__name__}: {exc}"[:4000]}
        try:
            conn.send(json.dumps(reply).encode())
        except OSError:
            pass  # the grader gave up on this run


def as_the_sandbox_sees(path, seen):
    """sys.path without the folders the sandbox does not show (a new Python in it leaves
    them out: `site` adds a .pth's folder only if it exists), so that what this server
    imports is what the sandbox would; its own folder (the sandbox shows it as /tmp/.harness)
    stays first."""
    def shown(folder):
        folder = os.path.abspath(folder)
        return any(folder == root or folder.startswith(root + os.sep) or root.startswith(folder + os.sep)
                   for root in seen)
    return path[:1] + [folder for folder in path[1:] if shown(folder)]


def main(fd, seen):
    sys.path[:] = as_the_sandbox_sees(sys.path, json.loads(seen))
    sock = socket.socket(fileno=int(fd))
    gc.disable()  # as the gc module advises before fork without exec: no holes in shared pages,
    preload()
    gc.freeze()   # and no collection in a child writes to the objects it shares
    if len(os.listdir("/proc/self/task")) != 1:  # setns into a mount namespace needs one thread
        raise SystemExit("fork server: the preloaded libraries started a thread")
    sock.sendall(b"ready")
    serve(sock)


if __name__ == "__main__":
    main(*sys.argv[1:])
