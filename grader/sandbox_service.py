"""The sandbox as a local service, for graders that cannot start it themselves.

The sandbox (grader/sandbox.py) mounts a tmpfs and drops to a uid of its own, which needs
root. On the hub, formgrader's Autograde button and `nbgrader autograde` run in the
instructor's Jupyter server, as the instructor's Linux user: there SandboxExecute sends
each notebook here instead, and gets back what came out of the sandbox. Everything else
(sanitizing, the trusted verdicts, the gradebook) stays in the instructor's process.

    python -m grader sandbox-service --socket PATH --group GROUP     (as root)

Only root and members of GROUP may connect (the socket's mode and owner, and each peer's
credentials, checked). One run per connection:

    request:  a JSON line {"assignment": ID, "limits": {...}, "notebook": N, "cases": M},
              then N bytes of notebook (in.ipynb) and M bytes of hidden cases' inputs
    reply:    a JSON line {"status": ..., "disk_full": bool, "notebook": K or null,
              "error": only if the request was refused}, then K bytes (out.ipynb)

What comes back is the sandbox's output, as untrusted as ever: the client parses it as
data (TrustedVerdicts). The service prepares once what every run needs: each assignment's
convcourse.earlier and matplotlib's font cache.
"""
from __future__ import annotations

import grp
import json
import os
import pwd
import socket
import socketserver
import struct
from pathlib import Path

from .sandbox import Limits, RunResult, SandboxUnavailable, check_available, wall_seconds
from .sandbox_host import Ran, SandboxHost, received

MAX_NOTEBOOK = 64 * 2**20
MAX_CASES = 512 * 2**20
MAX_HEADER = 64 * 2**10
# what a client may ask for: generous, but bounded
CAPS = {"cell_seconds": 3600, "notebook_seconds": 4 * 3600, "memory_bytes": 32 * 2**30, "disk_bytes": 8 * 2**30}


def _read_line(stream, limit: int) -> dict:
    line = stream.readline(limit + 1)
    if not line.endswith(b"\n"):
        raise ValueError("the header line is missing or too long")
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("the header is not a JSON object")
    return value


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError(f"expected {size} bytes, got {len(data)}")
    return data


def _limits(asked) -> Limits:
    if not isinstance(asked, dict):
        raise ValueError("limits must be an object")
    values = {}
    for key, cap in CAPS.items():
        value = asked.get(key, getattr(Limits, key))
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= cap:
            raise ValueError(f"limits.{key} must be an integer from 1 to {cap}")
        values[key] = value
    return Limits(**values)


def _peer_allowed(sock: socket.socket, gid: int) -> bool:
    """root, or a user whose groups include `gid` (SO_PEERCRED: what the kernel says the
    connecting process is, not what it claims)."""
    _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    if uid == 0:
        return True
    try:
        user = pwd.getpwuid(uid)
    except KeyError:
        return False
    return gid in os.getgrouplist(user.pw_name, user.pw_gid)


class _Service(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, gid: int, host: SandboxHost):
        self.gid, self.host = gid, host
        super().__init__(str(path), _Handler)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        server: _Service = self.server
        reply: dict = {"status": "refused", "disk_full": False, "notebook": None}
        body = b""
        try:
            if not _peer_allowed(self.request, server.gid):
                raise PermissionError("not a member of the grading group")
            head = _read_line(self.rfile, MAX_HEADER)
            from .course import assignment_ids

            aid = head.get("assignment")
            if aid not in assignment_ids():
                raise ValueError(f"unknown assignment {str(aid)[:40]!r}")
            limits = _limits(head.get("limits", {}))
            sizes = head.get("notebook"), head.get("cases")
            if not all(isinstance(n, int) and 0 < n <= cap for n, cap in zip(sizes, (MAX_NOTEBOOK, MAX_CASES))):
                raise ValueError("notebook or cases size missing or too large")
            notebook, cases = _read_exactly(self.rfile, sizes[0]), _read_exactly(self.rfile, sizes[1])
        except (ValueError, PermissionError, OSError) as exc:
            reply["error"] = str(exc)[:300]
        else:
            reply, body = self.run(aid, limits, notebook, cases)
        self.wfile.write(json.dumps(reply).encode() + b"\n" + body)

    def run(self, aid: str, limits: Limits, notebook: bytes, cases: bytes):
        ran = self.server.host.run(aid, limits, notebook, cases)
        body = ran.notebook or b""
        reply = {"status": ran.status, "disk_full": ran.disk_full,
                 "notebook": len(body) if ran.notebook is not None else None}
        return reply, body


def serve(path: Path, group: str) -> None:
    """Listen on `path` until stopped (SIGTERM or Ctrl+C); root only."""
    check_available()
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise SandboxUnavailable(f"no such group: {group} (create it, and add the instructors)") from None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    others = [p.name for p in path.parent.iterdir() if p != path]
    if others or path.parent.is_symlink():  # it is made the group's alone: never /tmp or a shared folder
        raise SandboxUnavailable(f"the socket needs a folder of its own, made group-only: {path.parent} "
                                 f"holds {', '.join(sorted(others)[:3]) or 'a link'}")
    os.chown(path.parent, 0, gid)
    os.chmod(path.parent, 0o750)  # the group may reach the socket; nobody else
    if path.is_socket():
        path.unlink()
    host = SandboxHost("sandbox service")  # each assignment's earlier package and the font cache, made once
    try:
        server = _Service(path, gid, host)
        os.chown(path, 0, gid)
        os.chmod(path, 0o660)
        import signal

        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        print(f"sandbox service: listening on {path} for root and group {group}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            path.unlink(missing_ok=True)
    finally:
        host.close()


def run_remote(path: Path, workdir: Path, cases: bytes, limits: Limits, assignment: str) -> RunResult:
    """Run workdir/in.ipynb through the service at `path`; workdir/out.ipynb is what came
    back. Raises SandboxUnavailable (with what to do) if the service cannot be reached or
    refused the run."""
    notebook = (workdir / "in.ipynb").read_bytes()
    head = {"assignment": assignment, "notebook": len(notebook), "cases": len(cases),
            "limits": {key: getattr(limits, key) for key in CAPS}}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(wall_seconds(limits) + 60)
            sock.connect(str(path))
            sock.sendall(json.dumps(head).encode() + b"\n" + notebook + cases)
            stream = sock.makefile("rb")
            reply = _read_line(stream, MAX_HEADER)
            size = reply.get("notebook")
            body = _read_exactly(stream, size) if isinstance(size, int) and 0 <= size <= MAX_NOTEBOOK else None
    except (OSError, ValueError) as exc:
        raise SandboxUnavailable(f"the grader's sandbox service at {path} cannot be reached ({exc}); it runs "
                                 "with the hub (./course hub), as root") from None
    if reply.get("error"):
        raise SandboxUnavailable(f"the grader's sandbox service refused the run: {reply['error']}")
    return received(workdir, Ran(reply.get("status", "unknown"), reply.get("disk_full") is True, body))
