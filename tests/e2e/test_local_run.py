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
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.mark.timeout(180)
def test_the_local_run_starts_everything_and_prints_its_urls_and_admin_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(RAPPORT_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(REPO), RAPPORT_WORKERS="1")
    proc = subprocess.Popen([sys.executable, "-m", "services"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        deadline = time.monotonic() + 120
        while "Ctrl-C stops everything" not in "".join(output):
            assert proc.poll() is None, "".join(output)
            assert time.monotonic() < deadline, "".join(output)
            output.append(proc.stdout.readline())
        banner = "".join(output)
        for name, port in {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003}.items():
            assert f"http://localhost:{port}" in banner
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            assert status == 200 and body["service"] == name
        token = re.search(r"admin token (\S+)", banner).group(1)
        assert f"RAPPORT_ADMIN_TOKEN={token}" in (tmp_path / "var" / "secrets.env").read_text()

        # The local mail sink keeps what is sent to it for viewing.
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "rapport@localhost", "lina@example.org", "سعدت بلقائك"
        message.set_content("Great to meet you")
        with smtplib.SMTP("127.0.0.1", 1025, timeout=10) as smtp:
            smtp.send_message(message)
        deadline = time.monotonic() + 10
        while not (listed := get("http://127.0.0.1:8025/api/messages")[1]):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert "سعدت بلقائك" in json.dumps(listed, ensure_ascii=False)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            proc.kill()
    assert proc.returncode is not None
