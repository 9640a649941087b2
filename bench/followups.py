"""Follow-up delivery benchmark.

    .venv/bin/python bench/followups.py [--attendees 10000] [--senders 2]
                                        [--smtp smtp-sink|postfix|aiosmtpd] [--per-email-sample 2000]

Seeds a closed event with --attendees attendees who met 5-15 people each (notes, tags, shared
interests, half Arabic), then runs the real sender (plan, lease, load digests, compose HTML and
text, SMTP with connections reused) against a local SMTP server on loopback: Postfix's smtp-sink,
the C server Postfix ships for measuring SMTP clients (deploy/rig/postfix.py); --smtp postfix puts a
whole Postfix relay (queueing, then discarding) on the same 2 cores instead, --smtp aiosmtpd Python's.
Prints emails/s, the split between composing and delivering, peak RSS, and the median and largest
email in bytes and in phone screens (Chromium, 390 x 844); then the same emails
from --senders `python -m services.followup.sender` processes (as deployed; their rate from the
first to the last sent_at) and the CPU each email cost the senders, PostgreSQL and the rest (read
it beside the rate: on a shared machine both move with other people's load, and the senders' CPU
includes their idle rounds once one has nothing left to send); then, on the same re-queued sample, one
SMTP connection per email against reused connections, for the ratio.
Target (DESIGN.md): >= 500 personalised emails/s on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from deploy.rig.ports import free_port, wait_for_port  # noqa: E402
from deploy.rig.postfix import PostfixSink, PostfixSmtpSink  # noqa: E402
from deploy.rig.postgres import PostgresServer  # noqa: E402
from services.followup import MIGRATIONS, FollowupService  # noqa: E402
from services.followup.models import Attendee, Delivery, Event, Meeting, Note  # noqa: E402
from services.followup.sender import Sender  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.db import migrate  # noqa: E402
from shared.envelope import utc_now  # noqa: E402
from shared.smtp import SmtpSettings  # noqa: E402

INTERESTS = [
    "fintech",
    "design",
    "AI",
    "climate",
    "health",
    "education",
    "logistics",
    "التقنية المالية",
    "التعليم",
    "الطاقة",
]
NOTES = [
    "open banking APIs",
    "hiring two designers",
    "روّاد الأعمال في عمّان",
    "a podcast on product",
    "التمويل الجماعي",
    "his team's Arabic OCR work",
    "",
]
SERVER = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Count:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]), server_hostname="bench.localhost")
c.start()
sys.stdin.read()
"""


def seed(service: FollowupService, attendees: int, rng: random.Random) -> str:
    event_id = "benchevt01"
    now = utc_now()
    ids = [f"a{i:09d}" for i in range(attendees)]
    with service.engine.begin() as conn:
        conn.execute(
            sa.insert(Event),
            [
                dict(
                    id=event_id,
                    name="Bench Summit",
                    venue="",
                    language="en",
                    timezone="UTC",
                    closed_at=now - timedelta(minutes=1),
                )
            ],
        )
        conn.execute(
            sa.insert(Attendee),
            [
                dict(
                    id=a,
                    event_id=event_id,
                    name=f"{rng.choice(['Lina', 'Omar', 'ليلى', 'محمد'])} Person{i}",
                    email=f"{a}@example.org",
                    language="ar" if i % 2 else "en",
                    company=f"Co {i % 97}" if i % 3 else "",
                    title="Engineer" if i % 4 else "",
                    headline="Building tools for makers" if i % 5 else "",
                    interests=rng.sample(INTERESTS, 2),
                    consent_followup=True,
                    consent_share_contact=i % 3 != 0,
                    unsubscribed_at=None,
                )
                for i, a in enumerate(ids)
            ],
        )
        meetings, notes, seen = [], [], set()
        for a in ids:
            for _ in range(rng.randint(3, 8)):  # each meeting counts for both people: 5-15 contacts each
                b = rng.choice(ids)
                low, high = sorted((a, b))
                if a == b or (low, high) in seen:
                    continue
                seen.add((low, high))
                mutual = rng.random() < 0.3
                mid = f"{low}{high}"
                meetings.append(
                    dict(
                        id=mid,
                        event_id=event_id,
                        low_id=low,
                        high_id=high,
                        low_scanned=a == low or mutual,
                        high_scanned=a == high or mutual,
                        first_met_at=now - timedelta(hours=rng.randint(1, 8)),
                    )
                )
                notes.append(
                    dict(
                        meeting_id=mid,
                        scanner_id=a,
                        client_scan_id=mid,
                        note=rng.choice(NOTES),
                        tags=["coffee later"] if rng.random() < 0.2 else [],
                        scanned_at=now - timedelta(hours=1),
                    )
                )
        for start in range(0, len(meetings), 5000):
            conn.execute(sa.insert(Meeting), meetings[start : start + 5000])
            conn.execute(sa.insert(Note), notes[start : start + 5000])
    return event_id


PHONE = {"width": 390, "height": 844}


def report_sizes(sizes: list[tuple[int, int, str]]) -> None:
    """Median and largest email: bytes on the wire, and phone screens (390 x 844) in Chromium."""
    sizes.sort(key=lambda item: item[0])
    picks = {"median": sizes[len(sizes) // 2], "largest": sizes[-1]}
    screens = {}
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for label, (_, _, html) in picks.items():
                page = browser.new_page(viewport=PHONE)
                page.set_content(html)
                screens[label] = page.evaluate("document.documentElement.scrollHeight") / PHONE["height"]
                page.close()
            browser.close()
    except Exception as exc:  # noqa: BLE001 - the figure is optional where there is no browser
        print(f"  (phone screens not measured: {exc})")
    for label, (size, contacts, _) in picks.items():
        shown = f", {screens[label]:.1f} phone screens" if label in screens else ""
        print(f"  {label} email: {size:,} bytes ({contacts} people){shown}")


def requeue(service: FollowupService, count: int) -> None:
    with service.sessions() as session:
        ids = session.scalars(sa.select(Delivery.id).order_by(Delivery.id).limit(count)).all()
        session.execute(sa.update(Delivery).where(Delivery.id.in_(ids)).values(status="queued", sent_at=None))
        session.commit()


CPU_PARTS = (("sender processes", "services.followup.sender"), ("PostgreSQL", "postgres"))


def cpu_per_email(before: dict, after: dict, emails: int) -> dict[str, float]:
    """CPU milliseconds per email of each part (the senders, PostgreSQL, the rest: the SMTP server
    and this script's polling) between two readings of bench.scans.cpu_by_process."""
    if not emails:
        return {}
    spent = {label: 0.0 for label, _ in CPU_PARTS} | {"SMTP server and this script": 0.0}
    for pid, (command, seconds) in after.items():
        label = next(
            (label for label, marker in CPU_PARTS if marker in command), "SMTP server and this script"
        )
        spent[label] += seconds - before.get(pid, (command, 0.0))[1]
    return {label: 1000 * seconds / emails for label, seconds in spent.items()}


def run_processes(
    senders: int,
    connections: int,
    url: str,
    workdir: Path,
    smtp_port: int,
    service: FollowupService,
    total: int,
) -> tuple[float, list[float], dict[str, float]]:
    """emails/s from the first to the last sent_at, each process's peak RSS (MiB), and the CPU
    each email cost every part of the machine (ms; {} if all were out at the first look)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": "bench-secret-key-0123456789",
        "RAPPORT_DATA_DIR": str(workdir),
        "RAPPORT_FOLLOWUP_DATABASE_URL": url,
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RAPPORT_NUDGE_DAYS": "",
    }
    # Imported here, after the in-process run: its imports (Kafka, the scan service) would count
    # in that run's peak RSS.
    from bench.scans import cpu_by_process

    before, counted = None, 0  # read once the first emails are out: the processes' start is not per email
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "services.followup.sender",
                "--settle",
                "0",
                "--idle",
                "0.05",
                "--connections",
                str(connections),
            ],
            cwd=REPO,
            env=env,
        )
        for _ in range(senders)
    ]
    peaks = [0.0] * senders
    try:
        while True:
            for n, proc in enumerate(procs):
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peaks[n] = int(status.split("VmHWM:")[1].split()[0]) / 1024
            with service.sessions() as session:
                done, first, last = session.execute(
                    sa.select(
                        sa.func.count(), sa.func.min(Delivery.sent_at), sa.func.max(Delivery.sent_at)
                    ).where(Delivery.status == "sent")
                ).one()
            if before is None and done:
                before, counted = cpu_by_process(workdir), done
            if done >= total:
                cpu = cpu_per_email(before, cpu_by_process(workdir), done - counted)
                return done / (last - first).total_seconds(), peaks, cpu
            time.sleep(0.2)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def wait_until_drained(server) -> None:
    """A Postfix relay goes on working on the mail it accepted (queue manager, discard): let it
    finish before the next measured run rather than during it."""
    while isinstance(server, PostfixSink) and server.queued():
        time.sleep(0.2)


def run(sender: Sender) -> tuple[int, float]:
    sent, started = 0, time.perf_counter()
    while outcome := sender.run_once():
        sent += outcome.get("sent", 0)
    return sent, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--per-email-sample", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=2, help="sender processes for the multi-process run")
    parser.add_argument(
        "--smtp",
        choices=("smtp-sink", "postfix", "aiosmtpd"),
        default="smtp-sink",
        help="the local SMTP server: Postfix's smtp-sink (made to measure SMTP clients), a Postfix "
        "instance queueing and discarding everything (a real relay on the same 2 cores), "
        "or aiosmtpd",
    )
    args = parser.parse_args()
    rng = random.Random(42)
    workdir = Path(tempfile.mkdtemp(prefix="rapport-bench-followups-"))
    workdir.chmod(0o755)  # Postfix's daemons, running as the postfix user, reach their queue in here
    postgres = PostgresServer(workdir / "pg").start()  # the rig's, as the tests use
    url = postgres.create_database("followup")
    settings = Settings.from_env(
        {
            "RAPPORT_SECRET_KEY": "bench-secret-key-0123456789",
            "RAPPORT_DATA_DIR": str(workdir),
            "RAPPORT_FOLLOWUP_DATABASE_URL": url,
        }
    )
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    t0 = time.perf_counter()
    seed(service, args.attendees, rng)
    with service.sessions() as session:
        contacts = session.scalar(sa.select(sa.func.count()).select_from(Meeting)) * 2 / args.attendees
    print(
        f"seeded {args.attendees:,} attendees, {contacts:.1f} contacts each on average, "
        f"{url.split(':')[0]} ({time.perf_counter() - t0:.1f} s)"
    )

    postfix = None
    if args.smtp in ("postfix", "smtp-sink"):
        postfix = PostfixSink(workdir / "postfix") if args.smtp == "postfix" else PostfixSmtpSink()
        postfix.start()
        port, stop_server = postfix.port, postfix.stop
    else:
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE)
        wait_for_port(port, 10)
        stop_server = server.terminate
    print(f"local SMTP server: {args.smtp} on port {port}")
    smtp = SmtpSettings.from_url(f"smtp://127.0.0.1:{port}")
    try:
        # Composing alone, for the split: load digests and render every email, no SMTP.
        from services.followup.compose import EventInfo, message_id, to_mime
        from services.followup.store import load_digests, person

        started = time.perf_counter()
        with service.sessions() as session:
            readers = session.scalars(sa.select(Attendee).limit(2000)).all()
            digests = load_digests(session, readers)
        sizes = []
        for reader in readers:
            composed = service.composer.compose(
                EventInfo("benchevt01", "Bench Summit"), digests[reader.id], "followup"
            )
            data = to_mime(
                composed,
                person(reader),
                settings.mail_from,
                message_id("followup", reader.id, settings.mail_from),
                campaign="followup",
            )
            sizes.append((len(data), composed.contacts, composed.html))
        compose_rate = len(readers) / (time.perf_counter() - started)
        report_sizes(sizes)

        sender = Sender(
            service.sessions,
            service.composer,
            smtp,
            settings.mail_from,
            batch=args.batch,
            connections=args.connections,
            nudge_days=(),
            settle=timedelta(0),
        )
        gc.collect()
        gc.freeze()  # as `python -m services.followup.sender` does once it has started
        sent, seconds = run(sender)
        opened = sender.connections_opened
        sender.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"reused connections: {sent:,} emails in {seconds:.1f} s = {sent / seconds:,.0f} emails/s "
            f"({opened} SMTP connections, {args.connections} used together, batches of {args.batch})"
        )
        print(f"  composing alone (digest + HTML + text + MIME): {compose_rate:,.0f} emails/s")
        print(f"  peak RSS {peak:,.0f} MiB")

        # The same emails again from `python -m services.followup.sender` processes, as deployed.
        requeue(service, args.attendees)
        wait_until_drained(postfix)
        rate_procs, peaks, cpu = run_processes(
            args.senders, args.connections, url, workdir, port, service, args.attendees
        )
        print(
            f"{args.senders} sender processes: {args.attendees:,} emails at {rate_procs:,.0f} emails/s "
            f"(first to last sent_at), peak RSS per process {', '.join(f'{p:,.0f}' for p in peaks)} MiB"
        )
        spent = sum(cpu.values())
        if cpu:
            print(
                f"  CPU per email: {', '.join(f'{label} {ms:.2f} ms' for label, ms in cpu.items())}; "
                f"{spent:.2f} ms in all = at most {2000 / spent:,.0f} emails/s on 2 idle cores"
            )

        # One connection per email against reused connections, each on the same re-queued sample
        # (planning is done by then, so the two differ only in how they use SMTP).
        rates = {}
        for label, per_connection in (("one connection per email", 1), ("reused connections", None)):
            requeue(service, args.per_email_sample)
            wait_until_drained(postfix)
            sample = Sender(
                service.sessions,
                service.composer,
                smtp,
                settings.mail_from,
                batch=args.batch,
                connections=args.connections,
                nudge_days=(),
                settle=timedelta(0),
                **({"max_per_connection": per_connection} if per_connection else {}),
            )
            sent_sample, seconds_sample = run(sample)
            sample.close()
            rates[label] = sent_sample / seconds_sample
            print(f"{label}, {sent_sample:,} re-queued emails: {rates[label]:,.0f} emails/s")
        print(f"  reuse is {rates['reused connections'] / rates['one connection per email']:.2f}x")
        rate = sent / seconds
        best = max(rate, rate_procs)
        print(f"target >= 500 emails/s: {'met' if best >= 500 else 'NOT met'} (best {best:,.0f})")
    finally:
        stop_server()
        postgres.stop()


if __name__ == "__main__":
    main()
