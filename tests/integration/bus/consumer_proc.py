"""A real consumer process for the crash test: handles events into a SQLite file, slowly.

    python consumer_proc.py BUS_URL GROUP TOPIC RESULTS_DB BATCH_SIZE DELAY_SECONDS

Each handled message inserts its envelope id into `handled` (ignored if already there) and one
row into `deliveries` in the same transaction, then the Worker commits the batch's offsets; so
`deliveries - handled` counts redeliveries. The test SIGKILLs it mid-batch.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time

from shared.bus import bus_from_url
from shared.bus.worker import Worker


def main(url: str, group: str, topic: str, db: str, batch_size: str, delay: str) -> None:
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS handled (id TEXT PRIMARY KEY)")
    conn.execute("CREATE TABLE IF NOT EXISTS deliveries (id TEXT)")

    def handle(event, envelope) -> None:
        time.sleep(float(delay))
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO handled VALUES (?)", (envelope.id,))
        conn.execute("INSERT INTO deliveries VALUES (?)", (envelope.id,))
        conn.execute("COMMIT")

    bus = bus_from_url(url)
    with bus.producer() as dead_letters, bus.consumer(group, [topic]) as consumer:
        Worker(consumer, dead_letters, group, {"event.closed": handle}, batch_size=int(batch_size)).run(
            threading.Event()
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
