"""Database helpers on a real PostgreSQL and on SQLite (each test runs on both)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from shared.db import UnitOfWork, first_time, make_engine, migrate, session_factory


def test_migrations_create_the_schema_and_can_run_again(engine, migrations):
    migrate(engine, migrations)  # already at head: a no-op, not an error
    assert {"processed_messages", "outbox", "notes", "alembic_version"} <= set(inspect(engine).get_table_names())


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


def test_processes_opening_a_new_sqlite_file_together_all_get_in(tmp_path):
    """SQLite refuses a second switch of a new file to WAL at once ("database is locked", no busy
    wait): each connection must wait its turn instead of failing the process that opened it."""
    import threading

    failures = []

    def open_and_read(url: str, start: threading.Barrier) -> None:
        engine = make_engine(url)
        start.wait()
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            failures.append(exc)
        finally:
            engine.dispose()

    for n in range(40):
        start = threading.Barrier(4)
        threads = [threading.Thread(target=open_and_read, args=(f"sqlite:///{tmp_path}/new{n}.sqlite3", start))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_read_only_transaction_on_sqlite_lets_other_processes_write(tmp_path):
    """A follow-up sender loading a batch of digests must not stall the other sender's commits."""
    import sqlite3

    from shared.db import reading_only

    engine = make_engine(f"sqlite:///{tmp_path}/read.sqlite3")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    sessions = session_factory(engine)
    other = sqlite3.connect(tmp_path / "read.sqlite3", timeout=0, isolation_level=None)  # no waiting at all
    with sessions() as session:
        reading_only(session)
        assert session.execute(text("SELECT count(*) FROM notes")).scalar_one() == 0
        other.execute("BEGIN IMMEDIATE")  # "database is locked" if the read held the write lock
        other.execute("INSERT INTO notes (body) VALUES ('written meanwhile')")
        other.execute("COMMIT")
        assert session.execute(text("SELECT count(*) FROM notes")).scalar_one() == 0  # its own snapshot
    with sessions() as session:  # an ordinary transaction still takes the write lock first
        session.execute(text("SELECT 1"))
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
        else:
            raise AssertionError("a writing transaction let another writer in")
    other.close()
    engine.dispose()
