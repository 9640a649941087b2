"""Database helpers on SQLAlchemy 2: engines, a unit of work, Alembic migrations, message dedupe.

SQLite by default (one file per service), PostgreSQL by URL. Each service owns its schema and
migrates it with Alembic from its own `migrations/` folder; no service reads another's tables.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import timezone
from pathlib import Path
from typing import Callable

from alembic import command
from alembic.config import Config
import sqlalchemy as sa
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shared.envelope import utc_now


def make_engine(url: str, **kwargs) -> Engine:
    """An engine tuned for the backend: WAL and foreign keys on SQLite, pre-ping on PostgreSQL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # pysqlite's own transaction handling breaks SAVEPOINTs (a RELEASE would commit);
            # SQLAlchemy's documented fix: let it emit BEGIN itself (see _sqlite_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            _set_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # IMMEDIATE: take the write lock up front. Two deferred transactions that both read
            # and then write deadlock, and SQLite answers "database is locked" at once instead of
            # waiting; several processes share these files (web, consumer, relay, migrations).
            # A transaction declared read-only (reading_only) never writes, so it cannot deadlock
            # and need not hold every writer up while it reads.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def upsert_insert(session: Session, table: sa.Table):
    """INSERT for `table` in the session's dialect, which has on_conflict_do_nothing/do_update
    (PostgreSQL and SQLite spell ON CONFLICT the same way, SQLAlchemy builds them apart)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


READ_ONLY = "rapport_read_only"


def reading_only(session: Session) -> Session:
    """Declare the session's next transaction read-only, before its first statement. On SQLite it
    then reads from a snapshot (WAL) without taking the write lock, so a long read, such as
    loading a batch of follow-up digests, does not stall other processes' commits."""
    session.connection(execution_options={READ_ONLY: True})
    return session


def _set_wal(cursor, attempts: int = 200) -> None:
    """PRAGMA journal_mode=WAL, waiting for the file like any other statement: SQLite answers
    "database is locked" at once, without its busy timeout, while another connection is switching
    the same new file to WAL (several processes of a service starting together)."""
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class UtcDateTime(sa.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: we store UTC and say so)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _outbox_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
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
    if session.execute(sa.select(table.c.message_id).where(
            table.c.consumer_group == group, table.c.message_id == message_id)).first():
        return False
    try:
        with session.begin_nested():
            session.execute(table.insert().values(consumer_group=group, message_id=message_id, processed_at=utc_now()))
    except IntegrityError:  # a concurrent member of the group got there first
        return False
    return True


class UnitOfWork:
    """One transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""

    def __init__(self, session_factory: Callable[[], Session]):
        self.session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
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
        if connection.dialect.name == "postgresql":
            # A service's processes (web, consumer, relay, sender) start together and each
            # migrates: one at a time, or two would create the same tables at once. The lock ends
            # with the transaction; the next process then finds the schema at head. (SQLite's
            # BEGIN IMMEDIATE already serialises them.)
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
    # render_as_batch: SQLite can only ALTER tables by copying them; Alembic's batch mode does it.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
