"""Scan service benchmark: sustained scans/s, latency and scan-to-topic lag, on this machine.

    .venv/bin/python bench/scans.py [--seconds 20] [--connections 32] [--workers 2]

Starts PostgreSQL and a Kafka broker (deploy/rig), the scan service under gunicorn with its
outbox relay, seeds its read model, and loads it from a second process with wrk (Debian's
package) on loopback: every request is a distinct scan between two attendees. A consumer reads
a third of rapport.scans's partitions meanwhile for the scan-to-topic lag (request received to
message readable on the topic), and the CPU each process spent per scan is read from /proc: what
the 2 cores can carry at most. Then the same load hits a bare Flask endpoint under the same
gunicorn settings, for the ratio.
Targets (DESIGN.md): >= 1,500 scans/s, p99 < 50 ms, ratio >= 0.5.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deploy.rig.kafka import KafkaBroker  # noqa: E402
from deploy.rig.ports import free_port, wait_for_port  # noqa: E402
from deploy.rig.postgres import PostgresServer  # noqa: E402
from services.scan import MIGRATIONS, ScanService  # noqa: E402
from services.scan.handlers import apply_event  # noqa: E402
from shared import events as ev  # noqa: E402
from shared import identity  # noqa: E402
from shared.bus.kafka import KafkaBus  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.db import migrate  # noqa: E402
from shared.envelope import parse_iso  # noqa: E402
from shared.events import SCANS_TOPIC, to_envelope  # noqa: E402
from shared.identity import TokenClaims  # noqa: E402
from shared.sealing import new_data_key  # noqa: E402
from shared.tokens import TokenSigner  # noqa: E402

PEOPLE = 1000
RUNS = itertools.count(1)
# The lag is read from every third partition of rapport.scans only: a sample chosen by the pair's
# key hash, so unbiased, and the consumer costs the 2 shared cores a third of reading them all.
LAG_SAMPLE = 3
WRK_SCRIPT = """
local lines, counter, run = {}, 0, ""
function init(args)
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  run = args[2]
end
function request()
  counter = counter + 1
  local line = lines[(counter * 7919 + id * 104729) % #lines + 1]
  local auth, badge = line:match("(%S+) (%S+)")
  local body = '{"scanned":"' .. badge .. '","client_scan_id":"' .. run .. id .. '-' .. counter .. '","note":"bench"}'
  return wrk.format("POST", "/v1/scans", {["Authorization"] = "Bearer " .. auth,
                                          ["Content-Type"] = "application/json"}, body)
end
"""
WRK_SETUP = """
local next_id = 0
function setup(thread) thread:set("id", next_id); next_id = next_id + 1 end
"""


def seed(service: ScanService, folder: Path) -> Path:
    signer = TokenSigner.from_settings(service.settings)
    event_id = identity.new_event_id()
    people = []
    with service.sessions() as session:
        for event in [
            ev.EventCreated(
                event_id=event_id,
                name="Bench",
                venue="",
                starts_at="2026-11-28T06:00:00Z",
                ends_at="2026-11-30T06:00:00Z",
                timezone="UTC",
                language="en",
            )
        ]:
            apply_event(session, event, to_envelope(event))
        for i in range(PEOPLE):
            attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
            key = new_data_key()  # learnt with a sealed registration: every note goes out sealed
            for event in (
                ev.AttendeeRegistered(
                    event_id=event_id,
                    attendee_id=attendee_id,
                    name=f"Guest {i}",
                    email=f"g{i}@example.org",
                    language="en",
                    short_code=code,
                ),
                ev.BadgeIssued(
                    event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
                ),
            ):
                apply_event(session, event, replace(to_envelope(event), keys={attendee_id: key}))
            claims = TokenClaims(event_id, attendee_id, 1)
            people.append(
                (
                    identity.issue_token(signer, identity.PRIVATE, claims),
                    identity.issue_token(signer, identity.BADGE, claims),
                )
            )
        session.commit()
    rng = random.Random(3)
    lines = []
    for _ in range(50_000):
        a, b = rng.sample(range(PEOPLE), 2)
        lines.append(f"{people[a][0]} {people[b][1]}")
    path = folder / "pairs.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(port: int, pairs: Path, folder: Path, seconds: int, connections: int) -> dict:
    script = folder / "scans.lua"
    script.write_text(WRK_SETUP + WRK_SCRIPT)
    # Each run's client_scan_ids are its own: the warm-up's would otherwise come back as retries.
    run = f"r{next(RUNS)}w"
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(pairs),
            run,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def durable(postgres: PostgresServer, database: str) -> None:
    """Commits in `database` wait for their WAL again (the rig turns that off server-wide)."""
    import psycopg

    with psycopg.connect(postgres.conninfo(database), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {database} SET synchronous_commit = on")


def measure_lag(bootstrap: str, partitions: int, lags: list[float], stop: threading.Event) -> None:
    """Append each sampled message's age on arrival (now - occurred_at, seconds) until `stop`."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    consumer.assign([TopicPartition(SCANS_TOPIC, p) for p in range(0, partitions, LAG_SAMPLE)])
    consumer.seek_to_beginning()
    try:
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=500, max_records=2000).values():
                for record in records:
                    occurred = parse_iso(json.loads(record.value)["occurred_at"]).timestamp()
                    lags.append(time.time() - occurred)
    finally:
        consumer.close()


def cpu_by_process(folder: Path) -> dict[int, tuple[str, float]]:
    """Command line and CPU seconds so far of every process this benchmark started: its children
    and their children, and PostgreSQL's server (it detaches, but runs from `folder`). Linux /proc."""
    tick, procs = os.sysconf("SC_CLK_TCK"), {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        procs[int(pid)] = (int(fields[1]), command, (int(fields[11]) + int(fields[12])) / tick)
    ours = {os.getpid()} | {pid for pid, (_, command, _) in procs.items() if str(folder) in command}

    def belongs(pid: int) -> bool:
        while pid > 1:
            if pid in ours:
                return True
            pid = procs[pid][0] if pid in procs else 0
        return False

    return {pid: (command, seconds) for pid, (_, command, seconds) in procs.items() if belongs(pid)}


CPU_PARTS = (
    ("gunicorn", "gunicorn"),
    ("Kafka broker", "java"),
    ("outbox relay", "scan.relay"),
    ("PostgreSQL", "postgres"),
    ("this script (lag sampling)", "bench/scans.py"),
)


def cpu_per_request(before: dict, after: dict, wrk_seconds: float, requests: int) -> list[tuple[str, float]]:
    """CPU milliseconds per request spent by each part of the machine during a run."""
    spent = {label: 0.0 for label, _ in CPU_PARTS}
    for pid, (command, seconds) in after.items():
        label = next((label for label, marker in CPU_PARTS if marker in command), None)
        if label:
            spent[label] += seconds - before.get(pid, (command, 0.0))[1]
    spent["wrk (the load)"] = wrk_seconds
    return [(label, 1000 * seconds / requests) for label, seconds in spent.items()]


def measured(port: int, pairs: Path, folder: Path, seconds: int, connections: int) -> tuple[dict, list]:
    """A wrk run, and the CPU per request of each part of the machine during it."""
    before, children = cpu_by_process(folder), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk(port, pairs, folder, seconds, connections)
    after, usage = cpu_by_process(folder), resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_seconds = (usage.ru_utime + usage.ru_stime) - (children.ru_utime + children.ru_stime)
    return result, cpu_per_request(before, after, wrk_seconds, result["requests"])


def cpu_line(cpu: list[tuple[str, float]]) -> str:
    total = sum(ms for _, ms in cpu)
    return f"CPU per request {total:.2f} ms (2 cores carry {2000 / total:,.0f}/s at most): " + ", ".join(
        f"{label} {ms:.2f}" for label, ms in cpu if ms >= 0.005
    )


def gunicorn(
    app: str, port: int, env: dict, workers: int, threads: int, worker_class: str
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-k",
            worker_class,
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=REPO,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gunicorn worker class for both apps: gthread as deployed; gevent to compare (pip install gevent)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        postgres, broker = PostgresServer(folder / "pg").start(), KafkaBroker(folder / "kafka").start()
        processes: list[subprocess.Popen] = []
        try:
            url = postgres.create_database("scan_bench")
            # The rig runs PostgreSQL with fsync and synchronous_commit off for the tests' speed; the
            # scan database gets the production setting back, so each batch's commit waits for its WAL
            # (fsync stays off server-wide: a flush costs about 60 us on this machine's disk).
            durable(postgres, "scan_bench")
            settings = Settings.from_env(
                {"RAPPORT_SECRET_KEY": "bench-secret-key-0123456789", "RAPPORT_DATA_DIR": tmp}
            )
            settings = replace(settings, scan_database_url=url, bus_url=broker.url)
            service = ScanService(settings)
            migrate(service.engine, MIGRATIONS)
            pairs = seed(service, folder)
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
                "PYTHONPATH": str(REPO),
                "RAPPORT_SECRET_KEY": settings.secret_key,
                "RAPPORT_SCAN_DATABASE_URL": url,
                "RAPPORT_BUS_URL": broker.url,
                "RAPPORT_SCAN_RATE_LIMIT": "1000000",
                "RAPPORT_DATA_DIR": tmp,
                "RAPPORT_LOG_LEVEL": "WARNING",
            }
            port = free_port()
            processes.append(
                gunicorn(
                    "services.scan:create_app(run_migrations=False)",
                    port,
                    env,
                    args.workers,
                    args.threads,
                    args.worker_class,
                )
            )
            processes.append(
                subprocess.Popen([sys.executable, "-m", "services.scan.relay"], cwd=REPO, env=env)
            )
            assert wait_for_port(port, 60)
            KafkaBus(broker.bootstrap).ensure_topics([SCANS_TOPIC], settings.kafka_partitions)
            lags: list[float] = []
            stop = threading.Event()
            lag_thread = threading.Thread(
                target=measure_lag,
                daemon=True,
                args=(broker.bootstrap, settings.kafka_partitions, lags, stop),
            )
            lag_thread.start()
            time.sleep(1)  # let the lag consumer find its partitions
            # Warm-up: connection pools, caches, and the broker JVM's JIT (after 3 s the broker still spent
            # a third more CPU per message than after 25 s).
            wrk(port, pairs, folder, 10, args.connections)
            result, cpu = measured(port, pairs, folder, args.seconds, args.connections)
            time.sleep(3)
            stop.set()
            lag_thread.join(10)

            bare_port = free_port()
            processes.append(
                gunicorn(
                    "bench.bare_flask:app", bare_port, env, args.workers, args.threads, args.worker_class
                )
            )
            assert wait_for_port(bare_port, 60)
            wrk(bare_port, pairs, folder, 3, args.connections)
            bare, bare_cpu = measured(bare_port, pairs, folder, args.seconds, args.connections)

            lag_p50 = statistics.median(lags) * 1000 if lags else float("nan")
            lag_p99 = statistics.quantiles(lags, n=100)[98] * 1000 if len(lags) > 100 else float("nan")
            print(
                f"scan service (gunicorn {args.workers}x{args.threads} {args.worker_class}, PostgreSQL, Kafka relay), "
                f"wrk -t2 -c{args.connections} for {args.seconds}s on 2 cores:"
            )
            print(
                f"  {result['rps']:,.0f} scans/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
                f"{result['requests']:,} requests, {result['errors']} non-2xx"
            )
            print(
                f"  scan-to-topic lag: p50 {lag_p50:.0f} ms, p99 {lag_p99:.0f} ms over {len(lags):,} messages "
                f"(every {LAG_SAMPLE}rd partition)"
            )
            print(f"  {cpu_line(cpu)}")
            print(
                f"bare Flask endpoint, same server settings: {bare['rps']:,.0f} req/s, p50 {bare['p50']:.1f} ms, "
                f"p99 {bare['p99']:.1f} ms"
            )
            print(f"  {cpu_line(bare_cpu)}")
            print(
                f"ratio scans/bare: {result['rps'] / bare['rps']:.2f}   "
                f"[targets: >= 1,500 scans/s, p99 < 50 ms, ratio >= 0.5]"
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)
            broker.stop()
            postgres.stop()


if __name__ == "__main__":
    main()
