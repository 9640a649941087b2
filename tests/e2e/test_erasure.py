"""Erasure erases: after DELETE /v1/attendees/{id}, no readable copy of the person's name, email or
notes is left on any topic (read from offset 0, on real Kafka and on the embedded log), in any
service's database, or in the mail records; and every read model rebuilt from the topics has
everyone else and not them.

Lina registers, scans Omar with a note, edits it, is scanned by Omar with a note about her, asks
for a sign-in link and gets her welcome and follow-up mail (real SMTP). The badge service is
served over HTTP, so consumers fetch data keys the way production ones do (shared.sealing).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.handlers import READ_MODEL_TYPES as DASHBOARD_TYPES
from services.dashboard.handlers import apply_event as to_dashboard
from services.followup import create_app as followup_app
from services.followup import readmodel as followup_readmodel
from services.followup.sender import Sender
from services.match import create_app as match_app
from services.match.readmodel import TYPES as MATCH_TYPES
from services.match.readmodel import applier
from services.scan import create_app as scan_app
from services.scan.handlers import READ_MODEL_TYPES as SCAN_TYPES
from services.scan.handlers import apply_event as to_scan
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS
from shared.sealing import keyring_from_settings
from shared.smtp import SmtpSettings
from tests.integration.dashboard.running import Served, catch_up, relay
from tests.integration.followup.test_sender import drain

ADMIN = {"Authorization": "Bearer test-admin-token"}
EVERY_TOPIC = (*ALL_TOPICS, DEAD_LETTER_TOPIC)


class Product:
    """Every service on its own database, one bus, the badge service served for its data keys."""

    def __init__(self, settings, new_database, bus_url: str):
        self.settings = replace(settings, bus_url=bus_url, followup_delay=0)
        self.badge_app = badge_app(replace(self.settings, badge_database_url=new_database()))
        self.badge = Served(self.badge_app)
        self.settings = replace(self.settings, keys_url=self.badge.url)
        self.bus = bus_from_url(bus_url, partitions=2)
        self.bus.ensure_topics(list(EVERY_TOPIC), 2)
        self.new_database = new_database
        self.readers = self.build_readers()

    def build_readers(self) -> dict:
        """A fresh read model of each consuming service (a rebuild starts from these)."""
        made = {
            "scan": scan_app(replace(self.settings, scan_database_url=self.new_database())),
            "followup": followup_app(replace(self.settings, followup_database_url=self.new_database())),
            "dashboard": dashboard_app(replace(self.settings, dashboard_database_url=self.new_database())),
            "match": match_app(replace(self.settings, match_database_url=self.new_database())),
        }
        return made

    def consumers(self, readers: dict):
        match = readers["match"].extensions["match"]
        return (
            ("scan", readers["scan"].extensions["scan"].sessions, SCAN_TYPES, to_scan),
            (
                "followup",
                readers["followup"].extensions["followup"].sessions,
                followup_readmodel.READ_MODEL_TYPES,
                followup_readmodel.apply_event,
            ),
            (
                "dashboard",
                readers["dashboard"].extensions["dashboard"].sessions,
                DASHBOARD_TYPES,
                to_dashboard,
            ),
            ("match", match.sessions, MATCH_TYPES, applier()),
        )

    def deliver(self, readers: dict | None = None, group_suffix: str = "") -> None:
        """Every outbox relayed, then every consumer caught up (each with its own keyring)."""
        readers = readers or self.readers
        relay(self.badge_app.extensions["badge"].sessions, self.bus)
        relay(readers["scan"].extensions["scan"].sessions, self.bus)
        relay(readers["followup"].extensions["followup"].sessions, self.bus)
        for group, sessions, types, apply in self.consumers(readers):
            catch_up(
                self.bus,
                group + group_suffix,
                ALL_TOPICS,
                types,
                sessions,
                apply,
                keyring_from_settings(self.settings),
            )
        readers["scan"].extensions["scan"].directory.invalidate()

    def stop(self) -> None:
        self.badge.stop()


@pytest.fixture(params=["kafka", "embedded"])
def product(request, settings, new_database, tmp_path):
    if request.param == "kafka":
        bus_url = request.getfixturevalue("kafka_broker").url
    else:
        bus_url = f"embedded:{tmp_path / 'bus.sqlite3'}"
    running = Product(settings, new_database, bus_url)
    yield running
    running.stop()


def person(tag: str, first: str) -> dict:
    return {
        "name": f"{first} Q{tag}",
        "email": f"{first.lower()}.{tag}@example.org",
        "company": f"{first} Kilns {tag}",
        "headline": f"{first}: glazes that survive {tag}",
        "interests": [f"{first.lower()}-ceramics-{tag}"],
        "can_help_with": f"{first} fixes kilns {tag}",
        "looking_for": f"{first} seeks a glaze chemist {tag}",
        "consent": {"followup": True, "share_contact": True},
    }


def send_mail(product, smtp_server) -> None:
    """What the follow-up sender has due, sent to the SMTP server as its process does."""
    followup = product.readers["followup"].extensions["followup"]
    sender = Sender(
        followup.sessions,
        followup.composer,
        SmtpSettings.from_url(smtp_server.url),
        "Rapport <rapport@example.org>",
        settle=timedelta(0),
    )
    try:
        drain(sender)
    finally:
        sender.close()


def readable_in_databases(urls: dict[str, str], needles: list[str]) -> dict[str, list[str]]:
    """For each needle found, where ("<service>.<table>"): every row of every table, as JSON text
    (bytea as hex, so a clear-text copy inside an outbox value is found too)."""
    found: dict[str, list[str]] = {}
    for service, url in urls.items():
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                tables = connection.execute(
                    sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
                for table in list(tables):
                    rows = connection.execute(
                        sa.text(f'SELECT row_to_json(t)::text FROM "{table}" t')
                    ).scalars()
                    text = "\n".join(rows)
                    for needle in needles:
                        if needle in text or needle.encode().hex() in text:
                            found.setdefault(needle, []).append(f"{service}.{table}")
        finally:
            engine.dispose()
    return found


def every_record(bus) -> list[bytes]:
    """Every record of every topic, from offset 0, by a group of its own."""
    values = []
    with bus.consumer(f"erasure-audit-{secrets.token_hex(4)}", list(EVERY_TOPIC)) as consumer:
        quiet = 0
        while quiet < 3:
            batch = consumer.poll(timeout=0.5)
            values += [r.value + b" " + (r.key or b"") for r in batch]
            quiet = quiet + 1 if not batch and consumer.assignment() else 0
    return values


def database_urls(app_by_service: dict) -> dict[str, str]:
    return {
        name: app.extensions[name].engine.url.render_as_string(hide_password=False)
        for name, app in app_by_service.items()
    }


def test_after_erasure_nothing_of_the_person_is_readable_and_rebuilds_leave_them_out(
    product, smtp_server, tmp_path
):
    tag = secrets.token_hex(4)
    badge = product.badge_app.test_client()
    scan = product.readers["scan"].test_client()
    event = badge.post(
        "/v1/events",
        headers=ADMIN,
        json={
            "name": f"Clay Forum {tag}",
            "venue": "Jeddah",
            "starts_at": "2026-12-01T06:00:00Z",
            "ends_at": "2029-12-01T15:00:00Z",
            "timezone": "Asia/Riyadh",
            "language": "en",
        },
    ).json
    people = {
        first: badge.post(f"/v1/events/{event['id']}/attendees", headers=ADMIN, json=person(tag, first)).json
        for first in ("Lina", "Omar", "Sara")
    }
    lina, omar, sara = people["Lina"], people["Omar"], people["Sara"]
    product.deliver()
    send_mail(product, smtp_server)  # the welcome emails
    product.deliver()

    def scanned(who, whom, note):
        answer = scan.post(
            "/v1/scans",
            headers={"Authorization": f"Bearer {who['scanner_token']}"},
            json={"scanned": whom["short_code"], "note": note, "client_scan_id": secrets.token_hex(6)},
        )
        assert answer.status_code == 201, answer.text

    notes = {
        "omar about lina": f"Lina knows a kiln builder {tag}",
        "lina about omar": f"Omar wants glaze samples {tag}",
        "lina edited": f"send Omar the crackle recipe {tag}",
        "omar about sara": f"Sara ships clay by sea {tag}",
    }
    scanned(omar, lina, notes["omar about lina"])
    scanned(lina, omar, notes["lina about omar"])
    scanned(omar, sara, notes["omar about sara"])
    edited = scan.patch(
        f"/v1/me/people/{omar['id']}",
        headers={"Authorization": f"Bearer {lina['scanner_token']}"},
        json={"notes": [notes["lina edited"]]},
    )
    assert edited.status_code == 200, edited.text
    assert scan.post("/v1/signin", json={"email": lina["email"], "event_id": event["id"]}).status_code == 202
    assert badge.post(f"/v1/events/{event['id']}/close", headers=ADMIN).status_code == 200
    product.deliver()

    send_mail(product, smtp_server)
    to_lina = [m.message for m in smtp_server.messages if lina["email"] in m.recipients]
    assert {m["X-Rapport-Campaign"] for m in to_lina} >= {"welcome", "signin", "followup"}
    product.deliver()  # the mail outcomes reach the dashboard

    profile = person(tag, "Lina")
    erased_texts = [lina["name"], lina["email"], profile["interests"][0]]
    erased_texts += [profile[k] for k in ("company", "headline", "can_help_with", "looking_for")]
    erased_texts += [notes["omar about lina"], notes["lina about omar"], notes["lina edited"]]
    everyone_else = [omar["name"], sara["name"], omar["email"], notes["omar about sara"]]
    records = every_record(product.bus)
    assert all(
        any(t.encode() in r for r in records) for t in [lina["id"], omar["id"]]
    )  # we read the right log
    before = [t for t in erased_texts if any(t.encode() in r for r in records)]
    assert before == [], f"in clear on the bus before erasure: {before}"
    assert readable_in_databases(database_urls(product.readers), [lina["name"], notes["omar about lina"]])

    assert badge.delete(f"/v1/attendees/{lina['id']}", headers=ADMIN).status_code == 204
    product.deliver()

    # The topics, from the start: nothing of hers opens, nor is in clear.
    records = every_record(product.bus)
    assert not [t for t in erased_texts if any(t.encode() in r for r in records)]
    if product.bus.url.startswith("embedded:"):
        path = product.bus.url[len("embedded:") :]
        raw = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
        assert not [t for t in erased_texts if t.encode() in raw]
    # Every service's database, the mail outbox and delivery records included.
    databases = database_urls({"badge": product.badge_app, **product.readers})
    assert readable_in_databases(databases, erased_texts) == {}
    assert set(readable_in_databases(databases, everyone_else)) == set(everyone_else)

    # Each read model rebuilt from the topics: everyone but her.
    rebuilt = product.build_readers()
    product.deliver(rebuilt, group_suffix=f"-rebuild-{tag}")
    rebuilt_urls = database_urls(rebuilt)
    assert readable_in_databases(rebuilt_urls, erased_texts) == {}  # her bare id may stay, as a tombstone
    found = readable_in_databases(rebuilt_urls, everyone_else)
    assert set(found) == set(everyone_else)
    where_omar = {place.split(".")[0] for place in found[omar["name"]]}
    assert where_omar >= {"scan", "followup", "dashboard", "match"}
    assert {place.split(".")[0] for place in found[notes["omar about sara"]]} >= {"followup"}
    with rebuilt["match"].extensions["match"].sessions() as session:
        profiles = session.execute(sa.text("SELECT id FROM profiles")).scalars().all()
    assert omar["id"] in profiles and sara["id"] in profiles and lina["id"] not in profiles
