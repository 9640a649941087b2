"""Flask helpers every service uses: problem+json errors, /healthz, the OpenAPI document.

Every error a client can see is `application/problem+json` (RFC 9457) with a `detail` that says
what to fix and a machine-readable `code`; never an HTML page or a stack trace.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json, render_template_string
from flask.sessions import SessionInterface
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A refusal with a code; becomes problem+json at the edge (status from the subclass)."""

    status = 400

    def __init__(self, detail: str, code: str, status: int | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        if status is not None:
            self.status = status
        self.extra = extra


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Unauthorized(DomainError):
    status = 401
    challenge = "Bearer"  # the WWW-Authenticate answer: how to authenticate instead


class InvalidInput(DomainError):
    """Fields that failed validation, each with what is wrong (problem+json `errors`)."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__(
            "; ".join(f"{k}: {v}" for k, v in errors.items()), code="invalid_input", errors=errors
        )
        self.errors = errors


ERROR_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1 style="font-size:1.4rem">{{ title }}</h1><p dir="auto">{{ detail }}</p></body></html>"""


def _wants_html() -> bool:
    """A browser navigating (Accept: text/html first) gets a page; API clients get problem+json."""
    from flask import has_request_context, request

    if not has_request_context():
        return False
    return request.accept_mimetypes.best_match([PROBLEM_JSON, "application/json", "text/html"]) == "text/html"


def problem(
    status: int,
    detail: str,
    code: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    from werkzeug.http import HTTP_STATUS_CODES

    body = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    if _wants_html():
        response = Response(render_template_string(ERROR_PAGE, **body), status=status, mimetype="text/html")
    else:
        response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_problem_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        headers = {}
        if err.status == 401:
            headers["WWW-Authenticate"] = getattr(err, "challenge", "Bearer")
        if "retry_after" in err.extra:
            headers["Retry-After"] = str(err.extra["retry_after"])
        return problem(err.status, err.detail, err.code, headers=headers, **err.extra)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        response = problem(err.code or 500, err.description or err.name, code)
        if err.code == 405 and err.valid_methods:
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(DataError)
    def _unstorable(err: DataError):
        # PostgreSQL refused a value the request brought (a NUL character in text, a number out of
        # its column's range) in a place no validation caught: the request's fault, so a 422 that
        # says so; logged, because that place should check its input itself.
        log.warning("a request value PostgreSQL cannot store: %s", err.orig)
        # As a DomainError, so a blueprint's own handler shows it (a page in the reader's language).
        return app.handle_user_exception(
            DomainError(
                "a value in this request cannot be stored (for example a NUL character in text, or a number far out "
                "of range)",
                code="invalid_input",
                status=422,
            )
        )

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        # The client gets no internals; the log gets everything.
        log.exception("unhandled error")
        return problem(500, "Something went wrong on our side; it has been logged.", "internal_error")


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ spec.info.title }} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}.m{font-weight:700;text-transform:uppercase}</style>
</head><body><h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p><p>Machine-readable: <a href="openapi.json">openapi.json</a></p>
{% for path, ops in spec.paths.items() %}{% for method, op in ops.items() %}
<h3><span class="m">{{ method }}</span> <code>{{ path }}</code></h3><p>{{ op.summary }}</p>
<ul>{% for status, r in op.responses.items() %}<li><code>{{ status }}</code> {{ r.description }}</li>{% endfor %}</ul>
{% endfor %}{% endfor %}</body></html>"""


def health_and_docs(
    spec: Callable[[], dict], checks: Callable[[], dict[str, str]] | None = None
) -> Blueprint:
    """`GET /healthz`, `GET /openapi.json` and a readable `GET /docs` page for a service."""
    bp = Blueprint("meta", __name__)

    @bp.get("/healthz")
    def healthz():
        results = checks() if checks else {}
        healthy = all(v == "ok" for v in results.values())
        body = {"status": "ok" if healthy else "unavailable", "service": current_app.name, "checks": results}
        return body, 200 if healthy else 503

    @bp.get("/openapi.json")
    def openapi():
        return spec()

    @bp.get("/docs")
    def docs():
        return render_template_string(DOCS_PAGE, spec=spec())

    return bp


def openapi_document(title: str, description: str, paths: dict) -> dict:
    """An OpenAPI 3.1 document with the parts every service shares (problem schema, healthz)."""
    problem_schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
        },
        "required": ["status", "detail", "code"],
    }
    health = {
        "type": "object",
        "required": ["status", "service", "checks"],
        "properties": {
            "status": {"enum": ["ok", "unavailable"]},
            "service": {"type": "string"},
            "checks": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    health_answer = {"content": {"application/json": {"schema": health}}}
    paths = {
        "/healthz": {
            "get": {
                "summary": "Liveness and dependency checks.",
                "responses": {
                    "200": {"description": "healthy", **health_answer},
                    "503": {"description": "a dependency is down", **health_answer},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/docs": {
            "get": {
                "summary": "This document, readable.",
                "responses": {"200": {"description": "HTML page", "content": {"text/html": {}}}},
            }
        },
        **paths,
    }
    for path, operations in paths.items():
        for operation in operations.values():
            with_path_parameters(path, operation)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1", "description": description},
        "components": {
            "schemas": {"Problem": problem_schema},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }


def with_path_parameters(path: str, operation: dict) -> None:
    """Declares each `{name}` of the path the operation does not declare itself, as a required string:
    an undeclared one makes the document invalid, and fuzzers and clients cannot fill it in."""
    declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    missing = [name for name in re.findall(r"{([^{}]+)}", path) if name not in declared]
    if missing:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in missing
        ] + operation.get("parameters", [])


class NoCookieSession(SessionInterface):
    """No service keeps state in Flask's cookie session: identities are our own signed tokens
    and cookies (shared.tokens). Flask would otherwise build a signing serializer on every
    request to open a session nobody reads (7% of a scan request's time)."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:
        pass


# Every HTML page of every service gets these, unless its view set its own (the dashboard's sandboxed
# email preview does). Scripts only from our own origin (JSON data islands are not run); inline
# styles allowed, the templates use them. No page may be framed by another site (clickjacking).
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
# Responses a shared or back-button cache must not keep: pages that carry a person's data or a
# private link's token, exports and contact cards. Static files and badge images keep their own.
NO_STORE_TYPES = ("text/html", "text/csv", "text/vcard", "text/x-vcard")


def security_headers(response: Response) -> Response:
    """after_request hook of every service (service_app): the headers every response carries."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Private links carry tokens in their path (/d/<token>/..., the self page): never send them on.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    if response.mimetype in NO_STORE_TYPES:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_oversized_chunked_body() -> None:
    """before_request hook of every service: a chunked body (no Content-Length) over
    MAX_CONTENT_LENGTH gets the same 413 as one that announced its length.

    Werkzeug checks the limit against Content-Length only; a chunked body was silently cut at the
    limit (a CSV imported in part) or, where the server leaves it undecoded, read as empty (400).
    The body is read here, up to one byte past the limit, and handed on as an ordinary one.
    """
    import io

    from flask import request
    from werkzeug.exceptions import RequestEntityTooLarge

    environ = request.environ
    if (
        "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        or "wsgi.input_terminated" not in environ
    ):
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    stream, parts, size = environ["wsgi.input"], [], 0
    while size <= limit and (part := stream.read(min(65536, limit + 1 - size))):
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestEntityTooLarge(f"the body is larger than {limit // 2**20} MB")
    body = b"".join(parts)
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    del environ["HTTP_TRANSFER_ENCODING"], environ["wsgi.input_terminated"]


def service_app(
    import_name: str,
    name: str,
    settings,
    spec: Callable[[], dict],
    checks: Callable[[], dict[str, str]] | None = None,
    max_upload_bytes: int = 10 * 2**20,
) -> Flask:
    """The Flask app every service starts from: settings, problem+json errors, healthz and docs."""
    app = Flask(import_name)
    app.name = name
    app.config["RAPPORT_SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.session_interface = NoCookieSession()
    # Bigger bodies get a 413 problem+json before any handler reads them.
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    register_problem_handlers(app)
    app.before_request(refuse_oversized_chunked_body)
    app.after_request(security_headers)
    app.register_blueprint(health_and_docs(spec, checks))
    return app


def bearer_token() -> str:
    """The request's `Authorization: Bearer <token>`; Unauthorized (401) if there is none."""
    from flask import request

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send Authorization: Bearer <token>", code="missing_token")
    return token.strip()


def node_modules() -> Path:
    """The nearest node_modules above this file: the repository root, or /app in the image."""
    here = Path(__file__).resolve()
    return next(
        (p / "node_modules" for p in here.parents if (p / "node_modules").is_dir()),
        here.parents[1] / "node_modules",
    )


def send_vendored(name: str, vendored: dict[str, tuple[str, str]]):
    """A front-end file from the project's own node_modules (package.json, installed by
    `npm ci`): no copy in the repository, no CDN. `vendored` maps a public name to (path under
    node_modules, media type); anything else is a 404."""
    from flask import send_file

    if name not in vendored:
        raise NotFound(f"no vendored file {name!r}", code="not_found")
    relative, mimetype = vendored[name]
    path = node_modules() / relative
    if not path.is_file():
        raise NotFound(f"{relative} is not installed: run ./rapport up (or npm ci)", code="asset_missing")
    return send_file(path, mimetype=mimetype, max_age=86400)


def csrf_token(secret_key: str, scope: str, secret: str) -> str:
    """The CSRF token for a browser whose cookie holds `secret`: an HMAC under the service's key, so
    only pages we rendered for that browser carry it. `scope` keeps tokens of one form or service
    from passing for another's."""
    return hmac.new(secret_key.encode(), f"rapport/{scope}/{secret}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, scope: str, secret: str | None, sent: str | None) -> bool:
    return bool(secret and sent) and hmac.compare_digest(sent, csrf_token(secret_key, scope, secret))


def secure_cookies(public_url: str) -> bool:
    """Cookies are Secure when the site's public URL is https, even when TLS ends at a proxy in
    front of us and the request arrived over plain HTTP."""
    from flask import request

    return request.is_secure or public_url.startswith("https://")


def admin_token_matches(admin_token: str, sent: str) -> bool:
    """Is `sent` the bootstrap admin token (RAPPORT_ADMIN_TOKEN)? Never when none is set; compared
    in constant time."""
    return bool(admin_token) and hmac.compare_digest(sent.encode(), admin_token.encode())


def accept_organizers(app: Flask, grants, clock: Callable | None = None) -> None:
    """Let `app`'s organizer routes accept organizer tokens, checked against `grants` (a
    shared.organizers.Grants: the service's bus-fed tables, or the dashboard's own); `clock`
    (default: now) is what token expiry is checked against, which tests move."""
    from shared.envelope import utc_now
    from shared.tokens import TokenSigner

    app.extensions["organizer_grants"] = grants
    app.extensions["organizer_signer"] = TokenSigner.from_settings(app.config["RAPPORT_SETTINGS"])
    app.extensions["organizer_clock"] = clock or utc_now


def current_organizer():
    """This request's shared.organizers.Principal from its bearer token: the bootstrap admin
    token is the superuser, an organizer token (signed, unexpired) its organizer; 401 otherwise."""
    from flask import g

    from shared import organizers
    from shared.tokens import InvalidToken

    if "organizer_principal" not in g:
        sent = bearer_token()
        if admin_token_matches(current_app.config["RAPPORT_SETTINGS"].admin_token, sent):
            g.organizer_principal = organizers.SUPERUSER
        else:
            signer = current_app.extensions.get("organizer_signer")
            try:
                if signer is None:
                    raise InvalidToken("this service accepts only the admin token", code="malformed")
                claims = organizers.read(signer, sent, current_app.extensions["organizer_clock"]())
            except InvalidToken as exc:
                code = "expired_token" if exc.code == "expired" else "bad_token"
                raise Unauthorized(f"this bearer token is not an organizer's: {exc}", code=code) from None
            g.organizer_principal = organizers.Principal.of(claims)
    return g.organizer_principal


def check_organizer(permission: str, event_id: str | None, principal=None):
    """The role the request's principal acts with if it may do `permission` on `event_id` (None:
    no one event); 401 without a valid token, 403 problem+json `forbidden` outside its role or scope."""
    from shared import organizers

    principal = principal or current_organizer()
    grants = current_app.extensions.get("organizer_grants")
    try:
        if grants is None and not principal.superuser:
            raise organizers.Refused(
                "this service accepts only the admin token", code="forbidden", status=403
            )
        return organizers.authorize(principal, permission, event_id, grants)
    except organizers.Refused as refused:
        raise DomainError(refused.detail, code=refused.code, status=refused.status) from None


def organizer_only(permission="manage", event_of: Callable[[dict], str | None] | None = None):
    """Route decorator: an organizer credential allowed `permission` (shared.organizers) on the
    route's event: its `event_id` argument, or what `event_of(view kwargs)` returns (an
    attendee's event, say); a route with neither is checked without an event (creating one).
    Used bare (`@organizer_only`), it asks for `manage`, the owner's permission."""
    from functools import wraps

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            current_organizer()  # who, before anything is looked up for them
            event_id = event_of(kwargs) if event_of else kwargs.get("event_id")
            check_organizer(permission, event_id)
            return view(*args, **kwargs)

        return checked

    if callable(permission):  # bare use
        view, permission = permission, "manage"
        return decorate(view)
    return decorate


# No request body of ours nests deeper than a few levels; the JSON decoder itself recurses, so a
# deep enough document would otherwise end in a RecursionError (a 500) rather than a refusal.
MAX_JSON_DEPTH = 32


def json_body() -> dict:
    """The request's JSON object; a 4xx problem that says what is wrong otherwise.

    Every string in it is valid Unicode: JSON can spell a lone surrogate (`"\\ud800"`), which no
    database column, email or page can hold, so it is refused here, naming the field.
    """
    from flask import request

    if not request.is_json:
        raise DomainError(
            "send a JSON body with Content-Type: application/json", code="unsupported_media_type", status=415
        )
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise DomainError(
            f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", code="invalid_json"
        ) from None
    if not isinstance(body, dict):
        raise DomainError("the body is not a JSON object", code="invalid_json")
    _check_json(body)
    return body


def _check_json(body: dict) -> None:
    """Depth and lone surrogates, walked without recursion (the document may be deep)."""
    stack: list[tuple[str, Any, int]] = [("", body, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise DomainError(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", code="invalid_json")
        if isinstance(value, dict):
            for key, item in value.items():
                if has_lone_surrogate(key):
                    raise InvalidInput({"body": "a member name holds a lone surrogate, which is not text"})
                stack.append((f"{path}.{key}" if path else key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and has_lone_surrogate(value):
            raise InvalidInput({path: "holds a lone surrogate (such as \\ud800), which is not text"})


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def whole_number(raw: str, low: int, high: int) -> int | None:
    """`raw` as an integer from low to high, or None. ASCII digits only: "²" and "٣" pass
    str.isdigit() but are no number a client means, and int() refuses "²"; the length check
    comes first so a thousand-digit string costs nothing."""
    if not raw or len(raw) > len(str(high)) or not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if low <= number <= high else None


def int_arg(name: str, default: int, low: int = 0, high: int = 2**62) -> int:
    """Query parameter `name` as a whole number from low to high (`default` when absent); 422
    naming the parameter otherwise. The one parser of integer query parameters."""
    from flask import request

    raw = request.args.get(name)
    if raw is None:
        return default
    number = whole_number(raw, low, high)
    if number is None:
        raise InvalidInput({name: f"a whole number from {low} to {high}"})
    return number


def attachment(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value for `filename`, whatever it holds: an ASCII fallback with
    anything outside [A-Za-z0-9._-] replaced (no quote or line break can end the header), and the
    exact name percent-encoded in `filename*` (RFC 6266)."""
    from urllib.parse import quote

    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
