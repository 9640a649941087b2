"""`POST /v1/data-keys`: the other services' readers fetch attendees' data keys (shared.sealing).

Only Rapport's own services may ask: the bearer token is derived from the shared secret key
(shared.sealing.service_token; a retired key's token still works during a rotation). The answer
lists the keys of the attendees still registered; an id it leaves out is erased (or never was),
and the reader skips what was sealed for them."""

from __future__ import annotations

import base64
import hmac

from flask import Blueprint, current_app

from services.badge import datakeys
from shared.sealing import service_token
from shared.web import DomainError, Unauthorized, bearer_token, json_body

bp = Blueprint("badge_keys", __name__, url_prefix="/v1")


def _service_only() -> None:
    settings = current_app.config["RAPPORT_SETTINGS"]
    sent = bearer_token()
    if not any(
        hmac.compare_digest(service_token(secret), sent)
        for secret in (settings.secret_key, *settings.old_secret_keys)
    ):
        raise Unauthorized("this bearer token is not a Rapport service's", code="bad_token")


@bp.post("/data-keys")
def data_keys():
    _service_only()
    ids = json_body().get("attendee_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 16 for i in ids):
        raise DomainError(
            "attendee_ids must be an array of attendee ids", code="invalid_attendee_ids", status=422
        )
    if len(ids) > datakeys.MAX_LOOKUP:
        raise DomainError(
            f"ask for at most {datakeys.MAX_LOOKUP} attendees at once", code="too_many_ids", status=422
        )
    with current_app.extensions["badge"].sessions() as session:
        found = datakeys.keys_of(session, ids)
        session.commit()  # keys made now for attendees registered before sealing
    return {"keys": {a: base64.b64encode(k).decode() for a, k in found.items()}}
