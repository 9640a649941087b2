"""`./rapport up --lan`: what it sets so that phones on the venue's network can open badges and links."""

from __future__ import annotations

import ipaddress

from services.__main__ import lan_address, lan_environment
from shared.config import Settings, unreachable_by_phones

KEY = {"RAPPORT_SECRET_KEY": "k" * 32}


def test_lan_puts_the_network_address_in_every_link_a_phone_follows_and_keeps_loopback_listening():
    env = {**KEY, **lan_environment("192.168.1.20", KEY)}
    settings = Settings.from_env(env)
    assert settings.bind.split(",") == ["127.0.0.1", "192.168.1.20"]
    assert (
        settings.public_url == "http://192.168.1.20:8002"
        and unreachable_by_phones(settings.public_url) is None
    )
    assert {settings.badge_url, settings.dashboard_url, settings.followup_url} == {
        "http://192.168.1.20:8001",
        "http://192.168.1.20:8000",
        "http://192.168.1.20:8003",
    }
    assert settings.scan_url == "http://localhost:8002"  # service-to-service calls stay on loopback


def test_lan_leaves_what_the_organizer_set_alone():
    env = {**KEY, "RAPPORT_PUBLIC_URL": "https://meet.example.org"}
    assert "RAPPORT_PUBLIC_URL" not in lan_environment("10.0.0.7", env)


def test_the_lan_address_found_is_one_phones_could_reach():
    found = lan_address()
    if found is not None:  # a machine on no network has none, and --lan then says so
        address = ipaddress.ip_address(found)
        assert address.version == 4 and not address.is_loopback and not address.is_link_local
