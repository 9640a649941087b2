"""`POST /v1/scans` and the scanner's own list: thin routes over services.scan.handlers."""

from __future__ import annotations

from flask import Blueprint, current_app

from services.scan import handlers
from services.scan.domain import parse_record_scan
from shared.envelope import iso, utc_now
from shared.web import bearer_token, json_body, organizer_only

bp = Blueprint("scan_api", __name__, url_prefix="/v1")


def service():
    return current_app.extensions["scan"]


def scan_json(written, scanned, client_scan_id: str) -> dict:
    return {
        "scan_id": written.scan_id,
        "meeting_id": written.meeting_id,
        "client_scan_id": client_scan_id,
        "duplicate": written.duplicate,
        "mutual": written.mutual,
        "scanned_at": iso(written.scanned_at),
        "note": written.note,
        "tags": list(written.tags),
        "scanned": {
            "id": scanned.id,
            "name": scanned.name,
            "headline": scanned.headline,
            "company": scanned.company,
            "title": scanned.title,
        }
        if scanned
        else None,
    }


def save_scan(token: str, body: dict) -> tuple[dict, int]:
    """Shared by the API and the pages: identify the scanner, check and save the scan."""
    s, now = service(), utc_now()
    scanner = handlers.identify_scanner(s.directory, s.signer, token)
    cmd = parse_record_scan(body, now)
    written, scanned = handlers.record_scan(s.directory, s.writer, s.signer, scanner, cmd, now, s.rules)
    return scan_json(written, scanned, cmd.client_scan_id), 200 if written.duplicate else 201


@bp.post("/scans")
def record_scan():
    body, status = save_scan(bearer_token(), json_body())
    return body, status, ({"Location": f"/v1/scans/{body['scan_id']}"} if status == 201 else {})


@bp.get("/me/scans")
def my_scans():
    s = service()
    scanner = handlers.identify_scanner(s.directory, s.signer, bearer_token())
    with s.sessions() as session:
        return {
            "scans": [
                {
                    "client_scan_id": scan.client_scan_id,
                    "meeting_id": scan.meeting_id,
                    "note": scan.note,
                    "tags": list(scan.tags),
                    "scanned_at": iso(scan.scanned_at),
                    "scanned": {"id": other.id, "name": other.name, "headline": other.headline},
                }
                for scan, other in handlers.my_meetings(session, scanner)
            ]
        }


@bp.get("/events/<event_id>/scan-summary")
@organizer_only("view")
def scan_summary(event_id):
    """For the event's organizers: how much scanning happened (figures, nobody's contact)."""
    with service().sessions() as session:
        return handlers.scan_summary(session, event_id)
