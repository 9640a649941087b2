"""Password guessing, slowed down: every check of an organizer's password goes through here.

After MAX_FAILURES wrong passwords within WINDOW, either for one account (whatever address they
come from) or from one client address (whatever accounts it tries), the next attempt is refused
with TooManyLogins (429, `retry_after` seconds until the oldest of those failures leaves the
window), before the password is even checked: the right password does not get through either.
Failures are rows in PostgreSQL, so every dashboard process counts the same ones; a transaction
advisory lock per account and per address makes check-verify-record one step, so parallel
requests cannot slip extra guesses past the count. A good password clears its account's
failures (not its address's: one account of one's own must not reset guessing at others).
"""

from __future__ import annotations

import math
import zlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.dashboard import accounts
from services.dashboard.models import LoginFailure, Organizer
from shared.web import DomainError

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 10


class TooManyLogins(DomainError):
    status = 429


def authenticate(
    session: Session, email: str, password: str, address: str, now: datetime
) -> Organizer | None:
    """The organizer this email and password open, or None (recorded as a failure); raises
    TooManyLogins while the account or the address is throttled. The caller commits."""
    email, address = (email or "").strip().lower()[:254], (address or "?")[:64]
    for key in (f"email:{email}", f"address:{address}"):  # always in this order: no deadlock
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id(key))))
    wait = max(
        _wait(session, LoginFailure.email == email, now), _wait(session, LoginFailure.address == address, now)
    )
    if wait:
        raise TooManyLogins(
            f"too many failed logins: try again in {wait} seconds",
            code="too_many_logins",
            retry_after=wait,
        )
    found = accounts.authenticate(session, email, password)
    if found is None:
        session.add(LoginFailure(email=email, address=address, at=now))
        # Housekeeping: this account's and address's failures that no longer count.
        session.execute(
            sa.delete(LoginFailure).where(
                sa.or_(LoginFailure.email == email, LoginFailure.address == address),
                LoginFailure.at <= now - WINDOW,
            )
        )
    else:
        session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email))
    return found


def _wait(session: Session, which, now: datetime) -> int:
    """Seconds until fewer than MAX_FAILURES of these failures are within the window; 0: go ahead."""
    recent = session.scalars(
        sa.select(LoginFailure.at)
        .where(which, LoginFailure.at > now - WINDOW)
        .order_by(LoginFailure.at.desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(recent) < MAX_FAILURES:
        return 0
    return max(1, math.ceil((recent[-1] + WINDOW - now).total_seconds()))


def _lock_id(key: str) -> int:
    return zlib.crc32(f"rapport.dashboard.login:{key}".encode()) - 2**31  # a signed 64-bit key
