"""`python -m services`: the whole product on one machine, on embedded defaults.

Starts the four services, their bus consumers and the local mail sink as child processes, waits
until each answers, prints where everything is, and stops them all on Ctrl-C (or when one dies).
Secrets are generated once into <data dir>/secrets.env, so badges printed today still verify
after a restart.
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

from shared.config import Settings
from shared.events import ALL_TOPICS
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url

SERVICES = {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003}
# Background processes: (name, module). Service issues add their consumers here.
WORKERS: list[tuple[str, str]] = [
    ("badge relay", "services.badge.relay"),
    ("scan consumer", "services.scan.consumer"),
    ("scan relay", "services.scan.relay"),
    ("followup consumer", "services.followup.consumer"),
    ("followup sender", "services.followup.sender"),
    ("followup relay", "services.followup.relay"),
    ("dashboard consumer", "services.dashboard.consumer"),
]
MAIL_SMTP_PORT, MAIL_HTTP_PORT = 1025, 8025


def local_secrets(data_dir: Path) -> dict[str, str]:
    """RAPPORT_SECRET_KEY and RAPPORT_ADMIN_TOKEN: from the environment, else made once and kept."""
    path = data_dir / "secrets.env"
    kept = {}
    if path.exists():
        kept = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    wanted = {"RAPPORT_SECRET_KEY": lambda: secrets.token_urlsafe(32),
              "RAPPORT_ADMIN_TOKEN": lambda: "rap_admin_" + secrets.token_urlsafe(24)}
    values = {name: os.environ.get(name) or kept.get(name) or make() for name, make in wanted.items()}
    if values != {k: kept.get(k) for k in wanted}:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        path.chmod(0o600)
    return values


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} exited with code {proc.returncode} before it was ready (see output above)")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f}s")


def main() -> None:
    data_dir = Path(os.environ.get("RAPPORT_DATA_DIR", "var")).resolve()
    env = {**os.environ, "RAPPORT_DATA_DIR": str(data_dir), **local_secrets(data_dir)}
    env.setdefault("RAPPORT_SMTP_URL", f"smtp://127.0.0.1:{MAIL_SMTP_PORT}")
    settings = Settings.from_env(env)
    bus = bus_from_url(settings.bus_url, partitions=settings.kafka_partitions)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], settings.kafka_partitions)

    py = sys.executable
    commands = {"mail sink": [py, "-m", "shared.mailsink", "--bind", "127.0.0.1", "--smtp-port",
                              str(MAIL_SMTP_PORT), "--http-port", str(MAIL_HTTP_PORT), "--dir", str(data_dir / "mail")]}
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
    try:
        wait_healthy(f"http://127.0.0.1:{MAIL_HTTP_PORT}/api/messages", procs["mail sink"])
        for name, port in SERVICES.items():
            wait_healthy(f"http://127.0.0.1:{port}/healthz", procs[name])
        print(f"""
Rapport is running on embedded defaults (data in {data_dir}):

  dashboard   {settings.dashboard_url}
  badge       {settings.badge_url}      (API docs: {settings.badge_url}/docs)
  scan        {settings.scan_url}      (API docs: {settings.scan_url}/docs)
  followup    {settings.followup_url}      (API docs: {settings.followup_url}/docs)
  mail sink   http://localhost:{MAIL_HTTP_PORT}      (every email sent, kept for viewing)

  admin token {env['RAPPORT_ADMIN_TOKEN']}
  (kept in {data_dir / 'secrets.env'}; use it as "Authorization: Bearer <token>")

Ctrl-C stops everything.
""", flush=True)
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
