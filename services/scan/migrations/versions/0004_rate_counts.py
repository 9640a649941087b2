"""scan_rate_counts(): the rate limit's lock and count in one call, so a batch saves in one statement.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# VOLATILE: under READ COMMITTED each query inside takes a fresh snapshot, so the count, run
# after the locks are held, sees every scan committed by whoever held them before (the calling
# statement's own snapshot, taken before it waited, would not). See services/scan/batches.py.
FUNCTION = """
CREATE FUNCTION scan_rate_counts(scanners text[], since timestamptz, lock_space int)
RETURNS TABLE (scanner_id text, n bigint) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_space, hashtext(s.id))
    FROM (SELECT DISTINCT unnest(scanners) AS id ORDER BY 1) s;
    RETURN QUERY
    SELECT s.id, (SELECT count(*) FROM scans
                  WHERE scans.scanner_id = s.id AND scans.received_at > since)
    FROM (SELECT DISTINCT unnest(scanners) AS id) s;
END $$
"""


def upgrade():
    op.execute(FUNCTION)


def downgrade():
    op.execute("DROP FUNCTION scan_rate_counts(text[], timestamptz, int)")
