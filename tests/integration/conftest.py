from __future__ import annotations

import textwrap

import pytest

from shared.db import make_engine, migrate


@pytest.fixture
def migrations(tmp_path):
    """A service-shaped Alembic folder: env.py is the one-liner every service uses; its one
    migration creates the shared tables and a `notes` table to write to."""
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text("from shared.db import run_migrations\nrun_migrations()\n")
    (folder / "versions" / "0001_initial.py").write_text(
        textwrap.dedent("""
        from alembic import op
        from shared.db import create_shared_tables
        revision, down_revision, branch_labels, depends_on = "0001", None, None, None
        def upgrade():
            create_shared_tables(op)
            op.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200) NOT NULL)")
    """)
    )
    return folder


@pytest.fixture
def engine(database_url, migrations):
    """A migrated database of its own, on PostgreSQL."""
    engine = make_engine(database_url)
    migrate(engine, migrations)
    yield engine
    engine.dispose()
