"""CSV import over HTTP: exact counts, line numbers, updates by email, and all-or-nothing writes."""

from __future__ import annotations

from collections import Counter

from tests.integration.badge.conftest import ADMIN

CSV = (
    "\ufeffname,email,company,headline,interests,language,consent_followup,consent_share_contact\n"
    "Lina Haddad,lina@example.org,Qahwa Labs,helping small roasters sell online,coffee; retail,en,yes,no\n"
    'ليلى عبد الرحمن,layla@example.org,"شركة النخيل, المحدودة",أصمم مدارس صديقة للأطفال,تعليم; تصميم,ar,نعم,نعم\n'
    ",nobody@example.org,,,,,,\n"  # line 4: no name
    "Omar,not-an-email,,,,,,\n"  # line 5: bad email
    '"Sara\nO\'Neil",sara@example.org,,"two\nlines",,en,maybe,\n'  # lines 6-8: multi-line, bad consent
    "Lina H.,LINA@example.org,,,,,,\n"  # line 9: same email as line 2
    "Yusuf,yusuf@example.org,,,,fr,,\n"  # line 10: unknown language
)


def post_csv(client, event_id, body: bytes | str, as_file: bool = False):
    raw = body.encode() if isinstance(body, str) else body
    if as_file:
        from io import BytesIO

        return client.post(
            f"/v1/events/{event_id}/attendees/import",
            headers=ADMIN,
            data={"file": (BytesIO(raw), "attendees.csv")},
            content_type="multipart/form-data",
        )
    return client.post(
        f"/v1/events/{event_id}/attendees/import", headers={**ADMIN, "Content-Type": "text/csv"}, data=raw
    )


def test_good_bad_and_duplicate_rows_give_exact_counts_and_lines(client, event, published):
    result = post_csv(client, event["id"], CSV).json
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    assert [r["line"] for r in result["rejected"]] == [4, 5, 6, 9, 10]
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert "name" in reasons[4] and "email" in reasons[5] and "consent.followup" in reasons[6]
    assert reasons[9] == "same email as line 2" and "language" in reasons[10]

    attendees = client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"]
    layla = next(a for a in attendees if a["email"] == "layla@example.org")
    assert layla["company"] == "شركة النخيل, المحدودة" and layla["interests"] == ["تعليم", "تصميم"]
    assert layla["consent"] == {"followup": True, "share_contact": True, "suggest": True}
    assert Counter(m.type for m in published()) == {
        "event.created": 1,
        "attendee.registered": 2,
        "badge.issued": 2,
    }


def test_reimporting_updates_by_email_and_counts_what_changed(client, event, published):
    post_csv(client, event["id"], "name,email,company\nLina,lina@example.org,A\nOmar,omar@example.org,B\n")
    again = post_csv(
        client,
        event["id"],
        "name,email,company\nLina,LINA@example.org,Acme\nOmar,omar@example.org,B\nSara,sara@example.org,C\n",
        as_file=True,
    ).json
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (1, 1, 1, [])
    attendees = client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"]
    assert sorted(a["company"] for a in attendees) == ["Acme", "B", "C"]
    assert Counter(m.type for m in published())["attendee.updated"] == 1


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_written(client, event):
    response = post_csv(client, event["id"], "name,email\nJosé,jose@example.org\n".encode("cp1252"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "UTF-8" in response.json["detail"]
    assert client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"] == []


def test_an_oversized_upload_gets_a_clear_413(client, event):
    response = post_csv(client, event["id"], "name,email\n" + "x,y@example.org\n" * 400_000)
    assert response.status_code == 413 and "limit" in response.json["detail"]


def test_an_empty_upload_says_how_to_send_one(client, event):
    response = post_csv(client, event["id"], b"")
    assert response.status_code == 400 and response.json["code"] == "empty_upload"


def test_an_import_into_an_unknown_event_is_a_404(client):
    assert post_csv(client, "nosuchid", "name,email\nA,a@example.org\n").status_code == 404


def test_arabic_columns_bring_what_people_give_and_seek_and_an_empty_suggest_cell_keeps_it_on(client, event):
    csv = (
        "الاسم,البريد الإلكتروني,أبحث عن,أستطيع المساعدة في,موافقة الاقتراح\n"
        "نورة,noura@example.org,شريك تقني لمنصة تعليمية,التسويق للمقاهي الصغيرة,\n"
        "Omar,omar@example.org,a seed investor for edtech,Arabic NLP,لا\n"
    )
    result = post_csv(client, event["id"], csv).json
    assert (result["created"], result["rejected"]) == (2, [])
    people = {
        a["email"]: a
        for a in client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"]
    }
    noura, omar = people["noura@example.org"], people["omar@example.org"]
    assert (noura["looking_for"], noura["can_help_with"]) == (
        "شريك تقني لمنصة تعليمية",
        "التسويق للمقاهي الصغيرة",
    )
    assert noura["consent"]["suggest"] is True and omar["consent"]["suggest"] is False
    assert omar["looking_for"] == "a seed investor for edtech"


def test_a_csv_cell_of_interests_splits_on_the_arabic_comma_and_semicolon(client, event):
    csv = 'name,email,interests\nليلى حداد,layla@example.org,"تعليم، تصميم؛ Design ; design"\n'
    assert post_csv(client, event["id"], csv).json["created"] == 1
    [layla] = client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"]
    assert layla["interests"] == ["تعليم", "تصميم", "Design"]
