"""Every header value Rapport writes, made safe: free text is flattened to one line and encoded,
addresses and tokens are checked and refused.

Event names, venues and attendee names come from organizers and CSV files; a line break in one
("Summit\\r\\nBcc: everyone@...") would otherwise become a header of its own in every email. So:

- free text (a display name, the subject) loses every control character, line and paragraph
  separator and bidi override (each becomes a space; runs of spaces become one), then goes out as
  RFC 2047 encoded words when it is not plain ASCII, folded when it is long;
- an address must be one addr-spec with nothing that could end a line or a command (no
  whitespace, control characters, <, >, or a second @), else `HeaderRefused`: the email fails with
  that reason and nothing is sent;
- tokens we make (Message-ID, campaign, language, URLs) are checked the same way.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from email.utils import formataddr

from shared.text import flattened

WORD_BYTES = 45  # UTF-8 bytes per encoded word: "=?utf-8?b?" + 60 base64 characters + "?=" stays under 75
LINE = 78  # RFC 5322's recommended line length; folding keeps ASCII headers under it where it can
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@\\]+@[^\s<>()\[\],;:\"@\\]+")
_TOKEN = re.compile(r"[\x21-\x7e]+")
ISOLATES = frozenset("\u2068\u2069")  # FSI, PDI


class HeaderRefused(ValueError):
    """A value that cannot go into a header as it is (the email is not sent)."""

    code = "unsafe_header"


def one_line(text: str, *, keep_isolates: bool = False) -> str:
    """`text` with no control, separator or bidi-control characters: each is a space, runs of
    spaces are one. `keep_isolates` keeps FSI/PDI, which our own subjects put around names."""
    return flattened(text, keep=ISOLATES if keep_isolates else frozenset())


def address(addr: str) -> str:
    """One addr-spec, or HeaderRefused."""
    if (
        not addr
        or len(addr) > 254
        or not _ADDRESS.fullmatch(addr)
        or any(unicodedata.category(c)[0] in "CZ" for c in addr)
    ):
        raise HeaderRefused(f"not a usable email address: {addr!r}")
    return addr


def mailbox(name: str, addr: str) -> str:
    """`Name <addr>`: the name flattened and quoted or encoded, the address checked.

    A non-ASCII name is one encoded word (email.utils.formataddr), longer than RFC 2047's 75
    characters for a long name: split into several, Python's parser puts a space at every cut of
    a display name, and it decodes the long word as written (tests/unit/followup/test_headers.py).
    Names are at most 200 characters, so the line stays far under the 998 limit."""
    name, addr = one_line(name), address(addr)
    return formataddr((name, addr), charset="utf-8") if name else addr


def token(value: str) -> str:
    """A value we made (Message-ID, campaign, language, URL): printable ASCII, no spaces."""
    if not _TOKEN.fullmatch(value or "") or len(value) > 900:
        raise HeaderRefused(f"not a header token: {value!r}")
    return value


def unstructured(value: str) -> str:
    """Free text as a header value: one line, then as is (folded) when ASCII, else encoded words,
    one per line, each cut between characters."""
    value = one_line(value, keep_isolates=True)
    if value.isascii() and all(len(word) < 900 for word in value.split(" ")):
        return _fold(value)
    words, word = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if len(word) + len(encoded) > WORD_BYTES:
            words.append(word)
            word = b""
        word += encoded
    words.append(word)
    return "\r\n ".join(f"=?utf-8?b?{binascii.b2a_base64(w, newline=False).decode()}?=" for w in words)


def _fold(value: str) -> str:
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > LINE - 10:  # room for the header's name
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\r\n ".join(lines)
