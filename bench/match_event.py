"""A generated event for bench/match.py: attendees in Arabic and English with planted
complementary pairs.

The space is skill x domain (12 x 12). Each attendee seeks one (skill, domain) and gives
another, written with one of several phrasings per language. A planted pair is reciprocal: A
seeks what B gives and B seeks what A gives, each written with a different phrasing (and, for a
third of the pairs, in the other language). Everyone else draws from the same space, so about
one in 144 gives what a seeker wants: partial matches compete, and only reading both texts
(what I seek, what I give) singles out the partner. Interests: one of the person's domains in
their language and a hobby; companies from a pool of 400, so some colleagues come out too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.match.profile import Profile

# skill: (seek en, give en, seek ar, give ar); {d} is the domain
SKILLS = [
    (
        "an investor for my {d} startup",
        "I invest in early-stage {d} startups",
        "مستثمر لشركتي الناشئة في {d}",
        "أستثمر في الشركات الناشئة في {d}",
    ),
    (
        "a senior backend engineer to hire for {d}",
        "I am a backend engineer open to {d} roles",
        "مهندس برمجيات خلفية للتوظيف في {d}",
        "مهندس برمجيات خلفية أبحث عن عمل في {d}",
    ),
    (
        "a UX designer for our {d} app",
        "I design user experiences for {d} apps",
        "مصمم تجربة مستخدم لتطبيقنا في {d}",
        "أصمم تجربة المستخدم لتطبيقات {d}",
    ),
    (
        "help with marketing a {d} product",
        "I run growth marketing for {d} products",
        "مساعدة في تسويق منتج في {d}",
        "أدير التسويق والنمو لمنتجات {d}",
    ),
    (
        "legal advice on {d} regulation",
        "I am a lawyer specialised in {d} regulation",
        "استشارة قانونية في أنظمة {d}",
        "محامٍ متخصص في أنظمة وتشريعات {d}",
    ),
    (
        "a data scientist for {d} analytics",
        "I build machine learning models for {d}",
        "عالم بيانات لتحليلات {d}",
        "أبني نماذج تعلم الآلة في {d}",
    ),
    (
        "a mentor who has scaled a {d} company",
        "I mentor founders; I scaled a {d} company",
        "مرشد سبق أن وسّع شركة في {d}",
        "أرشد المؤسسين، وسبق أن وسّعت شركة في {d}",
    ),
    (
        "distributors for {d} products in the Gulf",
        "I distribute {d} products across the Gulf",
        "موزعين لمنتجات {d} في الخليج",
        "أوزع منتجات {d} في دول الخليج",
    ),
    (
        "a cloud architect to cut our {d} hosting costs",
        "I design cloud infrastructure for {d} firms",
        "مهندس سحابة لخفض تكاليف الاستضافة في {d}",
        "أصمم البنية السحابية لشركات {d}",
    ),
    (
        "pilot customers for a {d} solution",
        "my company buys and pilots new {d} solutions",
        "عملاء تجريبيين لحل في {d}",
        "شركتي تشتري وتجرب حلولاً جديدة في {d}",
    ),
    (
        "a co-founder with {d} experience",
        "I want to co-found a {d} startup",
        "شريك مؤسس لديه خبرة في {d}",
        "أرغب في المشاركة في تأسيس شركة ناشئة في {d}",
    ),
    (
        "journalists who cover {d}",
        "I am a journalist covering {d}",
        "صحفيين يغطون أخبار {d}",
        "صحفي أغطي أخبار {d}",
    ),
]
DOMAINS = [
    ("education technology", "تقنيات التعليم"),
    ("fintech", "التقنية المالية"),
    ("healthcare", "الرعاية الصحية"),
    ("e-commerce", "التجارة الإلكترونية"),
    ("logistics", "الخدمات اللوجستية"),
    ("real estate", "العقارات"),
    ("agriculture", "الزراعة"),
    ("video games", "ألعاب الفيديو"),
    ("tourism", "السياحة"),
    ("renewable energy", "الطاقة المتجددة"),
    ("cybersecurity", "الأمن السيبراني"),
    ("food and restaurants", "المطاعم والأغذية"),
]
# Several phrasings per language around the core phrase: seeker and partner never share one.
SEEK_FRAMES = {
    "en": ["Looking for {x}", "I need {x}", "Hoping to meet {x}"],
    "ar": ["أبحث عن {x}", "أحتاج إلى {x}", "أود أن ألتقي {x}"],
}
GIVE_FRAMES = {
    "en": ["{x}", "{x}, happy to help", "Ask me: {x}"],
    "ar": ["{x}", "{x}، ويسعدني المساعدة", "اسألني: {x}"],
}
HOBBIES = [
    ("coffee", "القهوة"),
    ("running", "الجري"),
    ("chess", "الشطرنج"),
    ("photography", "التصوير"),
    ("reading", "القراءة"),
    ("football", "كرة القدم"),
    ("music", "الموسيقى"),
    ("travel", "السفر"),
]
TITLES = {
    "en": ["Founder", "Engineer", "Consultant", "Manager", "Investor"],
    "ar": ["مؤسس", "مهندس", "مستشار", "مدير", "مستثمر"],
}


@dataclass(frozen=True)
class Generated:
    profiles: list[Profile]
    partner: dict[str, str]  # planted seeker -> their planted partner


def text(rng, language: str, skill: int, domain: int, seeking: bool, frame: int | None = None) -> str:
    column = (0 if seeking else 1) + (2 if language == "ar" else 0)
    core = SKILLS[skill][column].format(d=DOMAINS[domain][language == "ar"])
    frames = (SEEK_FRAMES if seeking else GIVE_FRAMES)[language]
    return frames[rng.randrange(len(frames)) if frame is None else frame].format(x=core)


def attendee(
    rng, n: int, language: str, seek: tuple[int, int], give: tuple[int, int], frames=(None, None)
) -> Profile:
    hobby = HOBBIES[rng.randrange(len(HOBBIES))][language == "ar"]
    domain = DOMAINS[rng.choice((seek[1], give[1]))][language == "ar"]
    title = rng.choice(TITLES[language])
    headline = f"{title} · {domain}" if language == "en" else f"{title} · {domain}"
    return Profile(
        f"p{n:05d}",
        "bench",
        f"Person {n}",
        language,
        f"Company {rng.randrange(400)}",
        headline,
        (domain, hobby),
        text(rng, language, *give, False, frames[1]),
        text(rng, language, *seek, True, frames[0]),
    )


def generate(attendees: int, pairs: int, seed: int = 17) -> Generated:
    rng = random.Random(seed)
    combo = lambda: (rng.randrange(len(SKILLS)), rng.randrange(len(DOMAINS)))  # noqa: E731
    profiles, partner = [], {}
    for p in range(pairs):
        seek, give = combo(), combo()
        lang_a = rng.choice(("en", "ar"))
        lang_b = lang_a if p % 3 else ("ar" if lang_a == "en" else "en")  # a third across languages
        fa, fb = rng.sample(range(3), 2), rng.sample(range(3), 2)  # never the same phrasing as the partner
        a = attendee(rng, len(profiles), lang_a, seek, give, (fa[0], fa[1]))
        b = attendee(rng, len(profiles) + 1, lang_b, give, seek, (fb[1], fb[0]))
        profiles += [a, b]
        partner[a.id], partner[b.id] = b.id, a.id
    while len(profiles) < attendees:
        profiles.append(attendee(rng, len(profiles), rng.choice(("en", "ar")), combo(), combo()))
    return Generated(profiles, partner)
