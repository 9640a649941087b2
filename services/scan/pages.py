"""The scan service's pages: what a badge's QR opens on a phone, and the in-browser scanner.

Who is scanning is the `rapport_me` cookie: the attendee's private token, set when they open
their private link here (`/i/<token>`) or a one-time sign-in link they asked for by email
(services/scan/signinpages.py). The public badge token in a QR never identifies anyone. Whatever
is posted with that cookie carries a CSRF token, an HMAC of the cookie's token under the secret
key: a form field for the pages, the `X-CSRF-Token` header for the scanner's JSON endpoint.

Pages speak the viewer's language (`language`): the switch they pressed, else their own
identity's, else the browser's Accept-Language, else the event's; never the badge owner's.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for

from services.scan import handlers
from services.scan.api import save_scan
from services.scan.domain import QUICK_TAGS, ScanError
from services.scan.models import Event
from services.scan.pagetext import SCRIPT_TEXT, TEXT, refusal_text
from services.scan.people import clock
from services.scan.peoplestore import my_people
from services.scan.signin import draft_for
from shared import identity
from shared.envelope import iso, utc_now
from shared.tokens import InvalidToken
from shared.web import (
    PROBLEM_JSON,
    DomainError,
    NotFound,
    Unauthorized,
    csrf_matches,
    json_body,
    problem,
    secure_cookies,
    send_vendored,
)
from shared.web import csrf_token as shared_csrf_token

bp = Blueprint(
    "scan_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/scan",
)

COOKIE, FORM_COOKIE, LANG_COOKIE = "rapport_me", "rapport_form", "rapport_lang"
COOKIE_AGE = timedelta(days=60)  # the length of a long event season; the token itself does not expire
# Served from the project's own node_modules (package.json): no copy in the repository, no CDN.
VENDOR = {
    "jsQR.js": ("jsqr/dist/jsQR.js", "text/javascript"),
    "plex-arabic-400.ttf": (
        "@expo-google-fonts/ibm-plex-sans-arabic/400Regular/IBMPlexSansArabic_400Regular.ttf",
        "font/ttf",
    ),
    "plex-arabic-700.ttf": (
        "@expo-google-fonts/ibm-plex-sans-arabic/700Bold/IBMPlexSansArabic_700Bold.ttf",
        "font/ttf",
    ),
}


def service():
    return current_app.extensions["scan"]


def csrf_token(secret: str, purpose: str = "csrf") -> str:
    return shared_csrf_token(service().settings.secret_key, f"scan/{purpose}", secret)


def check_csrf(secret: str | None, sent: str | None, purpose: str = "csrf") -> None:
    if not csrf_matches(service().settings.secret_key, f"scan/{purpose}", secret, sent):
        raise DomainError(
            "this form has expired or was not sent from this site: reload the page and try again",
            code="csrf",
            status=403,
        )


def me():
    """(private token, Person) of the attendee this browser belongs to, or (None, None)."""
    token = request.cookies.get(COOKIE, "")
    if not token:
        return None, None
    s = service()
    try:
        person = handlers.identify_scanner(s.directory, s.signer, token)
    except Unauthorized as refused:
        g.replaced = refused.code == "replaced"  # the sign-in form says why this phone is asked again
        return None, None
    g.identified = True  # the pages show this attendee's own links (scanner, My people, My QR)
    return token, person


def language(viewer=None, event_id: str | None = None) -> str:
    """The viewer's language: `?lang=` (the switch), else the one they switched to before (a cookie),
    else their own (`viewer`, whoever this phone belongs to), else the browser's Accept-Language,
    else the event's. Never the badge owner's: a fresh phone reads the page in its own language."""
    for chosen in (
        request.args.get("lang"),
        request.cookies.get(LANG_COOKIE),
        viewer.language if viewer is not None else None,
        browser_language(),
    ):
        if chosen in TEXT:
            return chosen
    if event_id:
        with service().sessions() as session:
            found = session.scalar(sa.select(Event.language).where(Event.id == event_id))
        if found in TEXT:
            return found
    return "en"


def browser_language() -> str | None:
    """The first of Accept-Language's languages (by quality) we write, by primary tag: "ar-SA" is
    Arabic even when "en" follows (werkzeug's best_match prefers any exact match to a fallback)."""
    for value, _ in request.accept_languages:  # best first
        primary = value.split("-", 1)[0].lower()
        if primary in TEXT:
            return primary
    return None


@bp.after_app_request
def remember_language(response):
    """The switch's choice sticks on this phone, so every later page (and the sign-in link's) keeps it."""
    if request.args.get("lang") in TEXT and request.cookies.get(LANG_COOKIE) != request.args["lang"]:
        response.set_cookie(
            LANG_COOKIE,
            request.args["lang"],
            max_age=int(COOKIE_AGE.total_seconds()),
            path="/",
            httponly=True,
            samesite="Lax",
            secure=secure_cookies(service().settings.public_url),
        )
    return response


def page(template: str, status: int = 200, **context):
    lang = g.lang = context.pop("lang", None) or g.get("lang") or language()
    context.setdefault("nav", g.get("identified", False))
    return render_template(template, t=TEXT[lang], lang=lang, **context), status


def badge_owner(badge_token: str):
    """The current holder of a badge; 404 forged or unknown, 410 replaced."""
    s = service()
    try:
        identity.read_token(s.signer, identity.BADGE, badge_token)
    except InvalidToken:
        raise NotFound("this is not a Rapport badge, or its link is incomplete", code="bad_badge") from None
    return handlers.badge_holder(s.directory, s.signer, badge_token)


def local_path(value: str | None) -> str | None:
    """`value` if it is a path on this site (never another host: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc and value.isprintable() else None


def remember(response, token: str):
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(COOKIE_AGE.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(service().settings.public_url),
    )
    return response


@bp.get("/i/<token>")
def open_private_link(token):
    s = service()
    try:
        identity.read_token(s.signer, identity.PRIVATE, token)
    except InvalidToken:
        raise NotFound(
            "this private link is not valid; ask the organizers for a new one", code="bad_link"
        ) from None
    try:
        handlers.identify_scanner(s.directory, s.signer, token)
    except Unauthorized as refused:
        if refused.code == "replaced":  # a newer link was made: say so, and offer the email sign-in
            raise DomainError(refused.detail, code="replaced", status=410) from None
    target = local_path(request.args.get("next")) or url_for(".scanner")
    return remember(redirect(target, 303), token)


@bp.get("/c/<badge_token>")
def meet(badge_token):
    token, scanner = me()
    holder = badge_owner(badge_token)
    g.lang = language(scanner, holder.event_id)
    if scanner is None or request.args.get("who") == "change":
        return identify_page(holder, badge_token)
    s = service()
    try:
        handlers.resolve_scanned(s.directory, s.signer, scanner, badge_token)  # refuses a self-scan
    except ScanError as err:
        if err.code != "other_event":
            raise
        # This phone remembers someone from another event: let today's attendee say who they are.
        return identify_page(holder, badge_token, err.status, refusal_text(err.code, err.detail, g.lang))
    return meet_page(holder, badge_token, token, scanner)


def meet_page(holder, badge_token, token, scanner, status=200, error=None, form=None):
    form = form or {"note": "", "tags": [], "client_scan_id": uuid.uuid4().hex, "scanned_at": iso(utc_now())}
    with service().sessions() as session:  # met before: "you met at 11:55", my notes, and this adds to them
        met = next((c for c in my_people(session, scanner, holder.id) if c.i_scanned), None)
        # Back from a sign-in link: what they had typed before signing in.
        draft = draft_for(session, scanner.id, request.args.get("draft", "")) if not form["note"] else None
        if draft:
            form = {**form, "note": draft[0], "tags": list(draft[1])}
        met_clock = clock(met.met_at, handlers.event_timezone(session, scanner.event_id)) if met else ""
    return page(
        "meet.html",
        status,
        holder=holder,
        badge_token=badge_token,
        scanner=scanner,
        error=error,
        form=form,
        csrf=csrf_token(token),
        tags=QUICK_TAGS[g.lang],
        met=met,
        met_clock=met_clock,
    )


def form_nonce() -> str:
    """The CSRF secret of a form shown before anyone is signed in: a nonce in a cookie of its own."""
    g.form_nonce = request.cookies.get(FORM_COOKIE) or g.get("form_nonce") or secrets.token_urlsafe(18)
    return g.form_nonce


def with_form_cookie(body, status):
    response = make_response(body, status)
    response.set_cookie(
        FORM_COOKIE,
        form_nonce(),
        max_age=3600,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(service().settings.public_url),
    )
    return response


def identify_page(holder, badge_token, status=200, error=None, form=None):
    """The badge page for a phone nobody signed in on: the note form, and the email to sign in with."""
    form = {"note": "", "tags": [], "email": "", **(form or {})}
    return with_form_cookie(
        *page(
            "meet.html",
            status,
            holder=holder,
            badge_token=badge_token,
            identify=True,
            error=error,
            form=form,
            tags=QUICK_TAGS[g.lang],
            replaced=g.get("replaced", False),
            csrf=csrf_token(form_nonce(), "identify"),
        )
    )


@bp.post("/c/<badge_token>")
def save_meeting(badge_token):
    token, scanner = me()
    holder = badge_owner(badge_token)
    g.lang = language(scanner, holder.event_id)
    if scanner is None:  # the cookie went away since the form was shown
        return identify_page(holder, badge_token)
    check_csrf(token, request.form.get("csrf_token"))
    form = {
        "note": request.form.get("note", ""),
        "tags": request.form.getlist("tag"),
        "client_scan_id": request.form.get("client_scan_id", ""),
        "scanned_at": request.form.get("scanned_at") or None,
    }  # when the page was opened: the meeting
    try:
        scan, status = save_scan(token, {"scanned": badge_token, **form})
    except ScanError as err:
        if err.code not in ("invalid_input", "rate_limited"):
            raise  # nothing to fix in the form: the refusal page says why
        return meet_page(
            holder, badge_token, token, scanner, err.status, refusal_text(err.code, err.detail, g.lang), form
        )
    return page("saved.html", status, holder=holder, scan=scan)


@bp.get("/scan")
def scanner():
    token, person = me()
    g.lang = language(person)
    t = TEXT[g.lang]
    if person is None:
        from services.scan.signinpages import signin_page

        return signin_page()
    # After the close: the page says so and points to My people and the follow-up. Within the grace
    # period the scanner still syncs what this phone queued offline; after it there is nothing to scan.
    closed = service().directory.event_closed_at(person.event_id)
    people = (url_for(".people_page", lang=request.args.get("lang")), t["closed_link"])
    if closed is not None and utc_now() > closed + service().rules.grace:
        return page("message.html", title=t["closed_title"], text=t["closed_text"], link=people)
    config = {
        "csrf": csrf_token(token),
        "save_url": url_for(".save_json"),
        "lookup_url": url_for("scan_me.lookup"),
        "scanner": person.id,
        "code_alphabet": identity.SHORT_CODE_ALPHABET,
        "code_length": identity.SHORT_CODE_LENGTH,
        "text": {key: t[key] for key in SCRIPT_TEXT},
    }
    return page(
        "scanner.html",
        person=person,
        config=config,
        tags=QUICK_TAGS[g.lang],
        closed=people if closed is not None else None,
    )


@bp.post("/scan/save")
def save_json():
    """The scanner's sync loop: one queued scan, as in POST /v1/scans, authenticated by cookie."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthorized("sign in on this phone first (with your email)", code="no_identity")
    check_csrf(token, request.headers.get("X-CSRF-Token"))
    return save_scan(token, json_body())


@bp.get("/static/vendor/<name>")
def vendor(name):
    return send_vendored(name, VENDOR)


@bp.errorhandler(DomainError)
def refused(err: DomainError):
    """A browser gets a page in its reader's language; the scanner's script gets problem+json."""
    headers = {"Retry-After": str(err.extra["retry_after"])} if "retry_after" in err.extra else {}
    wants_html = (
        request.accept_mimetypes.best_match([PROBLEM_JSON, "application/json", "text/html"]) == "text/html"
    )
    if request.path.startswith("/scan/") or not wants_html:
        return problem(err.status, err.detail, err.code, headers=headers, **err.extra)
    lang = g.lang = g.get("lang") or language()
    if err.code == "replaced":  # a newer private link was made: this phone signs in again by email
        from services.scan.signinpages import signin_page

        response = signin_page(err.status, refusal_text(err.code, err.detail, lang))
        return response
    body, status = page(
        "message.html",
        err.status,
        lang=lang,
        title=TEXT[lang]["error_title"],
        text=refusal_text(err.code, err.detail, lang),
    )
    return body, status, headers
