"""Who an attendee met and who is worth deepening: the substance of a follow-up, without wording.

Plain data in, plain data out: `build_digest` takes the attendee, the people they met (in either
direction) with their own notes, and the event's other people, and decides what the email says:
everyone they scanned, at most five people worth deepening (each with the reasons that put them
there), the people who saved them without being scanned back (only if those people agreed to
share), and, for someone who met nobody, people who share their interests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MAX_HIGHLIGHTS = 5
MAX_SUGGESTIONS = 5
MAX_NUDGE_PEOPLE = 3
# Tags a scanner picks when they mean to keep in touch; each weighs like a shared interest.
WARM_TAGS = frozenset({"coffee later", "send a link", "hiring", "collaborate", "intro"})


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    language: str = "en"
    company: str = ""
    title: str = ""
    headline: str = ""
    interests: tuple[str, ...] = ()
    consent_share_contact: bool = False


@dataclass(frozen=True)
class Contact:
    """Someone the reader met, seen from the reader's side."""

    person: Person
    i_scanned: bool
    they_scanned: bool
    met_at: datetime
    notes: tuple[str, ...] = ()  # the reader's own notes about them, oldest first
    tags: tuple[str, ...] = ()
    shared_interests: tuple[str, ...] = ()
    followed_up: bool = False
    late: bool = False  # the reader's scan of them arrived after the last email the reader was sent

    @property
    def mutual(self) -> bool:
        return self.i_scanned and self.they_scanned

    @property
    def note(self) -> str:
        return " / ".join(self.notes)


@dataclass(frozen=True)
class Highlight:
    contact: Contact
    reasons: tuple[str, ...]  # "mutual", "note", "interest", "tag": the reader is told each


@dataclass(frozen=True)
class Digest:
    reader: Person
    met: tuple[Contact, ...]  # people the reader scanned, in the order they met
    highlights: tuple[Highlight, ...]
    met_you: tuple[Contact, ...]  # scanned the reader, not scanned back, agreed to share
    suggestions: tuple[tuple[Person, tuple[str, ...]], ...] = field(
        default=()
    )  # met nobody: (person, shared)
    # When the suggestions are the match service's best matches: why each one, in the reader's language.
    reasons: tuple[str, ...] = field(default=())

    @property
    def has_content(self) -> bool:
        return bool(self.met or self.met_you or self.suggestions)

    def nudge_people(self) -> tuple[Contact, ...]:
        """The few people a nudge is about: the top of the list not yet marked followed up (the
        follow-up told them already; late meetings are `late_met`)."""
        ranked = [h.contact for h in self.highlights] + [
            c for c in self.met if c not in {h.contact for h in self.highlights}
        ]
        return tuple(c for c in ranked if not c.followed_up and not c.late)[:MAX_NUDGE_PEOPLE]

    @property
    def late_met(self) -> tuple[Contact, ...]:
        """People whose scans arrived after the reader's last email: every one, in the next nudge."""
        return tuple(c for c in self.met if c.late and not c.followed_up)


def shared_interests(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """Interests in common, compared without case or surrounding space, in the reader's spelling."""
    their_keys = {t.strip().casefold() for t in theirs}
    return tuple(m for m in mine if m.strip() and m.strip().casefold() in their_keys)


def reasons_for(contact: Contact) -> tuple[str, ...]:
    reasons = []
    if contact.mutual:
        reasons.append("mutual")
    if contact.notes:
        reasons.append("note")
    if contact.shared_interests:
        reasons.append("interest")
    if WARM_TAGS.intersection(t.casefold() for t in contact.tags):
        reasons.append("tag")
    return tuple(reasons)


def score(contact: Contact) -> tuple:
    """Mutual scans first, then a note, then shared interests and warm tags; earlier meetings break ties."""
    warm = len(WARM_TAGS.intersection(t.casefold() for t in contact.tags))
    return (
        -(3 * contact.mutual + 2 * bool(contact.notes) + min(len(contact.shared_interests), 2) + warm),
        contact.met_at,
        contact.person.id,
    )


def build_digest(
    reader: Person, contacts: list[Contact], others: list[Person] = (), matches: list[tuple[str, str]] = ()
) -> Digest:
    """`contacts`: everyone the reader met in either direction; `others`: the event's other people
    (only consulted when the reader met nobody); `matches`: the match service's best matches for the
    reader, (attendee id, reason), best first: when some of them share their contact they are the
    suggestions, else people who share the reader's interests are."""
    met = tuple(sorted((c for c in contacts if c.i_scanned), key=lambda c: (c.met_at, c.person.id)))
    ranked = sorted((c for c in met if reasons_for(c)), key=score)[:MAX_HIGHLIGHTS]
    highlights = tuple(Highlight(c, reasons_for(c)) for c in ranked)
    met_you = tuple(
        sorted(
            (c for c in contacts if c.they_scanned and not c.i_scanned and c.person.consent_share_contact),
            key=lambda c: (c.met_at, c.person.id),
        )
    )
    suggestions: tuple = ()
    if not met and not met_you and matches:
        sharing = {p.id: p for p in others if p.id != reader.id and p.consent_share_contact}
        picked = [(sharing[i], why) for i, why in matches if i in sharing][:MAX_SUGGESTIONS]
        if picked:
            return Digest(
                reader,
                met,
                highlights,
                met_you,
                tuple((p, shared_interests(reader.interests, p.interests)) for p, _ in picked),
                tuple(why for _, why in picked),
            )
    if not met and not met_you:
        candidates = []
        for person in others:
            if person.id == reader.id or not person.consent_share_contact:
                continue
            common = shared_interests(reader.interests, person.interests)
            if common:
                candidates.append((person, common))
        candidates.sort(key=lambda pc: (-len(pc[1]), pc[0].name, pc[0].id))
        suggestions = tuple(candidates[:MAX_SUGGESTIONS])
    return Digest(reader, met, highlights, met_you, suggestions)
