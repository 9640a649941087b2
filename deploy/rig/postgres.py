"""A real PostgreSQL server in a folder of its own, on loopback, for tests and benchmarks.

Uses the server binaries of Debian's `postgresql` package (the test command installs it). As
root, initdb and the server run as the `postgres` user, since PostgreSQL refuses to run as root.
Durability is traded for speed (fsync off): this server holds only test data.

    python -m deploy.rig.postgres run [--port N]   # a server until Ctrl-C; prints its URL
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from deploy.rig.ports import free_port


def bin_dir() -> Path:
    """The folder with initdb, pg_ctl and postgres."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if candidates:
        return Path(candidates[-1])
    if shutil.which("pg_config"):
        found = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
        if (found / "initdb").exists():
            return found
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")


class PostgresServer:
    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self._as_postgres = os.geteuid() == 0

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    def _run_as(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else args

    def start(self, timeout: float = 60) -> "PostgresServer":
        binaries = bin_dir()
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.workdir, "postgres", "postgres")
            self.workdir.chmod(0o755)
            for parent in self.workdir.parents:  # the postgres user must reach its folder
                if parent.stat().st_mode & 0o001 == 0 and str(parent).startswith(("/tmp", "/var/tmp")):
                    parent.chmod(parent.stat().st_mode | 0o001)
        if not (self.data / "PG_VERSION").exists():
            subprocess.run(self._run_as([str(binaries / "initdb"), "-D", str(self.data), "-U", "postgres",
                                         "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust"]),
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        options = {"listen_addresses": "127.0.0.1", "port": str(self.port), "unix_socket_directories": str(self.workdir),
                   "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                   "max_connections": "200", "shared_buffers": "256MB"}
        args = [str(binaries / "postgres"), "-D", str(self.data)]
        for name, value in options.items():
            args += ["-c", f"{name}={value}"]
        log = (self.workdir / "postgres.log").open("ab")
        self.process = subprocess.Popen(self._run_as(args), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while subprocess.run([str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]).returncode:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.workdir / "postgres.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"PostgreSQL did not start:\n{tail}")
            time.sleep(0.1)
        return self

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database (dropped first if it exists); its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)  # "fast" shutdown; the group reaches past runuser
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.rig.postgres", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--dir", type=Path, default=Path("var/postgres"))
    args = parser.parse_args(argv)
    server = PostgresServer(args.dir.resolve(), port=args.port).start()
    print(f"{server.url()} ; Ctrl-C stops it", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
