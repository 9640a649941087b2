"""SMTP delivery whose records never claim more than happened, and never send an email twice
(every service that sends mail uses it: follow-ups, sign-in links).

An SMTP server acts on a message only when it receives the final "." of DATA; if the connection
drops before that, the message is thrown away. So `SmtpTransport.send` sends the envelope and the
whole message except that dot, then calls `commit` (the caller durably records "finishing": this
row's dot is about to go, no other sender may take it), then sends the dot and reads the server's
answer. Only a "250" after the dot makes the caller record "sent" (and say so on the bus):

- killed before `commit` returns: nothing delivered, nothing recorded; the row's lease runs out
  and it is sent again later;
- a 4xx or 5xx after the dot: the server did not take it; the caller defers or fails the row;
- the answer is lost (the connection drops, the sender is killed after the dot): whether the
  server queued it cannot be known (real relays, Postfix and Exim, queue a message whose dot has
  arrived even if the client is gone before the "250"). The row is "unconfirmed": not "sent",
  because that might be false, and not sent again, because that might double it. A "finishing"
  row whose lease ran out becomes "unconfirmed" the same way (delivery.claim);
- accepted, but the "sent" commit fails: the row stays "finishing", then "unconfirmed".
The one window left where an email is recorded "finishing" but its dot never left is the few
microseconds between the commit and the write of the dot.

`send_together` does this for many messages on many connections from one thread: each SMTP step
goes out on every connection before any answer is read, so the round trips overlap, and one
transaction records a whole round of messages.

A refusal (a 4xx or 5xx, before or after the dot) comes back as `SmtpRefused`, a lost answer as
`SentButUnconfirmed`. Connections are reused (a window of them per sender), reopened when the
server drops them and after `MAX_PER_CONNECTION` messages; STARTTLS, implicit TLS and AUTH come
from the URL: `smtp://[user:pass@]host:port[?starttls=1][&cafile=/path/ca.pem]` or `smtps://...`.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
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
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"RAPPORT_SMTP_URL must look like smtp://host:port, not {url!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            implicit_tls=implicit,
            starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
            cafile=query.get("cafile", ""),
        )

    def tls_context(self) -> ssl.SSLContext:
        """Certificates and host names are always checked."""
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(self.cafile)
        return context


class SmtpTransport:
    """One SMTP connection, reused across messages. Not thread-safe: send_together drives many from one thread."""

    def __init__(
        self, settings: SmtpSettings, timeout: float = 30, max_per_connection: int = MAX_PER_CONNECTION
    ):
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
        """Deliver one message (CRLF line ends); `commit()` runs just before the server may act on
        it. Raises SmtpRefused, or OSError/SMTPException when the server cannot be reached; in
        every case where `commit` has not run, nothing was delivered."""
        [outcome] = send_together([self], [(sender, recipient, message)], lambda ready: (commit(), [True])[1])
        if isinstance(outcome, BaseException):
            raise outcome

    # -- the steps send_together() drives ---------------------------------------------------------

    def _ready(self) -> None:
        if self._smtp is not None and self._sent_on_connection >= self.max_per_connection:
            self.close()
        if self._smtp is None:
            self._smtp = self._connect()

    def _mail(self, sender: str, recipient: str) -> None:
        for addr in (sender, recipient):  # a line break here would be a command of its own
            if any(c.isspace() or not c.isprintable() or c in "<>" for c in addr):
                raise SmtpRefused(553, f"not a usable address: {addr!r}", "address")
        options = ""
        if not (sender + recipient).isascii():
            if not self._smtp.has_extn("smtputf8"):
                raise SmtpRefused(
                    553, "the server does not accept non-ASCII addresses (no SMTPUTF8)", "address"
                )
            options = " SMTPUTF8"
        self._smtp.putcmd("mail", f"FROM:<{sender}>{options}")

    def _reply(self) -> tuple[int, str]:
        code, reply = self._smtp.getreply()
        if code == -1:
            raise smtplib.SMTPServerDisconnected("connection closed")
        return code, reply.decode("utf-8", "replace")

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()


Job = tuple[str, str, bytes]  # envelope sender, recipient, message (CRLF line ends)
Outcome = BaseException | None  # None: delivered


class NotSent(Exception):
    """`commit` did not let this message be finished (another sender holds it now)."""


class SentButUnconfirmed(Exception):
    """Its final dot went out (or may have), but the server's answer was lost: delivery unknown."""


def send_together(
    transports: list[SmtpTransport], jobs: list[Job], commit: Callable[[list[int]], list[bool]]
) -> list[Outcome]:
    """Deliver jobs[i] on transports[i], all at once: each SMTP step is sent on every connection
    before any answer is read, so the round trips overlap and one thread keeps many connections
    busy. `commit(ready)` gets the indexes whose message is complete but for its final dot,
    records them (one transaction) and says which may be finished; if it raises, every
    connection is dropped before its dot and nothing is delivered. One outcome per job."""
    outcome: list[Outcome] = [None] * len(jobs)

    def failed(i: int, exc: BaseException) -> None:
        outcome[i] = exc
        transports[i]._drop()

    def step(
        live: list[int], command: Callable[[int], None], accepted: tuple[int, ...], stage: str
    ) -> list[int]:
        asked = []
        for i in live:
            try:
                command(i)
                asked.append(i)
            except SmtpRefused as refused:
                outcome[i] = refused
            except (OSError, smtplib.SMTPException) as exc:
                failed(i, exc)
        passed = []
        for i in asked:
            try:
                code, reply = transports[i]._reply()
            except (OSError, smtplib.SMTPException) as exc:
                failed(i, exc)
                continue
            if code in accepted:
                passed.append(i)
            else:
                outcome[i] = SmtpRefused(code, reply, stage)
                transports[i]._reset()
        return passed

    live = []
    for i, transport in enumerate(transports):
        try:
            transport._ready()
            live.append(i)
        except (OSError, smtplib.SMTPException) as exc:
            failed(i, exc)
    reused = [i for i in live if transports[i]._sent_on_connection]
    live = step(live, lambda i: transports[i]._mail(jobs[i][0], jobs[i][1]), (250,), "sender")
    for i in reused:  # a reused connection the server had closed meanwhile: one fresh try
        if isinstance(outcome[i], (OSError, smtplib.SMTPServerDisconnected)):
            outcome[i] = None
            try:
                transports[i]._ready()
                live += step([i], lambda i: transports[i]._mail(jobs[i][0], jobs[i][1]), (250,), "sender")
            except (OSError, smtplib.SMTPException) as exc:
                failed(i, exc)
    live = step(
        sorted(live),
        lambda i: transports[i]._smtp.putcmd("rcpt", f"TO:<{jobs[i][1]}>"),
        (250, 251),
        "recipient",
    )
    live = step(live, lambda i: transports[i]._smtp.putcmd("data"), (354,), "data")
    ready = []
    for i in live:
        data = jobs[i][2]
        if data.startswith(b".") or b"\n." in data:  # a scan in C first: our base64 bodies have none
            data = _LEADING_DOT.sub(b"..", data)
        try:
            transports[i]._smtp.send(data if data.endswith(b"\r\n") else data + b"\r\n")
            ready.append(i)
        except (OSError, smtplib.SMTPException) as exc:
            failed(i, exc)
    if not ready:
        return outcome
    try:
        held = commit(ready)
    except BaseException:
        for i in ready:
            transports[i]._drop()
        raise
    finishing = []
    for i, ok in zip(ready, held):
        if ok:
            finishing.append(i)
        else:
            failed(i, NotSent())
    for i in finishing:
        try:
            transports[i]._smtp.send(b".\r\n")
        except (OSError, smtplib.SMTPException) as exc:
            failed(i, SentButUnconfirmed(str(exc)))
    for i in finishing:
        if outcome[i] is not None:
            continue
        try:
            code, reply = transports[i]._reply()
        except (OSError, smtplib.SMTPException) as exc:
            failed(i, SentButUnconfirmed(str(exc)))
            continue
        transports[i]._sent_on_connection += 1
        if code != 250:
            outcome[i] = SmtpRefused(code, reply, "message")
    return outcome
