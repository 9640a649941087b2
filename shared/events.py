"""Typed, versioned event types for every topic, and the codec between them and envelopes.

Each event class names its wire `TYPE`, its schema `VERSION` and its `TOPIC`, and says which
key it is published under (`key()`), so every producer keys a topic the same way. Events are
past tense and frozen. A reader refuses a version newer than it knows (the consumer runner sends
it to the dead-letter topic); fields a newer writer added are ignored, fields it needs but lacks
are an error, and so is a field whose JSON value does not fit its annotated type (a string, a
bool, an int, an array of strings, or a `Timestamp` that must parse).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from functools import cache
from typing import Annotated, Any, ClassVar, get_args, get_origin, get_type_hints

from shared.envelope import DecodeError, Envelope, iso, parse_iso, utc_now

# A field holding an ISO 8601 instant with a timezone (the wire format of shared.envelope.iso):
# decoding checks it parses, so a handler never meets "12345" or a year-1 overflow.
Timestamp = Annotated[str, "timestamp"]

EVENTS_TOPIC = "rapport.events"
ATTENDEES_TOPIC = "rapport.attendees"
SCANS_TOPIC = "rapport.scans"
FOLLOWUPS_TOPIC = "rapport.followups"
ALL_TOPICS = (EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC, FOLLOWUPS_TOPIC)
ORGANIZERS_TOPIC = "rapport.organizers"
ALL_TOPICS = (*ALL_TOPICS, ORGANIZERS_TOPIC)


@dataclass(frozen=True)
class Event:
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str]
    # Fields holding a person's data: sealed under the keys of `subjects()` (shared.sealing).
    PERSONAL: ClassVar[tuple[str, ...]] = ()

    event_id: str

    def key(self) -> str:
        return self.event_id

    def subjects(self) -> tuple[str, ...]:
        """The attendees whose keys seal the PERSONAL fields (erasing any one makes them unreadable)."""
        return ()


# rapport.events: keyed by event id ------------------------------------------------------------


@dataclass(frozen=True)
class EventCreated(Event):
    TYPE = "event.created"
    TOPIC = EVENTS_TOPIC
    name: str
    venue: str
    starts_at: Timestamp
    ends_at: Timestamp
    timezone: str
    language: str
    contact_email: str = ""  # the organizers' address, Reply-To of the event's emails ("": none)
    followup_at: str = ""  # ISO 8601 time of the follow-up emails ("": the morning after the close)
    meeting_point: str = ""  # where two attendees who agreed to meet find each other ("": none named)
    welcome: str = (
        "on_registration"  # the welcome email: "on_registration", "scheduled" (at welcome_at) or "off"
    )
    welcome_at: str = ""  # ISO 8601 time of the scheduled welcome emails ("" unless welcome is "scheduled")


@dataclass(frozen=True)
class EventUpdated(EventCreated):
    TYPE = "event.updated"


@dataclass(frozen=True)
class EventClosed(Event):
    TYPE = "event.closed"
    TOPIC = EVENTS_TOPIC
    closed_at: Timestamp


# rapport.attendees: keyed by attendee id ------------------------------------------------------


@dataclass(frozen=True)
class AttendeeEvent(Event):
    TOPIC = ATTENDEES_TOPIC
    attendee_id: str

    def key(self) -> str:
        return self.attendee_id

    def subjects(self) -> tuple[str, ...]:
        return (self.attendee_id,)


@dataclass(frozen=True)
class AttendeeRegistered(AttendeeEvent):
    TYPE = "attendee.registered"
    PERSONAL = ("name", "email", "company", "title", "headline", "interests", "can_help_with", "looking_for")
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
    # What they can give and what they seek (free text, any language, up to 200 characters each),
    # and whether other attendees may be suggested to meet them (on unless they opt out).
    can_help_with: str = ""
    looking_for: str = ""
    consent_suggest: bool = True
    # Which issue of their badge and private tokens is current (shared.identity: an older serial is
    # revoked), so the follow-up service can sign the same QR and private link into the welcome email.
    badge_serial: int = 1
    private_serial: int = 1


@dataclass(frozen=True)
class AttendeeUpdated(AttendeeRegistered):
    TYPE = "attendee.updated"


@dataclass(frozen=True)
class BadgeIssued(AttendeeEvent):
    """A badge token was issued; `token_id` names it so a later revocation can refuse it."""

    TYPE = "badge.issued"
    token_id: str
    short_code: str
    serial: int = 0  # the badge token's serial (0: a writer from before it was sent)


@dataclass(frozen=True)
class BadgeRevoked(AttendeeEvent):
    TYPE = "badge.revoked"
    token_id: str
    reason: str = "reissued"


@dataclass(frozen=True)
class AttendeeErased(AttendeeEvent):
    """The attendee asked to be forgotten: every service deletes what it holds about them."""

    TYPE = "attendee.erased"


@dataclass(frozen=True)
class PrivateLinkRenewed(AttendeeEvent):
    """The attendee got a new private link (on request, or with a reissued badge): private tokens
    with an older serial (their old /me link, scanner token and identity cookies) are refused."""

    TYPE = "private_link.renewed"
    serial: int


@dataclass(frozen=True)
class SigninRequested(AttendeeEvent):
    """Someone asked for a one-time sign-in link to the attendee's address (scan pages): the
    follow-up service emails it, once per `link_id`, unless it expired first (`expires_at`).

    It carries the link's id, never what opens it: the link is that id signed with the secret
    key (shared.identity.signin_token), made by the follow-up sender when it writes the email.
    On rapport.attendees, keyed by attendee: it comes after their attendee.registered."""

    TYPE = "signin.requested"
    link_id: str
    expires_at: Timestamp


# rapport.scans: keyed by event and the pair, whichever way round they met ---------------------


@dataclass(frozen=True)
class ScanRecorded(Event):
    TYPE = "scan.recorded"
    TOPIC = SCANS_TOPIC
    meeting_id: str
    scanner: str
    scanned: str
    scanned_at: Timestamp
    client_scan_id: str
    note: str = ""
    tags: tuple[str, ...] = ()
    mutual: bool = False
    PERSONAL = ("note", "tags")  # what one wrote about the other: either one's erasure shreds it

    def key(self) -> str:
        return pair_key(self.event_id, self.scanner, self.scanned)

    def subjects(self) -> tuple[str, ...]:
        return (self.scanner, self.scanned)


@dataclass(frozen=True)
class NotesEdited(Event):
    """The scanner rewrote (or deleted) their notes and tags about one person they met.

    `notes` and `tags` replace what the scans named in `replaces` said; scans not named there
    (made after the edit) keep their own note. `revision` grows with every edit of the same
    (scanner, scanned): a reader keeps the highest it has seen, so replays change nothing.
    """

    TYPE = "notes.edited"
    TOPIC = SCANS_TOPIC
    meeting_id: str
    scanner: str
    scanned: str
    revision: int
    edited_at: str
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()  # the client_scan_ids of the scans this edit rewrites
    PERSONAL = ("notes", "tags")

    def key(self) -> str:
        return pair_key(self.event_id, self.scanner, self.scanned)  # after the scans it rewrites

    def subjects(self) -> tuple[str, ...]:
        return (self.scanner, self.scanned)


def pair_key(event_id: str, a: str, b: str) -> str:
    """One key for a pair of attendees, independent of who scanned whom."""
    low, high = sorted((a, b))
    return f"{event_id}:{low}:{high}"


# rapport.followups: keyed by attendee id ------------------------------------------------------

FOLLOWUP_CAMPAIGN = "followup"  # the email after the event; nudges are "nudge-<days after it>"
WELCOME_CAMPAIGN = "welcome"  # the email at registration: their badge, private link and short code
SIGNIN_CAMPAIGN = "signin"  # a one-time sign-in link someone asked for (signin.requested)


def nudge_campaign(days: int) -> str:
    return f"nudge-{days}"


def nudge_days(campaign: str) -> int | None:
    """ "nudge-7" -> 7; None for the follow-up itself (or anything else)."""
    prefix, _, number = campaign.partition("-")
    # ASCII digits only: "²" passes isdigit() but not int(); a day count has at most 5 digits.
    return (
        int(number)
        if prefix == "nudge" and number.isascii() and number.isdigit() and len(number) <= 5
        else None
    )


@dataclass(frozen=True)
class FollowupEvent(AttendeeEvent):
    TOPIC = FOLLOWUPS_TOPIC
    campaign: str


@dataclass(frozen=True)
class FollowupSent(FollowupEvent):
    TYPE = "followup.sent"
    sent_at: Timestamp


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
    for cls in (
        EventCreated,
        EventUpdated,
        EventClosed,
        AttendeeRegistered,
        AttendeeUpdated,
        BadgeIssued,
        BadgeRevoked,
        AttendeeErased,
        ScanRecorded,
        NotesEdited,
        FollowupQueued,
        FollowupSent,
        FollowupFailed,
        FollowupDeferred,
        FollowupSkipped,
        FollowupUnsubscribed,
        FollowupFollowedUp,
        PrivateLinkRenewed,
        SigninRequested,
    )
}


# rapport.organizers: keyed by organizer id; the dashboard publishes (and the badge service, for
# the creator of an event), every service that checks organizer tokens keeps a read model of
# them (shared.organizers) ------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizerEvent(Event):
    TOPIC = ORGANIZERS_TOPIC
    organizer_id: str

    def key(self) -> str:
        return self.organizer_id


@dataclass(frozen=True)
class OrganizerAccessGranted(OrganizerEvent):
    """The organizer may work on the event with `role` (owner, staff, viewer); a new grant replaces it."""

    TYPE = "organizer.access_granted"
    role: str


@dataclass(frozen=True)
class OrganizerAccessRevoked(OrganizerEvent):
    TYPE = "organizer.access_revoked"


@dataclass(frozen=True)
class OrganizerTokenRevoked(OrganizerEvent):
    """An API token no service may accept any more (`event_id` is "": a token is not an event's)."""

    TYPE = "organizer.token_revoked"
    token_id: str


EVENT_TYPES.update(
    {cls.TYPE: cls for cls in (OrganizerAccessGranted, OrganizerAccessRevoked, OrganizerTokenRevoked)}
)


def to_envelope(
    event: Event,
    *,
    occurred_at: str | None = None,
    message_id: str | None = None,
    keys: Mapping[str, bytes | None] | None = None,
) -> Envelope:
    """The event's envelope; with `keys` (data keys by attendee id) holding every subject's key,
    its PERSONAL fields are sealed (shared.sealing). Without them it goes in clear, as messages
    did before sealing (an attendee registered before then has no key until badge makes one)."""
    data = asdict(event)
    data.pop("event_id")
    extra = {}
    if message_id:
        extra["id"] = message_id
    envelope = Envelope(
        type=event.TYPE,
        version=event.VERSION,
        event_id=event.event_id,
        data=data,
        occurred_at=occurred_at or iso(utc_now()),
        **extra,
    )
    subjects = event.subjects()
    if event.PERSONAL and subjects and keys is not None and all(keys.get(s) for s in subjects):
        from shared.sealing import seal

        envelope = seal(envelope, event.PERSONAL, subjects, keys)
    return envelope


def from_envelope(envelope: Envelope) -> Event:
    """The typed event in `envelope`; DecodeError says why it cannot be read."""
    cls = EVENT_TYPES.get(envelope.type)
    if cls is None:
        raise DecodeError(f"unknown type {envelope.type!r}")
    if envelope.version > cls.VERSION:
        raise DecodeError(f"{envelope.type} version {envelope.version} is newer than {cls.VERSION}")
    if "sealed" in envelope.data:
        raise DecodeError(f"{envelope.type} has sealed fields: open it with a keyring (shared.sealing) first")
    values: dict[str, Any] = {"event_id": envelope.event_id}
    for f in fields(cls):
        if f.name == "event_id":
            continue
        if f.name in envelope.data:
            value = envelope.data[f.name]
            problem = _type_problem(_schema(cls)[f.name], value)
            if problem:
                raise DecodeError(f"{envelope.type} field {f.name!r} {problem}")
            values[f.name] = tuple(value) if isinstance(value, list) else value
        elif f.default is MISSING and f.default_factory is MISSING:
            raise DecodeError(f"{envelope.type} lacks field {f.name!r}")
    return cls(**values)


@cache
def _schema(cls: type[Event]) -> dict[str, Any]:
    return get_type_hints(cls, include_extras=True)


def _type_problem(expected: Any, value: Any) -> str | None:
    """Why `value` (decoded JSON) does not fit the field type `expected`; None if it does."""
    if expected == Timestamp:
        if not isinstance(value, str):
            return f"must be a timestamp string, not {type(value).__name__}"
        try:
            parse_iso(value)
        except (ValueError, OverflowError):  # OverflowError: year 1 at +14:00 has no UTC instant
            return f"is not an ISO 8601 timestamp with a timezone: {value[:40]!r}"
        return None
    if get_origin(expected) is tuple:  # tuple[str, ...]: a JSON array of that item type
        if not isinstance(value, (list, tuple)):  # a list off the wire, a tuple in-process
            return f"must be an array, not {type(value).__name__}"
        item = get_args(expected)[0]
        return next((f"item {problem}" for v in value if (problem := _type_problem(item, v))), None)
    # bool is an int in Python, but true is not a count and 1 is not a consent.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return f"must be {expected.__name__}, not {type(value).__name__}"
    return None


def encode(event: Event) -> bytes:
    return to_envelope(event).to_bytes()


def decode(raw: bytes) -> tuple[Envelope, Event]:
    envelope = Envelope.from_bytes(raw)
    return envelope, from_envelope(envelope)
