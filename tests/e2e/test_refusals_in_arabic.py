"""The token form, the admins' invitation form and the invitee's form refuse in the organizer's
language, in Debian's Chromium at a phone's and a laptop's width: what the server refuses (a
blank name the browser lets through, an email with no real domain, an organizer invited twice)
reads in Arabic for an Arabic reader, with no English left in it. The dashboard is really served
on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from services.dashboard import access, accounts
from services.dashboard.pagetext import TEXT
from tests.e2e.test_account_pages import PASSWORD, log_in, running  # noqa: F401 (a fixture)
from tests.e2e.test_roles_in_browser import shot
from tests.e2e.test_scan_pages import browser, playwright  # noqa: F401 (fixtures)
from tests.integration.dashboard.conftest import NOW

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def admin_and_invitation(app, language: str) -> tuple[str, str]:
    """An admin organizer reading `language`, and the secret of an invitation they sent."""
    with app.extensions["dashboard"].sessions() as session:
        made = accounts.create_organizer(
            session,
            accounts.NewOrganizer(f"admin-{language}@example.org", "هدى Saleh", PASSWORD, language),
            NOW,
            admin=True,
        )
        _, secret = access.invite(session, made, f"karim-{language}@example.org", NOW)
        session.commit()
        return made.email, secret


def refused_in(page, language: str, locator: str, english: str, arabic: str) -> None:
    shown = page.locator(locator)
    expect(shown).to_contain_text(english if language == "en" else arabic)
    if language == "ar":
        assert not LATIN_WORD.search(shown.inner_text()), shown.inner_text()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_token_and_invitation_forms_refuse_in_the_organizers_language(
    browser,  # noqa: F811
    running,  # noqa: F811
    language,
    width,
):
    app, served, _ = running
    email, secret = admin_and_invitation(app, language)
    viewport = {"width": width, "height": 900}
    context = browser.new_context(base_url=served.url, viewport=viewport, locale=language)
    page = context.new_page()
    log_in(page, email, PASSWORD)
    name = f"{language}-{width}"

    page.goto("/tokens")
    page.fill("#token-name", "   ")  # not empty to the browser; no name to the server
    page.click("#make-token button[type=submit]")
    refused_in(page, language, "p.error", "say what the token is for", "الاسم: مطلوب، حتى 80 حرفًا")
    shot(page, f"token-refused-{name}")

    page.goto("/organizers")
    page.fill("#invite input[name=email]", "karim@localhost")  # a browser takes it; no real domain
    page.click("#invite button[type=submit]")
    refused_in(page, language, "p.error", "email", "البريد: ليس عنوان بريد إلكتروني صالحًا")
    page.fill("#invite input[name=email]", email)  # an organizer already
    page.click("#invite button[type=submit]")
    refused_in(page, language, "p.error", "is an organizer already", "يوجد منظم بهذا البريد بالفعل")
    shot(page, f"invite-refused-{name}")

    invitee = browser.new_context(base_url=served.url, viewport=viewport, locale=language).new_page()
    invitee.goto(f"/invite/{secret}")
    invitee.fill("#name", "   ")
    invitee.fill("#password", "karim's own long passphrase")
    invitee.click("#accept-invitation button[type=submit]")
    refused_in(invitee, language, "#accept-invitation p.error", "required", "مطلوب")
    assert invitee.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert TEXT[language]["accept_title"] in invitee.locator("h1").inner_text()
    shot(invitee, f"accept-refused-{name}")
    context.close()
    invitee.context.close()
