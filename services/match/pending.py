"""The embedding loop: profiles the consumer marked pending, embedded in batches in the background.

Embedding is the slow part of the match service (tens of milliseconds a text), so the consumer
never waits for it: it stores the texts, clears what changed and marks the row pending
(services/match/readmodel.py). This loop, a thread of the consumer process, takes the oldest
pending rows, embeds all their missing texts in one pass of the model (its matrix products cost far
less a text for a batch than for one text), and writes the vectors in a short transaction, only
where the texts are still the ones it read: an edit that lands meanwhile bumps `texts_version`,
so the row stays pending and its new texts are embedded on the next round. Writing bumps the
change number, so the web processes re-rank within a second (services/match/index.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.match.embedding import KINDS, Embedder, to_bytes
from services.match.models import Profile
from services.match.readmodel import next_version, texts_of
from shared.bus.worker import is_outage

log = logging.getLogger(__name__)
BATCH = 32  # rows a round: products big enough for the BLAS, small enough that an edit waits < 1 s
IDLE = 0.25  # seconds between looks while nothing is pending


def embed_pending(sessions: Callable[[], Session], embedder: Embedder, batch: int = BATCH) -> int:
    """Embed up to `batch` pending profiles, oldest change first; how many rows were read."""
    with sessions() as session:
        rows = session.scalars(
            sa.select(Profile).where(Profile.embedding_pending).order_by(Profile.version).limit(batch)
        ).all()
        session.expunge_all()
    if not rows:
        return 0
    wanted = {
        row.id: {
            kind: text
            for kind, text in texts_of(row).items()
            if text and getattr(row, f"{kind}_vector") is None
        }
        for row in rows
    }
    owners = {kind: [row.id for row in rows if kind in wanted[row.id]] for kind in KINDS}
    embedded = embedder.embed_kinds({kind: [wanted[i][kind] for i in ids] for kind, ids in owners.items()})
    vectors: dict[str, dict[str, bytes]] = {row.id: {} for row in rows}
    for kind, ids in owners.items():
        for attendee_id, vector in zip(ids, embedded[kind]):
            vectors[attendee_id][kind] = to_bytes(vector)
    with sessions() as session:
        version = next_version(session)
        for row in rows:
            session.execute(
                sa.update(Profile)
                .where(Profile.id == row.id, Profile.texts_version == row.texts_version)
                .values(
                    {
                        **{f"{kind}_vector": vector for kind, vector in vectors[row.id].items()},
                        "embedding_pending": False,
                        "version": version,
                    }
                )
            )
        session.commit()
    return len(rows)


def run_embedding(
    sessions: Callable[[], Session], embedder: Embedder, stop: threading.Event, idle: float = IDLE
) -> None:
    """Embed pending profiles until `stop` is set; waits out a database outage or a failure."""
    outages = 0
    while not stop.is_set():
        try:
            done = embed_pending(sessions, embedder)
            outages = 0
        except Exception as exc:
            # An outage passes; anything else is logged and retried, so the loop never dies quietly.
            outages += 1
            log.log(
                logging.WARNING if is_outage(exc) else logging.ERROR,
                "embedding pending profiles failed (attempt %d)",
                outages,
                exc_info=True,
            )
            stop.wait(min(5.0, 0.2 * outages))
            continue
        if not done:
            stop.wait(idle)
