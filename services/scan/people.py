"""My people: the rules of an attendee's own list of the people they met, without Flask or SQL.

Everyone the attendee scanned, by any path, with their own notes and tags; and the people who
scanned them without being scanned back ("they saved you"), only while those agree to share.
A person's notes are the notes of the scans about them, oldest first; once edited, the edit
stands for the scans it covered, and scans made later add their notes after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.scan.domain import MAX_NOTE, MAX_TAG, MAX_TAGS, ScanError
from shared.envelope import utc_now
from shared.lists import split_items

MAX_NOTES = 20


@dataclass(frozen=True)
class ScanNote:
    """What one of my scans of a person said."""

    client_scan_id: str
    note: str
    tags: tuple[str, ...]
    scanned_at: datetime


@dataclass(frozen=True)
class Edit:
    notes: tuple[str, ...]
    tags: tuple[str, ...]
    replaces: frozenset[str]


@dataclass(frozen=True)
class Contact:
    """One person on my list, seen from my side."""

    id: str
    name: str
    headline: str
    company: str
    title: str
    i_scanned: bool
    they_scanned: bool
    met_at: datetime  # when we first met (either of us scanning)
    last_at: datetime  # my latest scan of them, else when they scanned me: the list's order
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    email: str = ""  # only when they agreed to share their contact details

    @property
    def mutual(self) -> bool:
        return self.i_scanned and self.they_scanned

    @property
    def saved_you(self) -> bool:
        """They scanned me and I have not scanned them back."""
        return self.they_scanned and not self.i_scanned


@dataclass(frozen=True)
class EditNotes:
    """PATCH /v1/me/people/{id}: what to put in place of my notes and tags (None: keep them)."""

    notes: tuple[str, ...] | None
    tags: tuple[str, ...] | None


def current_notes(scans: list[ScanNote], edit: Edit | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """My notes (oldest first) and tags about one person, from my scans and my last edit."""
    later = sorted(
        (s for s in scans if edit is None or s.client_scan_id not in edit.replaces),
        key=lambda s: s.scanned_at,
    )
    notes = (edit.notes if edit else ()) + tuple(s.note for s in later if s.note.strip())
    tags = split_items([*(edit.tags if edit else ()), *(t for s in later for t in s.tags)])
    return notes, tags


def parse_edit_notes(body: dict) -> EditNotes:
    """The command in a PATCH body; ScanError(invalid_input) says which field is wrong."""
    errors: dict[str, str] = {}
    if not body.keys() & {"notes", "tags"} or body.keys() - {"notes", "tags"}:
        errors["body"] = 'send "notes", "tags" or both, and nothing else'
    notes = body.get("notes")
    if notes is not None and (
        not isinstance(notes, list)
        or len(notes) > MAX_NOTES
        or not all(isinstance(n, str) and len(n) <= MAX_NOTE for n in notes)
    ):
        errors["notes"] = (
            f"a list of at most {MAX_NOTES} texts of at most {MAX_NOTE} characters ([] deletes them)"
        )
    tags = body.get("tags")
    parsed_tags = None
    if tags is not None:
        if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
            parsed_tags = split_items(tags)
        if parsed_tags is None or len(parsed_tags) > MAX_TAGS or any(len(t) > MAX_TAG for t in parsed_tags):
            errors["tags"] = (
                f"a list of at most {MAX_TAGS} tags of at most {MAX_TAG} characters ([] deletes them)"
            )
    if errors:
        raise ScanError(
            "; ".join(f"{k}: {v}" for k, v in errors.items()), code="invalid_input", errors=errors
        )
    return EditNotes(None if notes is None else tuple(n.strip() for n in notes if n.strip()), parsed_tags)


def search(contacts: list[Contact], query: str) -> list[Contact]:
    """The contacts whose name, company, headline, notes or tags hold every word of `query`, ignoring case."""
    words = query.casefold().split()
    if not words:
        return contacts

    def text(c: Contact) -> str:
        return " ".join([c.name, c.company, c.title, c.headline, *c.notes, *c.tags]).casefold()

    return [c for c in contacts if all(w in text(c) for w in words)]


def clock(moment: datetime, zone: str, now: datetime | None = None) -> str:
    """ "11:55" in the event's time zone, with the day in front when it was not today."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local, today = moment.astimezone(tz), (now or utc_now()).astimezone(tz).date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%d/%m} {local:%H:%M}"
