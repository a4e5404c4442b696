"""A throwaway PostgreSQL server for the gradebook tests: Debian's server binaries
(`apt-get install postgresql`), a cluster of its own in a temporary folder, on a free
port of 127.0.0.1, with its socket inside that folder and trust authentication. Whatever
cluster or service the package set up (Debian creates `main` on 5432) is never used: the
server checks it is talking to its own data folder.

    with started() as server:
        url = server.new_database()   # postgresql+psycopg2://postgres@127.0.0.1:PORT/gradebook_1
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import REPO

DEBIAN_ROOT = Path("/usr/lib/postgresql")   # Debian's layout: /usr/lib/postgresql/<major>/bin
USER = "postgres"                           # initdb and the server refuse to run as root
MEASURED = REPO / "out" / "postgres"        # measured times, for people to look at


def record(line: str) -> None:
    """Print a measurement and keep it in out/postgres/times.txt."""
    print(line)
    MEASURED.mkdir(parents=True, exist_ok=True)
    with open(MEASURED / "times.txt", "a") as fh:
        fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  {line}\n")


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries: the tests that need one fail with this."""


def _version_key(folder: Path) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in folder.name.split("."))
    except ValueError:
        return (-1,)


def find_bin_dir(root: Path = DEBIAN_ROOT) -> Path:
    """The newest `root/<major>/bin` with initdb, pg_ctl and postgres (newest by number: 15 over 9.6)."""
    found = [d / "bin" for d in (root.iterdir() if root.is_dir() else ())
             if all(os.access(d / "bin" / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres"))]
    if not found:
        raise PostgresMissing(
            f"PostgreSQL's server binaries were not found (looked for {root}/*/bin/initdb, pg_ctl and postgres). "
            "The gradebook tests start a throwaway server of their own: install Debian's package as root, "
            "apt-get install postgresql (./course test does so when run as root).")
    return max(found, key=lambda b: _version_key(b.parent))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    """As root, run `cmd` as the postgres user (initdb refuses root); otherwise as we are."""
    return ["runuser", "-u", USER, "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], what: str, cwd: Path, log: Path | None = None) -> None:
    # cwd: a folder the postgres user can enter (the repository may not be one)
    proc = subprocess.run(_as_owner(cmd), cwd=cwd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                           f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}{tail}")


@dataclass
class Server:
    bin_dir: Path
    root: Path          # the temporary folder: data/, the socket, server.log
    port: int
    start_seconds: float = 0.0
    _databases: int = field(default=0, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        # psycopg2 named: SQLAlchemy 2's bare postgresql:// means psycopg 3, which we do not install
        return f"postgresql+psycopg2://{USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg2
        return psycopg2.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database)

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def new_database(self, log_statements: bool = False) -> str:
        """A new, empty database (no tables); its URL. With log_statements, every statement
        run in it goes to the server's log, in the order the server ran them (statements())."""
        self._databases += 1
        name = f"gradebook_{self._databases}"
        conn = self.connect()
        try:
            conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
                if log_statements:
                    cur.execute(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'")
        finally:
            conn.close()
        return self.url(name)

    def statements(self, since: int = 0) -> list[str]:
        """The first line of every statement logged after byte `since` of the log, in order."""
        text = self.log.read_bytes()[since:].decode("utf-8", errors="replace")
        return re.findall(r"LOG:  statement: (.*)", text)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            # throwaway data: no need for a clean shutdown
            subprocess.run(_as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                      "-w", "stop"]), cwd=self.root, capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start(bin_dir: Path | None = None) -> Server:
    """initdb a new cluster in a temporary folder and start it; stopped and removed again
    if anything fails on the way."""
    begin = time.monotonic()
    bin_dir = bin_dir or find_bin_dir()
    # in the system's temporary folder, not pytest's (0700, root's): the postgres user must reach it
    root = Path(tempfile.mkdtemp(prefix="conv-course-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, USER, USER)
    server = Server(bin_dir, root, _free_port())
    try:
        # no fsync, a C locale: the cluster is thrown away, and its sort order is the same everywhere
        _run([str(bin_dir / "initdb"), "-D", str(server.data), "-U", USER, "--auth=trust", "--encoding=UTF8",
              "--locale=C", "--no-sync"], "initdb", root)
        options = (f"-p {server.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        _run([str(bin_dir / "pg_ctl"), "-D", str(server.data), "-l", str(server.log), "-o", options,
              "-w", "-t", "60", "start"], "starting PostgreSQL", root, log=server.log)
        conn = server.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW data_directory")
                serving = cur.fetchone()[0]
        finally:
            conn.close()
        # another server on that port (the package's own, say) would answer too
        if Path(serving).resolve() != server.data.resolve():
            raise RuntimeError(f"port {server.port} is served from {serving}, not from our {server.data}")
    except BaseException:
        server.stop()
        raise
    server.start_seconds = time.monotonic() - begin
    return server


@contextlib.contextmanager
def started(bin_dir: Path | None = None):
    server = start(bin_dir)
    try:
        yield server
    finally:
        server.stop()
