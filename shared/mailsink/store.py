"""The mail sink's folder of kept messages: one `<utc timestamp>-<uuid>.eml` file per message.

Plain Python over files: nothing here knows about SMTP or Flask. A message id is its file name
without `.eml`, and the only names ever opened are ones matching `MESSAGE_ID`, so an id from a
URL cannot reach outside the folder.
"""

from __future__ import annotations

import email.policy
import mimetypes
import os
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

# 20250101T093000123456Z-<32 hex>: the UTC receive time first, so file names sort by arrival.
MESSAGE_ID = re.compile(r"\d{8}T\d{12}Z-[0-9a-f]{32}")
_STAMP = "%Y%m%dT%H%M%S%fZ"
_CHARSET = re.compile(r"[a-z0-9._:-]{1,40}")
_PARSER = BytesParser(policy=email.policy.default)
_SHOWN_HEADERS = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "List-Unsubscribe",
    "X-Rapport-Campaign",
)  # which mail this is: welcome, signin, followup, nudge-<days>


class UnknownMessage(LookupError):
    """No kept message has this id (or the id is not one the store could have made)."""

    code = "unknown_message"


@dataclass(frozen=True)
class Summary:
    """What the inbox shows of one message; `date` is the Date header (ISO 8601), else receive time."""

    id: str
    sender: str
    to: str
    subject: str
    date: str
    received_at: str
    size: int

    def as_json(self) -> dict:
        data = asdict(self)
        data["from"] = data.pop("sender")
        return data


@dataclass(frozen=True)
class Part:
    """One leaf MIME part; `index` is its place among the message's leaf parts (stable per file)."""

    index: int
    filename: str
    content_type: str  # with its charset for text parts, so a download decodes as sent
    data: bytes


@dataclass(frozen=True)
class MessageView:
    """A message taken apart for reading: chosen bodies, the headers worth showing, attachments."""

    summary: Summary
    headers: list[tuple[str, str]]
    html: str | None
    text: str | None
    attachments: list[Part]

    def as_json(self) -> dict:
        return {
            **self.summary.as_json(),
            "headers": [list(h) for h in self.headers],
            "html": self.html,
            "text": self.text,
            "attachments": [
                {
                    "index": a.index,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": len(a.data),
                }
                for a in self.attachments
            ],
        }


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MailStore:
    """Messages as files in `folder`. Safe for concurrent writers and readers.

    `save` makes a message visible atomically (temp file, fsync, `os.replace`), so `list` and `get`
    never see half a message. Files never change after that, which is why summaries are cached.
    """

    def __init__(self, folder: Path | str, clock: Callable[[], datetime] = _utcnow):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._last = datetime.min.replace(tzinfo=UTC)
        self._summaries: dict[str, Summary] = {}

    def save(self, raw: bytes) -> str:
        """Keep `raw` exactly as received; returns its id. Durable once this returns."""
        with self._lock:
            # Ids must sort in arrival order even if two messages share a microsecond or the
            # clock steps back, so never hand out a stamp at or before the previous one.
            self._last = max(self._clock().astimezone(UTC), self._last + timedelta(microseconds=1))
            message_id = f"{self._last.strftime(_STAMP)}-{uuid.uuid4().hex}"
        temporary = self.folder / f".{message_id}.tmp"  # not *.eml: never listed while incomplete
        with open(temporary, "wb") as file:
            file.write(raw)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.folder / f"{message_id}.eml")
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash only once the folder is synced
        finally:
            os.close(directory)
        return message_id

    def list(self) -> list[Summary]:
        """Every kept message, newest first."""
        summaries = []
        for path in sorted(self.folder.glob("*.eml"), reverse=True):
            if not MESSAGE_ID.fullmatch(path.stem):
                continue  # a file someone dropped in by hand: not ours to serve
            summary = self._summaries.get(path.stem)
            if summary is None:
                try:
                    summary = self._summarise(path.stem, path.read_bytes())
                except FileNotFoundError:
                    continue  # deleted between glob and read (a concurrent clear)
                self._summaries[path.stem] = summary
            summaries.append(summary)
        return summaries

    def raw(self, message_id: str) -> bytes:
        """The message exactly as received. Raises UnknownMessage."""
        if not MESSAGE_ID.fullmatch(message_id):
            raise UnknownMessage(f"no message {message_id!r}")
        try:
            return (self.folder / f"{message_id}.eml").read_bytes()
        except FileNotFoundError:
            raise UnknownMessage(f"no message {message_id!r}") from None

    def get(self, message_id: str) -> EmailMessage:
        """The message parsed with `email.policy.default`. Raises UnknownMessage."""
        return _PARSER.parsebytes(self.raw(message_id))

    def view(self, message_id: str) -> MessageView:
        """The message taken apart for reading. Raises UnknownMessage."""
        raw = self.raw(message_id)
        message = _PARSER.parsebytes(raw)
        html, text = message.get_body(("html",)), message.get_body(("plain",))
        headers = [(name, str(message[name])) for name in _SHOWN_HEADERS if message[name] is not None]
        attachments = [part for leaf, part in _parts(message) if leaf is not html and leaf is not text]
        return MessageView(self._summarise(message_id, raw), headers, _text(html), _text(text), attachments)

    def part(self, message_id: str, index: int) -> Part:
        """Leaf part `index` of the message, decoded. Raises UnknownMessage."""
        parts = _parts(self.get(message_id))
        if not 0 <= index < len(parts):
            raise UnknownMessage(f"message {message_id!r} has no part {index}")
        return parts[index][1]

    def clear(self) -> int:
        """Delete every kept message; returns how many went."""
        deleted = 0
        for path in self.folder.glob("*.eml"):
            if MESSAGE_ID.fullmatch(path.stem):
                path.unlink(missing_ok=True)
                self._summaries.pop(path.stem, None)
                deleted += 1
        return deleted

    def _summarise(self, message_id: str, raw: bytes) -> Summary:
        headers = _PARSER.parsebytes(raw, headersonly=True)
        received = datetime.strptime(message_id.split("-")[0], _STAMP).replace(tzinfo=UTC)
        sent = getattr(headers["Date"], "datetime", None)  # None when the header is missing or garbled
        return Summary(
            message_id,
            str(headers["From"] or ""),
            str(headers["To"] or ""),
            str(headers["Subject"] or ""),
            (sent or received).isoformat(),
            received.isoformat(),
            len(raw),
        )


def _parts(message: EmailMessage) -> list[tuple[EmailMessage, Part]]:
    """Every leaf part, numbered in walk order, paired with the node it came from."""
    parts = []
    for index, leaf in enumerate(part for part in message.walk() if not part.is_multipart()):
        content_type = leaf.get_content_type()
        name = leaf.get_filename() or f"part-{index}{mimetypes.guess_extension(content_type) or '.bin'}"
        # Only a charset the sender declared (and only a plain token of one); without it, the
        # web layer's UTF-8 default fits what mailers send today better than RFC 2046's US-ASCII.
        charset = leaf.get_content_charset()
        if leaf.get_content_maintype() == "text" and charset and _CHARSET.fullmatch(charset):
            content_type += f"; charset={charset}"
        parts.append((leaf, Part(index, name, content_type, leaf.get_payload(decode=True) or b"")))
    return parts


def _text(part: EmailMessage | None) -> str | None:
    """A text part as str; a wrong or unknown charset shows replacement marks instead of failing."""
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
