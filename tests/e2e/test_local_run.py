"""The quickstart's first command: `python -m services` (what `./rapport up` runs) on a fresh data dir."""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


def call(method: str, url: str, headers: dict, body: dict):
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def start_local_run(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """`python -m services` on `data_dir`, and what it printed up to its banner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(RAPPORT_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO), RAPPORT_WORKERS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    deadline = time.monotonic() + 120
    while "Ctrl-C stops everything" not in "".join(output):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise AssertionError("".join(output) + proc.stdout.read())
        output.append(proc.stdout.readline())
    return proc, "".join(output)


def stop(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops it."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    finally:
        proc.kill()


def campaign_mail(address: str, campaign: str) -> list[dict]:
    """The mail sink's messages to `address` that say they belong to `campaign`, read in full."""
    listed = get("http://127.0.0.1:8025/api/messages")[1]
    viewed = [
        get(f"http://127.0.0.1:8025/api/messages/{m['id']}")[1] for m in listed if address in json.dumps(m)
    ]
    return [m for m in viewed if ["X-Rapport-Campaign", campaign] in m["headers"]]


@pytest.mark.timeout(300)
def test_the_local_run_starts_everything_and_prints_its_urls_and_admin_token(tmp_path):
    proc, banner = start_local_run(tmp_path / "var")
    try:
        for name, port in {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003}.items():
            assert f"http://localhost:{port}" in banner
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            assert status == 200 and body["service"] == name
        assert "Phones cannot open localhost: for an event on this network, run ./rapport up --lan" in banner
        token = re.search(r"admin token (\S+)", banner).group(1)
        assert f"RAPPORT_ADMIN_TOKEN={token}" in (tmp_path / "var" / "secrets.env").read_text()

        # The local mail sink keeps what is sent to it for viewing.
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = (
            "rapport@localhost",
            "lina@example.org",
            "سعدت بلقائك",
        )
        message.set_content("Great to meet you")
        with smtplib.SMTP("127.0.0.1", 1025, timeout=10) as smtp:
            smtp.send_message(message)
        deadline = time.monotonic() + 10
        while not (listed := get("http://127.0.0.1:8025/api/messages")[1]):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert "سعدت بلقائك" in json.dumps(listed, ensure_ascii=False)

        # The whole product on embedded defaults: an event, two attendees, one scan, the close,
        # and the follow-up email lands in the mail sink.
        admin = {"Authorization": f"Bearer {token}"}
        _, event = call(
            "POST",
            "http://127.0.0.1:8001/v1/events",
            admin,
            {"name": "Local Meetup", "starts_at": "2026-11-01T09:00:00Z", "ends_at": "2026-11-01T18:00:00Z"},
        )
        people = [
            call(
                "POST",
                f"http://127.0.0.1:8001/v1/events/{event['id']}/attendees",
                admin,
                {
                    "name": name,
                    "email": f"{name.lower()}@example.org",
                    "consent": {"followup": True, "share_contact": True},
                },
            )[1]
            for name in ("Huda", "Omar")
        ]
        scanner = {"Authorization": f"Bearer {people[0]['scanner_token']}"}
        deadline = time.monotonic() + 30
        while (
            status := call(
                "POST",
                "http://127.0.0.1:8002/v1/scans",
                scanner,
                {"scanned": people[1]["badge_token"], "note": "open data in Amman", "client_scan_id": "s1"},
            )[0]
        ) >= 400:
            assert time.monotonic() < deadline, status  # the scan consumer learns the attendees first
            time.sleep(0.3)
        call("POST", f"http://127.0.0.1:8001/v1/events/{event['id']}/close", admin, {})
        # Her welcome email may come first (unless the close overtook it): wait for the follow-up itself.
        deadline = time.monotonic() + 60
        while not (followups := campaign_mail("huda@example.org", "followup")):
            assert time.monotonic() < deadline, "no follow-up email reached the mail sink"
            time.sleep(0.3)
        [viewed] = followups
        assert "Omar" in json.dumps(viewed, ensure_ascii=False)
        assert "open data in Amman" in json.dumps(viewed, ensure_ascii=False)
    finally:
        stop(proc)
    assert proc.returncode is not None
    postgres = tmp_path / "var" / "postgres"
    assert not (postgres / "data" / "postmaster.pid").exists(), "Ctrl-C left the embedded PostgreSQL running"

    # The next start reuses the same database, and says plainly that an older version's SQLite
    # files are not read.
    (tmp_path / "var" / "badge.sqlite3").write_bytes(b"SQLite format 3\0")
    proc, banner = start_local_run(tmp_path / "var")
    try:
        assert "postgresql+psycopg://postgres@127.0.0.1:8432/" in banner
        assert "SQLite databases from an earlier Rapport (badge.sqlite3)" in banner
        request = urllib.request.Request(f"http://127.0.0.1:8001/v1/events/{event['id']}", headers=admin)
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["name"] == "Local Meetup"
    finally:
        stop(proc)
