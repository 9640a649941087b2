"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives, in memory.

For tests and benchmarks that need to see what the services really sent over SMTP:

    with SmtpSink() as sink:
        ...                              # point RAPPORT_SMTP_URL at sink.url
        [mail] = sink.wait_for(1)
        assert mail.message["Subject"] == "..."
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from deploy.rig.ports import free_port


@dataclass(frozen=True)
class Received:
    """One message as the server received it."""

    mail_from: str  # the envelope sender (MAIL FROM)
    recipients: tuple[str, ...]  # the envelope recipients (RCPT TO), in order
    raw: bytes  # the DATA, byte for byte (CRLF line ends, as on the wire)
    message: EmailMessage  # `raw` parsed with email.policy.default: headers decoded, \n line ends
    connection: int  # which SMTP connection delivered it, counted from 1 since start() or clear()


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        # The email package works with \n line ends (as when it reads a file); bytes sent over SMTP
        # end their lines with CRLF, which would otherwise stay in every decoded body.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        self.sink._receive(
            Received(
                envelope.mail_from or "",
                tuple(envelope.rcpt_tos),
                raw,
                message,
                getattr(server, "rig_connection", 0),
            )
        )
        if self.sink.delay:
            # A slow relay, as Postfix or Exim are: the message is theirs once the final dot has
            # arrived (queued above), and the "250" reply comes `delay` seconds later.
            await asyncio.sleep(self.sink.delay)
        return "250 OK"


class _CountingController(Controller):
    """aiosmtpd's Controller, numbering each connection: factory() runs once per connection."""

    def __init__(self, sink: SmtpSink, **kwargs):
        super().__init__(_Handler(sink), **kwargs)
        self.sink = sink

    def factory(self) -> SMTP:
        smtp = super().factory()
        smtp.rig_connection = self.sink._connected()
        return smtp


class SmtpSink:
    """An SMTP server on 127.0.0.1 (a free port unless given) whose event loop runs in a thread.

    Accepts any sender and recipient, with SMTPUTF8, without authentication or TLS. `messages`
    grows in arrival order; `connections` counts the SMTP connections accepted since start()
    or clear(), so a test can tell one connection per mail from a reused one. `delay` makes it
    a slow relay: each message is kept at its final dot and answered `delay` seconds later. Can be started
    again after stop(); the messages are kept until clear().
    """

    def __init__(self, port: int | None = None, delay: float = 0):
        self.port = port or free_port()
        self.delay = delay
        self._messages: list[Received] = []
        self._connections = 0
        self._changed = threading.Condition()
        self._controller: _CountingController | None = None

    def __repr__(self) -> str:
        return f"<SmtpSink {self.url} {len(self._messages)} messages>"

    @property
    def url(self) -> str:
        """ "smtp://127.0.0.1:PORT", the form RAPPORT_SMTP_URL takes."""
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Received]:
        """A copy of the messages received so far, oldest first."""
        with self._changed:
            return list(self._messages)

    @property
    def connections(self) -> int:
        """SMTP connections accepted since start() or clear() (whether or not they sent mail)."""
        with self._changed:
            return self._connections

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """All messages once at least `count` have arrived; TimeoutError after `timeout` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(
                    f"{len(self._messages)} of {count} messages arrived at {self.url} within {timeout} s"
                )
            return list(self._messages)

    def clear(self) -> None:
        """Forget the messages received and reset the connection count."""
        with self._changed:
            self._messages.clear()
            self._connections = 0

    def start(self) -> SmtpSink:
        """Listen, and return once the server answers (a no-op if it already runs)."""
        if self._controller is not None:
            return self
        # A fixed server name: aiosmtpd would otherwise resolve the host's FQDN on every connection.
        controller = _CountingController(
            self,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="rapport-rig.localhost",
            enable_SMTPUTF8=True,
        )
        controller.start()
        self._controller = controller
        with self._changed:
            self._connections = 0  # Controller.start() connects once itself, to check the server answers
        return self

    def stop(self) -> None:
        """Close the server and join its thread. Idempotent."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _connected(self) -> int:
        with self._changed:
            self._connections += 1
            return self._connections

    def _receive(self, received: Received) -> None:
        with self._changed:
            self._messages.append(received)
            self._changed.notify_all()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
