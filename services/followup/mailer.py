"""SMTP delivery that marks a message sent at the one moment that cannot double it.

An SMTP server acts on a message only when it receives the final "." of DATA; if the connection
drops before that, the message is thrown away. So `SmtpTransport.send` sends the envelope and the
whole message except that dot, then calls `commit` (the caller durably records "sent"), and only
then sends the dot. A sender killed before `commit` returns leaves nothing delivered and nothing
recorded: the message is sent again later. Killed after, the dot is a single write away: the
record is already there. What remains is the few microseconds between the two, instead of the
whole server round trip and database commit of the usual "send, then record" order.
This relies on what real relays (Postfix, Exim) do: a message whose final dot has arrived is
queued even if the client is gone before the "250" reply.

If the server then refuses the message (a 4xx or 5xx after the dot), `SmtpRefused` tells the
caller to undo its record. Connections are reused (one per sending thread), reopened when the
server drops them and after `MAX_PER_CONNECTION` messages; STARTTLS, implicit TLS and AUTH come
from the URL: `smtp://[user:pass@]host:port[?starttls=1][&cafile=/path/ca.pem]` or `smtps://...`.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

MAX_PER_CONNECTION = 500
_LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpRefused(Exception):
    """The server answered with an error; `permanent` for 5xx (retrying cannot help)."""

    def __init__(self, code: int, reply: str, stage: str):
        super().__init__(f"{stage}: {code} {reply}")
        self.code, self.reply, self.stage = code, reply, stage

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str = ""
    password: str = ""
    implicit_tls: bool = False
    starttls: bool = False
    cafile: str = ""  # a private CA to trust besides the system's (an internal relay)

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"RAPPORT_SMTP_URL must look like smtp://host:port, not {url!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit else 25),
                   username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   implicit_tls=implicit, starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
                   cafile=query.get("cafile", ""))

    def tls_context(self) -> ssl.SSLContext:
        """Certificates and host names are always checked."""
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(self.cafile)
        return context


class SmtpTransport:
    """One SMTP connection, reused across messages. Not thread-safe: one per sending thread."""

    def __init__(self, settings: SmtpSettings, timeout: float = 30, max_per_connection: int = MAX_PER_CONNECTION):
        self.settings, self.timeout, self.max_per_connection = settings, timeout, max_per_connection
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0
        self.connections_opened = 0

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.implicit_tls:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=s.tls_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            if s.starttls:
                smtp.starttls(context=s.tls_context())
        # The message and its final dot are two writes before one read: without TCP_NODELAY, Nagle's
        # algorithm holds the dot until the server's delayed ACK (40 ms on Linux) for every message.
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp.ehlo_or_helo_if_needed()
        if s.username:
            smtp.login(s.username, s.password)
        self.connections_opened += 1
        self._sent_on_connection = 0
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        """Close without QUIT: a transaction cut short is discarded by the server."""
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def send(self, sender: str, recipient: str, message: bytes, commit: Callable[[], None]) -> None:
        """Deliver `message` (CRLF line ends); `commit()` runs just before the server may act on it.

        Raises SmtpRefused, or OSError/SMTPException when the server cannot be reached; in every
        case where `commit` has not run, nothing was delivered.
        """
        if self._smtp is not None and self._sent_on_connection >= self.max_per_connection:
            self.close()
        try:
            self._envelope(sender, recipient)
        except smtplib.SMTPServerDisconnected:
            self._drop()  # a reused connection the server had closed: one fresh try
            self._envelope(sender, recipient)
        smtp = self._smtp
        data = _LEADING_DOT.sub(b"..", message)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        try:
            smtp.send(data)
            commit()
        except BaseException:
            self._drop()
            raise
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        self._sent_on_connection += 1
        if code != 250:
            raise SmtpRefused(code, reply.decode("utf-8", "replace"), "message")

    def _envelope(self, sender: str, recipient: str) -> None:
        """MAIL, RCPT and DATA, leaving the server waiting for the message."""
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        options = []
        if not (sender + recipient).isascii():
            if not smtp.has_extn("smtputf8"):
                raise SmtpRefused(553, "the server does not accept non-ASCII addresses (no SMTPUTF8)", "address")
            options.append("SMTPUTF8")
        steps = (("sender", lambda: smtp.mail(sender, options), (250,)),
                 ("recipient", lambda: smtp.rcpt(recipient), (250, 251)),
                 ("data", lambda: smtp.docmd("data"), (354,)))
        for stage, command, accepted in steps:
            code, reply = command()
            if code == -1:
                raise smtplib.SMTPServerDisconnected("connection closed")
            if code not in accepted:
                self._reset()
                raise SmtpRefused(code, reply.decode("utf-8", "replace"), stage)

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()
