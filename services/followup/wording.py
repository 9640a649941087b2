"""Every word of the follow-up and nudge emails, in English and Arabic, and how they vary.

Several phrasings for each part, picked by a stable hash of who writes to whom, so two
attendees (or two contacts in one email) rarely read the same sentence, and a retried email is
word for word the same. The suggested first messages lead with something of value (a thanks that
names the conversation, a shared interest, a kind word on their work) and only then ask for a
coffee or a short call. Every phrase that mentions an optional field has a variant without it.

Arabic is written so the unvowelled text reads correctly whoever the reader is (no gendered
imperatives), and counts follow Arabic number agreement (`count_ar`).
"""

from __future__ import annotations

import hashlib


def pick(options: tuple[str, ...], *seed: str) -> str:
    digest = hashlib.blake2s("|".join(seed).encode(), digest_size=4).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


def count_ar(n: int, one: str, two: str, few: str, many: str) -> str:
    """Arabic number agreement: the forms for 1, 2, 3-10 (plural, with the digits) and 11+ (singular)."""
    if n == 1:
        return one
    if n == 2:
        return two
    if 3 <= n % 100 <= 10:
        return f"{n} {few}"
    return f"{n} {many}"


def people(lang: str, n: int) -> str:
    if lang == "ar":
        return count_ar(n, "شخصًا واحدًا", "شخصين", "أشخاص", "شخصًا")  # the object of "you met"
    return "1 person" if n == 1 else f"{n} people"


def days(lang: str, n: int) -> str:
    if lang == "ar":
        return count_ar(n, "يوم واحد", "يومان", "أيام", "يومًا")
    return "1 day" if n == 1 else f"{n} days"


def joined(lang: str, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if lang == "ar":
        return "، ".join(names[:-1]) + " و" + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


TEXT = {
    "en": {
        "q1": "“", "q2": "”",  # quotation marks around a headline
        "subject": ("Great to meet you at {event}", "{first}, the people you met at {event}",
                    "{first}: who you met at {event}, and who to write to first"),
        "subject_nobody": ("{first}, people at {event} who share your interests",),
        "hello": ("Hi {first},", "Hello {first},", "Dear {first},"),
        "intro": ("Thank you for coming to {event}. You met {count}; here they are with the notes you wrote, "
                  "so the conversations don't end at the door.",
                  "{event} is over, but the conversations don't have to be. You met {count}; below they are, "
                  "in your own words.",
                  "It was good to have you at {event}. Here are the {count} you met, with what you noted, "
                  "while the conversations are still fresh."),
        "highlights": "Worth a second conversation",
        "highlights_tip": "A few real relationships beat a long list of contacts, so here are at most five, "
                          "and why each one stood out.",
        "reason": {"mutual": "you scanned each other", "note": "you noted what you talked about",
                   "interest": "you share an interest in {interests}", "tag": "you tagged: {tags}"},
        "why": "Why: ",
        "suggested": "A first message you could send:",
        "opener_note": ("Hi {name}, thank you for the conversation about {topic} at {event}. It gave me a lot to "
                        "think about.",
                        "Hi {name}, I keep coming back to what we discussed at {event}: {topic}. Thank you for "
                        "sharing it."),
        "opener_interest": ("Hi {name}, since we both care about {interest}, I wanted to send you an article on it "
                            "that I found useful.",
                            "Hi {name}, it was great to find someone else at {event} who is into {interest}. Here is "
                            "something on it I think you'd enjoy."),
        "opener_headline": ("Hi {name}, I liked what you told me about your work (\u201c{headline}\u201d). It stayed "
                            "with me after {event}.",),
        "opener_plain": ("Hi {name}, it was a pleasure to meet you at {event}, and thank you for your time.",
                         "Hi {name}, thank you for taking the time to talk at {event}; I enjoyed it."),
        "ask": ("If you're up for it, I'd love to continue over a coffee, or a short call next week.",
                "Would you have 15 minutes for a coffee or a call in the coming weeks?",
                "Shall we meet for a coffee, or have a quick call, to pick up where we left off?"),
        "everyone": "Everyone you met",
        "you_wrote": "You wrote", "tags": "Tags", "in_common": "In common",
        "mutual_badge": "met both ways", "email": "Email", "add_contact": "Add to contacts",
        "mark_done": "Mark as followed up",
        "met_you": "They met you: say hello?",
        "met_you_line": "{name} saved you as someone they met at {event}.",
        "nobody": "We did not see you scan anyone at {event}, and that's fine: some of the best conversations go "
                  "unrecorded. These people were there and share your interests; a short, friendly note is a "
                  "good way to start.",
        "shares": "Shares your interest in {interests}",
        "closing": ("A coffee beats a hundred messages. Enjoy the conversations.",
                    "Small, steady contact is what turns a meeting into a relationship. Good luck!"),
        "signature": "The {event} team, with Rapport",
        "why_this": "You receive this email because you agreed to a follow-up when you registered for {event}.",
        "unsubscribe": "Unsubscribe",
        "nudge_subject": ("{first}, a quick word about {names}", "{days} since {event}: a small nudge"),
        "nudge_intro": ("It has been {days} since {event}. A short message now keeps a new connection warm, and "
                        "you haven't marked these people as followed up yet:",
                        "{days} have passed since {event}. If you haven't yet, now is a good moment to write "
                        "to:"),
        "nudge_done": "Already in touch? Mark them as followed up and we won't mention them again.",
    },
    "ar": {
        "q1": "«", "q2": "»",
        "subject": ("سعدنا بلقائك في {event}", "{first}، هؤلاء من التقيت بهم في {event}",
                    "{first}: من التقيت بهم في {event}، ولمن تكتب أولًا"),
        "subject_nobody": ("{first}، أشخاص في {event} يشاركونك اهتماماتك",),
        "hello": ("مرحبًا {first}،", "أهلًا {first}،", "تحية طيبة يا {first}،"),
        "intro": ("شكرًا لحضورك {event}. التقيت {count}؛ إليك قائمتهم مع ملاحظاتك، حتى لا تنتهي الأحاديث عند "
                  "باب القاعة.",
                  "انتهت فعاليات {event}، لكن الأحاديث لا يجب أن تنتهي. التقيت {count}، وهذه قائمتهم بكلماتك أنت.",
                  "سعدنا بوجودك في {event}. هذه قائمة من التقيت بهم ({count}) مع ما دوّنته، والأحاديث ما زالت "
                  "حاضرة في الذهن."),
        "highlights": "يستحقون حديثًا ثانيًا",
        "highlights_tip": "علاقات قليلة حقيقية خير من قائمة طويلة من الأسماء؛ لذلك اخترنا خمسة على الأكثر، "
                          "مع سبب اختيار كل منهم.",
        "reason": {"mutual": "تبادلتما مسح الشارة", "note": "دوّنت ملاحظة عن حديثكما",
                   "interest": "اهتمام مشترك: {interests}", "tag": "الوسوم التي اخترتها: {tags}"},
        "why": "السبب: ",
        "suggested": "اقتراح لرسالتك الأولى:",
        "opener_note": ("مرحبًا {name}، شكرًا على حديثنا عن {topic} في {event}؛ ما زلت أفكر فيه.",
                        "مرحبًا {name}، عدت أكثر من مرة إلى ما تحدثنا عنه في {event}: {topic}. شكرًا لأنك "
                        "شاركتني إياه."),
        "opener_interest": ("مرحبًا {name}، بما أن «{interest}» يهمّنا نحن الاثنين، أحببت أن أشاركك مقالًا "
                            "وجدته مفيدًا عنه.",
                            "مرحبًا {name}، سعدت بأن التقيت في {event} بمن يهتم مثلي بـ«{interest}». هذا شيء عنه "
                            "أظنه سيعجبك."),
        "opener_headline": ("مرحبًا {name}، أعجبني ما حدثتني به عن عملك («{headline}»)، وبقي في ذهني بعد {event}.",),
        "opener_plain": ("مرحبًا {name}، سعدت بلقائك في {event}، وشكرًا على وقتك.",
                         "مرحبًا {name}، شكرًا لأنك خصصت وقتًا للحديث في {event}؛ استمتعت به كثيرًا."),
        "ask": ("إن كان لديك وقت، يسعدني أن نكمل الحديث على فنجان قهوة أو في مكالمة قصيرة الأسبوع القادم.",
                "هل لديك ربع ساعة لقهوة أو مكالمة في الأسابيع القادمة؟",
                "ما رأيك في لقاء قصير على قهوة، أو مكالمة سريعة، لنكمل من حيث توقفنا؟"),
        "everyone": "كل من التقيت بهم",
        "you_wrote": "ملاحظتك", "tags": "الوسوم", "in_common": "اهتمامات مشتركة",
        "mutual_badge": "لقاء متبادل", "email": "البريد", "add_contact": "أضف إلى جهات الاتصال",
        "mark_done": "تم التواصل",
        "met_you": "التقوا بك، فما رأيك بكلمة ترحيب؟",
        "met_you_line": "حفظك {name} ضمن من التقى بهم في {event}.",
        "nobody": "لم نسجّل أنك التقيت أحدًا في {event}، ولا بأس في ذلك؛ فكثير من أجمل الأحاديث لا يُدوَّن. "
                  "هؤلاء حضروا ويشاركونك اهتماماتك، ورسالة قصيرة ودودة بداية جميلة.",
        "shares": "يشاركك الاهتمام بـ: {interests}",
        "closing": ("فنجان قهوة واحد خير من مئة رسالة. نتمنى لك أحاديث ممتعة.",
                    "التواصل القليل المنتظم هو ما يحوّل لقاءً عابرًا إلى علاقة. بالتوفيق!"),
        "signature": "فريق {event}، مع Rapport",
        "why_this": "تصلك هذه الرسالة لأنك وافقت على المتابعة عند تسجيلك في {event}.",
        "unsubscribe": "إلغاء الاشتراك",
        "nudge_subject": ("{first}، تذكير لطيف بشأن {names}", "مرّ {days} على {event}: تذكير صغير"),
        "nudge_intro": ("مرّ {days} على {event}. رسالة قصيرة الآن تحافظ على دفء التعارف الجديد، ولم تضع بعد "
                        "علامة «تم التواصل» على هؤلاء:",
                        "مضى {days} على {event}. إن لم تكن كتبت لهم بعد، فهذا وقت مناسب للتواصل مع:"),
        "nudge_done": "هل تواصلت معهم بالفعل؟ اضغط «تم التواصل» ولن نذكّرك بهم مجددًا.",
    },
}


def language(code: str) -> str:
    return code if code in TEXT else "en"


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def topic_of(note: str, limit: int = 90) -> str:
    """A note shortened at a word boundary, to quote back inside a sentence."""
    note = " ".join(note.split()).rstrip(".!؟?،,")
    if len(note) <= limit:
        return note
    cut = note[:limit].rsplit(" ", 1)[0]
    return cut + "…"
