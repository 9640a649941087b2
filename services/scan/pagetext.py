"""Every word the scan pages show, in English and Arabic, and refusals in the reader's language."""

from __future__ import annotations

TEXT = {
    "en": {
        "switch": "العربية", "other": "ar",
        "you_met": "You just met", "note_label": "What did you talk about?",
        "note_tip": "A line or two is enough to remember them after the event: what you shared, what you promised.",
        "tags_label": "Quick tags", "save": "Save", "saving_as": "Saving as", "not_you": "Not you?",
        "who_are_you": "First, who are you?",
        "identify_tip": "So this meeting is saved to you, not to whoever holds this badge. "
                        "You do this once on this phone.",
        "short_code": "Your own short code (on your badge)",
        "private_link": "Your private link (from your registration email)",
        "continue": "Continue",
        "mismatch": "This code and this link do not belong to the same person. Check both and try again.",
        "saved_title": "Saved", "saved_text": "Your meeting with {name} is saved.",
        "mutual": "You both scanned each other.", "already": "This meeting was already saved.",
        "followup_hint": "After the event we will remind you of them, with what you noted here.",
        "open_scanner": "Scan another badge",
        "scanner_title": "Scan a badge", "camera_starting": "Starting the camera…",
        "camera_ready": "Point the camera at the QR code on a badge.",
        "camera_off": "No camera here: type the short code printed on the badge.",
        "manual_label": "Or type their short code", "add": "Add", "cancel": "Cancel",
        "bad_code": "A short code has six letters or digits, as printed on the badge.",
        "badge_label": "Badge", "code_label": "Code {code}",
        "queued": "Waiting for a connection", "saved_list": "Saved", "empty": "Nothing yet.",
        "failed": "Not saved:", "dismiss": "Dismiss", "mutual_short": "met both ways",
        "online": "Online", "offline": "Offline: scans wait on this phone and are sent when the connection returns.",
        "relogin": "Open your private link again on this phone: your scans wait here until then.",
        "need_link_title": "Open your private link first",
        "need_link_text": "Scans are saved to you. Open the private link from your registration email once on "
                          "this phone; after that this page remembers you.",
        "error_title": "That did not work",
        "refusals": {
            "bad_badge": "This is not a Rapport badge, or its link is incomplete.",
            "bad_link": "This private link is not valid; ask the organizers for a new one.",
            "unknown_attendee": "We do not know this badge's owner yet. Try again in a minute.",
            "revoked": "This badge was replaced by a newer one: ask them for their current badge.",
            "other_event": "This badge belongs to another event.",
            "self_scan": "That is your own badge: scan the person you met.",
            "event_closed": "This event has closed: meetings can no longer be added.",
            "rate_limited": "Many scans in one minute: wait a moment, then save again.",
            "csrf": "This form has expired. Reload the page and try again.",
            "unknown_short_code": "No attendee of this event has that code.",
        },
    },
    "ar": {
        "switch": "English", "other": "en",
        "you_met": "تعرّفت للتو على", "note_label": "عمّ تحدثتما؟",
        "note_tip": "سطر أو سطران يكفيان لتتذكّره بعد الفعالية: ما تبادلتماه، وما وعدت به.",
        "tags_label": "وسوم سريعة", "save": "حفظ", "saving_as": "يُحفظ باسم", "not_you": "لست أنت؟",
        "who_are_you": "أولًا، من أنت؟",
        "identify_tip": "كي يُحفظ هذا اللقاء لك أنت، لا لصاحب هذه البطاقة. تفعل هذا مرة واحدة على هذا الهاتف.",
        "short_code": "رمزك القصير (على بطاقتك)",
        "private_link": "رابطك الخاص (من رسالة التسجيل)",
        "continue": "متابعة",
        "mismatch": "هذا الرمز وهذا الرابط لا يخصّان الشخص نفسه. تحقّق منهما وحاول مجددًا.",
        "saved_title": "تم الحفظ", "saved_text": "حُفظ لقاؤك مع {name}.",
        "mutual": "مسح كلٌّ منكما بطاقة الآخر.", "already": "كان هذا اللقاء محفوظًا من قبل.",
        "followup_hint": "بعد الفعالية سنذكّرك به، مع ما دوّنته هنا.",
        "open_scanner": "امسح بطاقة أخرى",
        "scanner_title": "امسح بطاقة", "camera_starting": "جارٍ تشغيل الكاميرا…",
        "camera_ready": "وجّه الكاميرا إلى رمز QR على البطاقة.",
        "camera_off": "لا تتوفر كاميرا هنا: اكتب الرمز القصير المطبوع على البطاقة.",
        "manual_label": "أو اكتب رمزه القصير", "add": "إضافة", "cancel": "إلغاء",
        "bad_code": "الرمز القصير ستة أحرف أو أرقام، كما هو مطبوع على البطاقة.",
        "badge_label": "بطاقة", "code_label": "الرمز {code}",
        "queued": "بانتظار الاتصال", "saved_list": "المحفوظ", "empty": "لا شيء بعد.",
        "failed": "لم يُحفظ:", "dismiss": "إخفاء", "mutual_short": "تبادلتما المسح",
        "online": "متصل", "offline": "غير متصل: تنتظر عمليات المسح على هذا الهاتف وتُرسل عند عودة الاتصال.",
        "relogin": "افتح رابطك الخاص مجددًا على هذا الهاتف: تنتظر عمليات المسح هنا حتى ذلك الحين.",
        "need_link_title": "افتح رابطك الخاص أولًا",
        "need_link_text": "تُحفظ عمليات المسح باسمك. افتح الرابط الخاص من رسالة التسجيل مرة واحدة على هذا "
                          "الهاتف، وبعدها تتذكّرك هذه الصفحة.",
        "error_title": "تعذّر ذلك",
        "refusals": {
            "bad_badge": "هذه ليست بطاقة Rapport، أو أن رابطها ناقص.",
            "bad_link": "هذا الرابط الخاص غير صالح؛ اطلب رابطًا جديدًا من المنظمين.",
            "unknown_attendee": "لا نعرف صاحب هذه البطاقة بعد. حاول مجددًا بعد دقيقة.",
            "revoked": "استُبدلت هذه البطاقة بأحدث منها: اطلب منه بطاقته الحالية.",
            "other_event": "هذه البطاقة تخص فعالية أخرى.",
            "self_scan": "هذه بطاقتك أنت: امسح بطاقة من قابلته.",
            "event_closed": "انتهت هذه الفعالية: لم يعد ممكنًا إضافة لقاءات.",
            "rate_limited": "عمليات مسح كثيرة خلال دقيقة: انتظر قليلًا ثم احفظ مجددًا.",
            "csrf": "انتهت صلاحية هذا النموذج. أعد تحميل الصفحة وحاول مجددًا.",
            "unknown_short_code": "لا يحمل أي مشارك في هذه الفعالية هذا الرمز.",
        },
    },
}

# What the scanner's script shows; the page hands these to it as JSON.
SCRIPT_TEXT = ("camera_ready", "camera_off", "bad_code", "badge_label", "code_label", "empty", "failed", "dismiss",
               "mutual_short", "online", "offline", "relogin")


def refusal_text(code: str, detail: str, language: str) -> str:
    """A refusal in the reader's language when we know its code, else the service's own detail."""
    return TEXT[language]["refusals"].get(code, detail)
