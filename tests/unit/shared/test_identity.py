import pytest

from shared import identity
from shared.identity import TokenClaims
from shared.tokens import InvalidToken, TokenSigner

SIGNER = TokenSigner("badge-tests-key-0123456789")


def claims(event_id=None, serial=1):
    return TokenClaims(event_id or identity.new_event_id(), identity.new_attendee_id(), serial)


def test_a_badge_token_names_its_event_attendee_and_issue():
    issued = claims(serial=3)
    assert (
        identity.read_token(SIGNER, identity.BADGE, identity.issue_token(SIGNER, identity.BADGE, issued))
        == issued
    )


def test_a_badge_token_is_refused_in_another_event():
    token = identity.issue_token(SIGNER, identity.BADGE, claims())
    with pytest.raises(InvalidToken) as refused:
        identity.read_token(SIGNER, identity.BADGE, token, event_id=identity.new_event_id())
    assert refused.value.code == "other_event"


def test_a_public_badge_token_never_works_as_the_private_one():
    token = identity.issue_token(SIGNER, identity.BADGE, claims())
    with pytest.raises(InvalidToken):
        identity.read_token(SIGNER, identity.PRIVATE, token)


def test_short_codes_avoid_look_alike_characters():
    codes = {identity.new_short_code() for _ in range(2000)}
    assert all(len(c) == 6 for c in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert identity.normalize_short_code(" k7p-2qx ") == "K7P2QX"
