"""The real parts the tests and benchmarks run natively on loopback: Kafka, PostgreSQL, SMTP.

    deploy.rig.kafka.KafkaBroker        a KRaft broker run with java from Maven-fetched jars
    deploy.rig.postgres.PostgresServer  a throwaway PostgreSQL cluster from the distribution's binaries
    deploy.rig.smtp.SmtpSink            an aiosmtpd server that keeps what it receives
    deploy.rig.ports.free_port          a free TCP port on 127.0.0.1

Each server is started by start() (or `with`) and stopped by stop(); none registers anything
global, so whoever starts one stops it.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a server's log, which may be large: only its end is read."""
    if not path.exists():
        return f"({path} does not exist)"
    with path.open("rb") as file:
        file.seek(max(0, file.seek(0, os.SEEK_END) - 300 * lines))
        return "\n".join(file.read().decode(errors="replace").splitlines()[-lines:])


def wait_for_stop_signal() -> threading.Event:
    """An event the first SIGINT or SIGTERM sets, for the `run` commands of the rig's CLIs.

    Replaces the process's handlers for both signals: for a command's main() only.
    """
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop
