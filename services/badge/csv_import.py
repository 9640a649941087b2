"""Reading an attendee CSV as organizers export it from spreadsheets and ticketing tools.

UTF-8 with or without a byte-order mark, quoted fields (commas and line breaks inside quotes),
English or Arabic column names. Yields each data row with the line number it starts on, so a
rejected row can be pointed at in the organizer's own file.
"""

from __future__ import annotations

import csv
import io
from typing import Iterator

from services.badge.domain import BadgeError, InvalidInput

MAX_BYTES = 5 * 2**20
MAX_ROWS = 20_000

# Column names we accept, folded to lower case: English, common export spellings, and Arabic.
COLUMNS = {
    "name": {"name", "full name", "full_name", "attendee", "الاسم", "الاسم الكامل"},
    "email": {"email", "e-mail", "email address", "البريد", "البريد الإلكتروني", "البريد الالكتروني"},
    "company": {"company", "organization", "organisation", "الشركة", "الجهة", "المؤسسة"},
    "title": {"title", "job title", "role", "المسمى", "المسمى الوظيفي", "الوظيفة"},
    "headline": {"headline", "passion", "what i care about", "العبارة", "ما يشغلني", "الشغف"},
    "interests": {"interests", "tags", "topics", "الاهتمامات", "اهتمامات"},
    "language": {"language", "lang", "اللغة"},
    "consent_followup": {"consent_followup", "followup", "follow-up", "consent followup", "موافقة المتابعة"},
    "consent_share_contact": {"consent_share_contact", "share_contact", "share contact", "موافقة المشاركة"},
    "can_help_with": {"can_help_with", "can help with", "i can help with", "offers", "can offer",
                      "أستطيع المساعدة في", "يمكنني المساعدة في", "أقدّم", "أقدم", "ما أقدمه"},
    "looking_for": {"looking_for", "looking for", "seeking", "i am looking for", "أبحث عن", "ما أبحث عنه"},
    "consent_suggest": {"consent_suggest", "suggest", "suggest me", "matchmaking", "موافقة الاقتراح", "اقترحني"},
}
_ALIASES = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
_YES = {"yes", "y", "true", "1", "x", "نعم"}
_NO = {"no", "n", "false", "0", "", "لا"}
_LANGUAGES = {"arabic": "ar", "عربي": "ar", "العربية": "ar", "english": "en", "إنجليزي": "en", "الإنجليزية": "en"}


def decode_upload(raw: bytes) -> str:
    """The file as text; InvalidInput that says where it is not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise BadgeError(f"the file is {len(raw) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB: "
                         "split it into smaller files", code="too_large", status=413)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInput({"file": f"is not UTF-8 (first bad byte on line {line}); in your spreadsheet, "
                                    "save as 'CSV UTF-8'"}) from None


def read_rows(text: str) -> Iterator[tuple[int, dict]]:
    """(line number, attendee fields) per data row; InvalidInput if the header is unusable."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise InvalidInput({"file": "is empty: the first line must name the columns (name, email, ...)"})
    fields = [_ALIASES.get(" ".join(h.split()).lower()) for h in header]
    missing = [f for f in ("name", "email") if f not in fields]
    if missing:
        raise InvalidInput({"file": f"has no {' or '.join(missing)} column; found: {', '.join(header)}"})
    start = reader.line_num + 1
    for count, row in enumerate(reader, start=1):
        if count > MAX_ROWS:
            raise InvalidInput({"file": f"has more than {MAX_ROWS} rows: split it into smaller files"})
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue  # blank lines at the end of exports
        yield line, _row_fields(fields, row)


def _row_fields(fields: list[str | None], row: list[str]) -> dict:
    doc: dict = {}
    for field, cell in zip(fields, row):
        if field is None:
            continue
        value = cell.strip()
        if field == "consent_suggest" and not value:
            continue  # an empty cell keeps the default (on), unlike the opt-in consents
        if field.startswith("consent_"):
            folded = value.lower()
            doc[field] = True if folded in _YES else False if folded in _NO else value
        elif field == "language":
            folded = value.lower()
            doc[field] = _LANGUAGES.get(folded, folded) or None
        else:
            doc[field] = value
    return doc
