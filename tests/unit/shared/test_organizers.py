"""The organizer token format and the one authorization rule (shared.organizers), with a fake grants
read model: what every service checks, without any service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared import identity, organizers
from shared.organizers import PERMISSIONS, SUPERUSER, OrganizerClaims, Principal, Refused, authorize
from shared.tokens import InvalidToken, TokenSigner

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SIGNER = TokenSigner("a signing key for these tests only")
EVENT, OTHER = identity.new_event_id(), identity.new_event_id()


class FakeGrants:
    def __init__(self, grants: dict[tuple[str, str], str], revoked: set[str] = frozenset()):
        self.grants, self.revoked = grants, revoked

    def is_revoked(self, token_id: str) -> bool:
        return token_id in self.revoked

    def role_on(self, organizer_id: str, event_id: str) -> str | None:
        return self.grants.get((organizer_id, event_id))


SAM = "5a" * 8
GRANTS = FakeGrants({(SAM, EVENT): "staff", (SAM, OTHER): "viewer"}, revoked={"de" * 8})


@pytest.mark.parametrize("role", organizers.ROLES)
@pytest.mark.parametrize("event_id", [None, EVENT])
@pytest.mark.parametrize("expires_at", [None, NOW + timedelta(days=3)])
def test_a_token_carries_its_claims_through_the_signature(role, event_id, expires_at):
    claims = OrganizerClaims("ab" * 8, SAM, role, event_id, expires_at, admin=role == "viewer")
    token = organizers.issue(SIGNER, claims)
    assert token.startswith("rap_org_")
    assert organizers.read(SIGNER, token, NOW) == claims


def test_an_expired_forged_or_tampered_token_is_refused():
    claims = OrganizerClaims("ab" * 8, SAM, "owner", None, NOW + timedelta(minutes=1))
    token = organizers.issue(SIGNER, claims)
    with pytest.raises(InvalidToken) as expired:
        organizers.read(SIGNER, token, NOW + timedelta(minutes=1))
    assert expired.value.code == "expired"
    with pytest.raises(InvalidToken):
        organizers.read(TokenSigner("another key, not ours at all"), token, NOW)
    with pytest.raises(InvalidToken):
        organizers.read(SIGNER, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), NOW)
    with pytest.raises(InvalidToken):  # a badge token is not an organizer token
        organizers.read(SIGNER, "rap_org_" + SIGNER.sign("badge", claims.pack()), NOW)


@pytest.mark.parametrize("permission", sorted(PERMISSIONS["owner"] - {"create_events"}))
@pytest.mark.parametrize("token_role", organizers.ROLES)
def test_a_token_acts_with_the_weaker_of_its_role_and_the_grant(permission, token_role):
    sam = Principal(SAM, token_role)
    for event, granted in ((EVENT, "staff"), (OTHER, "viewer")):
        acting = organizers.weaker(token_role, granted)
        if permission in PERMISSIONS[acting]:
            assert authorize(sam, permission, event, GRANTS) == acting
        else:
            with pytest.raises(Refused) as refused:
                authorize(sam, permission, event, GRANTS)
            assert (refused.value.status, refused.value.code) == (403, "forbidden")


def test_outside_its_grant_or_its_one_event_a_token_is_forbidden_and_a_revoked_one_unauthorized():
    for principal, event in (
        (Principal(SAM, "owner"), identity.new_event_id()),  # no grant
        (Principal(SAM, "staff", event_id=EVENT), OTHER),  # granted there, but not this token's event
        (Principal(SAM, "owner", event_id=EVENT), None),  # a one-event token creates no event
    ):
        with pytest.raises(Refused) as refused:
            authorize(principal, "view", event, GRANTS)
        assert (refused.value.status, refused.value.code) == (403, "forbidden")
    with pytest.raises(Refused) as revoked:
        authorize(Principal(SAM, "owner", token_id="de" * 8), "view", EVENT, GRANTS)
    assert (revoked.value.status, revoked.value.code) == (401, "revoked_token")


def test_the_superuser_and_admins_reach_every_event_and_vouched_tokens_their_one():
    nobody = FakeGrants({})
    assert authorize(SUPERUSER, "manage", EVENT, nobody) == "owner"
    assert authorize(SUPERUSER, "create_events", None, nobody) == "owner"
    assert authorize(Principal(SAM, "viewer", admin=True), "view", EVENT, nobody) == "viewer"
    with pytest.raises(Refused):
        authorize(Principal(SAM, "viewer", admin=True), "contacts", EVENT, nobody)
    acting = organizers.read(
        SIGNER, organizers.acting_token(SIGNER, Principal(SAM, "owner"), NOW, EVENT, "staff"), NOW
    )
    assert acting.vouched and acting.event_id == EVENT and acting.role == "staff"
    assert acting.expires_at == NOW + organizers.ACTING_LIFETIME
    assert authorize(Principal.of(acting), "badges", EVENT, nobody) == "staff"
    with pytest.raises(Refused):
        authorize(Principal.of(acting), "view", OTHER, nobody)
    superuser = organizers.read(SIGNER, organizers.acting_token(SIGNER, SUPERUSER, NOW), NOW)
    assert Principal.of(superuser) == SUPERUSER


def test_an_acting_token_never_outlives_the_api_token_behind_it():
    soon = NOW + timedelta(minutes=2)
    principal = Principal(SAM, "owner", token_id="ab" * 8, expires_at=soon)
    acting = organizers.read(SIGNER, organizers.acting_token(SIGNER, principal, NOW), NOW)
    assert acting.expires_at == soon and acting.token_id == "ab" * 8
