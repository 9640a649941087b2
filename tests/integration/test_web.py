"""The web layer every service shares (problem+json, health, OpenAPI, body limits), through real apps."""

from dataclasses import replace
from urllib.parse import unquote

import pytest
from flask import abort

from services import badge, dashboard, followup, scan
from shared.web import PROBLEM_JSON, DomainError, NotFound, attachment, whole_number

SERVICES = [badge, scan, followup, dashboard]


@pytest.fixture
def settings(settings, new_database):
    return replace(
        settings,
        **{f"{name}_database_url": new_database() for name in ("badge", "scan", "followup", "dashboard")},
    )


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


@pytest.mark.parametrize(
    "path, method, status, code",
    [
        ("/nowhere", "get", 404, "not_found"),
        ("/healthz", "post", 405, "method_not_allowed"),
        ("/refuse", "get", 410, "revoked"),
        ("/missing", "get", 404, "unknown_attendee"),
        ("/teapot", "get", 418, "i'm_a_teapot"),
    ],
)
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
    assert "passwd" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(
        as_text=True
    )


def test_an_oversized_body_is_refused_before_it_is_read(app):
    response = app.test_client().post("/upload", data=b"x" * (11 * 2**20))
    assert response.status_code == 413 and response.mimetype == PROBLEM_JSON


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0", 0),
        ("42", 42),
        ("100", 100),
        ("²", None),
        ("٣", None),
        ("1²", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1.0", None),
        ("", None),
        ("101", None),
        ("1" * 23, None),
        ("0001", None),
    ],
)
def test_a_whole_number_is_ascii_digits_within_its_range(raw, expected):
    assert whole_number(raw, 0, 100) == expected


@pytest.mark.parametrize(
    "name, fallback",
    [
        ("ev1-attendees.csv", "ev1-attendees.csv"),
        ('ev"1\r\n.csv', "ev_1__.csv"),
        ("لقاءات.csv", "______.csv"),
    ],
)
def test_a_content_disposition_never_carries_a_quote_or_line_break_of_the_name(name, fallback):
    value = attachment(name)
    assert value.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert value.isprintable() and value.count('"') == 2
    assert unquote(value.split("''", 1)[1]) == name


PAGES = {
    badge: ["/docs"],
    scan: ["/docs", "/scan"],
    followup: ["/docs"],
    dashboard: ["/docs", "/login", "/setup"],
}


@pytest.mark.parametrize(
    "module, path",
    [(m, p) for m, paths in PAGES.items() for p in [*paths, "/nowhere"]],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_every_html_page_of_every_service_carries_the_security_headers(module, settings, path):
    answer = module.create_app(settings).test_client().get(path, headers={"Accept": "text/html"})
    assert answer.mimetype == "text/html" and answer.status_code in (200, 404)
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("module", SERVICES, ids=lambda m: m.__name__)
def test_api_answers_are_nosniff_and_keep_their_own_caching(module, settings):
    answer = module.create_app(settings).test_client().get("/healthz")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in answer.headers and "Cache-Control" not in answer.headers


def test_a_chunked_body_over_the_limit_is_refused_not_cut_short(app):
    import http.client

    from tests.integration.dashboard.running import Served

    served = Served(app)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", served.server.server_port, timeout=30)
        conn.request("POST", "/upload", body=iter([b"x" * 2**20] * 11), encode_chunked=True)
        answer = conn.getresponse()
        assert (answer.status, answer.getheader("Content-Type")) == (
            413,
            PROBLEM_JSON,
        )  # was 200, 10 MB of 11 read
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", served.server.server_port, timeout=30)
        conn.request("POST", "/upload", body=iter([b"x" * 1000] * 3), encode_chunked=True)
        assert conn.getresponse().read() == b'{"size":3000}\n'
        conn.close()
    finally:
        served.stop()
