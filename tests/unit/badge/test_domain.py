import pytest

from services.badge.domain import InvalidInput, validate_attendee, validate_event


def test_a_valid_attendee_is_cleaned_up():
    details = validate_attendee(
        {
            "name": "  Lina   Haddad ",
            "email": "Lina@Example.ORG",
            "interests": "design, خط عربي; design",
            "consent": {"followup": True},
        },
        "ar",
    )
    assert details.name == "Lina Haddad" and details.email == "lina@example.org"
    assert details.interests == ("design", "خط عربي") and details.language == "ar"
    assert details.consent_followup and not details.consent_share_contact


@pytest.mark.parametrize(
    "doc, field, message",
    [
        ({"email": "a@example.org"}, "name", "required"),
        ({"name": "A"}, "email", "required"),
        ({"name": "A", "email": "not-an-email"}, "email", "@"),
        ({"name": "A" * 121, "email": "a@example.org"}, "name", "at most 120"),
        ({"name": "A", "email": "a@example.org", "language": "fr"}, "language", "ar or en"),
        (
            {"name": "A", "email": "a@example.org", "interests": [f"t{i}" for i in range(9)]},
            "interests",
            "at most 8",
        ),
        (
            {"name": "A", "email": "a@example.org", "consent": {"followup": "yes"}},
            "consent.followup",
            "true or false",
        ),
        ({"name": 7, "email": "a@example.org"}, "name", "text"),
    ],
)
def test_an_invalid_attendee_says_which_field_and_why(doc, field, message):
    with pytest.raises(InvalidInput) as refused:
        validate_attendee(doc, "en")
    assert message in refused.value.errors[field]


def test_a_partial_update_keeps_the_other_fields():
    current = validate_attendee({"name": "Omar", "email": "o@example.org", "headline": "old"}, "en")
    updated = validate_attendee({"headline": "helping small roasters sell online"}, "en", current=current)
    assert (updated.name, updated.headline) == ("Omar", "helping small roasters sell online")


@pytest.mark.parametrize(
    "doc, field",
    [
        ({"starts_at": "2026-12-01T09:00:00+03:00", "ends_at": "2026-12-01T18:00:00+03:00"}, "name"),
        (
            {"name": "Summit", "starts_at": "2026-12-01T09:00:00", "ends_at": "2026-12-01T18:00:00+03:00"},
            "starts_at",
        ),
        (
            {"name": "Summit", "starts_at": "2026-12-01T18:00:00Z", "ends_at": "2026-12-01T09:00:00Z"},
            "ends_at",
        ),
        (
            {
                "name": "Summit",
                "starts_at": "2026-12-01T09:00Z",
                "ends_at": "2026-12-01T18:00Z",
                "timezone": "Mars/Base",
            },
            "timezone",
        ),
    ],
)
def test_an_invalid_event_says_which_field(doc, field):
    with pytest.raises(InvalidInput) as refused:
        validate_event(doc)
    assert field in refused.value.errors


def test_interests_accept_every_separator_people_type_once_each_ignoring_case():
    for typed in ("قهوة، تصميم؛ Design", ["قهوة، تصميم", "design; DESIGN"]):
        details = validate_attendee({"name": "A", "email": "a@example.org", "interests": typed}, "ar")
        assert details.interests == ("قهوة", "تصميم", "Design" if isinstance(typed, str) else "design"), typed
