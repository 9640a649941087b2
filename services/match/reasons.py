"""Why two people should meet, in words, in the reader's language.

The reason follows the terms that put the person in the top five (ranking.Suggestion.terms):
a give/seek fit in either or both directions quotes both texts short; otherwise the interests
they share; otherwise their headline. The quoted texts stay in whatever language they were
written in, inside the reader's sentence and the reader's quotation marks.
"""

from __future__ import annotations

from services.match.profile import Profile, interest_keys
from services.match.ranking import Suggestion
from services.match.texts import QUOTES, TEXTS, language_of

QUOTE_LIMIT = 60
STRONG = 1.0  # a term this many standard deviations above the row's average is worth naming


def quote(text: str, language: str, limit: int = QUOTE_LIMIT) -> str:
    """The text in the reader's quotation marks, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
        text = cut.rstrip(" ,.،؛;:") + "…"
    opening, closing = QUOTES[language]
    return f"{opening}{text}{closing}"


def shared_interests(me: Profile, them: Profile) -> list[str]:
    """Their interests that are also mine, as they wrote them."""
    mine = interest_keys(me.interests)
    return [i for i in them.interests if interest_keys([i]) & mine]


def reason(me: Profile, suggestion: Suggestion, reader_language: str | None = None) -> str:
    return why(me, suggestion, reader_language)[1]


def why(me: Profile, suggestion: Suggestion, reader_language: str | None = None) -> tuple[str, str]:
    """(kind, sentence): kind is the TEXTS key used, "fallback" when there is nothing specific to say."""
    language = language_of(reader_language or me.language)
    say, them, terms = TEXTS[language], suggestion.profile, suggestion.terms
    they_help = bool(me.looking_for and them.can_help_with) and terms["ask"] >= STRONG
    you_help = bool(them.looking_for and me.can_help_with) and terms["offer"] >= STRONG
    if they_help and you_help:
        return "both_ways", say["both_ways"].format(
            theirs=quote(them.can_help_with, language), mine=quote(me.can_help_with, language)
        )
    if they_help:
        return "they_help", say["they_help"].format(
            mine=quote(me.looking_for, language), theirs=quote(them.can_help_with, language)
        )
    if you_help:
        return "you_help", say["you_help"].format(
            theirs=quote(them.looking_for, language), mine=quote(me.can_help_with, language)
        )
    shared = shared_interests(me, them)
    if shared:
        return "shared", say["shared"].format(interests=say["and"].join(shared[:3]))
    if them.headline:
        return "about", say["about"].format(theirs=quote(them.headline, language))
    return "fallback", say["fallback"]
