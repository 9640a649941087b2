"""Every route of every service is in its OpenAPI document, with its path parameters: the documents
are what the fuzz run (test_fuzz.py) and API users go by, so a route left out is a route untested."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace

import pytest

SERVICES = ["badge", "scan", "followup", "dashboard", "match"]
UNDOCUMENTED = {"static"}  # files, not API


def build_app(service: str, settings, database_url: str):
    """The service's app on its own fresh PostgreSQL database, as its tests build it."""
    create_app = importlib.import_module(f"services.{service}").create_app
    return create_app(replace(settings, **{f"{service}_database_url": database_url}))


def documented_operations(app) -> list[tuple[str, str, set[str]]]:
    """(method, OpenAPI path, path parameter names) of every route of the app."""
    operations = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDOCUMENTED or rule.endpoint.endswith(".static"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations.append((method.lower(), path, set(rule.arguments)))
    return operations


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
def test_every_route_is_documented_with_its_path_parameters(service, settings, new_database):
    app = build_app(service, settings, new_database())
    paths = app.test_client().get("/openapi.json").json["paths"]
    missing, unparameterised = [], []
    for method, path, arguments in documented_operations(app):
        operation = paths.get(path, {}).get(method)
        if operation is None:
            missing.append(f"{method.upper()} {path}")
            continue
        declared = {
            p["name"]
            for p in paths[path].get("parameters", []) + operation.get("parameters", [])
            if p["in"] == "path"
        }
        if declared != arguments:
            unparameterised.append(
                f"{method.upper()} {path}: declares {sorted(declared)}, route has {sorted(arguments)}"
            )
    assert not missing, f"routes of {service} missing from its OpenAPI document: {missing}"
    assert not unparameterised, f"path parameters of {service} not as routed: {unparameterised}"


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_operation_is_routed(service, settings, new_database):
    app = build_app(service, settings, new_database())
    routed = {(method, path) for method, path, _ in documented_operations(app)}
    paths = app.test_client().get("/openapi.json").json["paths"]
    stale = [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if method != "parameters" and (method, path) not in routed
    ]
    assert not stale, f"documented but not routed in {service}: {stale}"


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
def test_every_answer_with_a_body_documents_its_media_type_and_json_its_schema(
    service, settings, new_database
):
    paths = build_app(service, settings, new_database()).test_client().get("/openapi.json").json["paths"]
    vague = []
    for path, item in paths.items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                content = answer.get("content")
                if not content or (
                    "application/json" in content and "schema" not in content["application/json"]
                ):
                    vague.append(f"{method.upper()} {path} {status}")
    assert not vague, f"answers of {service} without a media type or JSON schema: {vague}"
