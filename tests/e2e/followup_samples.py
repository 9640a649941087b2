"""Realistic follow-up digests for looking at the email: an attendee and the people they met,
built in memory (no database), in English or Arabic, with a few people writing in the other
language and script, notes, tags, shared interests, and people who did not share their details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.followup.compose import Composer, EventInfo
from services.followup.digest import Contact, Digest, Person, build_digest, shared_interests
from services.followup.links import Links
from shared.tokens import TokenSigner

MET = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PEOPLE = [  # name, language, title, company, headline, interests, shares contact
    (
        "Omar Khalil",
        "en",
        "Head of Payments",
        "Careem",
        "I build payment rails for the Gulf",
        ("fintech",),
        True,
    ),
    (
        "ليلى حداد",
        "ar",
        "مؤسسة",
        "قهوة وكود",
        "أساعد المقاهي الصغيرة على البيع عبر الإنترنت",
        ("قهوة", "تجارة"),
        True,
    ),
    (
        "Daniel Brooks",
        "en",
        "Staff Engineer",
        "Stripe",
        "Making checkout boring and reliable",
        ("fintech", "design"),
        False,
    ),
    ("سارة العتيبي", "ar", "مديرة منتج", "STC-ORG", "", ("التعليم",), True),
    (
        "Abdul Rahman Al Saud",
        "en",
        "",
        "Aramco Ventures",
        "Investing in climate tech in the region",
        ("climate",),
        True,
    ),
    ("Mei Tanaka", "en", "Designer", "", "", (), True),
    (
        "يوسف العمراني",
        "ar",
        "",
        "",
        "أطوّر أدوات للذكاء الاصطناعي باللهجات العربية",
        ("الذكاء الاصطناعي",),
        False,
    ),
    ("Priya Raman", "en", "CTO", "Tabby", "", ("fintech",), True),
    ("خالد منصور", "ar", "محاسب", "", "", (), True),
    ("Sofia Rossi", "en", "", "", "", (), True),
    ("نورة السالم", "ar", "باحثة", "جامعة الملك سعود", "", ("التعليم",), True),
    ("James Okafor", "en", "Founder", "Paystack", "Payments for Africa's next billion", ("fintech",), True),
    ("ريم الحربي", "ar", "", "", "", (), False),
    ("Lucas Martin", "en", "PM", "Noon", "", (), True),
    ("هند القحطاني", "ar", "مصممة", "", "", ("التصميم",), True),
]
NOTES = {
    "en": [
        "Great chat on Arabic NLP dialects; wants to pilot with our support team in Q1",
        "runs a coffee shop; send her our offline SDK docs",
        "",
        "asked about our internship programme",
        "climate fund, second close in March",
        "",
        "",
        "knows the Tabby API team",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    "ar": [
        "حديث رائع عن لهجات الخليج؛ يريد تجربة مع فريق الدعم",
        "تدير مقهى؛ أرسل لها وثائق SDK",
        "",
        "سألت عن برنامج التدريب",
        "صندوق مناخ، الإغلاق الثاني في مارس",
        "",
        "",
        "يعرف فريق Tabby",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
}
MET_YOU = [
    ("Fatima Zahra Benali", "en", "Partnerships", "Wamda", "", ("fintech",), True),
    ("ماجد الدوسري", "ar", "مستثمر", "", "", (), True),
]  # scanned the reader, not scanned back
TAGS = [
    ("coffee later",),
    ("send a link",),
    (),
    ("hiring",),
    ("intro",),
    (),
    ("collaborate",),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
]


def composer() -> Composer:
    return Composer(Links("https://followup.example.org", TokenSigner("sample-signing-key-0123456789")))


def sample(lang: str, n: int, met_you: int = 2) -> tuple[EventInfo, Digest]:
    """The follow-up digest of a reader (writing in `lang`) who met `n` people (up to 17): `met_you`
    of them scanned the reader without being scanned back, the reader scanned the others."""
    interests = ("fintech", "التعليم", "climate")
    reader = Person(
        "reader000000001",
        "Huda Salem" if lang == "en" else "هدى سالم",
        "huda@example.org",
        lang,
        interests=interests,
    )
    contacts = []
    for i, (name, language, title, company, headline, theirs, share) in enumerate(PEOPLE[: n - met_you]):
        other = Person(
            f"person{i:09d}", name, f"p{i}@example.org", language, company, title, headline, theirs, share
        )
        note = NOTES[lang][i]
        contacts.append(
            Contact(
                other,
                i_scanned=True,
                they_scanned=i in (0, 3),
                met_at=MET + timedelta(minutes=i),
                notes=(note,) if note else (),
                tags=TAGS[i],
                shared_interests=shared_interests(reader.interests, theirs),
            )
        )
    for j, (name, language, title, company, headline, theirs, share) in enumerate(MET_YOU[:met_you]):
        other = Person(
            f"metyou{j:09d}", name, f"m{j}@example.org", language, company, title, headline, theirs, share
        )
        contacts.append(
            Contact(
                other,
                i_scanned=False,
                they_scanned=True,
                met_at=MET + timedelta(minutes=30 + j),
                shared_interests=shared_interests(reader.interests, theirs),
            )
        )
    event = EventInfo("evt000000000001", "Gulf Product Summit" if lang == "en" else "ملتقى الرياض للمنتجات")
    return event, build_digest(reader, contacts)
