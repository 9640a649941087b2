"""Every word of the follow-up and nudge emails, in English and Arabic, and how they vary.

Several phrasings for some parts, picked by a stable hash of the reader, so two attendees
rarely read the same sentence, and a retried email is word for word the same. The suggested
messages to other people live in messages.py.

Arabic is written so the unvowelled text reads correctly whoever the reader is and whoever they
met (no gendered imperatives, no third-person verbs about a named person: "اسمك بين لقاءات X",
not "حفظك X"), and counts follow Arabic number agreement (`plural_ar`): 1, 2, 3-10, 11-99, 100.
"""

from __future__ import annotations

import hashlib


def pick(options: tuple[str, ...], *seed: str) -> str:
    digest = hashlib.blake2s("|".join(seed).encode(), digest_size=4).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


def plural_ar(n: int) -> str:
    """Which form an Arabic counted noun takes after the number n (with digits): "one", "two",
    "few" (3-10, plural), "many" (11-99, singular accusative), "other" (100, 101, 102, ...,
    singular genitive), by the last two digits as the grammar (and CLDR) has it."""
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


def category(lang: str, n: int) -> str:
    """The plural category of n: Arabic "one", "two", "few", "many", "other"; English "one", "other"."""
    if lang == "ar":
        return plural_ar(n)
    return "one" if n == 1 else "other"


def counted(lang: str, forms: dict[str, str], n: int) -> str:
    return forms[category(lang, n)].format(n=n)


def people(lang: str, n: int) -> str:
    return counted(lang, TEXT[lang]["n_people"], n)


def days(lang: str, n: int) -> str:
    return counted(lang, TEXT[lang]["n_days"], n)


def joined(lang: str, names: list[str]) -> str:
    """A list as a sentence: "a, b and c" / "أ، ب وج" (the Arabic comma; "و" joins the last word)."""
    if len(names) <= 1:
        return "".join(names)
    if lang == "ar":
        return "، ".join(names[:-1]) + " و" + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


TEXT = {
    "en": {
        "q1": "\u201c",
        "q2": "\u201d",  # quotation marks around a headline
        "n_people": {"one": "1 person", "other": "{n} people"},
        "n_days": {"one": "1 day", "other": "{n} days"},
        "subject": (
            "Great to meet you at {event}",
            "{first}, the people you met at {event}",
            "{first}: who you met at {event}, and who to write to first",
        ),
        "subject_nobody": ("{first}, people at {event} who share your interests",),
        "hello": ("Hi {first},", "Hello {first},", "Dear {first},"),
        "intro": {
            "one": "Thank you for coming to {event}. You met 1 person; here is a message you could send.",
            "other": "Thank you for coming to {event}. You met {n} people; here is who to write to first.",
        },
        "highlights": "Worth a second conversation",
        "reason": {
            "mutual": "you scanned each other",
            "note": "you noted what you talked about",
            "interest": "you share an interest in {interests}",
            "tag": "you tagged: {tags}",
        },
        "why": "Why: ",
        "private": "Your note, only you see this:",
        "suggested": "A message you could send:",
        "add_link": "Add the link you promised before you send it.",
        "unreachable": "{name} did not share contact details. The organizers of {event} can pass a message on: "
        "reply to this email.",
        "unreachable_ask": "{name} did not share contact details; the organizers of {event} may pass a message "
        "on.",  # the event has no contact address: a reply would reach nobody who reads it
        "others": "Also met",
        "email": "Email",
        "add_contact": "Add to contacts",
        "mutual_badge": "met both ways",
        "mark_done": "Mark as followed up",
        "met_you": "They met you: say hello?",
        "met_you_tip": "They saved you as someone they met, and shared their contact details with you.",
        "nobody": "We did not see you scan anyone at {event}, and that's fine: some of the best conversations go "
        "unrecorded. These people were there and share your interests; a short, friendly note is a "
        "good way to start.",
        "shares": "In common: {interests}",
        "closing": (
            "A coffee beats a hundred messages. Enjoy the conversations.",
            "Small, steady contact is what turns a meeting into a relationship. Good luck!",
        ),
        "signature": "The {event} team, with Rapport",
        "why_this": "You receive this email because you agreed to a follow-up when you registered for {event}.",
        "unsubscribe": "Unsubscribe",
        "nudge_subject": ("{first}, a quick word about {names}", "{days} since {event}: a small nudge"),
        "nudge_intro": (
            "It has been {days} since {event}. A short message now keeps a new connection warm, and "
            "you haven't marked these people as followed up yet:",
            "{days} have passed since {event}. If you haven't yet, now is a good moment to write to:",
        ),
        "nudge_done": "Already in touch? Mark them as followed up and we won't mention them again.",
        "also_met": "You also met",
        "also_met_intro": "These meetings at {event} reached us after your follow-up email had gone out:",
    },
    "ar": {
        "q1": "«",
        "q2": "»",
        "n_people": {
            "one": "شخصًا واحدًا",
            "two": "شخصين",
            "few": "{n} أشخاص",
            "many": "{n} شخصًا",
            "other": "{n} شخص",
        },  # the object of "you met"
        "n_days": {
            "one": "يوم واحد",
            "two": "يومان",
            "few": "{n} أيام",
            "many": "{n} يومًا",
            "other": "{n} يوم",
        },  # the subject of "have passed"
        "subject": (
            "سعدنا بلقائك في {event}",
            "{first}، هذه لقاءاتك في {event}",
            "{first}: لقاءاتك في {event} ورسائل جاهزة للإرسال",
        ),
        "subject_nobody": ("{first}، أشخاص في {event} لديهم اهتماماتك نفسها",),
        "hello": ("مرحبًا {first}،", "أهلًا {first}،", "تحية طيبة يا {first}،"),
        "intro": {
            "one": "شكرًا لحضورك {event}. التقيت شخصًا واحدًا، وإليك رسالة يمكنك إرسالها.",
            "two": "شكرًا لحضورك {event}. التقيت شخصين، وإليك تفاصيل اللقاءين مع رسالة يمكنك إرسالها.",
            "few": "شكرًا لحضورك {event}. التقيت {n} أشخاص، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.",
            "many": "شكرًا لحضورك {event}. التقيت {n} شخصًا، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.",
            "other": "شكرًا لحضورك {event}. التقيت {n} شخص، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.",
        },
        "highlights": "لقاءات تستحق حديثًا ثانيًا",
        "reason": {
            "mutual": "تبادلتما مسح الشارة",
            "note": "دوّنت ملاحظة عن حديثكما",
            "interest": "اهتمام مشترك: {interests}",
            "tag": "الوسوم التي اخترتها: {tags}",
        },
        "why": "السبب: ",
        "private": "ملاحظتك، لا يراها غيرك:",
        "suggested": "رسالة يمكنك إرسالها:",
        "add_link": "يلزم إضافة الرابط الذي وعدت به قبل الإرسال.",
        "unreachable": "بيانات التواصل مع {name} غير متاحة. يمكن لمنظمي {event} إيصال رسالتك: يكفي الرد على "
        "هذه الرسالة.",
        "unreachable_ask": "بيانات التواصل مع {name} غير متاحة، وقد يتمكن منظمو {event} من إيصال رسالتك.",
        "others": "لقاءات أخرى",
        "email": "البريد",
        "add_contact": "إضافة إلى جهات الاتصال",
        "mutual_badge": "لقاء متبادل",
        "mark_done": "تم التواصل",
        "met_you": "لقاءات بادر بها الطرف الآخر: ما رأيك بكلمة ترحيب؟",
        "met_you_tip": "حُفظ اسمك في هذه اللقاءات، وبيانات التواصل متاحة لك.",
        "nobody": "لم نسجّل لك لقاءً في {event}، ولا بأس في ذلك؛ فكثير من أجمل الأحاديث لا يُدوَّن. "
        "وهذه أسماء من الحضور لديهم اهتمامات مشتركة معك، ورسالة قصيرة ودودة بداية جميلة.",
        "shares": "اهتمام مشترك: {interests}",
        "closing": (
            "فنجان قهوة واحد خير من مئة رسالة. نتمنى لك أحاديث ممتعة.",
            "التواصل القليل المنتظم هو ما يحوّل لقاءً عابرًا إلى علاقة. بالتوفيق!",
        ),
        "signature": "فريق {event}، مع Rapport",
        "why_this": "تصلك هذه الرسالة لأنك وافقت على المتابعة عند تسجيلك في {event}.",
        "unsubscribe": "إلغاء الاشتراك",
        "nudge_subject": ("{first}، تذكير لطيف بشأن {names}", "مرّ {days} على {event}: تذكير صغير"),
        "nudge_intro": (
            "مرّ {days} على {event}. رسالة قصيرة الآن تحافظ على دفء التعارف الجديد، ولم توضع بعد "
            "علامة «تم التواصل» على هذه اللقاءات:",
            "مضى {days} على {event}، وهذا وقت مناسب للتواصل مع:",
        ),
        "nudge_done": "هل تواصلت بالفعل؟ يكفي الضغط على «تم التواصل» ولن نذكّرك بهذا اللقاء مجددًا.",
        "also_met": "التقيت أيضًا",
        "also_met_intro": "وصلتنا هذه اللقاءات في {event} بعد إرسال رسالة المتابعة إليك:",
    },
}


def language(code: str) -> str:
    return code if code in TEXT else "en"


# For someone who met nobody, when the match service named who they should meet (bestmatches.py).
MATCHED_TEXT = {
    "en": {
        "subject_nobody_matched": ("{first}, people at {event} worth writing to",),
        "nobody_matched": "We did not see you scan anyone at {event}, and that's fine: some of the best "
        "conversations go unrecorded. These people were there, and what you are looking for "
        "and what they can help with fit (or the other way round); a short, friendly note is "
        "a good way to start.",
    },
    "ar": {
        "subject_nobody_matched": ("{first}، أشخاص في {event} تستحق مراسلتهم",),
        "nobody_matched": "لم نسجّل لك لقاءً في {event}، ولا بأس في ذلك؛ فكثير من أجمل الأحاديث لا يُدوَّن. "
        "وهؤلاء من الحضور يلتقي ما تبحث عنه بما يستطيعون المساعدة فيه (أو العكس)، "
        "ورسالة قصيرة ودودة بداية جميلة.",
    },
}
for _lang, _texts in TEXT.items():
    _texts.update(MATCHED_TEXT[_lang])
