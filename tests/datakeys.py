"""A consumer's keyring for tests that run the badge service as a Flask app: it asks the app's own
key service (POST /v1/data-keys) through its test client, as the real keyring asks over HTTP."""

from __future__ import annotations

import base64

from shared.sealing import Keyring, service_token


def badge_keys(badge_app):
    """The fetch function of a Keyring, served by `badge_app`."""
    client = badge_app.test_client()
    token = service_token(badge_app.config["RAPPORT_SETTINGS"].secret_key)

    def fetch(ids):
        reply = client.post(
            "/v1/data-keys", json={"attendee_ids": list(ids)}, headers={"Authorization": f"Bearer {token}"}
        )
        assert reply.status_code == 200, reply.text
        return {a: base64.b64decode(k) for a, k in reply.json["keys"].items()}

    return fetch


def keyring_for(badge_app) -> Keyring:
    return Keyring(badge_keys(badge_app))
