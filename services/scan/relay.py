"""`python -m services.scan.relay`: publishes recorded scans from the outbox to rapport.scans.

While the bus is down, scans are still accepted (they wait in the outbox) and go out once it
is back, in the order they were recorded. Beside it, one thread sends the sign-in emails
(services.scan.signin_mail): a sign-in link never goes on the bus."""

from services.scan import MIGRATIONS, ScanService
from services.scan.signin_mail import mailer_for
from shared.config import Settings
from shared.db import migrate
from shared.outbox import relay_forever


def main() -> None:
    settings = Settings.from_env()
    service = ScanService(settings)
    migrate(service.engine, MIGRATIONS)
    relay_forever(settings, service.sessions, "scan", alongside=mailer_for(service).run)


if __name__ == "__main__":
    main()
