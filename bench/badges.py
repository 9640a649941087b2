"""Badge rendering benchmark.

    .venv/bin/python bench/badges.py [--count 10000] [--layout a4-a6] [--workers 2] [--double-sided]
                                     [--sample 300] [--profile]

Prints, per badge on --sample synthetic attendees (half Arabic, half Latin, some long names,
0-5 interests): the naive `qrcode.make(url)` + PNG, qrcode with a fixed version and mask, our
qr_matrix, and render_png; then the event's print PDF for --count badges: wall seconds, CPU
seconds (this process and its workers), badges/s, pages, size, peak RSS. --profile adds where
the time of a single-process PDF goes. Target (DESIGN.md): 10,000 badges to a print PDF in
under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pikepdf  # noqa: E402
import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_M  # noqa: E402

from services.badge.render import BadgeCard, qr_matrix, render_pdf, render_png  # noqa: E402
from shared.tokens import encode_text  # noqa: E402

FIRST = [
    "Lina",
    "Omar",
    "Sara",
    "Yusuf",
    "Christopher",
    "Maximilian",
    "ليلى",
    "محمد",
    "عبد الرحمن",
    "نورة",
    "فاطمة",
    "Zoë",
    "Nguyễn",
    "مُحَمَّد",
]
LAST = [
    "Haddad",
    "Montgomery-Smith",
    "O'Neil",
    "الهاشمي",
    "بن سعود",
    "العتيبي",
    "van der Berg",
    "القحطاني",
    "Wolfeschlegelsteinhausenbergerdorff",
    "آل الشيخ",
]
HEADLINES = [
    "Helping small roasters sell online",
    "أصمم مدارس صديقة للأطفال",
    "Building open-source tools for Arabic NLP",
    "أساعد المقاهي الصغيرة على البيع عبر الإنترنت",
    "أبني أدوات open source للمطورين منذ 2019",
    "",
]
INTERESTS = ["coffee", "design", "تعليم", "AI", "ريادة أعمال", "retail", "هندسة", "music", "urban planning"]


def cards(count: int, seed: int = 7) -> list[BadgeCard]:
    """Synthetic attendees: unique names and tokens, like a real event."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        arabic = rng.random() < 0.5
        token = encode_text(rng.randbytes(31))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (
            " " + rng.choice(LAST) if rng.random() < 0.2 else ""
        )
        out.append(
            BadgeCard(
                name=f"{name} {i}" if rng.random() < 0.5 else name,  # most real names are unique
                language="ar" if arabic else "en",
                event_name="أسبوع الرياض للتصميم" if arabic else "Riyadh Design Week",
                qr_prefix="https://meet.example.org/c/",
                token=token,
                short_code=token[:6],
                headline=rng.choice(HEADLINES),
                company=rng.choice(["Qahwa Labs", "شركة النخيل", ""]),
                title=rng.choice(["Founder", "مهندسة", ""]),
                interests=tuple(rng.sample(INTERESTS, rng.randint(0, 5))),
                profile_url="https://meet.example.org/c/" + token,
            )
        )
    return out


def per_badge(label: str, fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    ms = (time.perf_counter() - started) / len(items) * 1000
    print(f"  {label:52} {ms:7.2f} ms/badge")
    return ms


def naive(card: BadgeCard) -> None:
    qrcode.make(card.qr_text).save(io.BytesIO())


def fixed(card: BadgeCard) -> None:
    code = qrcode.QRCode(version=5, error_correction=ERROR_CORRECT_M, mask_pattern=2)
    code.add_data(card.qr_text)
    code.make(fit=False)


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--layout", default="a4-a6")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--double-sided", action="store_true")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="profile a 1,000-badge PDF in this process")
    args = parser.parse_args()
    sample = cards(args.sample, seed=1)
    print(f"per badge, on {len(sample)} sample badges:")
    per_badge("naive qrcode.make(url) + PNG (comparison)", naive, sample)
    per_badge("qrcode, fixed version 5 and mask, no image", fixed, sample)
    per_badge("our qr_matrix (v<=5, level M, fixed mask)", lambda c: qr_matrix(c.qr_prefix, c.token), sample)
    png_ms = per_badge("render_png (A6 front at 300 dpi)", render_png, sample)
    print(f"  {'':52} {1000 / png_ms:7.1f} badges/s")

    batch = cards(args.count)
    done = []
    started, cpu = time.perf_counter(), cpu_seconds()
    pdf = render_pdf(
        batch, layout=args.layout, double_sided=args.double_sided, workers=args.workers, progress=done.append
    )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
    print(
        f"print PDF ({args.layout}{', double-sided' if args.double_sided else ''}, {args.workers} workers): "
        f"{args.count:,} badges in {seconds:.1f} s = {args.count / seconds:,.0f} badges/s; {cpu:.1f} s CPU; "
        f"{pages:,} pages, {len(pdf) / 2**20:.1f} MiB; {len(done)} progress calls summing to {sum(done):,} "
        f"[target: 10,000 in < 20 s]"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {own:.0f} MiB, largest worker {kids:.0f} MiB")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(render_pdf, batch[:1000], layout=args.layout, double_sided=args.double_sided)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
