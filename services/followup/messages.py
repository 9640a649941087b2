"""The first message a reader could send someone they met, as they would send it.

Built only from what the two share and what the reader meant to do: the quick tags, shared
interests, the other person's headline and company. Never from the reader's private note: a
note is written for oneself ("send her our SDK docs"), and pasted into a message it is both
wrong and a leak. Each message is in the first person from the reader, gives something first
(the promised link, an introduction, a kind word about their work) and then asks one small
thing (a coffee or a short call), and ends with the reader's first name.

It is written in the recipient's language; when the reader's differs, in both, the recipient's
first. Only for people the reader can reach (they agreed to share their contact details):
`suggest` returns None for the others, and the email says how to reach them instead.

Arabic is gender-neutral as written without vowels (no imperatives, no third-person verbs about
the recipient). One phrasing per case, so the reviewed table in the tests is the whole truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.followup.digest import Contact, Person
from shared.scripts import first_name, isolate

# The quick tags a scanner can pick (services/scan), in the order their value sentence wins.
VALUE_TAGS = ("send a link", "intro", "collaborate", "hiring")

PARTS = {
    "en": {
        "hello": "Hi {name},",
        "met": "it was good to meet you at {event}.",
        "send a link": "As promised, here is the link we talked about.",
        "intro": "I would be glad to introduce you to someone I know who works on {interest}.",
        "intro_plain": "I would be glad to introduce you to someone in my network who could help; "
        "just tell me what would be most useful.",
        "collaborate": "I keep thinking about how we could work together on {interest}, "
        "and I have a couple of ideas to share.",
        "collaborate_plain": "I keep thinking about how we could work together, and I have a couple of ideas "
        "to share.",
        "hiring": "Since hiring came up, I am happy to pass on any good people or openings I hear of.",
        "interest": "It was great to find someone else who cares about {interest}.",
        "headline": "I enjoyed hearing about your work: \u201c{headline}\u201d.",
        "company": "I enjoyed hearing about what you do at {company}.",
        "plain": "Thank you for your time.",
        "ask": "Would you have 15 minutes for a coffee or a short call in the coming weeks?",
        "ask_coffee": "Shall we have that coffee we talked about? Any day next week works for me.",
        "bye": "Best,\n{me}",
    },
    "ar": {
        "hello": "مرحبًا {name}،",
        "met": "سعدت بلقائك في {event}.",
        "send a link": "وكما وعدت، هذا هو الرابط الذي تحدثنا عنه.",
        "intro": "ويسعدني أن أعرّفك على شخص أعرفه يعمل في مجال {interest}.",
        "intro_plain": "ويسعدني أن أعرّفك على من قد يفيدك من معارفي، متى احتجت إلى ذلك.",
        "collaborate": "وما زلت أفكر في فرص التعاون بيننا في {interest}، ولدي فكرتان أحب أن أشاركك إياهما.",
        "collaborate_plain": "وما زلت أفكر في فرص التعاون بيننا، ولدي فكرتان أحب أن أشاركك إياهما.",
        "hiring": "وبما أن الحديث تطرّق إلى التوظيف، يسعدني أن أشاركك أي أسماء مناسبة أو فرص أسمع بها.",
        "interest": "وسعدت بأن وجدت من يشاركني الاهتمام بـ«{interest}».",
        "headline": "وأعجبني ما سمعته عن عملك: «{headline}».",
        "company": "وأعجبني ما سمعته عن عملك في {company}.",
        "plain": "وشكرًا على وقتك.",
        "ask": "هل يناسبك أن نلتقي على فنجان قهوة أو في مكالمة قصيرة خلال الأسابيع القادمة؟",
        "ask_coffee": "ما رأيك أن نشرب القهوة التي تحدثنا عنها؟ أي يوم من الأسبوع القادم يناسبني.",
        "bye": "مع أطيب التحيات،\n{me}",
    },
}


@dataclass(frozen=True)
class Suggested:
    language: str
    text: str  # plain text, other-script names isolated with FSI/PDI


def reachable(contact: Contact) -> bool:
    """The reader can write to them: they agreed to share their contact details."""
    return contact.person.consent_share_contact


def suggest(reader: Person, contact: Contact, event: str) -> tuple[Suggested, ...] | None:
    """The message in the recipient's language, then the reader's if it differs; None when the
    reader cannot reach them."""
    if not reachable(contact):
        return None
    theirs = _lang(contact.person.language)
    langs = (theirs,) if _lang(reader.language) == theirs else (theirs, _lang(reader.language))
    return tuple(Suggested(lang, message(lang, reader, contact, event)) for lang in langs)


def message(lang: str, reader: Person, contact: Contact, event: str) -> str:
    t, p = PARTS[lang], contact.person
    tags = {tag.casefold() for tag in contact.tags}

    def fill(key: str, **fields: str) -> str:
        return t[key].format(**{k: isolate(v, lang) for k, v in fields.items()})

    interest = contact.shared_interests[0] if contact.shared_interests else ""
    value = next((tag for tag in VALUE_TAGS if tag in tags), None)
    if value in ("intro", "collaborate"):
        said = fill(value, interest=interest) if interest else t[f"{value}_plain"]
    elif value:
        said = t[value]
    elif interest:
        said = fill("interest", interest=interest)
    elif p.headline:
        said = fill("headline", headline=p.headline.strip().rstrip(".!"))
    elif p.company:
        said = fill("company", company=p.company)
    else:
        said = t["plain"]
    ask = t["ask_coffee"] if "coffee later" in tags else t["ask"]
    hello = fill("hello", name=first_name(p.name))
    met = fill("met", event=event)
    return f"{hello} {met} {said} {ask}\n\n" + fill("bye", me=first_name(reader.name))


def _lang(code: str) -> str:
    return code if code in PARTS else "en"
