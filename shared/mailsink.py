"""The local mail sink: an SMTP server that keeps every message, and a page to read them.

For the one-command local run: follow-up mail goes here instead of to real inboxes.

    python -m shared.mailsink --smtp-port 1025 --http-port 8025 --dir var/mail

Each message is one .eml file in the folder (written to a temporary name, then renamed, so a
reader never sees half a message), so they survive restarts.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import logging
import os
import re
import signal
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from flask import Flask, Response, abort, render_template_string
from werkzeug.serving import make_server

from shared.web import register_problem_handlers

log = logging.getLogger(__name__)
MESSAGE_ID = re.compile(r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{32}$")


@dataclass(frozen=True)
class Summary:
    id: str
    sender: str
    to: str
    subject: str
    date: str
    size: int


class MailStore:
    """The folder of kept messages. Ids are file names the store made; nothing else is opened."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def save(self, raw: bytes) -> str:
        message_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}"
        temporary = self.folder / f".{message_id}.tmp"
        temporary.write_bytes(raw)
        os.replace(temporary, self.folder / f"{message_id}.eml")
        return message_id

    def _path(self, message_id: str) -> Path:
        path = self.folder / f"{message_id}.eml"
        if not MESSAGE_ID.match(message_id) or not path.exists():
            raise KeyError(message_id)
        return path

    def raw(self, message_id: str) -> bytes:
        return self._path(message_id).read_bytes()

    def get(self, message_id: str) -> EmailMessage:
        return email.message_from_bytes(self.raw(message_id), policy=email.policy.default)

    def list(self) -> list[Summary]:
        """Newest first."""
        out = []
        for path in sorted(self.folder.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            out.append(Summary(path.stem, str(message["From"] or ""), str(message["To"] or ""),
                               str(message["Subject"] or ""), str(message["Date"] or ""), path.stat().st_size))
        return out

    def clear(self) -> None:
        for path in self.folder.glob("*.eml"):
            path.unlink()


class _SaveHandler:
    def __init__(self, store: MailStore):
        self.store = store

    async def handle_DATA(self, server, session, envelope):
        self.store.save(envelope.original_content or envelope.content)
        return "250 Message kept"


INBOX = """<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Rapport mail sink</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
td,th{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:start}</style></head><body>
<h1>Mail sink</h1><p>{{ messages|length }} message(s) kept; this page refreshes itself.</p>
<table><tr><th>Subject</th><th>To</th><th>Date</th></tr>
{% for m in messages %}<tr><td dir="auto"><a href="/messages/{{ m.id }}">{{ m.subject or "(no subject)" }}</a></td>
<td dir="auto">{{ m.to }}</td><td>{{ m.date }}</td></tr>{% endfor %}</table></body></html>"""

MESSAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ message["Subject"] }}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem}iframe{width:100%;height:70vh;border:1px solid #ccc}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style></head><body>
<p><a href="/">← all messages</a> · <a href="/messages/{{ id }}.eml">raw .eml</a></p>
<h1 dir="auto">{{ message["Subject"] }}</h1>
<dl>{% for name in ["From", "To", "Date", "List-Unsubscribe"] if message[name] %}
<dt>{{ name }}</dt><dd dir="auto">{{ message[name] }}</dd>{% endfor %}</dl>
{% if html %}<iframe sandbox srcdoc="{{ html }}" title="HTML part"></iframe>{% endif %}
{% if text %}<h2>Plain text</h2><pre dir="auto">{{ text }}</pre>{% endif %}
{% if attachments %}<h2>Attachments</h2><ul>{% for n, name in attachments %}
<li><a href="/messages/{{ id }}/parts/{{ n }}">{{ name }}</a></li>{% endfor %}</ul>{% endif %}
</body></html>"""


def create_app(store: MailStore) -> Flask:
    """The viewer: inbox, one message (HTML in a sandboxed frame), parts, raw source, JSON."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    register_problem_handlers(app)

    def find(message_id: str) -> EmailMessage:
        try:
            return store.get(message_id)
        except KeyError:
            abort(404, f"no message {message_id!r}")

    @app.get("/")
    def inbox():
        return render_template_string(INBOX, messages=store.list())

    @app.get("/api/messages")
    def api_messages():
        return [summary.__dict__ for summary in store.list()]

    @app.post("/api/messages/delete")
    def api_delete():
        store.clear()
        return {"deleted": True}

    @app.get("/messages/<message_id>.eml")
    def raw(message_id):
        find(message_id)
        return Response(store.raw(message_id), mimetype="message/rfc822")

    @app.get("/messages/<message_id>")
    def show(message_id):
        message = find(message_id)
        html, text = message.get_body(("html",)), message.get_body(("plain",))
        attachments = [(n, part.get_filename() or f"part-{n}") for n, part in enumerate(message.iter_attachments())]
        return render_template_string(MESSAGE, id=message_id, message=message, attachments=attachments,
                                      html=html.get_content() if html else "", text=text.get_content() if text else "")

    @app.get("/messages/<message_id>/parts/<int:n>")
    def part(message_id, n):
        parts = list(find(message_id).iter_attachments())
        if n >= len(parts):
            abort(404, f"message {message_id!r} has no part {n}")
        name = parts[n].get_filename() or f"part-{n}"
        return Response(parts[n].get_content() if parts[n].get_content_maintype() != "text"
                        else parts[n].get_content().encode(), mimetype=parts[n].get_content_type(),
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.mailsink", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = MailStore(args.dir)
    smtp = Controller(_SaveHandler(store), hostname=args.bind, port=args.smtp_port,
                      enable_SMTPUTF8=True, data_size_limit=25 * 2**20)
    smtp.start()
    web = make_server(args.bind, args.http_port, create_app(store), threaded=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=web.shutdown).start())
    log.info("mail sink: SMTP on %s:%d, messages at http://%s:%d", args.bind, args.smtp_port, args.bind,
             args.http_port)
    try:
        web.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
