"""Reading an attendee CSV as organizers export it from spreadsheets and ticketing tools.

UTF-8 with or without a byte-order mark, quoted fields (commas and line breaks inside quotes),
English or Arabic column names. Yields each data row with the line number it starts on, so a
rejected row can be pointed at in the organizer's own file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from services.badge.domain import BadgeError, InvalidInput

MAX_BYTES = 5 * 2**20
MAX_ROWS = 50_000  # RAPPORT_IMPORT_MAX_ROWS' default; the service passes the setting

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
    "can_help_with": {
        "can_help_with",
        "can help with",
        "i can help with",
        "offers",
        "can offer",
        "أستطيع المساعدة في",
        "يمكنني المساعدة في",
        "أقدّم",
        "أقدم",
        "ما أقدمه",
    },
    "looking_for": {"looking_for", "looking for", "seeking", "i am looking for", "أبحث عن", "ما أبحث عنه"},
    "consent_suggest": {
        "consent_suggest",
        "suggest",
        "suggest me",
        "matchmaking",
        "موافقة الاقتراح",
        "اقترحني",
    },
}
_ALIASES = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
# The dashboard's exports put an apostrophe before a cell's formula character (= + - @), at its
# start or after a separator, so no spreadsheet runs a name as a formula; read back, it goes, so an
# export re-imports unchanged. (A cell that really held "'=" there loses its apostrophe.)
EXPORTED_FORMULA = re.compile(r"(^|[,;\t|])'([=+\-@])")
_YES = {"yes", "y", "true", "1", "x", "نعم"}
_NO = {"no", "n", "false", "0", "", "لا"}
_LANGUAGES = {
    "arabic": "ar",
    "عربي": "ar",
    "العربية": "ar",
    "english": "en",
    "إنجليزي": "en",
    "الإنجليزية": "en",
}


def decode_upload(raw: bytes) -> str:
    """The file as text; InvalidInput that says where it is not UTF-8."""
    if len(raw) > MAX_BYTES:
        raise BadgeError(
            f"the file is {len(raw) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB: "
            "split it into smaller files",
            code="too_large",
            status=413,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            {
                "file": f"is not UTF-8 (first bad byte on line {line}); in your spreadsheet, "
                "save as 'CSV UTF-8'"
            }
        ) from None


def read_rows(text: str, max_rows: int = MAX_ROWS) -> Iterator[tuple[int, dict]]:
    """(line number, attendee fields) per data row; InvalidInput if the header is unusable or a
    line unreadable, 413 if there are more than `max_rows` rows.

    The whole file is split into rows (the csv module's C speed: 0.2 s for 100,000) before the
    first row is yielded, so a file refused for its size or a broken line costs no validation and
    no database work: the caller sees the refusal at its first `next()`.
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, list[str]]] = []  # (line the row starts on, its cells), the header first
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
            if len(rows) > max_rows + 1:
                raise BadgeError(
                    f"the file has more than {max_rows} rows: split it into smaller files",
                    code="too_many_rows",
                    status=413,
                    limit=max_rows,
                )
    except csv.Error as exc:  # a field over the module's 131,072-character limit, a NUL byte
        raise InvalidInput({"file": f"cannot be read from line {start}: {exc}"}) from None
    if not rows or not rows[0][1]:
        raise InvalidInput({"file": "is empty: the first line must name the columns (name, email, ...)"})
    header = rows[0][1]
    fields = [_ALIASES.get(" ".join(h.split()).lower()) for h in header]
    missing = [f for f in ("name", "email") if f not in fields]
    if missing:
        raise InvalidInput({"file": f"has no {' or '.join(missing)} column; found: {', '.join(header)}"})
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines at the end of exports
        yield line, _row_fields(fields, cells)


def _row_fields(fields: list[str | None], row: list[str]) -> dict:
    doc: dict = {}
    for field, cell in zip(fields, row):
        if field is None:
            continue
        value = EXPORTED_FORMULA.sub(r"\1\2", cell.strip())
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
