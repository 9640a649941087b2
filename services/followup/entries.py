"""One person in the follow-up and nudge emails, as HTML and as plain text: the templates' parts
that repeat for every person, in plain Python.

The templates call these (`{{ person(h, t) }}`, `{{ compact_text(p, t, lang) }}`) where they
had Jinja macros: the macro calls and the escaping of every field into a Markup object were about
half of rendering an email. `p` is the view compose.py builds for a person, `t` the reader's
language's texts (compose.TEMPLATE_TEXT; `t.html` holds them escaped). Every value is escaped as
Jinja's autoescape does (markupsafe), and the output is byte for byte what the macros wrote
(tests/unit/followup/test_entries.py renders both).
"""

from __future__ import annotations

from markupsafe import Markup

from shared.scripts import isolate

# -- HTML: every value through escape(), a Phrase through its __html__ ------------------------------


def escape(value) -> str:
    """markupsafe.escape (Jinja's autoescape: & < > ' " as entities, a Phrase or Markup as its own
    __html__) as a plain str: a Markup object made for every field was most of the cost left."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _notes(p, t) -> str:
    private = t.html.private
    return "".join(
        f'<p class="t p"><span class="k">{private}</span> <bdi>{escape(n)}</bdi></p>' for n in p.notes
    )


def _badge(p, t) -> str:
    return f' <span class="b">{t.html.mutual_badge}</span>' if p.mutual else ""


def _write(p, t) -> str:
    """The email and add-contact links of someone who shares their details, with their separators."""
    if not p.email:
        return ""
    return (
        f'<a href="{escape(p.write_url)}" title="{escape(p.email)}">{t.html.email}</a> · '
        f'<a href="{escape(p.vcard_url)}">{t.html.add_contact}</a> · '
    )


def person(p, t) -> Markup:
    """Name, role, headline and the reader's own notes: the top of a person's card."""
    role = f'<p class="m"><bdi>{escape(p.role)}</bdi></p>' if p.role else ""
    headline = (
        f'<p class="m h">{t.html.q1}<bdi>{escape(p.headline)}</bdi>{t.html.q2}</p>' if p.headline else ""
    )
    return Markup(
        f'<p class="n"><bdi>{escape(p.name)}</bdi>{_badge(p, t)}</p>\n{role}{headline}{_notes(p, t)}\n'
    )


def message(p, t) -> Markup:
    """The suggested message (each language a quote), or how to reach someone who did not share."""
    if p.messages:
        quotes = "".join(
            f'<blockquote lang="{escape(m.lang)}" dir="{escape(m.dir)}">'
            f"{escape(m.body)}<br>{escape(m.sign)}</blockquote>"
            for m in p.messages
        )
        add_link = f'<p class="m l">{escape(p.add_link)}</p>' if p.add_link else ""
        return Markup(f'<p class="l">{t.html.suggested}</p>\n{quotes}{add_link}')
    if p.unreachable:
        return Markup(f'<p class="m l">{escape(p.unreachable)}</p>\n')
    return Markup("")


def links(p, t) -> Markup:
    return Markup(
        f'<p class="l">{_write(p, t)}<a href="{escape(p.done_url)}">{escape(p.done_label)}</a></p>\n'
    )


def compact(p, t) -> Markup:
    """Everyone else as one line, their notes under it."""
    role = f' · <bdi class="m">{escape(p.role)}</bdi>' if p.role else ""
    notes = f'<div class="q">{_notes(p, t)}</div>' if p.notes else ""
    return Markup(
        f'<p class="r"><bdi class="n">{escape(p.name)}</bdi>{role}{_badge(p, t)} · {_write(p, t)}'
        f'<a href="{escape(p.done_url)}">{escape(p.done_label)}</a></p>\n{notes}'
    )


# -- plain text: names of the other script isolated (FSI/PDI), nothing escaped ----------------------


def _notes_text(p, t, lang: str) -> str:
    return "".join(f"  {t.private} {isolate(n, lang)}\n" for n in p.notes)


def person_text(p, t, lang: str) -> str:
    badge = f" ({t.mutual_badge})" if p.mutual else ""
    role = f"  {isolate(p.role, lang)}\n" if p.role else ""
    headline = f"  {t.q1}{isolate(p.headline, lang)}{t.q2}\n" if p.headline else ""
    return f"* {isolate(p.name, lang)}{badge}\n{role}{headline}{_notes_text(p, t, lang)}"


def message_text(p, t) -> str:
    """Each suggested message quoted line by line ("  > "), or how to reach them instead."""
    if p.messages:
        quoted = "".join(
            "".join(f"  > {line}\n" if line else "  >\n" for line in m.text.split("\n")) + "\n"
            for m in p.messages
        )
        add_link = f"  {p.add_link}\n" if p.add_link else ""
        return f"  {t.suggested}\n{quoted}{add_link}"
    return f"  {p.unreachable}\n" if p.unreachable else ""


def links_text(p, t) -> str:
    write = f"  {t.email}: {p.email}\n  {t.add_contact}: {p.vcard_url}\n" if p.email else ""
    return f"{write}  {p.done_label}: {p.done_url}\n"


def compact_text(p, t, lang: str) -> str:
    role = f" · {isolate(p.role, lang)}" if p.role else ""
    write = f" · {p.email} · {t.add_contact}: {p.vcard_url}" if p.email else ""
    return f"* {isolate(p.name, lang)}{role}{write}\n{_notes_text(p, t, lang)}"


HTML = {"person": person, "message": message, "links": links, "compact": compact}
TEXT = {
    "person_text": person_text,
    "message_text": message_text,
    "links_text": links_text,
    "compact_text": compact_text,
}
