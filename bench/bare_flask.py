"""The comparison point for bench/scans.py: a Flask endpoint that parses the same JSON and
answers 201, with no database, tokens or bus, under the same gunicorn settings."""

from flask import Flask, request

app = Flask(__name__)


@app.post("/v1/scans")
def scans():
    body = request.get_json()
    return {"client_scan_id": body["client_scan_id"], "duplicate": False}, 201
