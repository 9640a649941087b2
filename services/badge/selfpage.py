"""The attendee's own page, reached by their private link: see the badge, edit it, change consent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from services.badge import handlers, views
from services.badge.domain import InvalidInput
from services.badge.render import render_png
from shared import identity
from shared.tokens import InvalidToken
from shared.web import NotFound

bp = Blueprint(
    "self_page", __name__, template_folder="templates", static_folder="static", static_url_path="/static/self"
)

TEXT = {
    "en": {
        "title": "Your badge",
        "download": "Download your badge (PNG)",
        "headline": "What you care about",
        "headline_tip": 'Be specific: "helping new brands find their first customers" says more than '
        '"marketing". People remember what you care about, not your job title.',
        "interests": "Interests",
        "interests_tip": "A few tags, separated by commas: people who share one "
        "will have something to talk about.",
        "looking_for": "What you are looking for here",
        "looking_for_tip": 'One concrete need: "a UX designer who has shipped a banking app" finds the right '
        'person; "networking" finds no one.',
        "can_help_with": "What you can help others with",
        "can_help_with_tip": 'What you could give in a 15-minute chat: "pricing for a first SaaS product" '
        'beats "business advice".',
        "consent": "Your choices (change them at any time)",
        "followup": "After the event, email me about the people I met",
        "share_contact": "Let the people I meet get my contact details",
        "suggest": "Suggest me to attendees who could use what I offer, and them to me",
        "save": "Save",
        "saved": "Saved. Your badge is updated.",
        "closed": "This event has ended.",
        "switch": "العربية",
        "other": "ar",
        "meet": "Meet people: open your scanner on this phone",
        "people": "My people: everyone you met, with your notes",
        "qr": "My QR: show it for someone to scan you",
        "yours": "On this phone",
        "replaced_title": "This link was replaced",
        "replaced_text": "A newer private link was made for you, and this one no longer works on any phone. "
        "Use the newest link the organizers sent you, or get a sign-in link by email.",
        "signin": "Email me a sign-in link",
        "closed_text": "Thank you for coming. Meetings can no longer be added; your follow-up email, about the "
        "people you met and what you noted, is on its way{when}.",
        "closed_when": " on {date}",
        "followup_link": "My people: everyone you met, ready for your follow-up",
    },
    "ar": {
        "title": "بطاقتك",
        "download": "نزّل بطاقتك (PNG)",
        "headline": "ما يشغلك",
        "headline_tip": "كن محددًا: «أساعد العلامات الناشئة على الوصول إلى أول عملائها» تقول أكثر من "
        "«تسويق». يتذكر الناس ما تهتم به، لا مسماك الوظيفي.",
        "interests": "اهتماماتك",
        "interests_tip": "بضع كلمات تفصل بينها فواصل: من يشاركك إحداها سيجد ما يتحدث معك عنه.",
        "looking_for": "ما الذي تبحث عنه هنا",
        "looking_for_tip": "حاجة واحدة محددة: «مصمم تجربة مستخدم سبق أن أطلق تطبيقًا مصرفيًا» تدلّ على الشخص "
        "المناسب، و«التواصل» لا تدلّ على أحد.",
        "can_help_with": "ما الذي يمكنك أن تساعد به غيرك",
        "can_help_with_tip": "ما تستطيع تقديمه في حديث من ربع ساعة: «تسعير أول منتج برمجي كخدمة» أنفع من "
        "«استشارات أعمال».",
        "consent": "اختياراتك (يمكنك تغييرها في أي وقت)",
        "followup": "بعد الفعالية، أرسلوا إليّ رسالة عن الأشخاص الذين قابلتهم",
        "share_contact": "اسمحوا لمن أقابلهم بالحصول على بيانات التواصل الخاصة بي",
        "suggest": "اقترحوني على من يحتاج إلى ما أقدّمه، واقترحوهم عليّ",
        "save": "حفظ",
        "saved": "تم الحفظ، وتحدّثت بطاقتك.",
        "closed": "انتهت هذه الفعالية.",
        "switch": "English",
        "other": "en",
        "meet": "تعرّف على الناس: افتح الماسح على هذا الهاتف",
        "people": "أشخاصي: كل من قابلتهم، مع ملاحظاتك",
        "qr": "رمزي: اعرضه ليمسحه من تقابله",
        "yours": "على هذا الهاتف",
        "replaced_title": "استُبدل هذا الرابط",
        "replaced_text": "أُنشئ لك رابط خاص أحدث، ولم يعد هذا الرابط يعمل على أي هاتف. استخدم أحدث رابط أرسله "
        "إليك المنظمون، أو اطلب رابط دخول عبر البريد.",
        "signin": "أرسلوا إليّ رابط دخول",
        "closed_text": "شكرًا لحضورك. لم يعد ممكنًا إضافة لقاءات؛ ورسالة المتابعة عن الأشخاص الذين قابلتهم وما "
        "دوّنته في طريقها إليك{when}.",
        "closed_when": " يوم {date}",
        "followup_link": "أشخاصي: كل من قابلتهم، جاهزون للمتابعة",
    },
}


class Replaced(Exception):
    """A private link older than the attendee's current one: answered with a page saying so."""

    def __init__(self, attendee):
        self.attendee = attendee


def _attendee_for(session, token: str):
    service = current_app.extensions["badge"]
    try:
        claims = identity.read_token(service.signer, identity.PRIVATE, token)
        attendee = handlers.get_attendee(session, claims.attendee_id, claims.event_id)
    except (InvalidToken, NotFound):
        raise NotFound(
            "this private link is not valid; ask the organizers for a new one", code="bad_link"
        ) from None
    try:
        identity.refuse_replaced(claims, attendee.private_serial)
    except InvalidToken:
        raise Replaced(attendee) from None
    return attendee


def _language(attendee) -> str:
    return request.args.get("lang") if request.args.get("lang") in TEXT else attendee.language


@bp.errorhandler(Replaced)
def replaced(err: Replaced):
    """410: the page says a newer link exists and offers a sign-in link by email (the scan service's)."""
    language = _language(err.attendee)
    signin = f"{current_app.extensions['badge'].settings.public_url}/signin?event={err.attendee.event_id}"
    return render_template("replaced.html", t=TEXT[language], lang=language, signin=signin), 410


def _page(
    attendee, event, token: str, status: int = 200, errors: dict | None = None, form: dict | None = None
):
    language = _language(attendee)
    # The scan service's own pages, through the private link there: it remembers this phone first.
    scanner = f"{current_app.extensions['badge'].settings.public_url}/i/{token}"
    links = {"meet": scanner, "people": f"{scanner}?next=/me/people", "qr": f"{scanner}?next=/me/qr"}
    closed = ""
    if event.closed_at is not None:  # the event is over: the page points to the follow-up, not the scanner
        t = TEXT[language]
        day = event.followup_at.astimezone(ZoneInfo(event.timezone)).date() if event.followup_at else None
        # Isolated left-to-right (LRI ... PDI): in an Arabic line the date's parts stay in their order.
        when = t["closed_when"].format(date=f"\u2066{day.isoformat()}\u2069") if day else ""
        closed = t["closed_text"].format(when=when)
    return render_template(
        "self.html",
        t=TEXT[language],
        lang=language,
        attendee=attendee,
        event=event,
        token=token,
        links=links,
        errors=errors or {},
        form=form,
        closed=closed,
        saved=request.args.get("saved"),
    ), status


@bp.get("/me/<token>")
def show(token):
    with current_app.extensions["badge"].sessions() as session:
        attendee = _attendee_for(session, token)
        return _page(attendee, handlers.get_event(session, attendee.event_id), token)


@bp.post("/me/<token>")
def save(token):
    form = {
        **{
            name: request.form.get(name, "")
            for name in ("headline", "interests", "looking_for", "can_help_with")
        },
        "consent": {
            flag: request.form.get(flag) == "on" for flag in ("followup", "share_contact", "suggest")
        },
    }
    with current_app.extensions["badge"].sessions() as session:
        attendee = _attendee_for(session, token)
        try:
            handlers.update_attendee(session, attendee.id, form)
        except InvalidInput as exc:
            session.rollback()
            return _page(
                attendee, handlers.get_event(session, attendee.event_id), token, 422, exc.errors, form
            )
        session.commit()
    return redirect(url_for("self_page.show", token=token, saved=1, lang=request.args.get("lang")), 303)


@bp.get("/me/<token>/badge.png")
def badge(token):
    service = current_app.extensions["badge"]
    with service.sessions() as session:
        attendee = _attendee_for(session, token)
        card = views.badge_card(
            attendee, handlers.get_event(session, attendee.event_id), service.settings, service.signer
        )
    download = (
        {"Content-Disposition": 'attachment; filename="badge.png"'} if request.args.get("download") else {}
    )
    return Response(render_png(card), mimetype="image/png", headers=download)
