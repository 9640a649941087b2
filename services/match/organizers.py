"""What the organizers learn from the match service: each lonely attendee's best match to
introduce, and how many suggested pairs then met (a scan after the suggestion was first shown),
the figure that says whether suggestions work."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.match.handlers import left_out
from services.match.index import ProfileIndex
from services.match.ranking import suggest
from services.match.reasons import why


def best_matches(
    session: Session,
    index: ProfileIndex,
    event_id: str,
    attendee_ids: list[str],
    language: str | None = None,
    top: int = 1,
) -> list[dict]:
    """Per attendee, their first `top` suggestions (`matches`, best first; `best_match` the first,
    None when the match service does not know them in this event, or has nobody left for them).
    Reasons are in `language`, else each attendee's own."""
    found = []
    for attendee_id in attendee_ids:
        event = index.event_of(attendee_id)
        matches = []
        if event is not None and event.profiles[event.position[attendee_id]].event_id == event_id:
            me = event.profiles[event.position[attendee_id]]
            matches = [
                {
                    "attendee_id": s.profile.id,
                    "name": s.profile.name,
                    "headline": s.profile.headline,
                    "company": s.profile.company,
                    "reason": text,
                    "reason_kind": kind,
                }
                for s in suggest(event, attendee_id, left_out(session, attendee_id), top=top)
                for kind, text in [why(me, s, language)]
            ]
        found.append(
            {"attendee_id": attendee_id, "best_match": matches[0] if matches else None, "matches": matches}
        )
    return found


# Pairs (either way round) first shown when, and whether they met after it.
CONVERSION = sa.text("""
WITH pairs AS (
    SELECT LEAST(attendee_id, other_id) AS low, GREATEST(attendee_id, other_id) AS high, MIN(shown_at) AS shown_at
    FROM suggestions_shown WHERE event_id = :event_id GROUP BY 1, 2)
SELECT count(*) AS suggested,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM met WHERE met.attendee_id = pairs.low
                                      AND met.other_id = pairs.high AND met.met_at > pairs.shown_at)) AS met
FROM pairs""")


def conversion(session: Session, event_id: str) -> dict:
    suggested, met = session.execute(CONVERSION, {"event_id": event_id}).one()
    return {
        "event_id": event_id,
        "suggested_pairs": suggested,
        "met_after_suggestion": met,
        "share": round(met / suggested, 4) if suggested else 0,
    }
