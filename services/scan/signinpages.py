"""Signing in on a phone by email: the forms, `POST /v1/signin`, and the one-time link `/s/<token>`.

Routes on the scan pages' blueprint (services.scan.pages): its cookies, CSRF tokens, language and
refusal pages. Asking always gets the same answer, whether or not the email is registered (the
JSON API: a byte-identical 202), limited per email and per client address (429, Retry-After).
The use cases are in services.scan.signin; the emails go out from the follow-up service (signin.requested).
"""

from __future__ import annotations

from flask import g, redirect, request, url_for

from services.scan.domain import ScanError
from services.scan.models import SigninLink
from services.scan.pages import (
    FORM_COOKIE,
    badge_owner,
    bp,
    check_csrf,
    csrf_token,
    form_nonce,
    identify_page,
    language,
    local_path,
    me,
    page,
    remember,
    service,
    with_form_cookie,
)
from services.scan.pagetext import TEXT, refusal_text
from services.scan.signin import AskForLinks, ask_for_links, link_id, open_link, parse_draft, parse_email
from shared.web import json_body

# The same bytes for every asker: nothing in it depends on whether the email is registered.
ACCEPTED = {
    "status": "accepted",
    "detail": "if this email is registered for this event, a sign-in link is on its way to it: it works "
    "once, for 30 minutes",
}


def event_arg(value: object) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not value.isalnum() or len(value) > 16:
        raise ScanError(
            "event_id: the event's id", code="invalid_input", errors={"event_id": "the event's id"}
        )
    return value.lower()


def ask(email: str, event_id: str | None, return_to: str, note: str = "", tags=()) -> None:
    """Queue sign-in links (or nothing, for an unknown email); ScanError rate_limited with retry_after."""
    s = service()
    for throttle, who in ((s.signins_per_client, request.remote_addr or "?"), (s.signins_per_email, email)):
        wait = throttle.wait(who)
        if wait:
            raise ScanError(
                "too many sign-in links asked for: wait, then ask again",
                code="rate_limited",
                status=429,
                retry_after=wait,
            )
    with s.sessions() as session:
        ask_for_links(session, AskForLinks(email, event_id, return_to, note, tuple(tags)), s.clock())
        session.commit()


@bp.post("/v1/signin")
def signin_api():
    """202 whether or not the email is registered; 422 for a missing address, 429 when asked too often."""
    body = json_body()
    email, event_id = parse_email(body.get("email")), event_arg(body.get("event_id"))
    if event_id is None:
        raise ScanError(
            "event_id: the event's id", code="invalid_input", errors={"event_id": "the event's id"}
        )
    back = body.get("next")
    if back is not None and not isinstance(back, str):
        raise ScanError(
            "next: a path on this site, such as /scan",
            code="invalid_input",
            errors={"next": "a path on this site, such as /scan"},
        )
    ask(email, event_id, local_path(back) or url_for(".scanner"))
    return ACCEPTED, 202


def signin_page(
    status: int = 200,
    error: str | None = None,
    event_id: str | None = None,
    return_to: str | None = None,
    email: str = "",
):
    """The bare sign-in form (/scan, My people and My QR without an identity, a used or expired link)."""
    t = TEXT[g.lang]
    event_id = event_id or event_arg(request.args.get("event"))
    return_to = (
        return_to
        or local_path(request.args.get("next"))
        or (
            request.full_path.rstrip("?")
            if request.method == "GET" and request.path != "/signin"
            else url_for(".scanner")
        )
    )
    return with_form_cookie(
        *page(
            "signin.html",
            status,
            title=t["signin_title"],
            error=error,
            event_id=event_id,
            return_to=return_to,
            email=email,
            replaced=g.get("replaced", False),
            csrf=csrf_token(form_nonce(), "identify"),
        )
    )


@bp.get("/signin")
def signin_form():
    _, person = me()
    g.lang = language(person, event_arg(request.args.get("event")))
    return signin_page()


@bp.post("/signin")
def signin_submit():
    g.lang = language(None, event_arg(request.form.get("event_id")))
    check_csrf(request.cookies.get(FORM_COOKIE), request.form.get("csrf_token"), "identify")
    event_id, return_to = event_arg(request.form.get("event_id")), local_path(request.form.get("next"))
    raw = request.form.get("email", "")
    try:
        ask(parse_email(raw), event_id, return_to or url_for(".scanner"))
    except ScanError as err:
        return signin_page(err.status, form_refusal(err), event_id, return_to, raw[:254])
    return page("signin_sent.html", email=raw.strip()[:254], kept=False)


@bp.post("/c/<badge_token>/signin")
def signin_from_badge(badge_token):
    """The badge page's form: the note and tags typed so far travel with the link (its return state)."""
    holder = badge_owner(badge_token)
    g.lang = language(None, holder.event_id)
    check_csrf(request.cookies.get(FORM_COOKIE), request.form.get("csrf_token"), "identify")
    raw = request.form.get("email", "")
    form = {"note": request.form.get("note", ""), "tags": request.form.getlist("tag"), "email": raw[:254]}
    try:
        note, tags = parse_draft(form["note"], form["tags"])
        ask(parse_email(raw), holder.event_id, url_for(".meet", badge_token=badge_token), note, tags)
    except ScanError as err:
        return identify_page(holder, badge_token, err.status, form_refusal(err), form)
    return page("signin_sent.html", email=raw.strip()[:254], kept=bool(note or tags))


def form_refusal(err: ScanError) -> str:
    if err.code == "rate_limited":
        g.retry_after = err.extra["retry_after"]
        return TEXT[g.lang]["signin_wait"].format(minutes=max(1, -(-err.extra["retry_after"] // 60)))
    if err.code == "invalid_input" and "email" in err.extra.get("errors", {}):
        return TEXT[g.lang]["refusals"]["bad_email"]
    return refusal_text(err.code, err.detail, g.lang)


@bp.after_request
def retry_after_header(response):
    if response.status_code == 429 and g.get("retry_after") and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(g.retry_after)
    return response


@bp.get("/s/<token>")
def open_signin_link(token):
    """Sign this phone in once and go back where the person was, with what they had typed."""
    s = service()
    if request.method == "HEAD":  # mail scanners check links with HEAD: that must not use it up
        link_id(s.signer, token)
        return "", 200
    with s.sessions() as session:
        try:
            link, private = open_link(session, s.signer, token, s.clock())
        except ScanError as err:
            session.rollback()
            if err.code not in ("link_used", "link_expired"):
                raise
            row = session.get(SigninLink, link_id(s.signer, token))
            g.lang = language(s.directory.person(row.attendee_id), row.event_id)  # whose link it is
            return signin_page(410, refusal_text(err.code, err.detail, g.lang), row.event_id, row.return_to)
        target, draft = link.return_to, link.id if (link.draft_note or link.draft_tags) else None
        session.commit()
    if draft:
        target = f"{target}{'&' if '?' in target else '?'}draft={draft}"
    response = remember(redirect(local_path(target) or url_for(".scanner"), 303), private)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response
