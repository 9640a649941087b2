"""Turn a digest into the email a person reads: subject, HTML and plain text, in their language.

`Composer.followup()` and `Composer.nudge()` build a view (every sentence already chosen and
filled in) and render it with Jinja2 templates; `to_mime()` makes the RFC 5322 message bytes with a
stable Message-ID (a retried send is recognisably the same message), the campaign, the event's
Reply-To and one-click unsubscribe headers (RFC 8058); every header value is encoded or refused
(headers.py).
"""

from __future__ import annotations

import binascii
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.followup import entries, messages, signin, welcome
from services.followup import wording as w
from services.followup.custom import Wording
from services.followup.digest import MAX_NUDGE_PEOPLE, Contact, Digest, Highlight, Person
from services.followup.entries import escape
from services.followup.headers import mailbox, one_line, token, unstructured
from services.followup.links import Links, mailto_subject, percent_encoded
from shared.envelope import utc_now
from shared.events import nudge_days
from shared.quotes import isolate_quotes
from shared.scripts import RTL_LANGUAGES, first_name, isolate

TEMPLATES = Path(__file__).with_name("templates")


# Templates read views as attributes: Jinja tries getattr() before [], so dicts would cost it a
# failed lookup on every field of every person (a third of the rendering time).
View = SimpleNamespace
# `t.html` holds the same sentences escaped once, for the parts entries.py writes for every person.
TEMPLATE_TEXT = {
    lang: View(**texts, html=View(**{k: escape(v) for k, v in texts.items() if isinstance(v, str)}))
    for lang, texts in w.TEXT.items()
}
SEPARATOR = {"en": "; ", "ar": "، "}
FULL_WITHOUT_REASON = 3
NO_WORDING = Wording()
TEMPLATE_NAMES = ("followup", "nudge", "welcome", "signin")


class Phrase:
    """A sentence with names in it, for both templates: as text (str) it isolates names of the
    other script with FSI/PDI; in HTML (Jinja calls __html__) it escapes and wraps every name in
    <bdi>. A list field becomes a joined list ("a, b and c" / "أ، ب وج"), each item isolated."""

    __slots__ = ("lang", "template", "fields")

    def __init__(self, lang: str, template: str, **fields):
        self.lang, self.template, self.fields = lang, template, fields

    def _fill(self, wrap) -> dict:
        return {
            k: w.joined(self.lang, [wrap(x) for x in v]) if isinstance(v, (list, tuple)) else wrap(v)
            for k, v in self.fields.items()
        }

    def __str__(self) -> str:
        return self.template.format(**self._fill(lambda v: isolate(str(v), self.lang)))

    def __html__(self) -> str:
        # Plain str.format over an escaped template and escaped values (Markup.format escapes
        # again, at a fifth of the email's rendering time): the result is as safe.
        return Markup(str(escape(self.template)).format(**self._fill(lambda v: f"<bdi>{escape(v)}</bdi>")))

    def __bool__(self) -> bool:
        return bool(self.template)


class Joined:
    """Phrases after a lead, with a separator between them, for both templates like Phrase."""

    __slots__ = ("lead", "separator", "parts")

    def __init__(self, lead: str, separator: str, parts: list[Phrase]):
        self.lead, self.separator, self.parts = lead, separator, parts

    def __str__(self) -> str:
        return self.lead + self.separator.join(map(str, self.parts))

    def __html__(self) -> str:
        return Markup(
            str(escape(self.lead)) + str(escape(self.separator)).join(p.__html__() for p in self.parts)
        )


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    contact_email: str = ""  # the organizers' address: Reply-To of the event's emails
    wording: Mapping[str, Wording] = field(default_factory=dict)  # the organizer's own, by language


@dataclass(frozen=True)
class Composed:
    """A rendered email, before it is addressed and encoded."""

    language: str
    subject: str
    html: str
    text: str
    unsubscribe_url: str  # "" for an email there is nothing to stop in (the welcome)
    contacts: int  # how many people it mentions
    # Images the HTML shows inline (<img src="cid:NAME">): (content id, PNG bytes) each.
    images: tuple[tuple[str, bytes], ...] = ()


class Composer:
    def __init__(self, links: Links, badges=None, signin_url=None):
        """`badges` (welcome.BadgeParts) makes the welcome email's private link and badge image;
        `signin_url(link_id)` a sign-in email's one-time link (signin.link_url)."""
        self.links, self.badges, self.signin_url = links, badges, signin_url
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates live as long as the process: no stat() of each on every render
        )
        env.filters["iso"] = isolate  # plain text: {{ p.name|iso(lang) }} (HTML uses <bdi>)
        env.globals.update(entries.HTML | entries.TEXT)  # each person's parts, in plain Python
        self._html = {name: env.get_template(f"{name}.html") for name in TEMPLATE_NAMES}
        self._text = {name: env.get_template(f"{name}.txt") for name in TEMPLATE_NAMES}

    def compose(self, event: EventInfo, digest: Digest, campaign: str) -> Composed | None:
        """The email for this campaign, or None when there is nothing worth sending."""
        days = nudge_days(campaign)
        return self.followup(event, digest) if days is None else self.nudge(event, digest, days)

    # -- the follow-up ------------------------------------------------------------------------

    def followup(self, event: EventInfo, digest: Digest) -> Composed | None:
        """Each person once: the highlights in full (notes, why, a message to send), everyone else
        they met as one compact line, then the people who met them."""
        if not digest.has_content:
            return None
        reader, lang = digest.reader, w.language(digest.reader.language)
        t, seed = w.TEXT[lang], reader.id
        first = first_name(reader.name)
        matched = bool(digest.reasons)  # the match service's best matches, not shared-interest guesses
        subject_options = (
            t["subject"]
            if digest.met or digest.met_you
            else t["subject_nobody_matched"]
            if matched
            else t["subject_nobody"]
        )
        # Nobody stood out (no notes, tags, shared interests or mutual scans): the first few are
        # still worth a message, so the email always has someone to write to.
        highlights = digest.highlights or tuple(Highlight(c, ()) for c in digest.met[:FULL_WITHOUT_REASON])
        full = {h.contact.person.id for h in highlights}
        n = len(digest.met)
        view = self._frame(event, reader, lang) | {
            "hello": Phrase(lang, w.pick(t["hello"], seed, "hello"), first=first),
            "intro": Phrase(lang, t["intro"][w.category(lang, n)].replace("{n}", str(n)), event=event.name)
            if n
            else "",
            "highlights": [
                View(**self._highlight(event, reader, lang, h.contact, h.reasons)) for h in highlights
            ],
            # everyone else, and the people who met them: one compact line each, whose email link
            # opens the suggested message ready to send
            "others": [
                View(**self._person(reader, lang, c, event)) for c in digest.met if c.person.id not in full
            ],
            "met_you": [View(**self._person(reader, lang, c, event)) for c in digest.met_you],
            "nobody": Phrase(lang, t["nobody_matched" if matched else "nobody"], event=event.name)
            if digest.suggestions
            else "",
            "suggestions": [
                View(**self._suggestion(reader, lang, p, common, why))
                for (p, common), why in zip(
                    digest.suggestions, digest.reasons or [""] * len(digest.suggestions)
                )
            ],
            "closing": w.pick(t["closing"], seed, "closing"),
        }
        own = event.wording.get(lang, NO_WORDING)
        if own.opening:
            view["intro"] = Phrase(lang, own.opening, first=first, event=event.name)
        subject = str(
            Phrase(
                lang, own.subject or w.pick(subject_options, seed, "subject"), first=first, event=event.name
            )
        )
        mentioned = len(digest.met) + len(digest.met_you) + len(digest.suggestions)
        return self._render("followup", lang, subject, view, mentioned)

    # -- a nudge ------------------------------------------------------------------------------

    def nudge(self, event: EventInfo, digest: Digest, days: int) -> Composed | None:
        people, late = digest.nudge_people(), digest.late_met
        if not people and not late:
            return None  # everyone is marked followed up (or they met nobody): no nudge
        reader, lang = digest.reader, w.language(digest.reader.language)
        t, seed = w.TEXT[lang], f"{reader.id}:{days}"
        when = w.days(lang, days)
        first = first_name(reader.name)
        view = self._frame(event, reader, lang) | {
            "hello": Phrase(lang, w.pick(t["hello"], seed, "hello"), first=first),
            "intro": Phrase(
                lang, w.pick(t["nudge_intro"], seed, "intro").replace("{days}", when), event=event.name
            )
            if people
            else "",
            "people": [
                View(**self._person(reader, lang, c), **self._message(event, reader, lang, c)) for c in people
            ],
            "also_met": [
                View(**self._person(reader, lang, c), **self._message(event, reader, lang, c)) for c in late
            ],
            "also_intro": Phrase(lang, t["also_met_intro"], event=event.name),
            "done_tip": t["nudge_done"],
            "closing": w.pick(t["closing"], seed, "closing"),
        }
        subject = str(
            Phrase(
                lang,
                w.pick(t["nudge_subject"], seed, "subject").replace("{days}", when),
                first=first,
                names=[c.person.name for c in (people + late)[:MAX_NUDGE_PEOPLE]],
                event=event.name,
            )
        )
        return self._render("nudge", lang, subject, view, len(people) + len(late))

    # -- the welcome ----------------------------------------------------------------------------

    def welcome(self, event: EventInfo, reader, *, inline_badge: bool = True) -> Composed:
        """Their badge, private link and short code (welcome.py). `reader` is an attendee row.
        Without `inline_badge` the badge is a data: URI in the HTML itself (a preview in a browser)."""
        lang = w.language(reader.language)
        view = welcome.view(
            lang,
            reader,
            event.name,
            event.contact_email,
            self.badges.private_url(reader),
            lambda template, **names: Phrase(lang, template, **names),
        )
        png = self.badges.badge_png(reader, event.name)
        if not inline_badge:
            view["badge_src"] = "data:image/png;base64," + binascii.b2a_base64(png, newline=False).decode()
        return Composed(
            lang,
            view["subject"],
            self._html["welcome"].render(view),
            self._text["welcome"].render(view),
            "",
            0,
            ((welcome.BADGE_CID, png),) if inline_badge else (),
        )

    # -- a sign-in link ---------------------------------------------------------------------------

    def signin(self, event: EventInfo, reader, link_id: str, expires_at: datetime, now: datetime) -> Composed:
        """The one-time link they asked for (signin.py); `expires_at` says how long it still works."""
        lang = w.language(reader.language)
        view = signin.view(
            lang,
            reader,
            event.name,
            self.signin_url(link_id),
            signin.minutes_left(expires_at, now),
            lambda template, **names: Phrase(lang, template, **names),
            w.counted,
        )
        return Composed(
            lang, view["subject"], self._html["signin"].render(view), self._text["signin"].render(view), "", 0
        )

    # -- parts ----------------------------------------------------------------------------------

    def _frame(self, event: EventInfo, reader: Person, lang: str) -> dict:
        t = w.TEXT[lang]
        signature = event.wording.get(lang, NO_WORDING).signature or t["signature"]
        return {
            "lang": lang,
            "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": TEMPLATE_TEXT[lang],
            "event": event.name,
            "signature": Phrase(lang, signature, event=event.name, first=first_name(reader.name)),
            "why_this": Phrase(lang, t["why_this"], event=event.name),
            "unsubscribe_url": self.links.unsubscribe(reader.id),
        }

    def _render(self, template: str, lang: str, subject: str, view: dict, mentioned: int) -> Composed:
        view["subject"] = subject
        return Composed(
            lang,
            subject,
            self._html[template].render(view),
            self._text[template].render(view),
            view["unsubscribe_url"],
            mentioned,
        )

    def _person(self, reader: Person, lang: str, contact: Contact, event: EventInfo | None = None) -> dict:
        """A person's entry; with `event`, its email link opens a message ready to send (compact lines)."""
        p, t = contact.person, w.TEXT[lang]
        shared = p.consent_share_contact
        write = f"mailto:{percent_encoded(p.email, safe='@')}" if shared else ""
        if shared and event is not None:
            [first, *_] = messages.suggest(reader, contact, event.name)
            write += f"?subject={mailto_subject(event.name)}&body={percent_encoded(first.text)}"
        return {
            "name": p.name,
            "role": " · ".join(x for x in (p.title, p.company) if x),
            "headline": p.headline,
            "notes": list(contact.notes),
            "mutual": contact.mutual,
            "write_url": write,
            "email": p.email if shared else "",
            "vcard_url": self.links.vcard(reader.id, p.id) if shared else "",
            "done_url": self.links.followed_up(reader.id, p.id),
            "done_label": t["mark_done"],
        }

    def _highlight(
        self, event: EventInfo, reader: Person, lang: str, contact: Contact, reasons: tuple[str, ...]
    ) -> dict:
        t = w.TEXT[lang]
        # "met both ways" is the badge beside the name and the note is shown: the why says the rest.
        said = [
            Phrase(lang, t["reason"][r], interests=list(contact.shared_interests), tags=list(contact.tags))
            for r in reasons
            if r not in ("mutual", "note")
        ]
        return (
            self._person(reader, lang, contact)
            | {"why": Joined(t["why"], SEPARATOR[lang], said) if said else ""}
            | self._message(event, reader, lang, contact)
        )

    def _message(self, event: EventInfo, reader: Person, lang: str, contact: Contact) -> dict:
        """The message to send them (in their language first), or how to reach them instead."""
        t = w.TEXT[lang]
        suggested = messages.suggest(reader, contact, event.name)
        if suggested is None:
            # "reply to this email" only when a reply reaches the organizers (the event's Reply-To)
            key = "unreachable" if event.contact_email else "unreachable_ask"
            return {
                "messages": [],
                "unreachable": Phrase(lang, t[key], name=contact.person.name, event=event.name),
            }
        return {
            "messages": [
                View(
                    lang=s.language,
                    dir="rtl" if s.language in RTL_LANGUAGES else "ltr",
                    text=s.text,
                    body=s.text.split("\n\n")[0],
                    sign=s.text.split("\n\n")[-1].replace("\n", " "),
                )
                for s in suggested
            ],
            "add_link": t["add_link"] if "send a link" in {x.casefold() for x in contact.tags} else "",
            "unreachable": "",
        }

    def _suggestion(
        self, reader: Person, lang: str, person: Person, common: tuple[str, ...], why: str = ""
    ) -> dict:
        t = w.TEXT[lang]
        return {
            "name": person.name,
            "role": " · ".join(x for x in (person.title, person.company) if x),
            "headline": person.headline,
            "email": person.email,
            "vcard_url": self.links.vcard(reader.id, person.id),
            "shares": Phrase(lang, t["shares"], interests=list(common)) if common else "",
            # the match service's reason, quoting both people's own words (isolated in the HTML)
            "why": why,
            "why_html": isolate_quotes(why) if why else "",
        }


@lru_cache(maxsize=16)
def _sending(mail_from: str) -> tuple[str, str]:
    """The sending address's (name, address): the same for every email, and parseaddr is slow."""
    return parseaddr(mail_from)


@lru_cache(maxsize=256)
def _from_header(mail_from: str, event_name: str | None) -> str:
    """From: the event's name (when it has one) at our sending address; once per event, not per email."""
    name, addr = _sending(mail_from)
    return mailbox(event_name if event_name is not None and one_line(event_name) else name, addr)


_event_mailbox = lru_cache(maxsize=256)(mailbox)  # Reply-To: the same for every email of an event


def message_id(campaign: str, attendee_id: str, mail_from: str, resend: int = 0, link_id: str = "") -> str:
    """The same for every attempt at one email, so a receiving client can drop a repeat (a copy an
    organizer asked for again is another email, with its number; each sign-in link its own)."""
    domain = _sending(mail_from)[1].rpartition("@")[2] or "rapport.invalid"
    copy = f".{resend}" if resend else ""
    copy += f".{link_id}" if link_id else ""
    return f"<{campaign}.{attendee_id}{copy}@{domain}>"


_BASE64_LINE = re.compile(rb".{1,76}")  # RFC 2045's 76-character lines (found in C, not sliced in a loop)


def _base64_lines(data: bytes) -> bytes:
    return b"\r\n".join(_BASE64_LINE.findall(binascii.b2a_base64(data, newline=False))) + b"\r\n"


def _part(content_type: str, body: str) -> bytes:
    return (
        f"Content-Type: {content_type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
        + _base64_lines(body.encode("utf-8"))
    )


def _html_part(composed: Composed) -> bytes:
    """The HTML, and with its inline images a multipart/related of it and them (RFC 2387)."""
    html = _part("text/html", composed.html)
    if not composed.images:
        return html
    boundary = f"=_rapport_rel_{uuid.uuid4().hex}"
    sep = f"--{boundary}\r\n".encode()
    images = b"".join(
        sep
        + (
            f"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-ID: <{token(cid)}>\r\n"
            f'Content-Disposition: inline; filename="{token(cid)}.png"\r\n\r\n'
        ).encode()
        + _base64_lines(png)
        for cid, png in composed.images
    )
    return (
        f'Content-Type: multipart/related; type="text/html"; boundary="{boundary}"\r\n\r\n'.encode()
        + sep
        + html
        + images
        + f"--{boundary}--\r\n".encode()
    )


def to_mime(
    composed: Composed,
    reader: Person,
    mail_from: str,
    msg_id: str,
    *,
    campaign: str,
    event: EventInfo | None = None,
) -> bytes:
    """The message as SMTP sends it: multipart/alternative (plain text, then HTML), UTF-8 bodies
    in base64 and RFC 2047 headers, so it is 7-bit clean for any relay.

    From is the event's name at our sending address (people know the event, not Rapport), Reply-To
    the event's contact address, so a reply reaches the organizers. Every value goes through
    headers.py: free text flattened and encoded, addresses and tokens checked (HeaderRefused).
    Built directly rather than through email.message.EmailMessage, which spends ~4 ms a message
    re-parsing the headers it is given; the tests read every message back with the email package.
    """
    boundary = f"=_rapport_{uuid.uuid4().hex}"
    sender = _from_header(mail_from, event.name if event is not None else None)
    headers = [("From", sender), ("To", mailbox(reader.name, reader.email))]
    if event is not None and event.contact_email:
        headers.append(("Reply-To", _event_mailbox(event.name, event.contact_email)))
    headers += [
        ("Subject", unstructured(composed.subject)),
        ("Date", format_datetime(utc_now())),
        ("Message-ID", token(msg_id)),
        ("MIME-Version", "1.0"),
        ("Content-Language", token(composed.language)),
        ("X-Rapport-Campaign", token(campaign)),
    ]
    if composed.unsubscribe_url:
        headers += [
            ("List-Unsubscribe", f"<{token(composed.unsubscribe_url)}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
    headers += [
        ("Auto-Submitted", "auto-generated"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    head = "".join(f"{k}: {v}\r\n" for k, v in headers).encode()
    sep = f"--{boundary}\r\n".encode()
    return (
        head
        + b"\r\n"
        + sep
        + _part("text/plain", composed.text)
        + sep
        + _html_part(composed)
        + f"--{boundary}--\r\n".encode()
    )
