"""A real PostgreSQL server in a folder of its own, on loopback only, for tests and benchmarks.

It runs the server binaries of the distribution's package (Debian: postgresql-15); the rig
never installs them. PostgreSQL refuses to run as root, so when the rig runs as root, initdb and
the server run as the `postgres` OS user, which then owns the folder. Durability is traded for
speed (fsync off): the server only ever holds test data.

    python -m deploy.rig.postgres run [--port N] [--dir D]   # a server until Ctrl-C or SIGTERM
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from deploy.rig import tail, wait_for_stop_signal
from deploy.rig.ports import free_port

log = logging.getLogger("deploy.rig.postgres")  # not __name__: that is "__main__" under `python -m`

OS_USER = "postgres"  # the account Debian's package creates; the server runs as it under root
SUPERUSER = "postgres"  # the database superuser initdb creates (auth: trust, loopback only)

# Each setting trades durability for speed or makes room for the tests' connection pools.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "256MB",
}

# Trust, but only on the unix socket (in the server's own folder) and on loopback.
PG_HBA = """\
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
"""


def bin_dir() -> Path:
    """The folder with the server binaries (initdb, postgres).

    Looks at $RAPPORT_PG_BIN, then `pg_config --bindir`, then the newest
    /usr/lib/postgresql/<major>/bin. pg_config alone is not enough: on Debian it comes with the
    client library and may name a folder without the server.
    """
    candidates = []
    if os.environ.get("RAPPORT_PG_BIN"):
        candidates.append(Path(os.environ["RAPPORT_PG_BIN"]))
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    majors = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in majors), key=_major_version, reverse=True)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "postgres").is_file():
            return candidate
    raise RuntimeError("the PostgreSQL server binaries (initdb, postgres) were not found in $RAPPORT_PG_BIN, "
                       "`pg_config --bindir` or /usr/lib/postgresql/*/bin: install the server, on Debian/Ubuntu "
                       "with `apt-get install postgresql` (Debian 12: postgresql-15)")


def _major_version(bin_path: Path) -> int:
    match = re.fullmatch(r"\d+", bin_path.parent.name)
    return int(match.group()) if match else -1


def _initdb_locale() -> str:
    """C.UTF-8 when the C library has it (lower() and ILIKE then know non-ASCII letters), else C."""
    result = subprocess.run(["locale", "-a"], capture_output=True, text=True) if shutil.which("locale") else None
    available = {name.lower().replace("-", "") for name in (result.stdout.split() if result else [])}
    return "C.UTF-8" if "c.utf8" in available else "C"


class PostgresServer:
    """One PostgreSQL server with its data, socket and log in `workdir`, listening on 127.0.0.1.

    initdb runs on the first start only, so stop() then start() keeps the databases. The port,
    free when the object is made unless given, stays the same for the object's lifetime. Use it
    as a context manager (or call stop()) so the server never outlives its user.
    """

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir).resolve()
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.last_start_seconds: float | None = None
        self._account: pwd.struct_passwd | None = None  # the `postgres` account when we are root

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<PostgresServer 127.0.0.1:{self.port} {state} in {self.workdir}>"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def log_path(self) -> Path:
        """The server's stdout and stderr, appended to across restarts."""
        return self.workdir / "postgres.log"

    def url(self, name: str = "postgres") -> str:
        """The SQLAlchemy URL of database `name`: postgresql+psycopg://postgres@127.0.0.1:PORT/name."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{quote(name, safe='')}"

    def conninfo(self, name: str = "postgres") -> str:
        """The libpq connection string of database `name` (for psycopg.connect)."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=name, connect_timeout=5)

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> PostgresServer:
        """Start the server and return once it accepts connections; a no-op if it already runs.

        Runs initdb first if `workdir` holds no cluster yet. Raises RuntimeError with the log's
        tail if the server exits, TimeoutError if it does not accept connections in `timeout` s.
        `last_start_seconds` then holds the time taken, initdb included.
        """
        if self.is_running():
            return self
        binaries = bin_dir()
        if os.geteuid() == 0:
            try:
                self._account = pwd.getpwnam(OS_USER)
            except KeyError:
                raise RuntimeError(f"running as root, the server needs the `{OS_USER}` OS user, which the "
                                   f"distribution's postgresql package creates") from None
        started = time.monotonic()
        self._prepare_workdir()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(binaries)
        settings = {**SERVER_SETTINGS, "port": str(self.port), "unix_socket_directories": str(self.workdir)}
        command = [str(binaries / "postgres"), "-D", str(self.data_dir)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        with self.log_path.open("ab") as out:  # opened by us, so the server needs no right to the file
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            cwd=self.workdir, start_new_session=True, **self._as_owner())
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self._kill()
            raise
        self.last_start_seconds = time.monotonic() - started
        log.info("PostgreSQL ready on 127.0.0.1:%d in %.1f s (pid %d)", self.port, self.last_start_seconds,
                 self.process.pid)
        return self

    def _as_owner(self) -> dict:
        """Popen arguments that run a command as the `postgres` user when we are root."""
        if self._account is None:
            return {}
        return {"user": self._account.pw_uid, "group": self._account.pw_gid, "extra_groups": [],
                "env": {**os.environ, "HOME": self._account.pw_dir, "USER": OS_USER, "LOGNAME": OS_USER}}

    def _prepare_workdir(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        socket_path = self.workdir / f".s.PGSQL.{self.port}"
        if len(str(socket_path).encode()) > 107:  # sun_path holds 108 bytes with the final NUL
            raise RuntimeError(f"the unix socket path {socket_path} is too long for the kernel: use a shorter workdir")
        if self._account is None:
            return
        os.chown(self.workdir, self._account.pw_uid, self._account.pw_gid)
        self.workdir.chmod(0o700)
        for parent in self.workdir.parents:
            self._make_traversable(parent)

    def _make_traversable(self, folder: Path) -> None:
        """Let the `postgres` user pass through `folder` on the way to its workdir.

        Only search permission (o+x, which does not allow listing) and only inside the temporary
        directory, where pytest makes its 0700 folders; elsewhere a clear error, not a chmod.
        """
        info = folder.stat()
        if info.st_mode & stat.S_IXOTH or (info.st_uid == self._account.pw_uid and info.st_mode & stat.S_IXUSR):
            return
        if folder.is_relative_to(tempfile.gettempdir()):
            folder.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
            log.debug("granted o+x on %s so that the postgres user reaches %s", folder, self.workdir)
            return
        raise RuntimeError(f"the {OS_USER} user cannot reach {self.workdir} ({folder} is closed to it): "
                           f"use a workdir under {tempfile.gettempdir()} or open {folder} with chmod o+x")

    def _initdb(self, binaries: Path) -> None:
        # --no-sync: a crash during the tests may lose this cluster, which holds nothing of value.
        command = [str(binaries / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, "-E", "UTF8",
                   f"--locale={_initdb_locale()}", "-A", "trust", "--no-sync"]
        result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, cwd=self.workdir, **self._as_owner())
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed in {self.data_dir} (exit {result.returncode}):\n{result.stdout[-4000:]}")
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text(PG_HBA)  # rewriting keeps the owner and mode initdb gave the file

    def _wait_ready(self, deadline: float) -> None:
        import psycopg

        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited with code {self.process.returncode}; "
                                   f"{self.log_path} ends with:\n{self.log_tail()}")
            try:
                psycopg.connect(self.conninfo(), connect_timeout=2).close()
                return
            except psycopg.OperationalError as error:  # not listening yet, or "starting up"
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"PostgreSQL did not accept connections in time ({error}); "
                                       f"{self.log_path} ends with:\n{self.log_tail()}") from None
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` lines of the server's log (for error messages)."""
        return tail(self.log_path, lines)

    def create_database(self, name: str) -> str:
        """A fresh, empty database `name` (dropped first if it exists, even with open sessions); its URL."""
        import psycopg
        from psycopg import sql

        if not self.is_running():
            raise RuntimeError(f"{self!r}: start() it before creating databases")
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self, timeout: float = 30) -> None:
        """A fast shutdown (SIGINT: sessions are cut, data is kept), else SIGKILL after `timeout` s.

        Idempotent.
        """
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("PostgreSQL did not stop within %s s: killing it", timeout)
            self._kill()

    def _kill(self) -> None:
        # The whole group: the server's backends are its children, in the session it leads.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.rig.postgres", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a server until SIGINT or SIGTERM")
    run.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (default: a free one)")
    run.add_argument("--dir", type=Path, default=Path("var/postgres"), help="data, socket and log (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # no client-library chatter
    logging.getLogger("deploy.rig").setLevel(logging.INFO)

    stop = wait_for_stop_signal()
    server = PostgresServer(args.dir, port=args.port)
    try:
        server.start()
        print(f"{server.url()}  (PostgreSQL, started in {server.last_start_seconds:.1f} s; "
              f"log {server.log_path}; Ctrl-C stops it)", flush=True)
        while not stop.wait(0.5):
            if not server.is_running():
                print(f"the server exited on its own:\n{server.log_tail()}", file=sys.stderr)
                return 1
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
