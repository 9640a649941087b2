"""Badge rendering benchmark.

    .venv/bin/python bench/badges.py [--count 10000] [--layout a4-a6] [--workers 2]

Prints: a naive per-badge `qrcode.make(url)` + PNG for comparison, our QR matrix per badge,
render_png badges/s, and the event's print PDF for --count badges (seconds, badges/s, pages,
size) with peak memory. Target (DESIGN.md): 10,000 badges to a print PDF in under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qrcode  # noqa: E402

from services.badge.render import BadgeCard, qr_matrix, render_pdf, render_png  # noqa: E402
from shared.tokens import encode_text  # noqa: E402

FIRST = ["Lina", "Omar", "Sara", "Yusuf", "Christopher", "Maximilian", "ليلى", "محمد", "عبد الرحمن", "نورة", "فاطمة"]
LAST = ["Haddad", "Montgomery-Smith", "O'Neil", "الهاشمي", "بن سعود", "العتيبي", "van der Berg", "القحطاني"]
HEADLINES = ["Helping small roasters sell online", "أصمم مدارس صديقة للأطفال", "Building open-source tools for "
             "Arabic NLP", "أساعد المقاهي الصغيرة على البيع عبر الإنترنت", ""]
INTERESTS = ["coffee", "design", "تعليم", "AI", "ريادة أعمال", "retail", "هندسة", "music"]


def cards(count: int, seed: int = 7) -> list[BadgeCard]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        arabic = rng.random() < 0.5
        token = encode_text(rng.randbytes(31))
        out.append(BadgeCard(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (" " + rng.choice(LAST) if rng.random() < .2 else ""),
            language="ar" if arabic else "en", event_name="أسبوع الرياض للتصميم" if arabic else "Riyadh Design Week",
            qr_prefix="https://meet.example.org/c/", token=token, short_code=token[:6],
            headline=rng.choice(HEADLINES), company=rng.choice(["Qahwa Labs", "شركة النخيل", ""]),
            title=rng.choice(["Founder", "مهندسة", ""]), interests=tuple(rng.sample(INTERESTS, rng.randint(0, 5))),
            profile_url="https://meet.example.org/c/" + token))
    return out


def per_badge(label: str, fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    ms = (time.perf_counter() - started) / len(items) * 1000
    print(f"{label:48} {ms:7.2f} ms/badge")
    return ms


def naive(card: BadgeCard) -> None:
    qrcode.make(card.qr_text).save(io.BytesIO())


def peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--layout", default="a4-a6")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sample = cards(300, seed=1)
    print(f"badge benchmark on {len(sample)} sample badges, then {args.count:,} to a {args.layout} PDF")
    per_badge("naive qrcode.make(url) + PNG (comparison)", naive, sample[:100])
    per_badge("our QR matrix (v<=5, level M, fixed mask)", lambda c: qr_matrix(c.qr_prefix, c.token), sample)
    png_ms = per_badge("render_png (A6 front at 300 dpi)", render_png, sample[:100])
    print(f"{'':48} {1000 / png_ms:7.1f} badges/s")

    batch = cards(args.count)
    started = time.perf_counter()
    pdf = render_pdf(batch, layout=args.layout, workers=args.workers)
    seconds = time.perf_counter() - started
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(f"print PDF: {args.count:,} badges in {seconds:.1f} s = {args.count / seconds:,.0f} badges/s "
          f"({args.workers} workers; {pages:,} pages, {len(pdf) / 2**20:.1f} MiB) "
          f"[target: 10,000 in < 20 s]")
    print(f"peak RSS: {peak_mib():.0f} MiB (largest of this process and one worker)")


if __name__ == "__main__":
    main()
