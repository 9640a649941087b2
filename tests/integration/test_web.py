"""The web layer every service shares (problem+json, health, OpenAPI, body limits), through real apps."""

from dataclasses import replace

import pytest
from flask import abort

from services import badge, dashboard, followup, scan
from shared.web import PROBLEM_JSON, DomainError, NotFound

SERVICES = [badge, scan, followup, dashboard]


@pytest.fixture
def settings(settings, new_database):
    return replace(settings, **{f"{name}_database_url": new_database() for name in ("badge", "scan", "followup",
                                                                                    "dashboard")})


@pytest.fixture
def app(settings):
    app = badge.create_app(settings)

    @app.post("/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/refuse")
    def refuse():
        raise DomainError("the badge was revoked", code="revoked", status=410, attendee="a1")

    @app.get("/missing")
    def missing():
        raise NotFound("no attendee a9 in this event", code="unknown_attendee")

    @app.post("/upload")
    def upload():
        from flask import request
        return {"size": len(request.get_data())}

    @app.get("/teapot")
    def teapot():
        abort(418)

    return app


@pytest.mark.parametrize("module", SERVICES, ids=lambda m: m.__name__)
def test_every_service_answers_healthz_and_serves_its_openapi(module, settings):
    client = module.create_app(settings).test_client()
    assert client.get("/healthz").json["status"] == "ok"
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/healthz" in spec["paths"]
    assert spec["info"]["title"] in client.get("/docs").get_data(as_text=True)


@pytest.mark.parametrize("path, method, status, code", [
    ("/nowhere", "get", 404, "not_found"),
    ("/healthz", "post", 405, "method_not_allowed"),
    ("/refuse", "get", 410, "revoked"),
    ("/missing", "get", 404, "unknown_attendee"),
    ("/teapot", "get", 418, "i'm_a_teapot"),
])
def test_errors_are_problem_json_with_a_code(app, path, method, status, code):
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    assert response.json["code"] == code and response.json["status"] == status and response.json["detail"]


def test_a_domain_error_carries_its_extra_fields(app):
    assert app.test_client().get("/refuse").json["attendee"] == "a1"


def test_an_unexpected_error_reveals_no_internals(app):
    app.testing = False  # as in production: the handler, not the exception, answers
    response = app.test_client().post("/boom")
    assert response.status_code == 500 and response.mimetype == PROBLEM_JSON
    assert "passwd" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)


def test_an_oversized_body_is_refused_before_it_is_read(app):
    response = app.test_client().post("/upload", data=b"x" * (11 * 2**20))
    assert response.status_code == 413 and response.mimetype == PROBLEM_JSON
