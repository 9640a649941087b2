"""The sign-in emails: written from a `SigninLink` row and sent over SMTP, crash-safe.

Runs beside the scan relay (`python -m services.scan.relay`), one thread. A request only adds a
row (signin.ask_for_links); this thread leases pending rows, writes each email in the person's
language (text and HTML, `X-Rapport-Campaign: signin`), and sends it with shared.smtp, which
records "finishing" just before the final dot and "sent" only after the server's 250. So a crash
never sends a link twice, and never marks one sent that was not: a row leased but not finished
goes out again once its lease ends; a "finishing" one whose lease ended is "unconfirmed" (the
person can ask again). The link itself is signed again from the row id: no secret is stored.
"""

from __future__ import annotations

import email.policy
import logging
import threading
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from services.scan.models import Attendee, Event, SigninLink
from services.scan.pagetext import TEXT
from services.scan.signin import link_token
from shared.envelope import utc_now
from shared.smtp import SentButUnconfirmed, SmtpRefused, SmtpSettings, SmtpTransport
from shared.tokens import TokenSigner

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
CAMPAIGN = "signin"
_templates = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                         autoescape=select_autoescape(["html"]))


def one_line(text: str) -> str:
    """Organizer-typed text for a header: a line break there would start a header of its own."""
    return " ".join(text.split())


def compose(link: SigninLink, attendee: Attendee, event_name: str, public_url: str, mail_from: str,
            signer: TokenSigner) -> EmailMessage:
    """The sign-in email, in the attendee's language."""
    lang = attendee.language if attendee.language in TEXT else "en"
    t = TEXT[lang]
    context = {"t": t, "lang": lang, "name": attendee.name, "event": event_name,
               "url": f"{public_url}/s/{link_token(signer, link.id)}", "minutes": 30}
    policy = email.policy.SMTP if attendee.email.isascii() else email.policy.SMTPUTF8
    message = EmailMessage(policy=policy)
    message["Subject"] = one_line(t["mail_subject"].format(event=event_name))
    message["From"] = mail_from
    message["To"] = Address(display_name=one_line(attendee.name), addr_spec=attendee.email)
    message["Date"] = format_datetime(link.created_at)
    message["Message-ID"] = make_msgid("signin", domain=parseaddr(mail_from)[1].rpartition("@")[2] or None)
    message["X-Rapport-Campaign"] = CAMPAIGN
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a sign-in link
    message.set_content(_templates.get_template("signin_email.txt").render(context))
    message.add_alternative(_templates.get_template("signin_email.html").render(context), subtype="html")
    message["Content-Language"] = lang  # after the bodies: set_content drops Content-* headers
    return message


class SigninMailer:
    """Leases pending sign-in emails and delivers them, one at a time on one reused connection."""

    def __init__(self, sessions: Callable[[], Session], signer: TokenSigner, smtp: SmtpSettings, mail_from: str,
                 public_url: str, clock: Callable[[], datetime] = utc_now, batch: int = 20):
        self.sessions, self.signer, self.mail_from, self.public_url = sessions, signer, mail_from, public_url
        self.clock, self.batch = clock, batch
        self.envelope_from = parseaddr(mail_from)[1]
        self.transport = SmtpTransport(smtp, timeout=30)

    def lease(self) -> list[str]:
        """Take up to `batch` pending rows for LEASE; the ids taken."""
        now = self.clock()
        with self.sessions() as session:
            # Its final dot may have left: never again (the person can ask for a new link).
            session.execute(sa.update(SigninLink).where(SigninLink.mail_state == "finishing",
                                                        SigninLink.mail_lease_until <= now)
                            .values(mail_state="unconfirmed"))
            session.execute(sa.update(SigninLink).where(SigninLink.mail_state == "pending",
                                                        SigninLink.expires_at <= now)
                            .values(mail_state="failed", mail_error="expired before it could be sent"))
            rows = session.scalars(sa.select(SigninLink).where(
                SigninLink.mail_state == "pending", SigninLink.mail_lease_until <= now)
                .order_by(SigninLink.created_at).limit(self.batch).with_for_update(skip_locked=True)).all()
            for row in rows:
                row.mail_lease_until, row.mail_attempts = now + LEASE, row.mail_attempts + 1
            session.commit()
            return [row.id for row in rows]

    def send_one(self, link_id: str) -> str:
        """Write and deliver one leased row; its new mail_state."""
        with self.sessions() as session:
            link = session.get(SigninLink, link_id)
            attendee = session.get(Attendee, link.attendee_id) if link else None
            if link is None or link.mail_state != "pending":
                return link.mail_state if link else "gone"
            if attendee is None or not attendee.email:
                return self._mark(session, link, "failed", "the attendee has no email address any more")
            event_name = session.scalar(sa.select(Event.name).where(Event.id == link.event_id)) or ""
            message = compose(link, attendee, event_name, self.public_url, self.mail_from, self.signer)
            recipient, attempts = attendee.email, link.mail_attempts

        def finishing() -> None:
            with self.sessions() as s:
                s.execute(sa.update(SigninLink).where(SigninLink.id == link_id)
                          .values(mail_state="finishing", mail_lease_until=self.clock() + LEASE))
                s.commit()

        try:
            self.transport.send(self.envelope_from, recipient, message.as_bytes(), finishing)
            state, why = "sent", ""
        except SentButUnconfirmed as exc:
            state, why = "unconfirmed", str(exc)
        except SmtpRefused as exc:
            state, why = ("failed" if exc.permanent or attempts >= MAX_ATTEMPTS else "pending"), str(exc)
        except Exception as exc:  # the server cannot be reached (OSError, SMTPException): try again later
            state, why = ("failed" if attempts >= MAX_ATTEMPTS else "pending"), f"{type(exc).__name__}: {exc}"
        with self.sessions() as session:
            link = session.get(SigninLink, link_id)
            if link is None:
                return "gone"  # erased meanwhile
            if state == "pending":
                link.mail_lease_until = self.clock() + timedelta(seconds=10 * attempts)
            return self._mark(session, link, state, why)

    @staticmethod
    def _mark(session: Session, link: SigninLink, state: str, why: str) -> str:
        link.mail_state, link.mail_error = state, why[:300]
        session.commit()
        if state != "sent":
            log.warning("sign-in email %s: %s %s", link.id, state, why)
        return state

    def round(self) -> int:
        """One lease and its sends; how many rows it took."""
        taken = self.lease()
        for link_id in taken:
            self.send_one(link_id)
        return len(taken)

    def run(self, stop: threading.Event, idle: float = 0.2, backoff: float = 2.0) -> None:
        """Until `stop`: a round, then wait `idle` seconds when there was nothing to send."""
        while not stop.is_set():
            try:
                if not self.round():
                    stop.wait(idle)
            except sa.exc.OperationalError as exc:
                log.warning("database unavailable, sign-in emails wait: %s", exc)
                stop.wait(backoff)
        self.transport.close()


def mailer_for(service) -> SigninMailer:
    s = service.settings
    return SigninMailer(service.sessions, service.signer, SmtpSettings.from_url(s.smtp_url), s.mail_from,
                        s.public_url)
