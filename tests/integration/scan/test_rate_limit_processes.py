"""The rate limit under truly concurrent writers: two OS processes, each with its own writer and
connection (as two gunicorn workers), saving batches for the same scanner at the same instant."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

import sqlalchemy as sa

from services.scan.models import Scan
from tests.integration.scan.test_group_commit import pending

ROUNDS, PER_PROCESS, LIMIT = 12, 15, 20  # each round: 2 x 15 scans wanted, 20 allowed


def write_rounds(settings, side: str, start, answers) -> None:
    """One process: in each round, wait for the other, then save 15 scans of that round's scanner at once."""
    from services.scan import create_app

    writer = create_app(settings, run_migrations=False).extensions["scan"].writer
    for round_ in range(ROUNDS):
        batch = [
            pending("ev1", f"scanner{round_}", f"{side}-guest{i}", f"{side}:{i}") for i in range(PER_PROCESS)
        ]
        start.wait()
        answers.put((round_, sum(not isinstance(a, Exception) for a in writer.write_together(batch))))


def test_two_processes_writing_at_once_never_let_a_scanner_past_the_limit(app, settings, database_url):
    settings = replace(settings, scan_database_url=database_url, scan_rate_limit=LIMIT)
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no pool or thread crosses a fork
    start, answers = context.Barrier(2, timeout=120), context.Queue()
    workers = [
        context.Process(target=write_rounds, args=(settings, side, start, answers)) for side in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    accepted = [answers.get(timeout=120) for _ in range(2 * ROUNDS)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    with app.extensions["scan"].sessions() as session:
        saved = dict(
            session.execute(sa.select(Scan.scanner_id, sa.func.count()).group_by(Scan.scanner_id)).all()
        )
    assert saved == {f"scanner{r}": LIMIT for r in range(ROUNDS)}
    per_round = {r: 0 for r in range(ROUNDS)}
    for round_, n in accepted:
        per_round[round_] += n
    assert set(per_round.values()) == {LIMIT}  # and what the two were told agrees with what was saved
