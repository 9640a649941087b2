"""`python -m services.badge.cli`: bulk work for organizers, with progress bars.

python -m services.badge.cli import EVENT_ID attendees.csv
python -m services.badge.cli print EVENT_ID badges.pdf [--layout a4-a6] [--double-sided]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from services.badge import MIGRATIONS, BadgeService, csv_import, handlers, views
from services.badge.render import LAYOUTS, render_pdf
from shared.config import Settings
from shared.db import migrate
from shared.web import DomainError


def import_csv(service: BadgeService, event_id: str, path: Path) -> int:
    rows = list(
        csv_import.read_rows(csv_import.decode_upload(path.read_bytes()), service.settings.import_max_rows)
    )
    with service.sessions() as session, tqdm(total=len(rows), unit="row", desc="importing") as bar:
        result = handlers.import_attendees(session, event_id, rows, progress=bar.update)
        session.commit()
    print(
        f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
        f"rejected {len(result.rejected)}"
    )
    for rejected in result.rejected:
        print(f"  line {rejected['line']}: {rejected['reason']}")
    return 1 if result.rejected else 0


def print_badges(
    service: BadgeService, event_id: str, out: Path, layout: str, double_sided: bool, force: bool = False
) -> int:
    handlers.check_printable(service.settings.public_url, force)
    with service.sessions() as session:
        event = handlers.get_event(session, event_id)
        cards = [
            views.badge_card(a, event, service.settings, service.signer)
            for a in handlers.list_attendees(session, event_id)
        ]
    with tqdm(total=len(cards), unit="badge", desc="rendering") as bar:
        out.write_bytes(
            render_pdf(cards, layout=layout, double_sided=double_sided, progress=bar.update, workers=2)
        )
    print(f"wrote {len(cards)} badges to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.badge.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import attendees from a UTF-8 CSV")
    importing.add_argument("event_id")
    importing.add_argument("csv", type=Path)
    printing = commands.add_parser("print", help="render the event's badges to a print PDF")
    printing.add_argument("event_id")
    printing.add_argument("pdf", type=Path)
    printing.add_argument("--layout", choices=sorted(LAYOUTS), default="a4-a6")
    printing.add_argument("--double-sided", action="store_true")
    printing.add_argument(
        "--force",
        action="store_true",
        help="print even though RAPPORT_PUBLIC_URL is an address phones cannot open",
    )
    args = parser.parse_args(argv)

    service = BadgeService(Settings.from_env())
    migrate(service.engine, MIGRATIONS)
    try:
        if args.command == "import":
            return import_csv(service, args.event_id, args.csv)
        return print_badges(service, args.event_id, args.pdf, args.layout, args.double_sided, args.force)
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
