"""The scan service's pages: what a badge's QR opens on a phone, and the in-browser scanner."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scan_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/scan")
