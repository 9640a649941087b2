"""Every sentence the match service shows, in Arabic and English (one table; tests/unit/match
checks that both languages have the same keys and placeholders)."""

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "both_ways": "They can help with {theirs}, what you are looking for; and you with {mine}, what they seek.",
        "they_help": "What you are looking for, {mine}: they can help with {theirs}.",
        "you_help": "They are looking for {theirs}: you can help with {mine}.",
        "shared": "You both care about {interests}.",
        "about": "What they are about is close to you: {theirs}.",
        "fallback": "Someone at this event you have not met yet.",
        "and": " and ",
    },
    "ar": {
        "both_ways": "يستطيع المساعدة في {theirs}، وهو ما تبحث عنه؛ وتستطيع أنت المساعدة في {mine}، وهو ما يبحث عنه.",
        "they_help": "تبحث عن {mine}: ويستطيع المساعدة في {theirs}.",
        "you_help": "يبحث عن {theirs}: وتستطيع أنت المساعدة في {mine}.",
        "shared": "يهتم كلاكما بـ{interests}.",
        "about": "اهتماماته قريبة من اهتماماتك: {theirs}.",
        "fallback": "شخص في هذه الفعالية لم تلتقه بعد.",
        "and": " و",
    },
}

QUOTES = {"en": ("\u201c", "\u201d"), "ar": ("\u00ab", "\u00bb")}
LANGUAGES = tuple(TEXTS)


def language_of(requested: str | None) -> str:
    return requested if requested in TEXTS else "en"
