"""The organizer's pages that are not about one event: log in, first-run setup, language, API tokens;
and what every dashboard page shares (language, friendly refusals, vendored front-end files).

Pages are server-rendered in the organizer's language (English, or Arabic right to left); a
refusal is a page in that language, and a page that needs a login sends the browser to log in.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from services.dashboard import access, accounts, auth, login_throttle, messages
from services.dashboard.pagetext import TEXT
from shared.envelope import iso
from shared.organizers import ROLES
from shared.web import PROBLEM_JSON, DomainError, Unauthorized, problem, send_vendored

bp = Blueprint(
    "dashboard_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/dashboard",
)

# Front-end files from the project's node_modules (package.json, installed by `npm ci`): no CDN.
VENDOR = {
    "force-graph.min.js": ("force-graph/dist/force-graph.min.js", "text/javascript"),
    "chart.umd.min.js": ("chart.js/dist/chart.umd.min.js", "text/javascript"),
    "plex-arabic-400.ttf": (
        "@expo-google-fonts/ibm-plex-sans-arabic/400Regular/IBMPlexSansArabic_400Regular.ttf",
        "font/ttf",
    ),
    "plex-arabic-700.ttf": (
        "@expo-google-fonts/ibm-plex-sans-arabic/700Bold/IBMPlexSansArabic_700Bold.ttf",
        "font/ttf",
    ),
}
# Where a login may send the browser back to: dashboard pages only (never another site). \Z, not
# $: "$" also matches before a final line break, which then reached the Location header (a 500).
RETURN_PATH = re.compile(r"^/(events|tokens|account)(/[A-Za-z0-9_-]+)*/?\Z")


def language() -> str:
    """The organizer's own choice; before login, ?lang= or the browser's preference."""
    me = auth.organizer()
    if me is not None:
        return me.language
    asked = request.args.get("lang")
    return asked if asked in TEXT else request.accept_languages.best_match(list(TEXT)) or "en"


def page(template: str, status: int = 200, **context):
    lang = language()
    body = render_template(
        template,
        t=TEXT[lang],
        lang=lang,
        me=auth.organizer(),
        csrf=auth.csrf_token(),
        may=auth.may,  # a page offers only what the role may do (shared.organizers.PERMISSIONS)
        **context,
    )
    return make_response(body, status)  # its CSP and other headers: shared.web.security_headers


def wants_page() -> bool:
    return request.accept_mimetypes.best_match([PROBLEM_JSON, "application/json", "text/html"]) == "text/html"


def friendly_errors(blueprint: Blueprint) -> None:
    """A refusal to a browser is a page (the login form when logged out, else the reason); any
    other client, an image tag's fetch say, gets problem+json."""

    @blueprint.errorhandler(DomainError)
    def refused(err: DomainError):
        if not wants_page():
            wait = err.extra.get("retry_after")  # a 429 says when to come back
            headers = {"Retry-After": str(wait)} if wait is not None else None
            return problem(err.status, err.detail, err.code, headers=headers, **err.extra)
        if isinstance(err, Unauthorized):
            back = request.path if request.method == "GET" and RETURN_PATH.match(request.path) else None
            return redirect(url_for("dashboard_pages.login", next=back), 303)
        return page("message.html", err.status, title=TEXT[language()]["error_title"], text=refusal(err))


def refusal(err: DomainError) -> str:
    """The sentence a page shows: worded for the page when the refusal has its own (refused_<code>,
    in both languages), else the refusal translated by its code (messages.refusal)."""
    worded = TEXT[language()].get(f"refused_{err.code}")
    return worded or messages.refusal(err, language())


friendly_errors(bp)


@bp.app_errorhandler(HTTPException)
def http_error(err: HTTPException):
    """A page that is not there (or a method it does not take), in the organizer's language."""
    code = (err.name or "error").lower().replace(" ", "_")
    headers = {"Allow": ", ".join(err.valid_methods)} if getattr(err, "valid_methods", None) else None
    if not wants_page() or "Authorization" in request.headers:  # a script: no page, no login lookup
        return problem(err.code or 500, err.description or err.name, code, headers=headers)
    refused = DomainError(err.description or err.name, code=code, status=err.code or 500)
    return page("message.html", refused.status, title=TEXT[language()]["error_title"], text=refusal(refused))


@bp.get("/")
def home():
    return redirect(url_for("dashboard_events.events" if auth.organizer() else ".login"), 303)


@bp.get("/login")
def login():
    return page("login.html", setup_needed=not accounts.has_organizers(auth.db()))


@bp.post("/login")
def do_login():
    """Throttled per account and per address (login_throttle): a 429 page, or problem+json for a
    script, with Retry-After."""
    email, session, now = request.form.get("email", ""), auth.db(), auth.service().clock()
    try:
        found = login_throttle.authenticate(
            session, email, request.form.get("password", ""), request.remote_addr, now
        )
    except login_throttle.TooManyLogins as err:
        if not wants_page():
            raise
        wait = err.extra["retry_after"]
        text = TEXT[language()]["too_many_logins"].format(minutes=max(1, -(-wait // 60)))
        answer = page("login.html", 429, error=text, email=email)
        answer.headers["Retry-After"] = str(wait)
        return answer
    if found is None:
        session.commit()  # the failure counts
        return page("login.html", 401, error=TEXT[language()]["bad_login"], email=email)
    secret = accounts.start_session(session, found, now, request.user_agent.string, request.remote_addr or "")
    session.commit()
    target = request.args.get("next", "")
    return auth.log_in(
        redirect(target if RETURN_PATH.match(target) else url_for("dashboard_events.events"), 303), secret
    )


@bp.post("/logout")
def logout():
    return auth.log_out(redirect(url_for(".login"), 303))


@bp.get("/setup")
def setup():
    return page("setup.html", form={})


@bp.post("/setup")
def do_setup():
    """An organizer made with the bootstrap admin token (the first becomes an admin), then logged in."""
    form = request.form.to_dict()
    if not auth.is_admin_token(form.get("admin_token", "")):
        return page("setup.html", 403, error=TEXT[language()]["bad_admin_token"], form=form)
    try:
        new = accounts.validate_organizer(form)
    except accounts.InvalidInput as err:
        return page("setup.html", 422, errors=messages.field_messages(err.errors, language()), form=form)
    session, now = auth.db(), auth.service().clock()
    made = accounts.create_organizer(session, new, now, admin=not accounts.has_organizers(session))
    secret = accounts.start_session(session, made, now, request.user_agent.string, request.remote_addr or "")
    session.commit()
    return auth.log_in(redirect(url_for("dashboard_events.events"), 303), secret)


@bp.post("/language")
def set_language():
    accounts.set_language(auth.db(), auth.require_organizer(), request.form.get("language", ""))
    auth.db().commit()
    back = request.form.get("back", "")
    return redirect(back if RETURN_PATH.match(back) else url_for("dashboard_events.events"), 303)


def tokens_page(status: int = 200, **context):
    me = auth.require_organizer()
    return page(
        "tokens.html",
        status,
        tokens=accounts.tokens_of(auth.db(), me),
        events={e.id: e for e in accounts.visible_events(auth.db(), me)},
        roles=ROLES,
        **context,
    )


@bp.get("/tokens")
def tokens():
    return tokens_page()


@bp.post("/tokens")
def make_token():
    me, form = auth.require_organizer(), request.form
    body = {
        "name": form.get("name", ""),
        "role": form.get("role", "owner"),
        "event_id": form.get("event_id") or None,
    }
    days = form.get("expires_in_days", "")
    if days in TEXT["en"]["days"]:
        body["expires_at"] = iso(auth.service().clock() + timedelta(days=int(days)))
    try:
        _, secret = access.issue_token(
            auth.db(), auth.signer(), auth.require_principal(), me, body, auth.service().clock()
        )
    except DomainError as refused:
        return tokens_page(refused.status, error=refusal(refused), form=form)
    auth.db().commit()
    return tokens_page(201, new_token=secret)


@bp.post("/tokens/<token_id>/revoke")
def revoke_token(token_id):
    access.revoke_token(auth.db(), auth.require_organizer(), token_id)
    auth.db().commit()
    return redirect(url_for(".tokens"), 303)


@bp.get("/static/vendor/<name>")
def vendor(name):
    return send_vendored(name, VENDOR)
