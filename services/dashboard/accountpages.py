"""The organizer's own account (password change, login sessions on every device, logging them
out) and each event's audit log, shown to its owners."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, redirect, request, url_for

from services.dashboard import accounts, audit, auth, devices, login_throttle
from services.dashboard.pages import friendly_errors, page
from services.dashboard.pagetext import TEXT
from shared.web import InvalidInput, int_arg

bp = Blueprint("dashboard_account", __name__)
friendly_errors(bp)


def _account(status: int = 200, **context):
    me, now = auth.require_organizer(), auth.service().clock()
    current = request.cookies.get(auth.COOKIE)
    return page(
        "account.html",
        status,
        sessions=accounts.sessions_of(auth.db(), me, now),
        current=accounts.digest(current) if current else None,
        device_of=devices.device_of,
        **context,
    )


@bp.get("/account")
def account():
    done = request.args.get("done")
    return _account(done=done if done in ("password", "ended", "ended_others") else None)


@bp.post("/account/password")
def change_password():
    """The current password is checked through the login throttle: a stolen session cannot be used
    to guess it. The other sessions end, so a password changed because it leaked locks the thief out."""
    me, session, now = auth.require_organizer(), auth.db(), auth.service().clock()
    t = TEXT[me.language]
    try:
        found = login_throttle.authenticate(
            session, me.email, request.form.get("password", ""), request.remote_addr, now
        )
    except login_throttle.TooManyLogins as err:
        answer = _account(429, errors={"password": t["too_many_logins"].format(minutes=_minutes(err))})
        answer.headers["Retry-After"] = str(err.extra["retry_after"])
        return answer
    if found is None or found.id != me.id:
        session.commit()  # the failure counts
        return _account(403, errors={"password": t["wrong_current_password"]})
    try:
        accounts.change_password(
            session, me, request.form.get("new_password"), request.form.get("repeat_password")
        )
    except InvalidInput as err:
        session.rollback()
        words = {"new_password": t["password_rule"], "repeat_password": t["passwords_differ"]}
        return _account(422, errors={field: words[field] for field in err.errors})
    accounts.end_other_sessions(session, me, request.cookies.get(auth.COOKIE))
    session.commit()
    return redirect(url_for(".account", done="password"), 303)


@bp.post("/account/sessions/<session_id>/end")
def end_session(session_id):
    me = auth.require_organizer()
    current = request.cookies.get(auth.COOKIE)
    accounts.end_session_of(auth.db(), me, session_id)
    auth.db().commit()
    if current and accounts.digest(current) == session_id:  # this browser's own: logged out
        return redirect(url_for("dashboard_pages.login"), 303)
    return redirect(url_for(".account", done="ended"), 303)


@bp.post("/account/sessions/end-others")
def end_other_sessions():
    me = auth.require_organizer()
    accounts.end_other_sessions(auth.db(), me, request.cookies.get(auth.COOKIE))
    auth.db().commit()
    return redirect(url_for(".account", done="ended_others"), 303)


@bp.get("/events/<event_id>/audit")
def audit_log(event_id):
    """The event's audit log, for its owners and admins (everyone else: 403)."""
    event = auth.visible_event(event_id)
    if not accounts.may_revoke(auth.db(), auth.require_organizer(), event.id):
        raise accounts.Forbidden("only this event's owners and admins see its audit log", code="not_owner")
    action = request.args.get("action") or None
    number = int_arg("page", 1, 1, 10**6)
    found = audit.entries(auth.db(), event.id, action, number)
    zone = _zone(event.timezone)
    return page(
        "audit.html",
        event=event,
        local=lambda at: at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
        entries=found[: audit.PAGE_SIZE],
        more=len(found) > audit.PAGE_SIZE,
        page_number=number,
        action=action,
        actions=audit.ACTIONS,
    )


@bp.app_context_processor
def _ownership():
    """For the event tabs: whether to offer the audit log (its owners and admins only)."""

    def owns_event(event_id: str) -> bool:
        me = auth.organizer()
        return me is not None and accounts.may_revoke(auth.db(), me, event_id)

    return {"owns_event": owns_event}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _minutes(err: login_throttle.TooManyLogins) -> int:
    return max(1, -(-err.extra["retry_after"] // 60))
