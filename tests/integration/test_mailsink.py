"""The local mail sink keeps every message it is sent, across restarts, and shows it safely.

Real parts only: the sink's own SMTP and HTTP servers on free loopback ports, mail sent with
smtplib, pages and downloads read over HTTP, messages kept in a temporary folder.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import json
import re
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from deploy.rig.ports import free_port, wait_for_port
from shared.mailsink import MailSink, MailStore, UnknownMessage, main

REPO = Path(__file__).resolve().parents[2]
ENGLISH_SUBJECT = "Great to meet you, <Lina> & co"
ARABIC_SUBJECT = "سعدت بلقائك"
VCARD = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lina Haddad\r\nN:لينا حداد\r\nEND:VCARD\r\n"
ARABIC_TO = "ليلى <ليلى@example.org>"  # a non-ASCII mailbox: only deliverable with SMTPUTF8


def english() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "rapport@localhost",
        "omar@example.org",
        ENGLISH_SUBJECT,
    )
    message.set_content("Hi Omar, thanks for the chat about <coffee>.")
    message.add_alternative(
        '<p onclick="steal()">Hi <b>Omar</b>, "quoted" & more</p><script>steal()</script>', subtype="html"
    )
    message.add_attachment(VCARD, subtype="vcard", filename="lina.vcf")
    return message


def arabic() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "rapport@localhost", ARABIC_TO, ARABIC_SUBJECT
    message.set_content("مرحبًا ليلى، سعدت بالحديث معك عن القهوة.")
    return message


def send(sink: MailSink, message: EmailMessage) -> None:
    """Deliver over SMTP, then wait (briefly) until the sink's folder holds one more message."""
    before = len(list(sink.store.folder.glob("*.eml")))
    with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    deadline = time.monotonic() + 5
    while len(list(sink.store.folder.glob("*.eml"))) <= before:
        assert time.monotonic() < deadline, "the accepted message never appeared in the folder"
        time.sleep(0.01)


def get(sink: MailSink, path: str) -> tuple[int, dict[str, str], bytes]:
    """A raw GET: the path goes out exactly as written (no client-side `..` clean-up)."""
    connection = http.client.HTTPConnection("127.0.0.1", sink.http_port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def listed(sink: MailSink) -> list[dict]:
    status, _, body = get(sink, "/api/messages")
    assert status == 200
    return json.loads(body)


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def sink(folder):
    with MailSink(folder, smtp_port=free_port(), http_port=0) as running:
        yield running


@pytest.fixture
def both(sink) -> dict[str, str]:
    """The English multipart mail, then the Arabic one; their ids by language."""
    send(sink, english())
    send(sink, arabic())
    newest, oldest = listed(sink)
    return {"arabic": newest["id"], "english": oldest["id"]}


def test_each_message_is_kept_as_a_file_and_listed_newest_first_with_decoded_headers(sink, both, folder):
    messages = listed(sink)
    assert [m["subject"] for m in messages] == [ARABIC_SUBJECT, ENGLISH_SUBJECT]
    assert messages[0]["to"] == ARABIC_TO and messages[1]["from"] == "rapport@localhost"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{m['id']}.eml" for m in messages
    )  # no temp files
    for m in messages:
        assert re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{32}", m["id"])
        assert m["size"] == (folder / f"{m['id']}.eml").stat().st_size


def test_the_inbox_page_shows_arabic_subjects_right_to_left_and_escapes_what_senders_wrote(sink, both):
    status, headers, body = get(sink, "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert f'<td dir="auto"><a href="/messages/{both["arabic"]}">{ARABIC_SUBJECT}</a></td>' in page
    assert "Great to meet you, &lt;Lina&gt; &amp; co" in page and "<Lina>" not in page
    assert page.index(ARABIC_SUBJECT) < page.index("Great to meet you")  # newest first
    assert 'http-equiv="refresh"' in page and 'fetch("/api/messages"' in page  # refreshes itself
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no CDN, no external assets


def test_a_message_frames_its_html_in_an_escaped_sandbox_and_shows_its_plain_text(sink, both):
    status, _, body = get(sink, f"/messages/{both['english']}")
    page = body.decode("utf-8")
    assert status == 200
    [iframe] = re.findall(r"<iframe[^>]*>", page)
    sandbox = re.search(r'sandbox="([^"]*)"', iframe).group(1)
    assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    srcdoc = re.search(r'srcdoc="([^"]*)"', iframe).group(1)
    assert "&lt;p onclick=&#34;steal()&#34;&gt;Hi &lt;b&gt;Omar&lt;/b&gt;" in srcdoc
    assert "<script>" not in page  # the mail's script never reaches the page as markup
    assert '<pre dir="auto">Hi Omar, thanks for the chat about &lt;coffee&gt;.' in page


def test_the_arabic_message_page_is_utf8_and_right_to_left(sink, both):
    _, _, body = get(sink, f"/messages/{both['arabic']}")
    page = body.decode("utf-8")
    assert f'<h1 dir="auto">{ARABIC_SUBJECT}</h1>' in page
    assert '<pre dir="auto">مرحبًا ليلى، سعدت بالحديث معك عن القهوة.' in page
    assert "<iframe" not in page  # plain text only: nothing to frame


def test_an_attachment_downloads_from_the_link_the_message_page_gives(sink, both):
    _, _, body = get(sink, f"/messages/{both['english']}")
    [link] = re.findall(r'href="(/messages/[^"]+/parts/\d+)"[^>]*>lina\.vcf<', body.decode())
    status, headers, vcard = get(sink, link)
    assert status == 200 and vcard.decode("utf-8").replace("\r\n", "\n") == VCARD.replace("\r\n", "\n")
    assert headers["content-type"] == "text/vcard; charset=utf-8"
    assert headers["content-disposition"] == "attachment; filename=lina.vcf"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_raw_message_downloads_byte_for_byte(sink, both, folder):
    status, headers, raw = get(sink, f"/messages/{both['arabic']}.eml")
    assert status == 200 and headers["content-type"] == "message/rfc822"
    assert raw == (folder / f"{both['arabic']}.eml").read_bytes()
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == ARABIC_SUBJECT


def test_the_json_api_gives_one_message_with_its_parts(sink, both):
    status, _, body = get(sink, f"/api/messages/{both['english']}")
    message = json.loads(body)
    assert status == 200 and message["subject"] == ENGLISH_SUBJECT
    assert message["text"].startswith("Hi Omar") and message["html"].startswith('<p onclick="steal()">')
    assert [(a["filename"], a["content_type"]) for a in message["attachments"]] == [
        ("lina.vcf", "text/vcard; charset=utf-8")
    ]


MISSING = "20250101T000000000000Z-" + "0" * 32


@pytest.mark.parametrize(
    "path",
    [
        "/messages/..%2Fx",
        "/messages/..%2F..%2Fsecret",
        "/messages/..",
        "/messages/../secret.eml",
        "/messages/%2E%2E%2Fsecret.eml",
        f"/messages/{MISSING}",
        f"/messages/{MISSING}.eml",
        f"/messages/{MISSING}/parts/0",
        "/api/messages/..%2Fx",
        "/api/messages/..",
        f"/api/messages/{MISSING}",
    ],
)
def test_unknown_and_crafted_ids_are_404_problems(sink, both, folder, path):
    (folder.parent / "secret.eml").write_text("Subject: not yours\n\nsecret")  # what traversal would reach
    status, headers, body = get(sink, path)
    assert status == 404 and b"not yours" not in body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert (
        problem["status"] == 404 and problem["detail"] and problem["code"] in ("unknown_message", "not_found")
    )


def test_a_part_past_the_last_is_a_404_problem_with_a_code(sink, both):
    status, headers, body = get(sink, f"/messages/{both['english']}/parts/99")
    assert (status, headers["content-type"]) == (404, "application/problem+json")
    assert json.loads(body)["code"] == "unknown_message"


@pytest.mark.parametrize(
    "crafted",
    [
        "..",
        "../secret",
        "/etc/passwd",
        ".hidden",
        f"{MISSING}/../{MISSING}",
        f"../mail/{MISSING}",
        MISSING.upper(),
        "",
    ],
)
def test_the_store_opens_only_names_it_could_have_made(folder, crafted):
    (folder.parent / "secret.eml").parent.mkdir(parents=True, exist_ok=True)
    (folder.parent / "secret.eml").write_text("Subject: not yours\n\nsecret")
    with pytest.raises(UnknownMessage):
        MailStore(folder).raw(crafted)


def test_messages_survive_a_restart_of_the_sink(sink, both, folder):
    sink.stop()
    with MailSink(folder, smtp_port=free_port(), http_port=0) as restarted:
        assert [m["id"] for m in listed(restarted)] == [both["arabic"], both["english"]]
        assert get(restarted, f"/messages/{both['english']}")[0] == 200
        send(restarted, arabic())
        assert len(listed(restarted)) == 3


def test_delete_clears_every_message(sink, both, folder):
    connection = http.client.HTTPConnection("127.0.0.1", sink.http_port, timeout=10)
    connection.request("POST", "/api/messages/delete")
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())) == (200, {"deleted": 2})
    connection.close()
    assert listed(sink) == [] and list(folder.iterdir()) == []
    assert get(sink, f"/messages/{both['arabic']}")[0] == 404


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_command_serves_both_and_stops_cleanly_on_a_signal(tmp_path, signum):
    smtp_port, http_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.mailsink",
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(http_port),
            "--dir",
            str(tmp_path / "mail"),
            "--bind",
            "127.0.0.1",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for_port(http_port, 15) and wait_for_port(smtp_port, 15), (
            "the sink did not start listening"
        )
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.send_message(arabic())
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 1  # 250 is only said once it is a file
        proc.send_signal(signum)
        output, _ = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    assert f"smtp://127.0.0.1:{smtp_port}" in output and f"http://127.0.0.1:{http_port}/" in output
    assert "Traceback" not in output
    assert not wait_for_port(http_port, 0.2) and not wait_for_port(smtp_port, 0.2)  # both closed


def test_a_taken_port_is_a_one_line_error_not_a_traceback(tmp_path, capsys):
    with MailSink(tmp_path / "first", smtp_port=free_port(), http_port=0) as taken:
        with pytest.raises(SystemExit) as exited:
            main(
                [
                    "--http-port",
                    str(taken.http_port),
                    "--smtp-port",
                    str(free_port()),
                    "--dir",
                    str(tmp_path / "b"),
                ]
            )
    assert exited.value.code == 1
    assert "cannot listen on 127.0.0.1 (SMTP" in capsys.readouterr().err
