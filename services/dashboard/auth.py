"""Who is asking, for every dashboard request: an organizer's API token or their login cookie.

- `Authorization: Bearer rap_org_...`: scripts. No cookie is involved, so no CSRF check.
- The `rapport_dash` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS): browsers. Every
  unsafe request it authenticates carries a CSRF token, an HMAC of the cookie's secret under the
  secret key: a `csrf_token` form field, or the `X-CSRF-Token` header from scripts. Before login
  the secret is a random nonce in a cookie of its own, so the login form is protected too.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from services.dashboard import accounts
from services.dashboard.models import Event, Organizer
from shared.web import Unauthorized, admin_token_matches, bearer_token, csrf_matches, secure_cookies
from shared.web import csrf_token as shared_csrf_token

COOKIE, FORM_COOKIE = "rapport_dash", "rapport_dash_form"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ANONYMOUS_FORMS = ("dashboard_pages.do_login", "dashboard_pages.do_setup")


def service():
    return current_app.extensions["dashboard"]


def db() -> Session:
    """This request's database session (closed when the request ends; routes commit)."""
    if "db" not in g:
        g.db = service().sessions()
    return g.db


def organizer() -> Organizer | None:
    """The organizer behind this request, or None; a bearer token that is not one is a 401."""
    if "organizer" not in g:
        now = service().clock()
        if "Authorization" in request.headers:
            g.organizer = None  # asked again while this refusal is shown: nobody
            found = accounts.token_organizer(db(), bearer_token(), now)
            if found is None:
                raise Unauthorized("this bearer token is not an organizer's API token", code="bad_token")
            g.organizer = found
            db().commit()  # its last use
        else:
            secret = request.cookies.get(COOKIE)
            g.organizer = accounts.session_organizer(db(), secret, now) if secret else None
            if g.organizer is not None:
                with service().sessions() as own:  # not this request's transaction: commits alone
                    accounts.note_seen(own, secret, now)
                    own.commit()
    return g.organizer


def require_organizer() -> Organizer:
    found = organizer()
    if found is None:
        raise Unauthorized(
            "log in first, or send Authorization: Bearer <your API token>", code="not_logged_in"
        )
    return found


def visible_event(event_id: str) -> Event:
    return accounts.visible_event(db(), require_organizer(), event_id)


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
    app.before_request(check_csrf)
    app.after_request(_set_form_nonce)
    app.teardown_appcontext(_close_db)
