"""The welcome email: an attendee's badge, their private link and short code, as they are registered.

It goes through the one mail outbox (delivery.py: planned, leased, sent exactly once, retried) as
campaign "welcome". What it shows of the attendee is the badge service's: the private link and the
badge card are made by the badge service's own code (services.badge.views.private_url and
badge_card, drawn by services.badge.render), from the serials attendee.registered and badge.issued
carry, signed with the RAPPORT_SECRET_KEY every service holds. So the link in the email is the one
the badge API shows, and it stops working when the badge service moves the serial on; nothing is
fetched from the badge service at send time, and no token travels on the event stream.

Arabic is written without gendered imperatives (verbal nouns: "فتح صفحتي"), as in wording.py.
"""

from __future__ import annotations

from types import SimpleNamespace

from shared.scripts import RTL_LANGUAGES, first_name

BADGE_CID = "badge"
BADGE_DPI = 150  # 620 x 874 px, about 14 kB: sharp at the 300 px the email shows, QR readable off a screen

TEXT = {
    "en": {
        "subject": "{first}, your badge and page for {event}",
        "hello": "Hello {first},",
        "intro": "You are registered for {event}. Your page and your badge are ready.",
        "badge": "Your badge: the people you meet scan its QR code.",
        "badge_alt": "Your badge: {name}, short code {code}",
        "open": "Open my page",
        "open_tip": "Best opened on your phone: this link is yours alone and gets your phone ready to scan "
        "badges, so please keep it to yourself.",
        "code": "Your short code: {code}",
        "code_tip": "If a camera cannot read your QR code, people can type this code instead.",
        "how": "How meeting people works",
        "how_scan": "When you meet someone, scan their badge with your phone and write a line about what you "
        "talked about.",
        "how_after": "After the event, we email you the people you met, with your notes, so following up is easy.",
        "why": "You receive this email because the organizers of {event} registered you for it.",
        "ask_reply": "Questions? Reply to this email.",
        "ask_organizers": "Questions? The organizers of {event} can help.",
        "signature": "The {event} team, with Rapport",
    },
    "ar": {
        "subject": "{first}، بطاقتك وصفحتك في {event}",
        "hello": "مرحبًا {first}،",
        "intro": "تم تسجيلك في {event}، وصفحتك وبطاقتك جاهزتان.",
        "badge": "بطاقتك: من تقابلهم يمسحون رمز QR الذي فيها.",
        "badge_alt": "بطاقتك: {name}، الرمز المختصر {code}",
        "open": "فتح صفحتي",
        "open_tip": "الأنسب فتحه على هاتفك: هذا الرابط لك وحدك، ويجهّز هاتفك لمسح البطاقات، لذا يُستحسن عدم "
        "مشاركته مع أحد.",
        "code": "رمزك المختصر: {code}",
        "code_tip": "إن تعذّر على الكاميرا قراءة رمز QR، يمكن كتابة هذا الرمز بدلًا منه.",
        "how": "كيف يتم التعارف هنا",
        "how_scan": "عند كل لقاء: مسح بطاقة الشخص بهاتفك، وكتابة سطر عمّا تحدثتما عنه.",
        "how_after": "بعد الفعالية: رسالة منّا بمن قابلتهم مع ملاحظاتك، لتسهل المتابعة.",
        "why": "وصلتك هذه الرسالة لأن منظمي {event} سجّلوك فيها.",
        "ask_reply": "لأي سؤال، يكفي الرد على هذه الرسالة.",
        "ask_organizers": "لأي سؤال، منظمو {event} في الخدمة.",
        "signature": "فريق {event}، مع Rapport",
    },
}


class BadgeParts:
    """The attendee's private link and badge image, made with the badge service's own code.

    `reader` is any object with the badge service's attendee attributes (id, event_id, name,
    language, short_code, headline, company, title, interests, badge_serial, private_serial):
    a follow-up attendee row has them all."""

    def __init__(self, settings, signer):
        self.settings, self.signer = settings, signer

    def private_url(self, reader) -> str:
        from services.badge import views  # the badge renderer loads fonts: only where a welcome is made

        return views.private_url(self.settings, self.signer, reader)

    def badge_png(self, reader, event_name: str) -> bytes:
        from services.badge import views
        from services.badge.render import render_png

        card = views.badge_card(reader, SimpleNamespace(name=event_name), self.settings, self.signer)
        return render_png(card, dpi=BADGE_DPI)


def view(lang: str, reader, event_name: str, contact_email: str, private_url: str, phrase) -> dict:
    """Every sentence of the email, chosen and filled in; `phrase(template, **names)` isolates names."""
    t = TEXT[lang]
    first = first_name(reader.name)
    return {
        "lang": lang,
        "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
        "t": SimpleNamespace(**t),
        "subject": str(phrase(t["subject"], first=first, event=event_name)),
        "hello": phrase(t["hello"], first=first),
        "intro": phrase(t["intro"], event=event_name),
        "badge_alt": str(phrase(t["badge_alt"], name=reader.name, code=reader.short_code)),
        "private_url": private_url,
        "short_code": reader.short_code,
        "code": t["code"].split("{code}")[0],
        "why": phrase(t["why"], event=event_name),
        "ask": t["ask_reply"] if contact_email else phrase(t["ask_organizers"], event=event_name),
        "signature": phrase(t["signature"], event=event_name),
        "badge_src": f"cid:{BADGE_CID}",
    }
