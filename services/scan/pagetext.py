"""Every word the scan pages show, in English and Arabic, and refusals in the reader's language."""

from __future__ import annotations

TEXT = {
    "en": {
        "switch": "العربية", "other": "ar",
        "you_met": "You just met", "note_label": "What did you talk about?",
        "note_tip": "A line or two is enough to remember them after the event: what you shared, what you promised.",
        "tags_label": "Quick tags", "save": "Save", "saving_as": "Saving as", "not_you": "Not you?",
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
        "relogin": "Sign in again on this phone (My people asks for your email): your scans wait here until then.",
        "error_title": "That did not work",
        "nav_scan": "Scan", "nav_people": "My people", "nav_qr": "My QR", "nav_label": "Your pages",
        "people_title": "My people", "people_intro": "Everyone you met, newest first. Only you see your notes.",
        "search_label": "Search by name, company, note or tag", "search": "Search", "clear": "Show everyone",
        "export": "Download everyone as contacts (.vcf)",
        "export_tip": "Email addresses only for the people who agreed to share them.",
        "met_at": "You met at {time}", "saved_you": "Saved you",
        "saved_you_text": "Scanned your badge at {time} and shares their contact: say hello?",
        "your_notes": "Your notes", "no_notes": "No notes yet.", "email_label": "Email",
        "edit": "Edit notes and tags", "note_n": "Note {n}", "new_note": "Add a note",
        "tags_field": "Tags (separate them with commas)", "delete": "Delete my notes and tags",
        "edited": "Saved: your notes about {name} are updated.",
        "nobody": "No one yet. Scan a badge to start your list.", "no_match": "No one matches “{q}”.",
        "qr_title": "My QR", "qr_alt": "The QR code of {name}'s badge",
        "qr_code_label": "Your short code", "qr_tip": "Turn your screen brightness up. No camera? They can type "
                                                       "your short code into their scanner.",
        "add_note_label": "Anything to add to your notes?", "looking_up": "Looking them up…",
        "name_on_sync": "Offline: their name appears once this phone is back online. Your note is kept.",
        "fix_code": "Fix the code", "rescan": "Scan again", "retry_note": "Your note is kept:",
        "saved_everywhere": "Everyone you met, from any phone or badge page: My people",
        "no_match_typed": "No one matches what you typed.",
        "edit_offline": "You are offline: your notes are saved once you are back online and save again.",
        "signin_title": "Sign in on this phone",
        "signin_tip": "So this meeting is saved to you, not to whoever holds this badge: type the email you "
                      "registered with, and open the link we send you on this phone. Your note is kept.",
        "signin_text": "Your scans and notes are saved to you. Type the email you registered with: we send you a "
                       "link that signs this phone in. You do this once.",
        "signin_email": "The email you registered with", "signin_send": "Email me a sign-in link",
        "sent_title": "Check your email",
        "sent_text": "If {email} is registered for this event, a sign-in link is on its way. Open it on this "
                     "phone within 30 minutes; it works once.",
        "sent_kept": "Your note is kept: the link brings you back to this page with it.",
        "sent_again": "Nothing after a few minutes? Look in your spam folder, or check the address and ask again.",
        "signin_wait": "Several sign-in links were asked for already: wait {minutes} minutes, then ask again.",
        "replaced_note": "This phone's link was replaced by a newer one. Sign in again with your email.",
        "closed_title": "This event has ended",
        "closed_text": "Meetings can no longer be added. Your follow-up email, about the people you met and what "
                       "you noted, is on its way; until then everyone is in My people.",
        "closed_link": "My people: everyone you met",
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
            "not_met": "This person is not among the people you met.",
            "outside_event_days": "This meeting is dated outside the event's days: check your phone's date and time.",
            "invalid_input": "Check what you typed: at most 8 tags of up to 40 characters each, and notes of up "
                             "to 2000 characters.",
            "link_used": "This sign-in link was used already. Ask for a new one here.",
            "link_expired": "This sign-in link has expired: they work for 30 minutes. Ask for a new one here.",
            "replaced": "This link was replaced by a newer one: use the newest link you received, or sign in with "
                        "your email.",
            "bad_email": "Type the whole email address, as you registered with it.",
        },
    },
    "ar": {
        "switch": "English", "other": "en",
        "you_met": "تعرّفت للتو على", "note_label": "عمّ تحدثتما؟",
        "note_tip": "سطر أو سطران يكفيان لتتذكّره بعد الفعالية: ما تبادلتماه، وما وعدت به.",
        "tags_label": "وسوم سريعة", "save": "حفظ", "saving_as": "يُحفظ باسم", "not_you": "لست أنت؟",
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
        "relogin": "سجّل الدخول مجددًا على هذا الهاتف (تطلب صفحة «أشخاصي» بريدك): تنتظر عمليات المسح هنا حتى "
                   "ذلك الحين.",
        "error_title": "تعذّر ذلك",
        "nav_scan": "المسح", "nav_people": "أشخاصي", "nav_qr": "رمزي", "nav_label": "صفحاتك",
        "people_title": "أشخاصي", "people_intro": "كل من قابلتهم، الأحدث أولًا. ملاحظاتك لا يراها غيرك.",
        "search_label": "ابحث بالاسم أو الشركة أو الملاحظة أو الوسم", "search": "بحث", "clear": "اعرض الجميع",
        "export": "نزّل الجميع جهات اتصال (‎.vcf)",
        "export_tip": "عناوين البريد فقط لمن وافقوا على مشاركتها.",
        "met_at": "تقابلتما الساعة {time}", "saved_you": "حفظك",
        "saved_you_text": "مسح بطاقتك الساعة {time} ويشاركك بيانات تواصله: ما رأيك أن تحيّيه؟",
        "your_notes": "ملاحظاتك", "no_notes": "لا ملاحظات بعد.", "email_label": "البريد",
        "edit": "عدّل الملاحظات والوسوم", "note_n": "الملاحظة {n}", "new_note": "أضف ملاحظة",
        "tags_field": "الوسوم (افصل بينها بفواصل)", "delete": "احذف ملاحظاتي ووسومي",
        "edited": "تم الحفظ: حُدّثت ملاحظاتك عن {name}.",
        "nobody": "لا أحد بعد. امسح بطاقة لتبدأ قائمتك.", "no_match": "لا أحد يطابق «{q}».",
        "qr_title": "رمزي", "qr_alt": "رمز QR لبطاقة {name}",
        "qr_code_label": "رمزك القصير", "qr_tip": "ارفع سطوع الشاشة. لا كاميرا؟ يمكنه كتابة رمزك القصير في الماسح.",
        "add_note_label": "هل تضيف شيئًا إلى ملاحظاتك؟", "looking_up": "نبحث عنه…",
        "name_on_sync": "غير متصل: سيظهر اسمه حين يعود الاتصال. ملاحظتك محفوظة.",
        "fix_code": "صحّح الرمز", "rescan": "امسح مجددًا", "retry_note": "ملاحظتك محفوظة:",
        "saved_everywhere": "كل من قابلتهم، من أي هاتف أو صفحة بطاقة: أشخاصي",
        "no_match_typed": "لا أحد يطابق ما كتبته.",
        "edit_offline": "أنت غير متصل: تُحفظ ملاحظاتك حين يعود الاتصال وتضغط حفظ مجددًا.",
        "signin_title": "سجّل الدخول على هذا الهاتف",
        "signin_tip": "كي يُحفظ هذا اللقاء لك أنت، لا لصاحب هذه البطاقة: اكتب البريد الذي سجّلت به، وافتح الرابط "
                      "الذي نرسله إليك على هذا الهاتف. ملاحظتك محفوظة.",
        "signin_text": "تُحفظ عمليات المسح والملاحظات باسمك. اكتب البريد الذي سجّلت به، فنرسل إليك رابطًا يسجّل "
                       "دخول هذا الهاتف. تفعل هذا مرة واحدة.",
        "signin_email": "البريد الذي سجّلت به", "signin_send": "أرسلوا إليّ رابط الدخول",
        "sent_title": "تفقّد بريدك",
        "sent_text": "إن كان {email} مسجّلًا في هذه الفعالية، فرابط الدخول في طريقه إليه. افتحه على هذا الهاتف خلال "
                     "30 دقيقة؛ يعمل مرة واحدة.",
        "sent_kept": "ملاحظتك محفوظة: يعيدك الرابط إلى هذه الصفحة ومعه ملاحظتك.",
        "sent_again": "لم يصل شيء بعد دقائق؟ انظر في مجلد الرسائل غير المرغوب فيها، أو تحقّق من العنوان واطلب مجددًا.",
        "signin_wait": "طُلبت عدة روابط دخول من قبل: انتظر {minutes} دقيقة ثم اطلب مجددًا.",
        "replaced_note": "استُبدل رابط هذا الهاتف برابط أحدث. سجّل الدخول مجددًا ببريدك.",
        "closed_title": "انتهت هذه الفعالية",
        "closed_text": "لم يعد ممكنًا إضافة لقاءات. رسالة المتابعة عن الأشخاص الذين قابلتهم وما دوّنته في طريقها "
                       "إليك؛ وحتى ذلك الحين تجدهم جميعًا في «أشخاصي».",
        "closed_link": "أشخاصي: كل من قابلتهم",
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
            "not_met": "هذا الشخص ليس ممن قابلتهم.",
            "outside_event_days": "تاريخ هذا اللقاء خارج أيام الفعالية: راجع تاريخ هاتفك ووقته.",
            "invalid_input": "راجع ما كتبته: ثمانية وسوم على الأكثر، لا يتجاوز كل منها 40 حرفًا، وملاحظات لا "
                             "تتجاوز 2000 حرف.",
            "link_used": "استُخدم رابط الدخول هذا من قبل. اطلب رابطًا جديدًا هنا.",
            "link_expired": "انتهت صلاحية رابط الدخول هذا: يعمل 30 دقيقة. اطلب رابطًا جديدًا هنا.",
            "replaced": "استُبدل هذا الرابط برابط أحدث: استخدم أحدث رابط وصلك، أو سجّل الدخول ببريدك.",
            "bad_email": "اكتب عنوان البريد كاملًا، كما سجّلت به.",
        },
    },
}

# What the scanner's script shows; the page hands these to it as JSON.
SCRIPT_TEXT = ("camera_ready", "camera_off", "bad_code", "badge_label", "code_label", "empty", "failed", "dismiss",
               "mutual_short", "online", "offline", "relogin", "refusals", "met_at", "looking_up", "name_on_sync",
               "fix_code", "note_label", "add_note_label")


def refusal_text(code: str, detail: str, language: str) -> str:
    """A refusal in the reader's language when we know its code, else the service's own detail."""
    return TEXT[language]["refusals"].get(code, detail)


# Who to meet (services/scan/whotomeet.py), kept together and merged in.
MEET_TEXT = {
    "en": {
        "nav_meet": "Who to meet", "meet_title": "Who to meet",
        "meet_intro": "A few people here worth meeting next, and why. Ask to meet; if they say yes, you both see "
                      "where to find each other.",
        "meet_suggested": "Suggested for you", "meet_ask": "I'd like to meet", "meet_not_now": "Not now",
        "meet_none": "No one to suggest right now. Say what you can help with and what you are looking for on your "
                     "profile page: suggestions follow what people give and seek.",
        "meet_received": "Asking to meet you", "meet_accept": "Accept",
        "meet_sent": "Your requests", "meet_waiting": "Sent: they have not answered yet.",
        "meet_agreed": "You agreed to meet.", "meet_point": "Meet at", "meet_no_point":
            "The organizers named no meeting point: look for each other's badge.",
        "meet_their_code": "Their short code", "meet_code_tip": "When you meet, type it into the scanner to keep them.",
        "meet_done_asked": "Sent: {name} sees your request in their pages.",
        "meet_done_dismissed": "Done: we will not suggest them again.",
        "meet_done_accepted": "Accepted: you and {name} can now see where to meet.",
        "meet_done_declined": "Done: {name} is not told.",
        "meet_offline": "You are offline: Who to meet needs a connection. What you see is from your last visit; "
                        "asking and answering work again once you are back online.",
        "meet_why": "Why",
    },
    "ar": {
        "nav_meet": "من تقابل", "meet_title": "من تقابل",
        "meet_intro": "أشخاص قليلون هنا يستحقون أن تقابلهم الآن، ولماذا. اطلب لقاءهم؛ "
                      "وإن وافقوا رأى كلاكما أين تلتقيان.",
        "meet_suggested": "مقترحون لك", "meet_ask": "أودّ اللقاء", "meet_not_now": "ليس الآن",
        "meet_none": "لا أحد نقترحه الآن. اكتب في صفحة ملفك ما تستطيع المساعدة فيه وما تبحث عنه: "
                     "الاقتراحات تتبع ما يقدّمه الناس وما يطلبونه.",
        "meet_received": "طلبات لقاء وصلتك", "meet_accept": "قبول",
        "meet_sent": "طلباتك", "meet_waiting": "أُرسل: لم يردّ بعد.",
        "meet_agreed": "اتفقتما على اللقاء.", "meet_point": "مكان اللقاء", "meet_no_point":
            "لم يحدّد المنظمون مكانًا للقاء: ابحثا عن بطاقة كلٍّ منكما.",
        "meet_their_code": "رمزه القصير", "meet_code_tip": "حين تلتقيان اكتبه في الماسح لتحفظه.",
        "meet_done_asked": "أُرسل: يرى {name} طلبك في صفحاته.",
        "meet_done_dismissed": "تم: لن نعيد اقتراح هذا الشخص.",
        "meet_done_accepted": "قُبل الطلب: يرى كلٌّ منك ومن {name} الآن أين تلتقيان.",
        "meet_done_declined": "تم: لن يُبلَّغ {name} بذلك.",
        "meet_offline": "أنت غير متصل: صفحة «من تقابل» تحتاج إلى اتصال. ما تراه من زيارتك الأخيرة؛ "
                        "يعود الطلب والرد حين يعود الاتصال.",
        "meet_why": "لماذا",
    },
}
MEET_REFUSALS = {
    "en": {"self_request": "That is you: ask to meet someone else.",
           "opted_out": "This person does not take meeting requests.",
           "unknown_request": "This request is no longer here: reload the page.",
           "already_accepted": "You already accepted this request: they can see where to meet you.",
           "match_unavailable": "Who to meet is not available right now: try again in a minute."},
    "ar": {"self_request": "هذا أنت: اطلب مقابلة شخص آخر.",
           "opted_out": "هذا الشخص لا يستقبل طلبات اللقاء.",
           "unknown_request": "لم يعد هذا الطلب موجودًا: أعد تحميل الصفحة.",
           "already_accepted": "سبق أن قبلت هذا الطلب: يستطيع أن يرى أين يلقاك.",
           "match_unavailable": "صفحة «من تقابل» غير متاحة الآن: حاول مجددًا بعد دقيقة."},
}
for _lang, _texts in TEXT.items():
    _texts.update(MEET_TEXT[_lang])
    _texts["refusals"].update(MEET_REFUSALS[_lang])
