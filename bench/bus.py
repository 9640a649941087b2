"""Event bus benchmark: both backends on this machine, in one run.

    .venv/bin/python bench/bus.py [--messages N] [--rate R] [--seconds S]

For the embedded log and for a real Kafka broker (started here by deploy/rig) it prints:
- throughput: N envelopes published (flushed in batches of 500) and then consumed by one group
  member that commits each batch, in messages/s;
- latency: messages published one at a time and flushed (as a request handler does) at R/s for S
  seconds while a consumer handles them in another thread; p50/p99 from send() to the handler;
and raw kafka-python producer throughput (same payloads, acks=all) for comparison, plus peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.rig.kafka import KafkaBroker  # noqa: E402
from shared.bus import Bus, bus_from_url  # noqa: E402
from shared.events import ScanRecorded, encode  # noqa: E402


def payload(i: int, sent: float = 0.0) -> bytes:
    return encode(
        ScanRecorded(
            event_id="bench",
            meeting_id=f"m{i}",
            scanner=f"a{i % 500}",
            scanned=f"b{i % 700}",
            scanned_at="2026-11-28T10:00:00.000Z",
            client_scan_id=uuid.uuid4().hex,
            note=f"talked about sustainable packaging; sent at {sent!r}",
            tags=("coffee later",),
        )
    )


def throughput(bus: Bus, messages: int) -> tuple[float, float]:
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    bus.ensure_topics([topic], 6)
    values = [payload(i) for i in range(messages)]
    started = time.perf_counter()
    with bus.producer() as producer:
        for i, value in enumerate(values):
            producer.send(topic, f"k{i % 1000}", value)
            if i % 500 == 499:
                producer.flush()
    published = time.perf_counter()
    seen = 0
    with bus.consumer("bench", [topic]) as consumer:
        while seen < messages:
            batch = consumer.poll(timeout=1, max_records=1000)
            consumer.commit_records(batch)
            seen += len(batch)
    done = time.perf_counter()
    return messages / (published - started), messages / (done - started)


def latency(bus: Bus, rate: int, seconds: float) -> list[float]:
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    bus.ensure_topics([topic], 6)
    total = int(rate * seconds)
    delays: list[float] = []
    ready = threading.Event()

    def consume() -> None:
        with bus.consumer("latency", [topic], from_beginning=True) as consumer:
            while not consumer.assignment():
                consumer.poll(timeout=0.1)
            ready.set()
            while len(delays) < total:
                batch = consumer.poll(timeout=0.5)
                now = time.time()
                for record in batch:
                    sent = float(json.loads(record.value)["data"]["note"].rsplit(" ", 1)[1])
                    delays.append(now - sent)
                consumer.commit_records(batch)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    ready.wait(60)
    with bus.producer() as producer:
        started = time.perf_counter()
        for i in range(total):
            wait = started + i / rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            producer.send(topic, f"k{i % 1000}", payload(i, time.time()))
            producer.flush()
    thread.join(60)
    return delays


def raw_kafka_python(bootstrap: str, messages: int) -> float:
    from kafka import KafkaProducer

    values = [payload(i) for i in range(messages)]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=2)
    started = time.perf_counter()
    for i, value in enumerate(values):
        producer.send("bench.raw", key=f"k{i % 1000}".encode(), value=value)
    producer.flush()
    elapsed = time.perf_counter() - started
    producer.close()
    return messages / elapsed


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(name: str, bus: Bus, args) -> None:
    publish_rate, end_to_end = throughput(bus, args.messages)
    delays = latency(bus, args.rate, args.seconds)
    print(
        f"{name:9} publish {publish_rate:9,.0f} msg/s | publish+consume {end_to_end:9,.0f} msg/s | "
        f"latency at {args.rate}/s (flush per message): p50 {percentile(delays, 50) * 1000:6.1f} ms, "
        f"p99 {percentile(delays, 99) * 1000:6.1f} ms ({len(delays)} messages)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    print(f"bus benchmark: {args.messages:,} messages of {len(payload(0))} bytes; 2-core machine")
    with tempfile.TemporaryDirectory() as tmp:
        report("embedded", bus_from_url(f"embedded:{tmp}/bus.sqlite3"), args)
        broker = KafkaBroker(Path(tmp) / "kafka")
        broker.start()
        try:
            print(f"kafka broker started in {broker.last_start_seconds:.1f} s")
            report("kafka", bus_from_url(broker.url), args)
            print(
                f"raw kafka-python producer (acks=all, idempotent): "
                f"{raw_kafka_python(broker.bootstrap, args.messages):,.0f} msg/s"
            )
        finally:
            broker.stop()
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
