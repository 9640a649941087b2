"""Session-wide real parts: a Kafka broker, a PostgreSQL server, an SMTP server.

Each starts natively on loopback the first time a test asks for it (deploy/rig), and stops when
the session ends. Nothing is mocked and nothing skips: a missing part fails the test with the
rig's own error, which says what to install.
"""

from __future__ import annotations

import secrets

import pytest

from shared.config import Settings


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    from deploy.rig.kafka import KafkaBroker

    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"))
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    from deploy.rig.postgres import PostgresServer

    server = PostgresServer(tmp_path_factory.mktemp("postgres"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server():
    from deploy.rig.smtp import SmtpSink

    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def new_database(postgres_server):
    """Makes fresh, empty PostgreSQL databases (one per service, for tests that run several); their URLs."""
    return lambda: postgres_server.create_database("t_" + secrets.token_hex(6))


@pytest.fixture
def database_url(new_database):
    """A fresh, empty PostgreSQL database of its own for the test."""
    return new_database()


@pytest.fixture
def settings(tmp_path) -> Settings:
    # The match service is called by the dashboard, scan and follow-up services: nothing answers on
    # this address (the discard port), so a test gets the "match service down" path unless it serves
    # one and says where, never a local run's that happens to be up on the default port.
    return Settings.from_env(
        {
            "RAPPORT_DATA_DIR": str(tmp_path),
            "RAPPORT_SECRET_KEY": secrets.token_urlsafe(32),
            "RAPPORT_ADMIN_TOKEN": "test-admin-token",
            "RAPPORT_MATCH_URL": "http://127.0.0.1:9",
        }
    )


@pytest.fixture
def key_service(settings, new_database):
    """The URL of a served badge app's data keys, for consumer processes a test starts
    (RAPPORT_KEYS_URL), as in production. The session's broker holds other tests' sealed
    registrations too: keys this badge never issued read as erased and are skipped, not waited on."""
    from dataclasses import replace

    from services.badge import create_app
    from tests.integration.dashboard.running import Served

    served = Served(create_app(replace(settings, badge_database_url=new_database())))
    yield served.url
    served.stop()
