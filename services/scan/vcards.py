"""My people as vCards (RFC 6350, written by vobject): one .vcf a phone imports in one go.

A card carries an email address only when its person agreed to share their contact details;
the others still get a card (name, company, title, what I noted), so the list stays whole.
"""

from __future__ import annotations

import vobject

from services.scan.people import Contact


def vcard(c: Contact, event: str) -> str:
    card = vobject.vCard()
    card.add("fn").value = c.name
    family, _, given = c.name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family or given, given=given if family else "")
    if c.email:
        card.add("email").value = c.email
    if c.company:
        card.add("org").value = [c.company]
    if c.title:
        card.add("title").value = c.title
    if c.tags:
        card.add("categories").value = list(c.tags)
    met = f"Met at {event}" if event else "Met"
    card.add("note").value = "\n".join(part for part in (f"{met}, {c.met_at:%Y-%m-%d}.", c.headline, *c.notes) if part)
    return card.serialize()


def vcards(contacts: list[Contact], event: str) -> str:
    return "".join(vcard(c, event) for c in contacts)
