"""Header values: flattened to one line, encoded when not ASCII, folded when long, refused when unsafe."""

from __future__ import annotations

import email
import email.policy

import pytest

from services.followup.headers import HeaderRefused, address, mailbox, one_line, unstructured


@pytest.mark.parametrize(
    "raw",
    [
        "a\r\nb",
        "a\nb",
        "a\rb",
        "a\x00b",
        "a\x1bb",
        "a\u2028b",
        "a\u2029b",
        "a\u202eb",
        "a\u2066b",
        "a\x85b",
        "a \t b",
    ],
)
def test_every_line_break_control_and_bidi_override_becomes_one_space(raw):
    assert one_line(raw) == "a b"


@pytest.mark.parametrize("value", ["Gulf Summit " * 20, "ملتقى الرياض للمنتجات " * 8, "x" * 1200])
def test_a_long_or_non_ascii_subject_reads_back_as_written(value):
    encoded = unstructured(value)
    assert all(len(line) <= 998 for line in encoded.split("\r\n"))
    parsed = email.message_from_bytes(f"Subject: {encoded}\r\n\r\n".encode(), policy=email.policy.default)
    assert parsed["Subject"] == " ".join(value.split())


@pytest.mark.parametrize(
    "bad", ["", "a@b\r\nBcc: c@d", "a b@c", "<a@b>", "a@b@c", "a@b,c@d", "a\u202e@b", "nobody"]
)
def test_unusable_addresses_are_refused(bad):
    with pytest.raises(HeaderRefused):
        address(bad)


def test_a_display_name_is_quoted_or_encoded():
    assert (
        mailbox('Gulf "Summit", 2026\r\nBcc: x@y', "team@example.org")
        == '"Gulf \\"Summit\\", 2026 Bcc: x@y" <team@example.org>'
    )
    assert mailbox("ملتقى الرياض", "team@example.org").startswith("=?utf-8?b?")


@pytest.mark.parametrize(
    "name", ["ملتقى الرياض للمنتجات الرقمية والتصميم " * 5, 'Gulf Summit, "2026"', "هدى"]
)
def test_a_long_or_quoted_display_name_reads_back_as_written(name):
    header = mailbox(name, "team@example.org")
    assert "\r" not in header and "\n" not in header and len(header) < 998
    parsed = email.message_from_bytes(f"From: {header}\r\n\r\n".encode(), policy=email.policy.default)
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (" ".join(name.split()), "team@example.org")
