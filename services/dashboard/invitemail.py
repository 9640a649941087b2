"""The invitation email: the link an invited organizer sets their password from.

The dashboard sends it itself, at once, while the admin waits: the follow-up service's mail
outbox is built around attendees (its rows, read models and campaigns are theirs), and an
invitation is no attendee's. It is sent after the invitation is committed, so a lost email
loses nothing: the page shows the same link for the admin to pass on, and says when the mail
did not go. Campaign header `X-Rapport-Campaign: invitation`; nothing to unsubscribe from.

The invitee's language is not known yet: the email says it in both, the inviting admin's first.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid, parseaddr

from shared.smtp import SmtpSettings, SmtpTransport

CAMPAIGN = "invitation"
TEXT = {
    "en": {
        "subject": "You are invited to organize events on Rapport",
        "intro": "{admin} invited you to organize events on Rapport. Open this link to choose your "
        "password; it works once, for 7 days:",
        "button": "Set my password",
        "why": "If you did not expect this, ignore this email: nothing happens without the link.",
    },
    "ar": {
        "subject": "دعوة لتنظيم الفعاليات على Rapport",
        "intro": "دعاك {admin} لتنظيم الفعاليات على Rapport. افتح هذا الرابط لاختيار كلمة المرور؛ يعمل مرة "
        "واحدة، لمدة 7 أيام:",
        "button": "تعيين كلمة المرور",
        "why": "إن لم تكن تتوقع هذه الرسالة، فيمكن تجاهلها: لا يحدث شيء من دون الرابط.",
    },
}


def compose(mail_from: str, to: str, admin_name: str, link: str, first: str = "en") -> EmailMessage:
    order = [first, *(lang for lang in TEXT if lang != first)]
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"] = mail_from, to
    message["Subject"] = " / ".join(TEXT[lang]["subject"] for lang in order)
    message["Message-ID"] = make_msgid(domain=parseaddr(mail_from)[1].rpartition("@")[2] or "rapport.local")
    message["X-Rapport-Campaign"] = CAMPAIGN
    text = "\n\n".join(
        f"{TEXT[lang]['intro'].format(admin=admin_name)}\n{link}\n\n{TEXT[lang]['why']}" for lang in order
    )
    message.set_content(text)
    sections = "".join(
        f'<div lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}" style="margin:0 0 28px">'
        f"<p>{html.escape(TEXT[lang]['intro']).format(admin=f'<bdi>{html.escape(admin_name)}</bdi>')}</p>"
        f'<p><a href="{html.escape(link)}" style="display:inline-block;background:#1f5f8b;color:#fff;'
        f'padding:10px 18px;border-radius:8px;text-decoration:none;font-weight:700">'
        f"{html.escape(TEXT[lang]['button'])}</a></p>"
        f'<p dir="ltr" style="word-break:break-all;color:#5b5b57;font-size:13px">{html.escape(link)}</p>'
        f'<p style="color:#5b5b57;font-size:13px">{html.escape(TEXT[lang]["why"])}</p></div>'
        for lang in order
    )
    message.add_alternative(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        "<body style=\"font:16px/1.5 system-ui,'Segoe UI',Tahoma,sans-serif;max-width:36rem;margin:0 auto;"
        f'padding:16px;color:#1d1d1b">{sections}</body></html>',
        subtype="html",
    )
    return message


def send(smtp_url: str, message: EmailMessage) -> None:
    """Deliver it now; OSError, smtplib.SMTPException or shared.smtp.SmtpRefused if it did not go."""
    transport = SmtpTransport(SmtpSettings.from_url(smtp_url), timeout=10)
    try:
        body = message.as_bytes()
        transport.send(parseaddr(message["From"])[1], message["To"], body, commit=lambda: None)
    finally:
        transport.close()
