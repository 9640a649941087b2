"""The follow-up email's people, written in plain Python (entries.py), against the Jinja macros
they replaced: the same bytes for every person of the sample emails, in both languages, and for
values that need escaping or isolating. Also the two helpers under them against their libraries:
escape() against markupsafe's, percent_encoded() against urllib's quote()."""

from __future__ import annotations

import random
from urllib.parse import quote

import markupsafe
import pytest
from jinja2 import Environment

from services.followup import entries
from services.followup.compose import Phrase
from services.followup.links import percent_encoded
from shared.scripts import isolate
from tests.e2e.followup_samples import composer, sample

# The macros as they were in _email.html and _email.txt (and followup.txt's line for everyone else).
HTML_MACROS = r"""
{% macro links(p) %}
<p class="l">{% if p.email %}<a href="{{ p.write_url }}" title="{{ p.email }}">{{ t.email }}</a> · <a href="{{ p.vcard_url }}">{{ t.add_contact }}</a> · {% endif %}<a href="{{ p.done_url }}">{{ p.done_label }}</a></p>
{% endmacro %}
{% macro notes(p) %}
{% for note in p.notes %}<p class="t p"><span class="k">{{ t.private }}</span> <bdi>{{ note }}</bdi></p>{% endfor %}
{% endmacro %}
{% macro person(p) %}
<p class="n"><bdi>{{ p.name }}</bdi>{% if p.mutual %} <span class="b">{{ t.mutual_badge }}</span>{% endif %}</p>
{% if p.role %}<p class="m"><bdi>{{ p.role }}</bdi></p>{% endif %}
{% if p.headline %}<p class="m h">{{ t.q1 }}<bdi>{{ p.headline }}</bdi>{{ t.q2 }}</p>{% endif %}
{{ notes(p) }}
{% endmacro %}
{% macro message(p) %}
{% if p.messages %}
<p class="l">{{ t.suggested }}</p>
{% for m in p.messages %}<blockquote lang="{{ m.lang }}" dir="{{ m.dir }}">{{ m.body }}<br>{{ m.sign }}</blockquote>{% endfor %}
{% if p.add_link %}<p class="m l">{{ p.add_link }}</p>{% endif %}
{% elif p.unreachable %}<p class="m l">{{ p.unreachable }}</p>
{% endif %}
{% endmacro %}
{% macro compact(p) %}
<p class="r"><bdi class="n">{{ p.name }}</bdi>{% if p.role %} · <bdi class="m">{{ p.role }}</bdi>{% endif %}{% if p.mutual %} <span class="b">{{ t.mutual_badge }}</span>{% endif %} · {% if p.email %}<a href="{{ p.write_url }}" title="{{ p.email }}">{{ t.email }}</a> · <a href="{{ p.vcard_url }}">{{ t.add_contact }}</a> · {% endif %}<a href="{{ p.done_url }}">{{ p.done_label }}</a></p>
{% if p.notes %}<div class="q">{{ notes(p) }}</div>{% endif %}
{% endmacro %}
"""
TEXT_MACROS = r"""
{% macro notes(p) %}
{% for note in p.notes %}  {{ t.private }} {{ note|iso(lang) }}
{% endfor %}
{% endmacro %}
{% macro person(p) %}
* {{ p.name|iso(lang) }}{% if p.mutual %} ({{ t.mutual_badge }}){% endif %}

{% if p.role %}  {{ p.role|iso(lang) }}
{% endif %}
{% if p.headline %}  {{ t.q1 }}{{ p.headline|iso(lang) }}{{ t.q2 }}
{% endif %}
{{ notes(p) }}{% endmacro %}
{% macro links(p) %}
{% if p.email %}  {{ t.email }}: {{ p.email }}
  {{ t.add_contact }}: {{ p.vcard_url }}
{% endif %}
  {{ p.done_label }}: {{ p.done_url }}
{% endmacro %}
{% macro message(p) %}
{% if p.messages %}
  {{ t.suggested }}
{% for m in p.messages %}
{% for line in m.text.split("\n") %}
  >{{ " " + line if line else "" }}
{% endfor %}

{% endfor %}
{% if p.add_link %}  {{ p.add_link }}
{% endif %}
{% elif p.unreachable %}  {{ p.unreachable }}
{% endif %}
{% endmacro %}
{% macro compact(p) %}
* {{ p.name|iso(lang) }}{% if p.role %} · {{ p.role|iso(lang) }}{% endif %}{% if p.email %} · {{ p.email }} · {{ t.add_contact }}: {{ p.vcard_url }}{% endif %}

{{ notes(p) }}{% endmacro %}
"""
HOSTILE = "<b>Tom & \"Jerry\"</b> 'x' ليلى"


def reference(kind: str, autoescape: bool):
    env = Environment(autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["iso"] = isolate
    macros = HTML_MACROS if autoescape else TEXT_MACROS
    return env.from_string(macros.strip() + "{{ " + kind + "(p) }}")


def people_views():
    """Every person's view in the sample follow-ups and nudges (en and ar), as compose builds them."""
    found = []
    c = composer()
    c._render = lambda template, lang, subject, view, mentioned: found.append(view)
    for lang in ("en", "ar"):
        for n in (1, 3, 9, 15):
            event, digest = sample(lang, n)
            c.followup(event, digest)
            c.nudge(event, digest, 7)
    return [
        (view, p)
        for view in found
        for key in ("highlights", "others", "met_you", "people", "also_met")
        for p in view.get(key, ())
    ]


def hostile(p):
    """The same person with every free-text field needing escaping and isolating."""
    return type(p)(
        **{**vars(p), "name": HOSTILE, "role": HOSTILE, "headline": HOSTILE, "notes": [HOSTILE, "ok"]}
    )


CASES = people_views()


@pytest.mark.parametrize("kind", ["person", "message", "links", "compact"])
def test_html_parts_are_the_macros_bytes(kind):
    macro = reference(kind, autoescape=True)
    for view, p in CASES + [(view, hostile(p)) for view, p in CASES[:12]]:
        if kind == "message" and not hasattr(p, "messages"):
            continue  # compact lines carry no message
        assert str(entries.HTML[kind](p, view["t"])) == macro.render(p=p, t=view["t"], lang=view["lang"])


@pytest.mark.parametrize("kind", ["person", "message", "links", "compact"])
def test_text_parts_are_the_macros_bytes(kind):
    macro = reference(kind, autoescape=False)
    name = f"{kind}_text"
    for view, p in CASES + [(view, hostile(p)) for view, p in CASES[:12]]:
        if kind == "message" and not hasattr(p, "messages"):
            continue
        args = (p, view["t"], view["lang"]) if kind in ("person", "compact") else (p, view["t"])
        assert entries.TEXT[name](*args) == macro.render(p=p, t=view["t"], lang=view["lang"])


def test_the_samples_cover_every_branch():
    people = [p for _, p in CASES]
    assert any(p.mutual for p in people) and any(not p.mutual for p in people)
    assert any(p.email for p in people) and any(not p.email for p in people)
    assert any(p.notes for p in people) and any(p.role for p in people) and any(p.headline for p in people)
    assert any(getattr(p, "messages", None) for p in people)
    assert any(getattr(p, "unreachable", None) for p in people)
    assert any(getattr(p, "add_link", None) for p in people)


def test_escape_is_markupsafes():
    rng = random.Random(5)
    alphabet = "&<>'\"ab ليلى\u2068\u2069{}%"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert entries.escape(text) == str(markupsafe.escape(text))
    phrase = Phrase("en", "Hi {first} & co", first=HOSTILE)
    assert entries.escape(phrase) == str(markupsafe.escape(phrase))
    assert entries.escape(markupsafe.Markup("<br>")) == "<br>"


def test_percent_encoded_is_urllibs_quote():
    rng = random.Random(6)
    alphabet = [chr(i) for i in range(0x250)] + list("ليلى محمد\n\u2068\u2069«»“”🙂")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        for safe in ("/", "@", ""):
            assert percent_encoded(text, safe) == quote(text, safe=safe)
