"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests and benchmarks."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from deploy.rig.ports import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.sink._lock:
            self.sink.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content or envelope.content)
        with self.sink._lock:
            self.sink._messages.append(received)
        return "250 OK"


class SmtpSink:
    """`start()`, send mail to `url`, read `messages`; `connections` counts SMTP sessions (EHLOs)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.connections = 0
        self._messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                      enable_SMTPUTF8=True, data_size_limit=25 * 2**20)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self._messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self._messages)} of {count} messages arrived")
            time.sleep(0.02)
        return self.messages

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self.connections = 0

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
