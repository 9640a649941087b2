"""docker-compose.yml, the production shape, checked as a deployer relies on it (no Docker here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shared.config import SETTING_NAMES, Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
WEB = {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003}
RAPPORT = {name: s for name, s in SERVICES.items() if s.get("image") == "rapport:latest"}


def interpolate(value: str) -> str:
    """Compose's ${VAR:?message} and ${VAR:-default}, with a dummy value for required variables."""
    value = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "dummy-value-0123456789abcdef", value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_the_production_shape_has_every_part():
    assert {"kafka", "postgres", "mail", *WEB, "badge-relay", "scan-consumer", "scan-relay"} <= set(SERVICES)
    assert set(WEB) <= set(RAPPORT)
    assert SERVICES["dashboard"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (ROOT / "deploy" / "Dockerfile").exists()


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_every_variable_a_service_gets_is_a_real_setting(name):
    assert set(RAPPORT[name]["environment"]) <= SETTING_NAMES


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_the_compose_environment_boots_the_settings(name):
    environment = {k: interpolate(str(v)) for k, v in RAPPORT[name]["environment"].items()}
    settings = Settings.from_env(environment)
    assert settings.bus_url == "kafka://kafka:9092"
    assert settings.database_url("badge").startswith("postgresql+psycopg://")


@pytest.mark.parametrize("name, port", sorted(WEB.items()))
def test_each_web_service_publishes_its_port_and_checks_its_health(name, port):
    service = SERVICES[name]
    assert f"{port}:{port}" in service["ports"]
    assert f"0.0.0.0:{port}" in service["command"]
    assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])


def test_each_service_has_its_own_database_and_postgres_creates_them():
    created = set(re.findall(r"CREATE DATABASE (\w+)", (ROOT / "deploy/postgres/init-databases.sql").read_text()))
    environment = RAPPORT["badge"]["environment"]
    databases = {svc: environment[f"RAPPORT_{svc.upper()}_DATABASE_URL"].rsplit("/", 1)[1] for svc in WEB}
    assert len(set(databases.values())) == 4
    assert set(databases.values()) <= created


def test_every_dependency_names_a_service_that_exists():
    for name, service in SERVICES.items():
        assert set(service.get("depends_on", {})) <= set(SERVICES), name


def test_no_registry_host_is_written_into_the_deploy_files():
    text = (ROOT / "deploy" / "Dockerfile").read_text() + (ROOT / "docker-compose.yml").read_text()
    assert not re.search(r"https?://(?!localhost|127\.0\.0\.1)[a-z0-9.-]+\.(org|com|io)", text)
