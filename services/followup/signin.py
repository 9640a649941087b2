"""The sign-in email: a one-time link someone asked for on the scan pages (signin.requested).

It goes through the one mail outbox (delivery.py) as campaign "signin", at once: a person is
waiting with the phone in hand. The link is the scan service's `/s/<token>`, the token the link id
signed with the RAPPORT_SECRET_KEY every service holds (shared.identity.signin_token): it is made
here, when the email is written, and is in the email only. Nothing to unsubscribe from (they asked
for it), so no List-Unsubscribe; a link that expired before it could be sent is skipped.

Arabic is written without gendered imperatives (verbal nouns: "تسجيل الدخول"), as in wording.py.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from shared import identity
from shared.scripts import RTL_LANGUAGES, first_name

TEXT = {
    "en": {
        "subject": "Your sign-in link for {event}",
        "hello": "Hello {first},",
        "intro": "Here is the link you asked for on the {event} pages. It signs this phone in as you: it works "
        "once, for {minutes}.",
        "button": "Sign in on this phone",
        "paste": "Or open this link:",
        "why": "You receive this because this address was typed on the {event} pages to ask for a sign-in "
        "link. If it was not you, ignore this email: nothing happens without the link.",
        "minutes": {"one": "1 minute", "other": "{n} minutes"},
    },
    "ar": {
        "subject": "رابط دخولك إلى {event}",
        "hello": "مرحبًا {first}،",
        "intro": "هذا هو الرابط الذي طلبته من صفحات {event}، وبه يتم تسجيل دخولك على هذا الهاتف. يعمل الرابط "
        "مرة واحدة، لمدة {minutes}.",
        "button": "تسجيل الدخول على هذا الهاتف",
        "paste": "أو يمكن فتح هذا الرابط:",
        "why": "وصلتك هذه الرسالة لأن هذا العنوان كُتب في صفحات {event} لطلب رابط دخول. إن لم يكن الطلب منك، "
        "فيمكن تجاهلها: لا يحدث شيء من دون الرابط.",
        "minutes": {
            "one": "دقيقة واحدة",
            "two": "دقيقتين",
            "few": "{n} دقائق",
            "many": "{n} دقيقة",
            "other": "{n} دقيقة",
        },
    },
}


def link_url(public_url: str, signer, link_id: str) -> str:
    """The scan service's one-time link for this link id (services.scan.signinpages opens it)."""
    return f"{public_url}/s/{identity.signin_token(signer, link_id)}"


def minutes_left(expires_at: datetime, now: datetime) -> int:
    """Minutes the link still works, to the nearest (30 for one sent at once, as the page said; at
    least 1: an expired one is never composed)."""
    return max(1, round((expires_at - now).total_seconds() / 60))


def view(lang: str, reader, event_name: str, url: str, minutes: int, phrase, counted) -> dict:
    """Every sentence of the email, chosen and filled in; `phrase(template, **names)` isolates names,
    `counted(lang, forms, n)` picks the plural form."""
    t = TEXT[lang]
    first = first_name(reader.name)
    return {
        "lang": lang,
        "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
        "t": SimpleNamespace(**t),
        "subject": str(phrase(t["subject"], event=event_name)),
        "hello": phrase(t["hello"], first=first),
        "intro": phrase(
            t["intro"].replace("{minutes}", counted(lang, t["minutes"], minutes)), event=event_name
        ),
        "url": url,
        "why": phrase(t["why"], event=event_name),
    }
