"""The test rig itself: a broker restart keeps its data, as the scan service's outage test needs."""

from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer

from deploy.rig.kafka import KafkaBroker


def test_a_restarted_broker_keeps_its_port_and_its_messages(tmp_path):
    with KafkaBroker(tmp_path / "kafka") as broker:
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        producer.send("rig.check", b"kept").get(timeout=30)
        producer.close()
        port = broker.port
        broker.restart()
        assert broker.port == port and broker.is_running()
        consumer = KafkaConsumer("rig.check", bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                                 consumer_timeout_ms=30_000, group_id="rig")
        assert next(consumer).value == b"kept"
        consumer.close()
    assert not broker.is_running()
