"""`python -m services.scan.relay`: publishes recorded scans from the outbox to rapport.scans.

While the bus is down, scans are still accepted (they wait in the outbox) and go out once it
is back, in the order they were recorded."""

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
