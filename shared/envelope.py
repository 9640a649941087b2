"""The one envelope every message on the bus travels in, and its JSON codec.

Wire format (UTF-8 JSON):
    {"id": "<unique>", "type": "scan.recorded", "version": 1,
     "occurred_at": "<ISO 8601 UTC>", "event_id": "<event>", "data": {...}}

`id` is unique per message and is what idempotent handlers dedupe on; `event_id` is the Rapport
event (the conference) the message belongs to.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


class DecodeError(ValueError):
    """The bytes are not a message this reader understands; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def new_message_id() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, the one timestamp format on the wire."""
    if moment.tzinfo is None:
        raise ValueError("timestamps on the wire must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no timezone")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Envelope:
    type: str
    version: int
    event_id: str
    data: dict[str, Any]
    id: str = field(default_factory=new_message_id)
    occurred_at: str = field(default_factory=lambda: iso(utc_now()))
    # The data keys that opened its sealed fields (shared.sealing), by attendee id; never on the wire.
    keys: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "id": self.id,
                "type": self.type,
                "version": self.version,
                "occurred_at": self.occurred_at,
                "event_id": self.event_id,
                "data": self.data,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        try:
            doc = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DecodeError(f"not JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise DecodeError("envelope is not a JSON object")
        missing = [k for k in ("id", "type", "version", "occurred_at", "event_id", "data") if k not in doc]
        if missing:
            raise DecodeError(f"envelope lacks {', '.join(missing)}")
        if not isinstance(doc["version"], int) or not isinstance(doc["data"], dict):
            raise DecodeError("envelope version must be an integer and data an object")
        if not all(isinstance(doc[k], str) for k in ("id", "type", "occurred_at", "event_id")):
            raise DecodeError("envelope id, type, occurred_at and event_id must be strings")
        return cls(
            type=doc["type"],
            version=doc["version"],
            event_id=doc["event_id"],
            data=doc["data"],
            id=doc["id"],
            occurred_at=doc["occurred_at"],
        )
