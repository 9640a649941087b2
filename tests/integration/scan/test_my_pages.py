"""My people and My QR as pages: the identity cookie, the list, search, edits by form, the links."""

from __future__ import annotations

import re
import uuid

from services.scan.pages import COOKIE

HTML = {"Accept": "text/html"}


def scan(client, who, scanned: str, **fields):
    body = {"scanned": scanned, "client_scan_id": uuid.uuid4().hex, **fields}
    assert client.post("/v1/scans", json=body, headers=who.auth()).status_code == 201


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def test_without_the_identity_cookie_the_pages_ask_for_the_email_to_sign_in_with(client):
    for path in ("/me/people", "/me/qr", "/scan"):
        answer = client.get(path, headers={**HTML, "Accept-Language": "en"})
        assert answer.status_code == 200 and "Email me a sign-in link" in answer.text, path
        assert f'name="next" value="{path}"' in answer.text, path  # the link brings them back here


def test_without_the_identity_cookie_my_qr_image_and_who_to_meet_ask_for_the_email_too(client):
    """Found by the fuzz run: these answered 500 (no language chosen yet; a page text that is gone)."""
    for method, path in (
        ("GET", "/me/qr.svg"),
        ("GET", "/me/meet"),
        ("POST", "/me/meet/ask"),
        ("POST", "/me/meet/dismiss"),
        ("POST", "/me/meet/requests/r1/accept"),
    ):
        for language, words in (("en", "Email me a sign-in link"), ("ar", 'lang="ar"')):
            answer = client.open(path, method=method, headers={**HTML, "Accept-Language": language})
            assert answer.status_code == 200 and words in answer.text, (method, path, language)


def test_my_people_lists_and_searches_and_every_page_links_my_people_and_my_qr(client, person):
    lina, omar, sara = person("Lina"), person("Omar", company="Souk Labs"), person("Sara")
    scan(client, lina, omar.badge, note="roasts coffee at home", tags=["coffee later"])
    scan(client, lina, sara.badge, note="ships spices")
    client.set_cookie(COOKIE, lina.private)
    page = client.get("/me/people", headers=HTML).text
    assert page.index("Sara") < page.index("Omar")  # newest first
    assert "roasts coffee at home" in page and "coffee later" in page and "Souk Labs" in page
    found = client.get("/me/people?q=souk", headers=HTML).text
    assert "Omar" in found and "ships spices" not in found
    for path in ("/scan", "/me/people", "/me/qr", f"/c/{omar.badge}"):
        html = client.get(path, headers=HTML).text
        assert 'href="/me/people' in html and 'href="/me/qr' in html, path


def test_an_edit_by_form_changes_my_notes_and_tags_and_delete_clears_them(client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="design sytems")
    client.set_cookie(COOKIE, lina.private)
    token = csrf(client.get("/me/people", headers=HTML).text)
    saved = client.post(
        f"/me/people/{omar.id}",
        headers=HTML,
        data={"csrf_token": token, "note": ["design systems", "coffee on Thursday"], "tags": "قهوة، تصميم"},
    )
    assert saved.status_code == 303 and saved.location.startswith(f"/me/people?edited={omar.id}")
    [entry] = client.get("/v1/me/people").json["people"]
    assert entry["notes"] == ["design systems", "coffee on Thursday"] and entry["tags"] == ["قهوة", "تصميم"]
    assert "your notes about" in client.get(saved.location, headers=HTML).text
    client.post(f"/me/people/{omar.id}", headers=HTML, data={"csrf_token": token, "delete": "1", "note": "x"})
    [entry] = client.get("/v1/me/people").json["people"]
    assert entry["notes"] == [] and entry["tags"] == []


def test_a_form_edit_is_refused_without_its_csrf_token_or_for_someone_i_did_not_meet(client, person):
    lina, omar, sara = person("Lina"), person("Omar"), person("Sara")
    scan(client, lina, omar.badge)
    client.set_cookie(COOKIE, lina.private)
    token = csrf(client.get("/me/people", headers=HTML).text)
    assert client.post(f"/me/people/{omar.id}", headers=HTML, data={"note": "x"}).status_code == 403
    refused = client.post(
        f"/me/people/{sara.id}?lang=ar", headers=HTML, data={"csrf_token": token, "note": "x"}
    )
    assert refused.status_code == 404 and "هذا الشخص ليس ممن قابلتهم" in refused.text
    # The switch's choice sticks on this phone (a cookie) until switched back.
    too_many = client.post(
        f"/me/people/{omar.id}?lang=en", headers=HTML, data={"csrf_token": token, "tags": "a,b,c,d,e,f,g,h,i"}
    )
    assert too_many.status_code == 422 and "at most 8 tags" in too_many.text


def test_my_qr_shows_my_name_and_short_code_and_serves_my_badge_qr(client, person):
    lina = person("Lina")
    client.set_cookie(COOKIE, lina.private)
    page = client.get("/me/qr", headers=HTML).text
    assert "Lina" in page and lina.short_code in page and f'src="/me/qr.svg?of={lina.id}.1"' in page
    svg = client.get(f"/me/qr.svg?of={lina.id}.1")
    assert (
        svg.mimetype == "image/svg+xml"
        and svg.data.startswith(b"<svg")
        and "private" in svg.headers["Cache-Control"]
    )


def test_the_offline_app_has_a_manifest_icons_and_a_root_scoped_service_worker(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == "/scan" and manifest.json["display"] == "standalone"
    for entry in manifest.json["icons"]:
        png = client.get(entry["src"])
        assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache" and b"/me/people" in worker.data
    assert client.get("/app-icon-100.png").status_code == 404
