"""What sealing costs per scan: the scan service's request-thread work (writer.prepare: the bus
message rendered both ways) with and without the two people's data keys, and what a consumer
spends opening one. No I/O: the keys come from the read model with the attendee (scan) or one
fetch per polled batch (consumers), so this is the whole added cost.

    .venv/bin/python bench/sealing.py [--scans 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.scan.writer import Pending, prepare  # noqa: E402
from shared.envelope import Envelope  # noqa: E402
from shared.sealing import new_data_key, open_sealed  # noqa: E402


def pending(i: int, keys: tuple[bytes, bytes] | None) -> Pending:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    return Pending(
        event_id="ev12345678",
        meeting_id=f"m{i:031d}",
        scanner_id="a123456789",
        scanned_id="b123456789",
        client_scan_id=f"c{i}",
        note="talked about kiln design and a coffee on Thursday, قهوة يوم الخميس",
        tags=("coffee later", "hiring"),
        scanned_at=now,
        received_at=now,
        scanner_key=keys[0] if keys else None,
        scanned_key=keys[1] if keys else None,
    )


def per_scan_us(work, n: int, rounds: int = 5) -> float:
    """CPU time of this thread per call, the best of `rounds` (the 2 cores are shared: wall time
    would measure the neighbours)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        for i in range(n):
            work(i)
        best = min(best, (time.thread_time() - started) / n * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scans", type=int, default=5_000)
    n = parser.parse_args().scans
    keys = (new_data_key(), new_data_key())
    clear = [pending(i, None) for i in range(n)]
    sealed = [pending(i, keys) for i in range(n)]
    per_scan_us(lambda i: prepare(clear[i % 100]), 500)  # warm up
    plain_us = per_scan_us(lambda i: prepare(clear[i]), n)
    sealed_us = per_scan_us(lambda i: prepare(sealed[i]), n)
    plain_us = min(plain_us, per_scan_us(lambda i: prepare(clear[i]), n))  # interleaved: same conditions
    envelopes = [Envelope.from_bytes(prepare(sealed[i]).alone) for i in range(min(n, 5000))]
    ring = {"a123456789": keys[0], "b123456789": keys[1]}
    open_us = per_scan_us(lambda i: open_sealed(envelopes[i % len(envelopes)], ring), n)
    print(f"scans measured:                {n}")
    print(f"prepare, note in clear:        {plain_us:7.1f} us/scan")
    print(f"prepare, note sealed:          {sealed_us:7.1f} us/scan  (+{sealed_us - plain_us:.1f} us)")
    print(f"open one sealed scan (reader): {open_us:7.1f} us/scan")


if __name__ == "__main__":
    main()
