"""Feed bus messages to a match service's tables as its consumer process does: the consumer's
handler, then the embedding loop's rounds until nothing is pending (the real model embeds)."""

from __future__ import annotations

from services.match.pending import embed_pending
from services.match.readmodel import applier
from shared.events import to_envelope


def embed_everything(service) -> int:
    """Run the embedding loop's rounds until no profile is pending; how many rows were embedded."""
    total = 0
    while done := embed_pending(service.sessions, service.embedder):
        total += done
    return total


def feed_match(service, *events) -> None:
    """Apply `events` in one transaction, embed what they changed, and let the web copy reload."""
    handle = applier()
    with service.sessions() as session:
        for event in events:
            handle(session, event, to_envelope(event))
        session.commit()
    embed_everything(service)
    service.index.invalidate()
