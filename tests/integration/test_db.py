"""Database helpers on a real PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text

from shared.db import UnitOfWork, first_time, make_engine, migrate, session_factory


def test_migrations_create_the_schema_and_can_run_again(engine, migrations):
    migrate(engine, migrations)  # already at head: a no-op, not an error
    assert {"processed_messages", "outbox", "notes", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )


def test_a_message_is_applied_once_per_group(engine):
    sessions = session_factory(engine)
    with UnitOfWork(sessions) as uow:
        assert first_time(uow.session, "followup", "msg-1")
        uow.session.execute(text("INSERT INTO notes (id, body) VALUES (1, 'مرحبا')"))
        uow.commit()
    with UnitOfWork(sessions) as uow:
        assert not first_time(uow.session, "followup", "msg-1")  # a redelivery
        assert first_time(uow.session, "dashboard", "msg-1")  # another group applies it too
        uow.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT body FROM notes")).scalar_one() == "مرحبا"


def test_an_uncommitted_unit_of_work_leaves_no_mark(engine):
    sessions = session_factory(engine)
    with UnitOfWork(sessions) as uow:
        assert first_time(uow.session, "followup", "msg-2")
        uow.session.execute(text("INSERT INTO notes (id, body) VALUES (2, 'lost')"))
        # no commit: the handler failed; the message must be applied on redelivery
    with UnitOfWork(sessions) as uow:
        assert first_time(uow.session, "followup", "msg-2")
        assert uow.session.execute(text("SELECT count(*) FROM notes")).scalar_one() == 0


def test_processes_starting_together_migrate_one_at_a_time(database_url):
    """Web, consumer, relay and sender of one service all migrate when they start."""
    from concurrent.futures import ThreadPoolExecutor

    from services.followup import MIGRATIONS

    engines = [make_engine(database_url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda engine: migrate(engine, MIGRATIONS), engines))
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engines[0].connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [ScriptDirectory.from_config(config).get_current_head()]
    for engine in engines:
        engine.dispose()
