"""`POST /v1/scans` and the scanner's own list: thin routes over services.scan.handlers."""

from __future__ import annotations

from flask import Blueprint, current_app

from services.scan import handlers
from services.scan.domain import parse_record_scan
from shared.envelope import iso, utc_now
from shared.web import bearer_token, json_body

bp = Blueprint("scan_api", __name__, url_prefix="/v1")


def service():
    return current_app.extensions["scan"]


def scan_json(result: handlers.ScanResult) -> dict:
    scanned = result.scanned
    return {"scan_id": result.scan.id, "meeting_id": result.scan.meeting_id,
            "client_scan_id": result.scan.client_scan_id, "duplicate": result.duplicate, "mutual": result.mutual, "scanned_at": iso(result.scan.scanned_at),
            "note": result.scan.note, "tags": list(result.scan.tags),
            "scanned": {"id": scanned.id, "name": scanned.name, "headline": scanned.headline,
                        "company": scanned.company, "title": scanned.title} if scanned else None}


def save_scan(token: str, body: dict) -> tuple[dict, int]:
    """Shared by the API and the landing page's form: identify, record, commit."""
    s, now = service(), utc_now()
    with s.sessions() as session:
        scanner = handlers.identify_scanner(session, s.signer, token)
        result = handlers.record_scan(session, s.signer, scanner, parse_record_scan(body, now), now, s.rules)
        session.commit()
        return scan_json(result), 200 if result.duplicate else 201


@bp.post("/scans")
def record_scan():
    body, status = save_scan(bearer_token(), json_body())
    return body, status, ({"Location": f"/v1/scans/{body['scan_id']}"} if status == 201 else {})


@bp.get("/me/scans")
def my_scans():
    s = service()
    with s.sessions() as session:
        scanner = handlers.identify_scanner(session, s.signer, bearer_token())
        return {"scans": [{"client_scan_id": scan.client_scan_id, "meeting_id": scan.meeting_id,
                           "note": scan.note, "tags": list(scan.tags), "scanned_at": iso(scan.scanned_at),
                           "scanned": {"id": other.id, "name": other.name, "headline": other.headline}}
                          for scan, other in handlers.my_meetings(session, scanner)]}
