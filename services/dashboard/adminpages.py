"""The admins' organizers page (who organizes, who may work on which event and as what, who is
invited), and the invitee's page that sets their password from the invitation link."""

from __future__ import annotations

import logging
import smtplib

from flask import Blueprint, redirect, request, url_for

from services.dashboard import access, accounts, auth, invitemail, messages
from services.dashboard.models import Organizer
from services.dashboard.pages import friendly_errors, language, page, refusal
from services.dashboard.pagetext import TEXT
from shared.organizers import ROLES
from shared.smtp import SmtpRefused
from shared.web import DomainError

bp = Blueprint("dashboard_admin", __name__)
friendly_errors(bp)
log = logging.getLogger(__name__)


def require_admin() -> Organizer:
    me = auth.require_organizer()
    if not me.is_admin:
        raise accounts.Forbidden("only an admin organizer manages organizers", code="forbidden")
    return me


def organizers_page(status: int = 200, **context):
    db = auth.db()
    events = accounts.all_events(db)
    return page(
        "organizers.html",
        status,
        organizers=accounts.all_organizers(db),
        invited=access.pending_invitations(db, auth.service().clock()),
        events=events,
        grants={e.id: accounts.grants_of(db, e.id) for e in events},
        roles=ROLES,
        **context,
    )


@bp.get("/organizers")
def organizers():
    require_admin()
    return organizers_page()


@bp.post("/organizers/invite")
def do_invite():
    me, db = require_admin(), auth.db()
    try:
        email, secret = access.invite(db, me, request.form.get("email", ""), auth.service().clock())
    except DomainError as refused:
        return organizers_page(refused.status, error=refusal(refused), form=request.form)
    db.commit()
    link = f"{auth.service().settings.dashboard_url}{url_for('.accept', secret=secret)}"
    settings = auth.service().settings
    try:  # after the commit: if the mail does not go, the link on the page still works
        invitemail.send(
            settings.smtp_url, invitemail.compose(settings.mail_from, email, me.name, link, me.language)
        )
        mailed = True
    except (OSError, smtplib.SMTPException, SmtpRefused) as exc:
        log.warning("the invitation email to %s did not go: %s", email, exc)
        mailed = False
    return organizers_page(201, invited_email=email, invite_link=link, mailed=mailed)


@bp.post("/organizers/<organizer_id>/remove")
def do_remove(organizer_id):
    me, db = require_admin(), auth.db()
    found = db.get(Organizer, organizer_id)
    if found is None or found.id == me.id:
        raise DomainError("no organizer you can remove here", code="unknown_organizer", status=404)
    email = found.email
    access.remove_organizer(db, found)
    db.commit()
    return organizers_page(removed=email)


@bp.post("/organizers/access")
def do_grant():
    me, db, form = require_admin(), auth.db(), request.form
    event = auth.visible_event(form.get("event_id", ""), "manage")
    try:
        granted = accounts.grant_by_email(db, form.get("email", ""), event.id, auth.service().clock())
        access.set_role(db, me, granted, form.get("role", "staff"))
    except DomainError as refused:
        return organizers_page(refused.status, error=refusal(refused), form=form)
    access.publish_grant(db, granted)
    db.commit()
    return redirect(url_for(".organizers") + f"#event-{event.id}", 303)


@bp.post("/organizers/access/revoke")
def do_revoke():
    me, db, form = require_admin(), auth.db(), request.form
    event, email = (
        auth.visible_event(form.get("event_id", ""), "manage"),
        form.get("email", "").strip().lower(),
    )
    accounts.revoke_grant(db, me, event.id, email)
    access.publish_revocation(db, event.id, email)
    db.commit()
    return redirect(url_for(".organizers") + f"#event-{event.id}", 303)


@bp.get("/invite/<secret>")
def accept(secret):
    invitation = access.open_invitation(auth.db(), secret, auth.service().clock())
    if invitation is None:
        return page("invite.html", 410, gone=TEXT[language()]["invite_gone"])
    return page("invite.html", invitation=invitation, form={})


@bp.post("/invite/<secret>")
def do_accept(secret):
    db, now = auth.db(), auth.service().clock()
    invitation = access.open_invitation(db, secret, now)
    if invitation is None:
        return page("invite.html", 410, gone=TEXT[language()]["invite_gone"])
    form = request.form.to_dict()
    try:
        made = access.accept_invitation(db, invitation, form, now)
    except accounts.InvalidInput as err:
        return page(
            "invite.html",
            422,
            invitation=invitation,
            errors=messages.field_messages(err.errors, language()),
            form=form,
        )
    secret = accounts.start_session(db, made, now)
    db.commit()
    return auth.log_in(redirect(url_for("dashboard_events.events"), 303), secret)
