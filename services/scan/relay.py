"""`python -m services.scan.relay`: publishes the scan service's outbox: recorded scans to
rapport.scans, sign-in requests (signin.requested) to rapport.attendees.

While the bus is down, scans and sign-in requests are still accepted (they wait in the outbox) and
go out once it is back, in the order they were made. The sign-in emails are the follow-up
service's to send (its one mail outbox); the message names the link, it does not carry it."""

from services.scan import MIGRATIONS, ScanService
from shared.config import Settings
from shared.db import migrate
from shared.outbox import relay_forever


def main() -> None:
    settings = Settings.from_env()
    service = ScanService(settings)
    migrate(service.engine, MIGRATIONS)
    relay_forever(settings, service.sessions, "scan")


if __name__ == "__main__":
    main()
