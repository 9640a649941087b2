"""The local mail sink: an SMTP server that keeps every message, and a web page to read them.

For the one-command local run, the follow-up service's mail comes here instead of real inboxes:

    python -m shared.mailsink --smtp-port 1025 --http-port 8025 --dir var/mail --bind 127.0.0.1

Every message accepted (250) is already a file `<utc timestamp>-<uuid>.eml` in `--dir`, so
messages survive restarts and can be opened with any mail client. SMTPUTF8 is on, so Arabic
addresses and subjects arrive as sent. SIGTERM or SIGINT stops both servers and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import socket
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from werkzeug.serving import BaseWSGIServer, make_server

from shared.mailsink.store import MailStore, MessageView, Part, Summary, UnknownMessage
from shared.mailsink.web import create_app

__all__ = ["MailSink", "MailStore", "MessageView", "Part", "Summary", "UnknownMessage", "create_app", "main"]

log = logging.getLogger(__name__)


class KeepMessage:
    """aiosmtpd handler: every DATA becomes a file; 250 only once it is on disk."""

    def __init__(self, store: MailStore):
        self.store = store

    async def handle_DATA(self, server, session, envelope) -> str:
        try:
            # original_content: the bytes as they came over the wire, before any decoding.
            message_id = self.store.save(envelope.original_content or envelope.content)
        except OSError:
            log.exception("could not keep a message")
            return "451 Requested action aborted: could not store the message"  # the sender retries
        return f"250 OK kept as {message_id}"


class MailSink:
    """Both servers over one MailStore. `start()` binds both ports or raises OSError; `stop()` is idempotent."""

    def __init__(
        self, folder: Path | str, *, bind: str = "127.0.0.1", smtp_port: int = 1025, http_port: int = 8025
    ):
        self.store = MailStore(folder)
        self.bind, self.smtp_port, self.http_port = bind, smtp_port, http_port
        self._smtp: Controller | None = None
        self._http: BaseWSGIServer | None = None
        self._http_thread: threading.Thread | None = None

    @property
    def smtp_url(self) -> str:
        return f"smtp://{_host(self.bind)}:{self.smtp_port}"

    @property
    def http_url(self) -> str:
        return f"http://{_host(self.bind)}:{self.http_port}/"

    def start(self) -> MailSink:
        # Bind HTTP first, so a taken port fails before anything needs undoing; and bind it here,
        # because werkzeug's own bind answers a taken port with sys.exit(1) instead of OSError.
        family = socket.AF_INET6 if ":" in self.bind else socket.AF_INET
        with socket.create_server((self.bind, self.http_port), family=family) as listener:
            self._http = make_server(
                self.bind, self.http_port, create_app(self.store), threaded=True, fd=listener.fileno()
            )  # werkzeug serves a duplicate of it
        self.http_port = self._http.port  # the real one when 0 was asked for
        smtp = Controller(
            KeepMessage(self.store),
            hostname=self.bind,
            port=self.smtp_port,
            enable_SMTPUTF8=True,
            data_size_limit=25 * 2**20,
        )
        try:
            smtp.start()
        except BaseException:
            with contextlib.suppress(Exception):  # its loop thread may or may not have started
                smtp.stop(no_assert=True)
            self._http.server_close()
            self._http = None
            raise
        self._smtp = smtp
        # A short poll interval: shutdown() waits up to one interval, and tests restart sinks often.
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.1}, name="mailsink-http", daemon=True
        )
        self._http_thread.start()
        return self

    def stop(self) -> None:
        # SMTP first, so nothing new arrives while the viewer goes away.
        if self._smtp is not None:
            self._smtp.stop()
            self._smtp = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http_thread.join()
            self._http = None

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _host(bind: str) -> str:
    """A host for a URL someone can open: a wildcard bind is reachable as localhost."""
    if bind in ("", "0.0.0.0", "::"):
        return "localhost"
    return f"[{bind}]" if ":" in bind else bind


def main(argv: list[str] | None = None) -> None:
    """Run the sink until SIGTERM or SIGINT; exit 1 with a one-line reason if a port is taken."""
    parser = argparse.ArgumentParser(
        prog="python -m shared.mailsink",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bind", default="127.0.0.1", help="address for both servers (default: %(default)s)")
    parser.add_argument("--smtp-port", type=int, default=1025, help="SMTP port (default: %(default)s)")
    parser.add_argument("--http-port", type=int, default=8025, help="web viewer port (default: %(default)s)")
    parser.add_argument(
        "--dir", type=Path, default=Path("var/mail"), help="message folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The inbox polls every few seconds; one log line per poll or SMTP session would bury the
    # local run's output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    sink = MailSink(args.dir, bind=args.bind, smtp_port=args.smtp_port, http_port=args.http_port)
    try:
        sink.start()
    except OSError as err:
        parser.exit(
            1,
            f"mail sink: cannot listen on {args.bind} (SMTP {args.smtp_port}, HTTP {args.http_port}): "
            f"{err}\n",
        )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    log.info(
        "mail sink: accepting mail at %s, showing it at %s (kept in %s)",
        sink.smtp_url,
        sink.http_url,
        args.dir.resolve(),
    )
    try:
        stopping.wait()
    finally:
        sink.stop()
        log.info("mail sink stopped")
