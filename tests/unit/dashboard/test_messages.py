"""Every refusal an organizer can meet, in Arabic: each message the badge service's validators
write (attendee, event, mail settings, CSV file) has an Arabic wording, none falls through to the
general "not valid: <English>" sentence, and the numbers and names in it are kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from services.badge import csv_import
from services.badge.domain import validate_attendee, validate_event
from services.badge.event_mail import validate_mail_settings
from services.badge.meeting_point import validate_meeting_point
from services.dashboard import access, accounts, messages
from services.dashboard.attendeetext import TEXT as ATTENDEE_TEXT
from services.dashboard.pagetext import TEXT
from shared.web import DomainError, InvalidInput

GOOD = {"name": "Lina", "email": "lina@example.org"}
BAD_ATTENDEES = [
    {"email": "lina@example.org"},
    {"name": "Lina", "email": "not-an-email"},
    {"name": "Lina", "email": "lina@"},
    {"name": "Lina", "email": "@example.org"},
    {"name": "x" * 121, "email": "lina@example.org"},
    {**GOOD, "company": 7},
    {**GOOD, "headline": "a\u202eb"},
    {**GOOD, "title": "a\x07b"},
    {**GOOD, "interests": [f"tag {i}" for i in range(9)]},
    {**GOOD, "interests": ["x" * 41]},
    {**GOOD, "interests": 5},
    {**GOOD, "language": "fr"},
    {**GOOD, "consent": {"followup": "maybe"}},
    {**GOOD, "consent": "yes"},
    "not an object",
]
BAD_EVENTS = [
    {},
    {"name": "Week", "starts_at": "soon", "ends_at": "2026-12-01T09:00"},
    {"name": "Week", "starts_at": "2026-12-01T10:00+03:00", "ends_at": "2026-12-01T09:00+03:00"},
    {
        "name": "Week",
        "starts_at": "0001-01-01T10:00+00:00",
        "ends_at": "2026-12-01T09:00+03:00",
        "timezone": "Mars/X",
    },
    {"name": "x" * 201, "venue": 3, "language": "fr", "timezone": "Asia/" + "x" * 80},
]
BAD_MAIL = [
    {"contact_email": "a@b.org, c@d.org"},
    {"followup_at": "tomorrow"},
    {"welcome": "sometimes"},
    {"welcome": "scheduled"},
    {"contact_email": 4},
]
BAD_TOKENS = [
    {},
    {"name": "x" * 81, "role": "boss", "event_id": "no spaces allowed", "expires_at": "tomorrow"},
    {"name": "ci", "expires_at": "2026-12-02T09:00"},
    {"name": "ci", "expires_at": "2020-01-01T09:00+00:00"},
    {"name": "ci\u202e", "event_id": 5, "expires_at": 3},
]
BAD_FILES = [b"", b"company\nx\n", "name,email\nLina,\xff\n".encode("latin-1")]


def refusals() -> list[str]:
    found = []
    for doc in BAD_ATTENDEES:
        with pytest.raises(InvalidInput) as refused:
            validate_attendee(doc, "en")
        found += refused.value.errors.items()
    for doc in BAD_EVENTS:
        with pytest.raises(InvalidInput) as refused:
            validate_event(doc)
        found += refused.value.errors.items()
    for doc in BAD_MAIL:
        with pytest.raises(InvalidInput) as refused:
            validate_mail_settings(doc)
        found += refused.value.errors.items()
    for raw in BAD_FILES:
        with pytest.raises(InvalidInput) as refused:
            list(csv_import.read_rows(csv_import.decode_upload(raw)))
        found += refused.value.errors.items()
    for doc in ({"meeting_point": 3}, {"meeting_point": "x" * 201}):
        with pytest.raises(InvalidInput) as refused:
            validate_meeting_point(doc)
        found += refused.value.errors.items()
    for doc in ({}, {"email": "x", "name": "a\x07", "password": "short", "language": "fr"}, "no"):
        with pytest.raises(InvalidInput) as refused:
            accounts.validate_organizer(doc)
        found += refused.value.errors.items()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    for doc in BAD_TOKENS:
        with pytest.raises(InvalidInput) as refused:
            access.validate_token_request(doc, now)
        found += refused.value.errors.items()
    for email in ("", "not-an-email", "lina@", 7):
        with pytest.raises(InvalidInput) as refused:
            access.invite(None, None, email, now)
        found += refused.value.errors.items()
        with pytest.raises(InvalidInput) as refused:
            accounts.grant_by_email(None, email, "ev1", now)
        found += refused.value.errors.items()
    with pytest.raises(InvalidInput) as refused:
        access.set_role(None, None, None, "boss")
    found += refused.value.errors.items()
    for new, repeated in (("short", "short"), ("long enough 1", "long enough 2")):
        with pytest.raises(InvalidInput) as refused:
            accounts.change_password(None, None, new, repeated)
        found += refused.value.errors.items()
    with pytest.raises(InvalidInput) as refused:  # the invitee's own form: the organizer checks
        accounts.validate_organizer({"email": "new@example.org", "name": "", "password": "x"})
    found += refused.value.errors.items()
    ours = (
        "same email as line 2",
        "choose a date and time",
        "'Mars/X' is not a time zone such as Asia/Riyadh",
    )
    return (
        found
        + [("row", text) for text in ours]
        + [("name", "required, up to 80 characters: say what the token is for")]
        + [("id", "choose 1 to 1000 attendees to print")]
    )


@pytest.mark.parametrize("field, english", refusals())
def test_every_validation_message_has_an_arabic_wording(field, english):
    arabic = messages.field_message(english, "ar", field)
    assert not arabic.startswith(messages.UNKNOWN["field"].split("{")[0]), english
    assert re.search("[\u0600-\u06ff]", arabic), arabic
    assert messages.field_message(english, "en") == english


def test_a_token_form_refusal_names_its_fields_in_arabic():
    with pytest.raises(InvalidInput) as refused:
        access.validate_token_request({"name": "ci", "role": "boss"}, datetime(2026, 12, 1, tzinfo=UTC))
    text = messages.refusal(refused.value, "ar")
    assert text.startswith("الدور: ") and "boss" not in text and "owner" not in text


def test_numbers_and_names_in_a_message_are_kept():
    assert messages.field_message("at most 120 characters (got 130)", "ar") == "120 حرفًا على الأكثر (فيه 130)"
    assert "السطر 7" in messages.field_message("same email as line 7", "ar")
    found = messages.field_message("has no email column; found: name, company", "ar")
    assert "email" in found and "name, company" in found


def test_an_import_row_says_which_field_and_why_in_arabic():
    result = {"created": 0, "updated": 0, "unchanged": 0, "rejected": [
        {"line": 3, "reason": "email: required", "errors": {"email": "required"}},
        {"line": 5, "reason": "same email as line 2"},
    ]}  # fmt: skip
    rows = messages.imported(result, "ar")["rejected"]
    assert rows[0]["reason"] == "البريد: مطلوب" and rows[1]["reason"] == "البريد نفسه في السطر 2"
    assert messages.imported(result, "en") == result


@pytest.mark.parametrize("code", sorted(messages.BY_CODE))
def test_each_known_refusal_code_reads_in_arabic(code):
    text = messages.refusal(
        DomainError("English detail", code=code, limit=50000, public_url="http://x"), "ar"
    )
    assert "English detail" not in text and re.search("[\u0600-\u06ff]", text)


def test_an_unknown_refusal_keeps_its_english_under_an_arabic_sentence():
    text = messages.refusal(DomainError("the moon is down", code="lunar"), "ar")
    assert text.startswith("رُفض الطلب") and "the moon is down" in text


def test_the_attendee_pages_words_exist_in_both_languages():
    assert set(ATTENDEE_TEXT["en"]) == set(ATTENDEE_TEXT["ar"])
    assert (
        ATTENDEE_TEXT["en"]["record_status_names"].keys() == ATTENDEE_TEXT["ar"]["record_status_names"].keys()
    )
    assert len(ATTENDEE_TEXT["en"]["erase_what"]) == len(ATTENDEE_TEXT["ar"]["erase_what"])
    assert all(TEXT[lang]["erase_tip"] == ATTENDEE_TEXT[lang]["erase_tip"] for lang in TEXT)
