"""The local mail sink keeps what it receives, across restarts, and shows it safely."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from deploy.rig.ports import free_port
from shared.mailsink import MailStore, _SaveHandler, create_app


@pytest.fixture
def store(tmp_path):
    return MailStore(tmp_path / "mail")


def send(store: MailStore, message: EmailMessage) -> None:
    """Through a real SMTP server writing into `store`."""
    port = free_port()
    controller = Controller(_SaveHandler(store), hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    finally:
        controller.stop()


def english() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "rapport@localhost", "omar@example.org", "Great to meet you"
    message.set_content("Hi Omar, thanks for the chat about <coffee>.")
    message.add_alternative('<p onclick="x()">Hi <b>Omar</b> "quoted"</p>', subtype="html")
    message.add_attachment(b"BEGIN:VCARD\r\nFN:Lina\r\nEND:VCARD\r\n", maintype="text", subtype="vcard",
                           filename="lina.vcf")
    return message


def arabic() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "rapport@localhost", "layla@example.org", "سعدت بلقائك"
    message.set_content("مرحبًا ليلى")
    return message


def test_messages_are_kept_newest_first_with_decoded_subjects(store):
    send(store, english())
    time.sleep(0.01)
    send(store, arabic())
    client = create_app(store).test_client()
    listed = client.get("/api/messages").json
    assert [m["subject"] for m in listed] == ["سعدت بلقائك", "Great to meet you"]
    assert "سعدت بلقائك" in client.get("/").get_data(as_text=True)


def test_a_message_shows_its_html_sandboxed_its_text_and_its_attachments(store):
    send(store, english())
    client = create_app(store).test_client()
    [summary] = client.get("/api/messages").json
    page = client.get(f"/messages/{summary['id']}").get_data(as_text=True)
    assert '<iframe sandbox srcdoc="&lt;p onclick=&#34;x()&#34;&gt;' in page  # escaped, inert
    assert "thanks for the chat about &lt;coffee&gt;" in page
    vcard = client.get(f"/messages/{summary['id']}/parts/0")
    assert vcard.status_code == 200 and b"FN:Lina" in vcard.data
    assert b"Subject: Great to meet you" in client.get(f"/messages/{summary['id']}.eml").data


@pytest.mark.parametrize("path", ["/messages/..%2F..%2Fetc%2Fpasswd", "/messages/nope.eml", "/messages/x/parts/0"])
def test_unknown_or_crafted_ids_are_404s(store, path):
    response = create_app(store).test_client().get(path)
    assert response.status_code == 404


def test_messages_survive_a_restart_and_can_be_cleared(store, tmp_path):
    send(store, arabic())
    reopened = create_app(MailStore(tmp_path / "mail")).test_client()
    assert len(reopened.get("/api/messages").json) == 1
    reopened.post("/api/messages/delete")
    assert reopened.get("/api/messages").json == []
