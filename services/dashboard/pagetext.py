"""Every word the dashboard's pages show, in English and Arabic (each organizer picks one)."""

from __future__ import annotations

from shared.events import FOLLOWUP_CAMPAIGN, WELCOME_CAMPAIGN, nudge_days

TEXT = {
    "en": {
        "switch": "العربية", "other": "ar", "dir": "ltr",
        "events": "Events", "tokens": "API tokens", "log_out": "Log out",
        "log_in": "Log in", "email": "Email", "password": "Password", "name": "Name",
        "bad_login": "That email and password do not match an organizer.",
        "no_organizers": "No organizer exists yet.", "set_up": "Create the first organizer",
        "setup_title": "Create an organizer",
        "setup_tip": "Use the admin token that `./rapport up` printed (RAPPORT_ADMIN_TOKEN). The first organizer "
                     "becomes an admin: they see every event and can add organizers.",
        "admin_token": "Admin token", "language": "Language", "create": "Create",
        "bad_admin_token": "That is not the admin token.",
        "your_events": "Your events", "no_events": "No events yet: create one below.",
        "new_event": "New event", "event_name": "Event name", "venue": "Venue", "starts": "Starts", "ends": "Ends",
        "timezone": "Time zone", "event_language": "Badge and email language",
        "open": "open", "closed": "closed",
        "live": "Live", "attendees": "Attendees", "after": "After the event",
        "meetings": "Meetings", "mutual_share": "Both scanned", "active_scanners": "Active scanners",
        "active_tip": "scanned in the last 10 minutes", "met_someone": "Met someone",
        "per_10": "Meetings per 10 minutes", "mutual_series": "Both scanned",
        "graph": "Who met whom", "graph_tip": "Drag to move, scroll to zoom. Orange: has met nobody yet.",
        "graph_limited": "Showing the {shown} best-connected of {total} attendees.",
        "top_connectors": "Top connectors", "none_yet": "Nobody yet.",
        "unmet": "Has met nobody yet", "unmet_tip": "Introduce them to their best match, or to someone who shares an interest.",
        "introduce": "Introduce to {name}", "shares": "shares “{interest}”", "no_match": "no shared interest yet",
        "best_match": "Best match to introduce: {name}", "best_match_why": "What we tell them",
        "suggested_met": "Suggested pairs who met", "suggested_met_tip": "met after we suggested them to each other",
        "everyone_met": "Everyone has met someone.",
        "offline": "Live updates paused: reconnecting…",
        "close_event": "Close the event", "close_confirm": "Close this event? Scans stop and follow-ups begin.",
        "closed_at": "Closed {when}",
        "import_title": "Import attendees", "import_tip": "A UTF-8 CSV with name and email columns (company, title, "
        "headline, interests, language, consent_followup, consent_share_contact optional; Arabic column names work).",
        "csv_file": "CSV file", "upload": "Upload",
        "import_result": "{created} added, {updated} updated, {unchanged} unchanged.",
        "rejected": "Rows not imported", "line": "Line", "reason": "Reason",
        "print_title": "Print badges", "layout": "Layout", "double_sided": "Double-sided", "download_pdf": "Download PDF",
        "public_url_unreachable": "These badges' QR codes would open {url}, which attendees' phones cannot reach. "
                                  "Set RAPPORT_PUBLIC_URL to an address phones can open (on a local network, "
                                  "./rapport up --lan does it) before printing for real.",
        "print_anyway": "Print anyway (a test print)",
        "search": "Search by name", "find": "Find", "company": "Company", "badge": "Badge",
        "followup_preview": "Follow-up email", "view": "View", "page_of": "Page {page} of {pages}",
        "previous": "Previous", "next": "Next", "no_attendees": "No attendees yet.",
        "headline": "Headline", "interests": "Interests", "shares_contact": "Shares contact details",
        "yes": "yes", "no": "no", "badge_image": "Badge of {name}", "plain_text": "Plain text",
        "wording_title": "Your own words for the email, in {language}",
        "wording_tip": "Leave a field empty to keep Rapport's text. {first} is the reader's first name, {event} "
                       "the event's. Preview shows this attendee's email with your words, without saving.",
        "wording_subject": "Subject", "wording_opening": "Opening paragraph", "wording_signature": "Signature",
        "wording_preview": "Preview", "wording_save": "Save", "wording_reset": "Back to Rapport's text",
        "language_en": "English", "language_ar": "Arabic",
        "followup_status": "Follow-up delivery", "campaign": "Campaign", "queued": "Queued", "deferred": "Deferred", "sent": "Sent",
        "failed": "Failed", "skipped": "Not sent, on purpose",
        "unsubscribed": "Unsubscribed, no more email to them: {count}", "followed_up": "“Followed up” clicks",
        "people_following_up": "People who followed up", "no_followups": "No follow-up has been queued yet.",
        "campaign_followup": "Follow-up", "campaign_nudge": "Nudge, day {day}",
        "exports": "Exports", "export_attendees": "Attendees (CSV)", "export_meetings": "Meetings (CSV)",
        "exports_tip": "Email addresses appear only for people who agreed to share them.",
        "team": "Organizers of this event",
        "team_tip": "Give another organizer access by email: it works once an admin has given them an account.",
        "grant": "Give access",
        "granted": "Access given to {email}: they see this event when they sign in as an organizer.",
        "revoked": "{email} no longer sees this event.",
        "grant_owner": "owner", "revoke_access": "Take access away from {email}",
        "tokens_tip": "For scripts: send Authorization: Bearer <token>. A token is shown once, when it is made.",
        "token_name": "What is it for?", "make_token": "Make a token", "new_token": "Your new token (copy it now):",
        "created": "Created", "last_used": "Last used", "never": "never", "revoke": "Revoke",
        "error_title": "That did not work", "back": "Back",
        "waiting": "Waiting for this event's data from the bus…",
        "campaign_welcome": "Welcome email",
        "welcome_title": "Welcome email",
        "welcome_tip": "Each attendee's badge, the link to their own page and their short code, so they can start "
                       "on their phone. Sent as they are registered, unless the event's welcome setting says "
                       "otherwise.",
        "welcome_column": "Welcome email", "welcome_not_sent": "not sent",
        "welcome_status": {"queued": "queued", "sending": "sending", "deferred": "will retry", "sent": "sent",
                           "failed": "failed", "skipped": "not sent", "unconfirmed": "sent, not confirmed"},
        "welcome_send_all": "Send to everyone not yet sent",
        "welcome_queued_all": "Welcome emails queued: {n}.",
        "welcome_send_one": "Send the welcome email", "welcome_resend": "Send it again",
        "welcome_queued_one": "The welcome email is on its way.",
        "welcome_waiting": "A welcome email to them is already on its way.",
        "welcome_preview": "See the welcome email",
        "private_links": "Private links (CSV)",
        "private_links_tip": "Name, email, language, short code and private link of everyone: for your own mail "
                             "merge when the event's welcome email is off. Each link is a person's key to their "
                             "page: send each one only to its owner.",
        "welcome_setting": "Welcome email", "welcome_on_registration": "As each one registers",
        "welcome_off": "Off: I send my own",
        "welcome_scheduled": "At a time I choose", "welcome_at": "Welcome time (if chosen)",
    },
    "ar": {
        "switch": "English", "other": "en", "dir": "rtl",
        "events": "الفعاليات", "tokens": "رموز الواجهة البرمجية", "log_out": "خروج",
        "log_in": "دخول", "email": "البريد الإلكتروني", "password": "كلمة المرور", "name": "الاسم",
        "bad_login": "هذا البريد وكلمة المرور لا يطابقان أي منظّم.",
        "no_organizers": "لا يوجد منظّم بعد.", "set_up": "أنشئ أول منظّم",
        "setup_title": "إنشاء منظّم",
        "setup_tip": "استخدم رمز المشرف الذي طبعه ‎`./rapport up`‎ ‏(RAPPORT_ADMIN_TOKEN). يصبح أول منظّم مشرفًا: "
                     "يرى كل الفعاليات ويمكنه إضافة منظّمين.",
        "admin_token": "رمز المشرف", "language": "اللغة", "create": "إنشاء",
        "bad_admin_token": "هذا ليس رمز المشرف.",
        "your_events": "فعالياتك", "no_events": "لا فعاليات بعد: أنشئ واحدة أدناه.",
        "new_event": "فعالية جديدة", "event_name": "اسم الفعالية", "venue": "المكان", "starts": "تبدأ",
        "ends": "تنتهي", "timezone": "المنطقة الزمنية", "event_language": "لغة البطاقات والرسائل",
        "open": "مفتوحة", "closed": "مغلقة",
        "live": "مباشر", "attendees": "المشاركون", "after": "بعد الفعالية",
        "meetings": "اللقاءات", "mutual_share": "مسح متبادل", "active_scanners": "يمسحون الآن",
        "active_tip": "مسحوا خلال آخر 10 دقائق", "met_someone": "التقوا بأحد",
        "per_10": "اللقاءات كل 10 دقائق", "mutual_series": "مسح متبادل",
        "graph": "من التقى بمن", "graph_tip": "اسحب للتحريك، ومرّر للتكبير. البرتقالي: لم يلتقِ بأحد بعد.",
        "graph_limited": "يُعرض أكثر {shown} مشاركًا تواصلًا من أصل {total}.",
        "top_connectors": "الأكثر تواصلًا", "none_yet": "لا أحد بعد.",
        "unmet": "لم يلتقوا بأحد بعد", "unmet_tip": "عرّفهم بأنسب من يلتقونه، أو بمن يشاركهم أحد اهتماماتهم.",
        "introduce": "عرّفه بـ{name}", "shares": "يشاركه «{interest}»", "no_match": "لا اهتمام مشترك بعد",
        "best_match": "أنسب من تعرّفه به: {name}", "best_match_why": "ما نقوله له",
        "suggested_met": "أزواج مقترحة التقت", "suggested_met_tip": "التقوا بعد أن اقترحنا كلًّا منهم على الآخر",
        "everyone_met": "التقى الجميع بأحد.",
        "offline": "توقّف التحديث المباشر: جارٍ إعادة الاتصال…",
        "close_event": "أغلق الفعالية", "close_confirm": "إغلاق هذه الفعالية؟ يتوقف المسح وتبدأ رسائل المتابعة.",
        "closed_at": "أُغلقت {when}",
        "import_title": "استيراد المشاركين", "import_tip": "ملف CSV بترميز UTF-8 فيه عمودا الاسم والبريد (الشركة "
        "والمسمى والعبارة والاهتمامات واللغة والموافقات اختيارية؛ تصلح أسماء الأعمدة العربية).",
        "csv_file": "ملف CSV", "upload": "رفع",
        "import_result": "أُضيف {created}، وحُدّث {updated}، وبقي {unchanged} كما هو.",
        "rejected": "صفوف لم تُستورد", "line": "السطر", "reason": "السبب",
        "print_title": "طباعة البطاقات", "layout": "التخطيط", "double_sided": "على الوجهين",
        # The address, the setting and the command are left-to-right runs: isolated (LRI ... PDI) so an
        # Arabic line keeps them whole ("./rapport up --lan", not "rapport up --lan/.").
        "public_url_unreachable": "رموز QR في هذه البطاقات ستفتح \u2066{url}\u2069، ولا تصل إليه هواتف المشاركين. "
                                  "اضبط \u2066RAPPORT_PUBLIC_URL\u2069 على عنوان تفتحه الهواتف (في شبكة محلية يفعل "
                                  "ذلك \u2066./rapport up --lan\u2069) قبل الطباعة الفعلية.",
        "print_anyway": "اطبع على أي حال (طباعة تجريبية)",
        "download_pdf": "تنزيل PDF",
        "search": "ابحث بالاسم", "find": "بحث", "company": "الشركة", "badge": "البطاقة",
        "followup_preview": "رسالة المتابعة", "view": "عرض", "page_of": "الصفحة {page} من {pages}",
        "previous": "السابق", "next": "التالي", "no_attendees": "لا مشاركين بعد.",
        "headline": "العبارة", "interests": "الاهتمامات", "shares_contact": "يشارك بيانات التواصل",
        "yes": "نعم", "no": "لا", "badge_image": "بطاقة {name}", "plain_text": "نص عادي",
        "wording_title": "صياغتك الخاصة للرسالة باللغة {language}",
        "wording_tip": "الحقل الفارغ يُبقي نص Rapport. {first} هو الاسم الأول للقارئ، و{event} اسم الفعالية. "
                       "المعاينة تعرض رسالة هذا الحاضر بكلماتك دون حفظها.",
        "wording_subject": "الموضوع", "wording_opening": "الفقرة الافتتاحية", "wording_signature": "التوقيع",
        "wording_preview": "معاينة", "wording_save": "حفظ", "wording_reset": "العودة إلى نص Rapport",
        "language_en": "الإنجليزية", "language_ar": "العربية",
        "followup_status": "تسليم رسائل المتابعة", "campaign": "الحملة", "queued": "في الانتظار", "deferred": "مؤجلة", "sent": "أُرسلت",
        "failed": "فشلت", "skipped": "لم تُرسل عن قصد",
        "unsubscribed": "ألغوا الاشتراك، فلا رسائل أخرى إليهم: {count}", "followed_up": "نقرات «تابعتُ»",
        "people_following_up": "من تابعوا", "no_followups": "لم تُجدول أي رسالة متابعة بعد.",
        "campaign_followup": "المتابعة", "campaign_nudge": "تذكير، اليوم {day}",
        "exports": "التصدير", "export_attendees": "المشاركون (CSV)", "export_meetings": "اللقاءات (CSV)",
        "exports_tip": "لا تظهر عناوين البريد إلا لمن وافق على مشاركتها.",
        "team": "منظّمو هذه الفعالية",
        "team_tip": "امنح منظّمًا آخر صلاحية الوصول ببريده: تسري حين يكون له حساب أنشأه مشرف.",
        "grant": "امنح الصلاحية",
        "granted": "مُنحت الصلاحية لـ {email}: سيرى هذه الفعالية حين يدخل منظّمًا.",
        "revoked": "لم يعد {email} يرى هذه الفعالية.",
        "grant_owner": "المالك", "revoke_access": "اسحب الصلاحية من {email}",
        "tokens_tip": "للبرامج: أرسل Authorization: Bearer <الرمز>. يظهر الرمز مرة واحدة عند إنشائه.",
        "token_name": "ما الغرض منه؟", "make_token": "أنشئ رمزًا", "new_token": "رمزك الجديد (انسخه الآن):",
        "created": "أُنشئ", "last_used": "آخر استخدام", "never": "أبدًا", "revoke": "إلغاء",
        "error_title": "تعذّر ذلك", "back": "رجوع",
        "waiting": "بانتظار بيانات هذه الفعالية من ناقل الأحداث…",
        "campaign_welcome": "رسالة الترحيب",
        "welcome_title": "رسالة الترحيب",
        "welcome_tip": "بطاقة كل مشارك ورابط صفحته الخاصة ورمزه المختصر، ليبدأ من هاتفه. تُرسل عند التسجيل، "
                       "ما لم يقضِ إعداد الترحيب في الفعالية بغير ذلك.",
        "welcome_column": "رسالة الترحيب", "welcome_not_sent": "لم تُرسل",
        "welcome_status": {"queued": "في الانتظار", "sending": "قيد الإرسال", "deferred": "ستُعاد المحاولة",
                           "sent": "أُرسلت", "failed": "تعذّر إرسالها", "skipped": "لم تُرسل",
                           "unconfirmed": "أُرسلت دون تأكيد"},
        "welcome_send_all": "أرسلها إلى كل من لم تصله",
        "welcome_queued_all": "رسائل ترحيب في الانتظار: {n}.",
        "welcome_send_one": "أرسل رسالة الترحيب", "welcome_resend": "أرسلها مرة أخرى",
        "welcome_queued_one": "رسالة الترحيب في طريقها إليه.",
        "welcome_waiting": "رسالة ترحيب إليه في طريقها بالفعل.",
        "welcome_preview": "اعرض رسالة الترحيب",
        "private_links": "الروابط الخاصة (CSV)",
        "private_links_tip": "الاسم والبريد واللغة والرمز المختصر والرابط الخاص لكل مشارك: لرسائلك الخاصة حين "
                             "يكون الترحيب متوقفًا. كل رابط مفتاح صاحبه إلى صفحته: أرسل كل رابط إلى صاحبه وحده.",
        "welcome_setting": "رسالة الترحيب", "welcome_on_registration": "عند تسجيل كل مشارك",
        "welcome_off": "متوقفة: أرسلها بنفسي",
        "welcome_scheduled": "في وقت أختاره", "welcome_at": "وقت الترحيب (إن اخترته)",
    },
}

# What the live view's script shows; the page hands these to it as JSON.
SCRIPT_TEXT = ("meetings", "mutual_series", "introduce", "shares", "no_match", "none_yet", "everyone_met", "offline",
               "graph_limited", "best_match", "best_match_why")
LAYOUT_NAMES = {"a4-a6": "A4, 4 × A6", "a4-a7": "A4, 8 × A7", "letter": "US Letter", "avery-5395": "Avery 5395",
                "single-a6": "A6, one per page"}


def campaign_name(campaign: str, text: dict) -> str:
    if campaign == FOLLOWUP_CAMPAIGN:
        return text["campaign_followup"]
    if campaign == WELCOME_CAMPAIGN:
        return text["campaign_welcome"]
    day = nudge_days(campaign)
    return text["campaign_nudge"].format(day=day) if day is not None else campaign
