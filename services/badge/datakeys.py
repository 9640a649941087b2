"""The attendees' data keys (shared.sealing): made at registration, handed to the other services,
destroyed by erasure. The badge service is the only place they are kept."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.badge.models import Attendee, DataKey
from shared.sealing import new_data_key

MAX_LOOKUP = 1000  # ids per request to POST /v1/data-keys


def new_key(session: Session, attendee_id: str) -> bytes:
    """A key for an attendee registered now."""
    key = new_data_key()
    session.add(DataKey(attendee_id=attendee_id, key=key))
    return key


def data_key(session: Session, attendee_id: str) -> bytes:
    """The attendee's key, made now if they have none (registered before sealing, or just now)."""
    return keys_of(session, [attendee_id])[attendee_id]


def keys_of(session: Session, attendee_ids: Collection[str]) -> dict[str, bytes]:
    """The keys of those of `attendee_ids` who are registered; an erased or unknown id has none.

    An attendee registered before sealing gets a key on first request (ON CONFLICT: two requests
    at once agree on one)."""
    ids = sorted(set(attendee_ids))
    if not ids:
        return {}
    known = set(session.scalars(sa.select(Attendee.id).where(Attendee.id.in_(ids))))
    have = _keys(session, ids)
    lacking = sorted(known - set(have))
    if lacking:
        session.execute(
            insert(DataKey)
            .values([{"attendee_id": a, "key": new_data_key()} for a in lacking])
            .on_conflict_do_nothing(index_elements=["attendee_id"])
        )
        have |= _keys(session, lacking)
    return {a: have[a] for a in known}


def _keys(session: Session, ids: list[str]) -> dict[str, bytes]:
    query = sa.select(DataKey.attendee_id, DataKey.key).where(DataKey.attendee_id.in_(ids))
    return {attendee_id: key for attendee_id, key in session.execute(query)}


def destroy(session: Session, attendee_id: str) -> None:
    """Crypto-shredding: without the key, no sealed copy of the person's data opens again."""
    session.execute(sa.delete(DataKey).where(DataKey.attendee_id == attendee_id))
