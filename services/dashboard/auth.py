"""Who is asking, for every dashboard request: an organizer's API token or their login cookie.

- `Authorization: Bearer rap_org_...`: scripts. No cookie is involved, so no CSRF check. The
  bootstrap admin token is the superuser here as in every service.
- `Authorization: Basic` (email and password): only to make or list API tokens.
- The `rapport_dash` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS): browsers. Every
  unsafe request it authenticates carries a CSRF token, an HMAC of the cookie's secret under the
  secret key: a `csrf_token` form field, or the `X-CSRF-Token` header from scripts. Before login
  the secret is a random nonce in a cookie of its own, so the login form is protected too.
"""

from __future__ import annotations

import base64
import secrets

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from services.dashboard import access, accounts, login_throttle
from services.dashboard.models import Event, Organizer
from shared import organizers
from shared.envelope import utc_now
from shared.organizers import SUPERUSER, Principal
from shared.tokens import TokenSigner
from shared.web import (
    DomainError,
    Unauthorized,
    accept_organizers,
    admin_token_matches,
    bearer_token,
    csrf_matches,
    secure_cookies,
)
from shared.web import csrf_token as shared_csrf_token

COOKIE, FORM_COOKIE = "rapport_dash", "rapport_dash_form"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ANONYMOUS_FORMS = ("dashboard_pages.do_login", "dashboard_pages.do_setup", "dashboard_admin.do_accept")
BASIC_ENDPOINTS = ("dashboard_api.create_token", "dashboard_api.list_tokens")


def service():
    return current_app.extensions["dashboard"]


def db() -> Session:
    """This request's database session (closed when the request ends; routes commit)."""
    if "db" not in g:
        g.db = service().sessions()
    return g.db


def principal() -> Principal | None:
    """Who is asking (shared.organizers.Principal), or None: the bootstrap admin token is the
    superuser; an API token is its organizer with the token's role, scope and expiry; a login
    cookie (or, on BASIC_ENDPOINTS, email and password by HTTP Basic) is the organizer's own."""
    if "principal" not in g:
        g.principal = g.organizer = None  # asked again while a refusal is shown: nobody
        found: tuple[Principal | None, Organizer | None] = (None, None)
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if "Authorization" in request.headers and scheme.lower() == "basic":
            found = _basic_login(sent.strip())
        elif "Authorization" in request.headers:
            sent = bearer_token()
            if is_admin_token(sent):
                found = (SUPERUSER, None)
            else:
                found = access.read_token(db(), signer(), sent, service().clock())
                db().commit()  # its last use
        elif secret := request.cookies.get(COOKIE):
            now = service().clock()
            who = accounts.session_organizer(db(), secret, now)
            found = (access.principal_of(who), who) if who else (None, None)
            if who is not None:
                with service().sessions() as own:  # not this request's transaction: commits alone
                    accounts.note_seen(own, secret, now)
                    own.commit()
        g.principal, g.organizer = found
    return g.principal


def _basic_login(credentials: str) -> tuple[Principal, Organizer]:
    """HTTP Basic with the organizer's email and password: only where BASIC_ENDPOINTS allows,
    so a script can make its first API token without a browser."""
    if request.endpoint not in BASIC_ENDPOINTS:
        raise Unauthorized(
            "send Authorization: Bearer <your API token> (Basic works on /v1/tokens only)", code="bad_token"
        )
    try:
        email, _, password = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        email = password = ""
    # Through the login throttle, so Basic is no way around it (a 429 with Retry-After).
    now = service().clock()
    who = login_throttle.authenticate(db(), email, password, request.remote_addr, now) if email else None
    if who is None:
        db().commit()  # the failure counts
        refusal = Unauthorized("that email and password do not match an organizer", code="bad_credentials")
        refusal.challenge = 'Basic realm="Rapport", charset="UTF-8"'
        raise refusal
    db().commit()  # a rehashed password
    return access.principal_of(who), who


def signer() -> TokenSigner:
    return current_app.extensions["organizer_signer"]


def organizer() -> Organizer | None:
    """The organizer account behind this request, or None (nobody, or the bootstrap admin token)."""
    principal()
    return g.organizer


def require_principal() -> Principal:
    found = principal()
    if found is None:
        raise Unauthorized(
            "log in first, or send Authorization: Bearer <your API token>", code="not_logged_in"
        )
    return found


def require_organizer() -> Organizer:
    """The organizer account behind this request; the admin token has none (403)."""
    if require_principal().superuser:
        raise accounts.Forbidden(
            "the admin token is no organizer account: make one with POST /v1/organizers and use its token",
            code="not_an_organizer",
        )
    return g.organizer


def visible_event(event_id: str, permission: str = "view") -> Event:
    """The event if this request may do `permission` on it: 404 when it cannot see the event at
    all (as for an unknown one, so ids cannot be probed for), 403 `forbidden` when its role or
    token scope does not allow this. Calls to other services then act with that role there."""
    who = require_principal()
    if who.superuser:
        event = db().get(Event, event_id)
        if event is None:
            raise DomainError(f"there is no event {event_id!r}", code="unknown_event", status=404)
    else:
        event = accounts.visible_event(db(), g.organizer, event_id)
    try:
        role = organizers.authorize(who, permission, event.id, access.DashboardGrants(db()))
    except organizers.Refused as refused:
        raise DomainError(refused.detail, code=refused.code, status=refused.status) from None
    g.acting = (event.id, role)
    return event


def may(permission: str, event_id: str) -> bool:
    """Whether this request may do `permission` on an event it can see (for what a page offers)."""
    try:
        organizers.authorize(require_principal(), permission, event_id, access.DashboardGrants(db()))
    except organizers.Refused:
        return False
    return True


def acting_token() -> str:
    """The bearer token the dashboard's calls to other services carry in this request: a
    short-lived token of the acting organizer (shared.organizers.acting_token), vouched for the
    role checked by visible_event, never the admin token."""
    event_id, role = g.get("acting", (None, None))
    # The wall clock, not service().clock (which tests move): the other services check its expiry
    # against theirs.
    return organizers.acting_token(signer(), require_principal(), utc_now(), event_id, role)


def is_admin_token(sent: str | None = None) -> bool:
    """Is `sent` (default: this request's bearer token) the bootstrap admin token?"""
    if sent is None:
        sent = request.headers.get("Authorization", "").partition(" ")[2]
    return admin_token_matches(service().settings.admin_token, sent.strip())


def _csrf_for(secret: str) -> str:
    return shared_csrf_token(service().settings.secret_key, "dashboard/csrf", secret)


def csrf_token() -> str:
    """The token this browser's forms carry (a login nonce is made on first use)."""
    secret = request.cookies.get(COOKIE) or request.cookies.get(FORM_COOKIE) or g.get("new_form_nonce")
    if not secret:
        secret = g.new_form_nonce = secrets.token_urlsafe(18)
    return _csrf_for(secret)


def check_csrf() -> None:
    """Before every unsafe request the login cookie authenticates, and the login forms themselves
    (without that, a forged form could log a browser into someone else's account)."""
    if request.method in SAFE_METHODS or "Authorization" in request.headers:
        return
    if COOKIE not in request.cookies and request.endpoint not in ANONYMOUS_FORMS:
        return  # no credential rides along: the route refuses it as logged out
    secret = request.cookies.get(COOKIE) or request.cookies.get(FORM_COOKIE)
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if not csrf_matches(service().settings.secret_key, "dashboard/csrf", secret, sent):
        raise accounts.Forbidden(
            "this form has expired or was not sent from this site: reload the page and try again", code="csrf"
        )


def log_in(response, secret: str):
    response.set_cookie(
        COOKIE,
        secret,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(service().settings.dashboard_url),
    )
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


def log_out(response):
    secret = request.cookies.get(COOKIE)
    if secret:
        accounts.end_session(db(), secret)
        db().commit()
    response.delete_cookie(COOKIE, path="/")
    return response


def _set_form_nonce(response):
    if g.get("new_form_nonce"):
        response.set_cookie(
            FORM_COOKIE,
            g.new_form_nonce,
            max_age=3600,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=secure_cookies(service().settings.dashboard_url),
        )
    return response


def _close_db(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    accept_organizers(app, None)  # the signer; grants are the request's own (access.DashboardGrants)
    app.before_request(check_csrf)
    app.after_request(_set_form_nonce)
    app.teardown_appcontext(_close_db)
