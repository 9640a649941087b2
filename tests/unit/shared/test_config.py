import re
from pathlib import Path

import pytest

from shared.config import SETTINGS, ConfigError, Settings

KEY = {"RAPPORT_SECRET_KEY": "k" * 32}


def test_defaults_run_everything_embedded_under_the_data_dir():
    settings = Settings.from_env({**KEY, "RAPPORT_DATA_DIR": "/srv/rapport"})
    assert settings.bus_url == "embedded:/srv/rapport/bus.sqlite3"
    assert (
        settings.badge_database_url == "postgresql+psycopg://postgres@127.0.0.1:8432/badge"
    )  # ./rapport up's
    assert settings.nudge_days == (7, 30)
    assert settings.followup_delay == 0


def test_values_come_from_the_environment():
    settings = Settings.from_env(
        {
            **KEY,
            "RAPPORT_BUS_URL": "kafka://k1:9092,k2:9092",
            "RAPPORT_NUDGE_DAYS": "30,3",
            "RAPPORT_PUBLIC_URL": "https://meet.example.org/",
        }
    )
    assert settings.bus_url == "kafka://k1:9092,k2:9092"
    assert settings.nudge_days == (3, 30)
    assert settings.public_url == "https://meet.example.org"


def test_settings_are_frozen():
    settings = Settings.from_env(KEY)
    with pytest.raises(AttributeError):
        settings.bus_url = "kafka://elsewhere:9092"


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "RAPPORT_SECRET_KEY"),
        ({**KEY, "RAPPORT_FOLLOWUP_DELAY": "soon"}, "RAPPORT_FOLLOWUP_DELAY must be a whole number"),
        ({**KEY, "RAPPORT_WORKERS": "0"}, "RAPPORT_WORKERS must be at least 1"),
        ({**KEY, "RAPPORT_NUDGE_DAYS": "7,a"}, "RAPPORT_NUDGE_DAYS"),
        (
            {**KEY, "RAPPORT_SCAN_DATABASE_URL": "sqlite:///var/scan.sqlite3"},
            "RAPPORT_SCAN_DATABASE_URL is a SQLite URL .* PostgreSQL only",
        ),
        (
            {**KEY, "RAPPORT_BADGE_DATABASE_URL": "mysql://db/badge"},
            "RAPPORT_BADGE_DATABASE_URL must be a PostgreSQL URL",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_readme_documents_every_setting_and_only_real_ones():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    documented = set(re.findall(r"^\| `(RAPPORT_[A-Z_]+)` \|", readme, flags=re.M))
    assert documented == {s.env for s in SETTINGS}


@pytest.mark.parametrize(
    "url, reachable",
    [
        ("http://localhost:8002", False),
        ("http://127.0.0.1:8002", False),
        ("http://127.8.0.1", False),
        ("http://[::1]:8002", False),
        ("http://0.0.0.0:8002", False),
        ("http://rapport.localhost", False),
        ("http://192.168.1.20:8002", True),
        ("https://meet.example.org", True),
        ("http://[2001:db8::5]:8002", True),
    ],
)
def test_urls_that_phones_cannot_open_are_recognised(url, reachable):
    from shared.config import unreachable_by_phones

    assert (unreachable_by_phones(url) is None) == reachable
