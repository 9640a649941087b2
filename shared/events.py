"""Typed, versioned event types for every topic, and the codec between them and envelopes.

Each event class names its wire `TYPE`, its schema `VERSION` and its `TOPIC`, and says which
key it is published under (`key()`), so every producer keys a topic the same way. Events are
past tense and frozen. A reader refuses a version newer than it knows (the consumer runner sends
it to the dead-letter topic); fields a newer writer added are ignored, fields it needs but lacks
are an error.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, ClassVar

from shared.envelope import DecodeError, Envelope, iso, utc_now

EVENTS_TOPIC = "rapport.events"
ATTENDEES_TOPIC = "rapport.attendees"
SCANS_TOPIC = "rapport.scans"
FOLLOWUPS_TOPIC = "rapport.followups"
ALL_TOPICS = (EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC, FOLLOWUPS_TOPIC)


@dataclass(frozen=True)
class Event:
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str]

    event_id: str

    def key(self) -> str:
        return self.event_id


# rapport.events: keyed by event id ------------------------------------------------------------

@dataclass(frozen=True)
class EventCreated(Event):
    TYPE = "event.created"
    TOPIC = EVENTS_TOPIC
    name: str
    venue: str
    starts_at: str
    ends_at: str
    timezone: str
    language: str
    contact_email: str = ""  # the organizers' address, Reply-To of the event's emails ("": none)
    followup_at: str = ""  # ISO 8601 time of the follow-up emails ("": the morning after the close)


@dataclass(frozen=True)
class EventUpdated(EventCreated):
    TYPE = "event.updated"


@dataclass(frozen=True)
class EventClosed(Event):
    TYPE = "event.closed"
    TOPIC = EVENTS_TOPIC
    closed_at: str


# rapport.attendees: keyed by attendee id ------------------------------------------------------

@dataclass(frozen=True)
class AttendeeEvent(Event):
    TOPIC = ATTENDEES_TOPIC
    attendee_id: str

    def key(self) -> str:
        return self.attendee_id


@dataclass(frozen=True)
class AttendeeRegistered(AttendeeEvent):
    TYPE = "attendee.registered"
    name: str
    email: str
    language: str
    short_code: str
    company: str = ""
    title: str = ""
    headline: str = ""
    interests: tuple[str, ...] = ()
    consent_followup: bool = False
    consent_share_contact: bool = False


@dataclass(frozen=True)
class AttendeeUpdated(AttendeeRegistered):
    TYPE = "attendee.updated"


@dataclass(frozen=True)
class BadgeIssued(AttendeeEvent):
    """A badge token was issued; `token_id` names it so a later revocation can refuse it."""

    TYPE = "badge.issued"
    token_id: str
    short_code: str


@dataclass(frozen=True)
class BadgeRevoked(AttendeeEvent):
    TYPE = "badge.revoked"
    token_id: str
    reason: str = "reissued"


@dataclass(frozen=True)
class AttendeeErased(AttendeeEvent):
    """The attendee asked to be forgotten: every service deletes what it holds about them."""

    TYPE = "attendee.erased"


# rapport.scans: keyed by event and the pair, whichever way round they met ---------------------

@dataclass(frozen=True)
class ScanRecorded(Event):
    TYPE = "scan.recorded"
    TOPIC = SCANS_TOPIC
    meeting_id: str
    scanner: str
    scanned: str
    scanned_at: str
    client_scan_id: str
    note: str = ""
    tags: tuple[str, ...] = ()
    mutual: bool = False

    def key(self) -> str:
        return pair_key(self.event_id, self.scanner, self.scanned)


def pair_key(event_id: str, a: str, b: str) -> str:
    """One key for a pair of attendees, independent of who scanned whom."""
    low, high = sorted((a, b))
    return f"{event_id}:{low}:{high}"


# rapport.followups: keyed by attendee id ------------------------------------------------------

FOLLOWUP_CAMPAIGN = "followup"  # the email after the event; nudges are "nudge-<days after it>"


def nudge_campaign(days: int) -> str:
    return f"nudge-{days}"


def nudge_days(campaign: str) -> int | None:
    """"nudge-7" -> 7; None for the follow-up itself (or anything else)."""
    prefix, _, number = campaign.partition("-")
    return int(number) if prefix == "nudge" and number.isdigit() else None


@dataclass(frozen=True)
class FollowupEvent(AttendeeEvent):
    TOPIC = FOLLOWUPS_TOPIC
    campaign: str


@dataclass(frozen=True)
class FollowupSent(FollowupEvent):
    TYPE = "followup.sent"
    sent_at: str


@dataclass(frozen=True)
class FollowupFailed(FollowupEvent):
    TYPE = "followup.failed"
    reason: str
    attempts: int = 1


@dataclass(frozen=True)
class FollowupDeferred(FollowupEvent):
    """The server refused for now (a 4xx) or could not be reached: it is tried again later."""

    TYPE = "followup.deferred"
    reason: str
    attempts: int = 1


@dataclass(frozen=True)
class FollowupQueued(FollowupEvent):
    """A follow-up (campaign "followup", or a nudge such as "nudge-7") is waiting to be sent."""

    TYPE = "followup.queued"


@dataclass(frozen=True)
class FollowupSkipped(FollowupEvent):
    """Nothing was sent, on purpose: consent withdrawn, unsubscribed, or nothing worth saying."""

    TYPE = "followup.skipped"
    reason: str


@dataclass(frozen=True)
class FollowupUnsubscribed(FollowupEvent):
    TYPE = "followup.unsubscribed"


@dataclass(frozen=True)
class FollowupFollowedUp(FollowupEvent):
    """The attendee marked one person from their follow-up as "followed up"."""

    TYPE = "followup.followed_up"
    contact: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (EventCreated, EventUpdated, EventClosed, AttendeeRegistered, AttendeeUpdated,
                BadgeIssued, BadgeRevoked, AttendeeErased, ScanRecorded, FollowupQueued, FollowupSent,
                FollowupFailed, FollowupDeferred, FollowupSkipped, FollowupUnsubscribed, FollowupFollowedUp)
}


def to_envelope(event: Event, *, occurred_at: str | None = None, message_id: str | None = None) -> Envelope:
    data = asdict(event)
    data.pop("event_id")
    extra = {}
    if message_id:
        extra["id"] = message_id
    return Envelope(type=event.TYPE, version=event.VERSION, event_id=event.event_id, data=data,
                    occurred_at=occurred_at or iso(utc_now()), **extra)


def from_envelope(envelope: Envelope) -> Event:
    """The typed event in `envelope`; DecodeError says why it cannot be read."""
    cls = EVENT_TYPES.get(envelope.type)
    if cls is None:
        raise DecodeError(f"unknown type {envelope.type!r}")
    if envelope.version > cls.VERSION:
        raise DecodeError(f"{envelope.type} version {envelope.version} is newer than {cls.VERSION}")
    values: dict[str, Any] = {"event_id": envelope.event_id}
    for f in fields(cls):
        if f.name == "event_id":
            continue
        if f.name in envelope.data:
            value = envelope.data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
        elif f.default is MISSING and f.default_factory is MISSING:
            raise DecodeError(f"{envelope.type} lacks field {f.name!r}")
    return cls(**values)


def encode(event: Event) -> bytes:
    return to_envelope(event).to_bytes()


def decode(raw: bytes) -> tuple[Envelope, Event]:
    envelope = Envelope.from_bytes(raw)
    return envelope, from_envelope(envelope)
