"""Refusals in the organizer's language: the badge and follow-up services, and our own checks, say
what is wrong in English (problem+json `detail`, a field's message, an import row's reason);
an organizer reading Arabic gets it in Arabic.

Two tables: whole refusals by their stable `code`, and field messages by their English wording
(the services' messages are sentences with numbers and names in them, not codes). A message no
pattern knows is shown under a general Arabic sentence with the English kept beside it, so
nothing is lost; tests/integration/dashboard/test_arabic_messages.py sends every refusal the
pages can meet and checks none falls through.
"""

from __future__ import annotations

import re

from shared.web import DomainError

# Field messages: the English pattern, and its Arabic with the same named groups.
FIELD_MESSAGES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.S), arabic)
    for pattern, arabic in (
        (r"required|required text", "مطلوب"),
        (r"must be text", "يجب أن يكون نصًا"),
        (r"at most (?P<n>\d+) characters \(got (?P<got>\d+)\)", "{n} حرفًا على الأكثر (فيه {got})"),
        (r"at most (?P<n>\d+) characters", "{n} حرفًا على الأكثر"),
        (r"at most (?P<n>\d+) tags", "{n} اهتمامات على الأكثر"),
        (r"each tag at most (?P<n>\d+) characters", "كل اهتمام {n} حرفًا على الأكثر"),
        (r"a list of short tags", "قائمة اهتمامات قصيرة"),
        (r"(each tag )?must not hold the direction control (?P<c>U\+[0-9A-F]+)", "فيه رمز اتجاه ممنوع {c}"),
        (r"(each tag )?must not hold the control character (?P<c>U\+[0-9A-F]+)", "فيه رمز تحكم ممنوع {c}"),
        (r"(each tag )?must be one line: it holds the line separator (?P<c>U\+[0-9A-F]+)", "يجب أن يكون سطرًا واحدًا"),
        (r"(each tag )?must not hold a lone surrogate, which is not text", "فيه رمز ليس نصًا"),
        (r"ar or en|en or ar", "العربية (ar) أو الإنجليزية (en)"),
        (r"required, up to (?P<n>\d+) characters: say what the token is for", "مطلوب، حتى {n} حرفًا: ما الغرض من الرمز؟"),
        (r"required, up to (?P<n>\d+) characters", "مطلوب، حتى {n} حرفًا"),
        (r"between (?P<a>\d+) and (?P<b>\d+) characters", "بين {a} و{b} حرفًا"),
        (r"true or false", "نعم أو لا"),
        (r"same email as line (?P<line>\d+)", "البريد نفسه في السطر {line}"),
        (r"send a JSON object", "أرسل كائن JSON"),
        (r"choose a date and time", "اختر تاريخًا ووقتًا"),
        (r"must be after starts_at", "يجب أن تكون النهاية بعد البداية"),
        (r"must fall in the years (?P<a>\d+) to (?P<b>\d+)", "يجب أن يقع بين عامي {a} و{b}"),
        (r"'(?P<zone>.*)' is not (an IANA|a) time zone such as Asia/Riyadh",
         "‏«{zone}» ليست منطقة زمنية، مثل Asia/Riyadh"),
        (r"required, as an ISO 8601 date-time with its offset.*", "مطلوب: تاريخ ووقت"),
        (r".* is not an ISO 8601 date-time|needs its UTC offset.*", "ليس تاريخًا ووقتًا صالحين"),
        (r"an ISO 8601 time with its UTC offset.*", "ليس تاريخًا ووقتًا صالحين"),
        (r"must be one email address, such as team@example.org", "عنوان بريد واحد، مثل team@example.org"),
        (r"one of on_registration, scheduled, off", "اختر أحد الخيارات"),
        (r"required when welcome is scheduled.*", "مطلوب حين تختار وقتًا لرسائل الترحيب"),
        (r"an object such as .*", "اختيارات الموافقة غير صالحة"),
        (r"is not UTF-8 \(first bad byte on line (?P<line>\d+)\).*",
         "ليس بترميز UTF-8 (أول خطأ في السطر {line})؛ احفظه من جدولك بصيغة «CSV UTF-8»"),
        (r"cannot be read from line (?P<line>\d+).*", "تتعذّر قراءته من السطر {line}"),
        (r"is empty: the first line must name the columns.*", "فارغ: يجب أن يسمّي السطر الأول الأعمدة (name و email ...)"),
        (r"has no (?P<missing>.+?) column; found: (?P<found>.*)",
         "ليس فيه عمود {missing}؛ الأعمدة الموجودة: {found}"),
        # The token form, the organizers page (invitation, access) and the invitee's form.
        (r"one of owner, staff, viewer", "مالك أو فريق العمل أو مُطّلِع"),
        (r"an event id, or null for all your events", "معرّف فعالية، أو فارغ لكل فعالياتك"),
        (r"an ISO 8601 time with its offset, or null for no expiry", "ليس تاريخًا ووقتًا صالحين"),
        (r"a time in the future \(before (?P<year>\d+)\)", "وقت في المستقبل (قبل {year})"),
        (r"the email of the organizer to give access to: .*", "بريد المنظم الذي تعطيه الوصول غير صالح"),
        (r"not the same as the new password", "لا تطابق كلمة المرور الجديدة"),
        (r"choose 1 to (?P<n>\d+) attendees to print", "اختر من 1 إلى {n} مشاركًا للطباعة"),
    )
)  # fmt: skip

# Whole refusals by code: the Arabic, formatted with the problem's extra members.
BY_CODE = {
    "unknown_event": "لا توجد هذه الفعالية.",
    "unknown_attendee": "لا يوجد هذا المشارك في هذه الفعالية.",
    "wrong_event": "هذا المشارك ليس مسجّلًا في هذه الفعالية.",
    "duplicate_email": "هذا البريد مسجّل في هذه الفعالية لمشارك آخر.",
    "event_closed": "أُغلقت هذه الفعالية: لا يمكن تغيير ذلك بعد الآن.",
    "empty_upload": "اختر ملف CSV لرفعه.",
    "too_large": "الملف أكبر من 5 ميغابايت: قسّمه إلى ملفات أصغر.",
    "too_many_rows": "في الملف أكثر من {limit} صف: قسّمه إلى ملفات أصغر.",
    "no_attendees": "لا مشاركين في هذه الفعالية بعد: سجّلهم أو استوردهم أولًا.",
    "unknown_layout": "اختر أحد تخطيطات الطباعة المعروضة.",
    "public_url_unreachable": "رموز QR في هذه البطاقات تفتح {public_url}، ولا تصل الهواتف إليه. اضبط "
    "RAPPORT_PUBLIC_URL على عنوان تفتحه الهواتف، أو اطبع على أي حال.",
    "badge_unavailable": "خدمة البطاقات لا تستجيب الآن: أعد المحاولة بعد قليل.",
    "followup_unavailable": "خدمة المتابعة لا تستجيب الآن: أعد المحاولة بعد قليل.",
    "match_unavailable": "خدمة الاقتراحات لا تستجيب الآن: أعد المحاولة بعد قليل.",
    "csrf": "انتهت صلاحية هذا النموذج أو لم يُرسل من هذا الموقع: أعد تحميل الصفحة وحاول مرة أخرى.",
    "not_logged_in": "سجّل الدخول أولًا.",
    "bad_token": "رمز الوصول هذا غير صالح.",
    "forbidden": "لا تملك صلاحية هذا.",
    "not_admin": "لا يضيف المنظمين إلا مشرف.",
    "not_owner": "لا يفعل هذا إلا مالك الفعالية أو مشرف.",
    "owner_grant": "لا يمكن سحب وصول مالك الفعالية.",
    "unknown_grant": "لا وصول بهذا البريد لهذه الفعالية.",
    "unknown_token": "لا يوجد هذا الرمز.",
    "unknown_export": "لا يوجد هذا التصدير.",
    "nothing_to_send": "لا رسالة تُرسل لهذا المشارك الآن.",
    "not_found": "هذه الصفحة غير موجودة.",
    "method_not_allowed": "هذه الصفحة لا تقبل هذا الطلب.",
    "request_entity_too_large": "الملف أكبر من المسموح.",
    "invalid_input": "بعض ما أُدخل غير صالح.",
    "organizer_exists": "يوجد منظم بهذا البريد بالفعل.",
    "unknown_language": "اللغة العربية (ar) أو الإنجليزية (en).",
    "bad_credentials": "البريد وكلمة المرور لا يطابقان منظمًا.",
    "too_many_logins": "محاولات دخول خاطئة كثيرة: انتظر قليلًا ثم حاول مرة أخرى.",
    "missing_token": "أرسل رمز وصول.",
    "expired_token": "انتهت صلاحية رمز الوصول هذا.",
    "revoked_token": "أُلغي رمز الوصول هذا.",
    "not_an_organizer": "هذا الرمز ليس رمز منظم.",
    "unknown_session": "لا توجد جلسة الدخول هذه.",
    "unknown_organizer": "لا يوجد منظم يمكنك إزالته هنا.",
    "invalid_json": "الطلب ليس JSON صالحًا.",
    "unsupported_media_type": "أرسل الطلب بصيغة JSON.",
    "revoked": "استُبدلت هذه البطاقة ببطاقة جديدة أو مُحي صاحبها.",
}
# The badge service's field names, as an Arabic reader knows them.
FIELD_NAMES = {
    "name": "الاسم",
    "email": "البريد",
    "company": "الشركة",
    "title": "المسمى",
    "headline": "العبارة",
    "interests": "الاهتمامات",
    "language": "اللغة",
    "can_help_with": "أستطيع المساعدة في",
    "looking_for": "أبحث عن",
    "consent": "الموافقات",
    "consent.followup": "موافقة المتابعة",
    "consent.share_contact": "موافقة المشاركة",
    "consent.suggest": "موافقة الاقتراح",
    "file": "الملف",
    "body": "الطلب",
    "venue": "المكان",
    "starts_at": "البداية",
    "ends_at": "النهاية",
    "timezone": "المنطقة الزمنية",
    "contact_email": "بريد التواصل",
    "followup_at": "وقت رسائل المتابعة",
    "meeting_point": "نقطة اللقاء",
    "welcome": "رسالة الترحيب",
    "welcome_at": "وقت الترحيب",
    "role": "الدور",
    "event_id": "الفعالية",
    "expires_at": "انتهاء الصلاحية",
    "password": "كلمة المرور",
    "new_password": "كلمة المرور الجديدة",
    "repeat_password": "تكرار كلمة المرور",
    "id": "المشاركون",
}
UNKNOWN = {"field": "قيمة غير صالحة: {english}", "problem": "رُفض الطلب: {english}"}


# Why the follow-up service did not send an email (its skip reasons), as the organizer reads them.
DELIVERY_REASONS = {
    "no consent": {"en": "they did not agree to follow-up emails", "ar": "لم يوافق على رسائل المتابعة"},
    "unsubscribed": {"en": "they unsubscribed", "ar": "ألغى الاشتراك"},
    "nothing to say": {"en": "they met nobody to write about", "ar": "لم يقابل أحدًا تُكتب عنه الرسالة"},
    "attendee erased": {"en": "they were erased", "ar": "مُحي المشارك"},
    "the sign-in link expired before it could be sent": {
        "en": "the sign-in link expired before it could be sent",
        "ar": "انتهت صلاحية رابط الدخول قبل إرساله",
    },
}


def delivery_reason(text: str, lang: str) -> str:
    """A skip reason in `lang`; anything else (a mail server's refusal) in its own words."""
    return DELIVERY_REASONS.get(text, {}).get(lang, text)


# An email field's other messages are email_validator's sentences (many, and they change between
# its versions): they all mean one thing to the organizer.
EMAIL_FIELDS = ("email", "contact_email")
NOT_AN_EMAIL = "ليس عنوان بريد إلكتروني صالحًا"


def field_message(english: str, lang: str, field: str | None = None) -> str:
    """One field's (or import row's) message in `lang`."""
    if lang != "ar":
        return english
    for pattern, arabic in FIELD_MESSAGES:
        if found := pattern.fullmatch(english.strip()):
            return arabic.format(**{k: v or "" for k, v in found.groupdict().items()})
    if field in EMAIL_FIELDS:
        return NOT_AN_EMAIL
    return UNKNOWN["field"].format(english=english)


def field_messages(errors: dict[str, str] | None, lang: str) -> dict[str, str]:
    return {name: field_message(str(text), lang, name) for name, text in (errors or {}).items()}


def labelled(errors: dict[str, str], lang: str) -> str:
    """Every field's message, each after its name: "email: required; name: ..." in `lang`."""
    if lang != "ar":
        return "; ".join(f"{name}: {text}" for name, text in errors.items())
    return "؛ ".join(
        f"{FIELD_NAMES.get(name, name)}: {field_message(str(text), lang, name)}"
        for name, text in errors.items()
    )


def refusal(err: DomainError, lang: str) -> str:
    """The sentence a page shows for this refusal."""
    if lang != "ar":
        return err.detail
    errors = err.extra.get("errors")
    if isinstance(errors, dict) and errors:
        return labelled(errors, lang)
    if err.code in BY_CODE:
        try:
            return BY_CODE[err.code].format(**err.extra)
        except (KeyError, IndexError):
            return BY_CODE[err.code].split("{")[0].rstrip()
    return UNKNOWN["problem"].format(english=err.detail)


def imported(result: dict, lang: str) -> dict:
    """The badge service's import result with each rejected row's reason in `lang`."""

    def reason(row: dict) -> str:
        errors = row.get("errors")
        return (
            labelled(errors, lang)
            if isinstance(errors, dict) and errors
            else field_message(row["reason"], lang)
        )

    return {**result, "rejected": [{**row, "reason": reason(row)} for row in result["rejected"]]}
