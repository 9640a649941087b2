"""A real Apache Kafka broker (KRaft, single node) run with `java`, no Docker, no tarball.

The jars come from Maven Central through deploy/kafka/pom.xml and are cached, so only the first
run fetches them. The broker is started the way Kafka's own bin/kafka-server-start.sh does it:
`kafka.tools.StorageTool format --standalone` once, then `kafka.Kafka server.properties`.

    python -m deploy.rig.kafka fetch          # the jar folder (fetched once)
    python -m deploy.rig.kafka run [--port N]  # a broker until Ctrl-C; prints its kafka:// URL
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

from deploy.rig.ports import free_port

log = logging.getLogger(__name__)

KAFKA_DIR = Path(__file__).resolve().parents[1] / "kafka"
POM = KAFKA_DIR / "pom.xml"
KAFKA_VERSION = re.search(r"<kafka.version>([^<]+)</kafka.version>", POM.read_text()).group(1)
COMPLETE = ".complete"

PROPERTIES = """\
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}
log.dirs={data}
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
"""


def ensure_jars(cache_dir: Path | None = None) -> Path:
    """The folder of the broker's runtime jars, fetched with Maven the first time."""
    libs = Path(os.environ.get("RAPPORT_KAFKA_LIBS") or cache_dir or
                Path.home() / ".cache" / "rapport" / f"kafka-{KAFKA_VERSION}" / "libs")
    if (libs / COMPLETE).exists():
        return libs
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is needed to fetch the Kafka broker's jars: apt-get install maven")
    shutil.rmtree(libs, ignore_errors=True)  # a half copy from an interrupted run is redone
    subprocess.run(["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", "-DincludeScope=runtime",
                    f"-DoutputDirectory={libs}"], check=True)
    (libs / COMPLETE).write_text(KAFKA_VERSION)
    return libs


class KafkaBroker:
    """One broker in `workdir`; restart() keeps its ports and data, as a real restart does."""

    def __init__(self, workdir: Path, port: int | None = None, controller_port: int | None = None,
                 heap: str = "512m"):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.controller_port = controller_port or free_port()
        self.heap = heap
        self.process: subprocess.Popen | None = None
        self.last_start_seconds: float | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "broker.log"

    def _java(self, libs: Path, main: str, *args: str) -> list[str]:
        return ["java", f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile={KAFKA_DIR / 'log4j2.yaml'}", "-cp", f"{libs}/*", main, *args]

    def start(self, timeout: float = 90) -> "KafkaBroker":
        started = time.monotonic()
        libs = ensure_jars()
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "server.properties"
        config.write_text(PROPERTIES.format(port=self.port, controller_port=self.controller_port,
                                            data=self.workdir / "data"))
        if not (self.workdir / "data" / "meta.properties").exists():
            subprocess.run(self._java(libs, "kafka.tools.StorageTool", "format", "--standalone", "-t",
                                      uuid.uuid4().hex[:22], "-c", str(config)),
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(self._java(libs, "kafka.Kafka", str(config)), stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(offset, started + timeout)
        self.last_start_seconds = time.monotonic() - started
        log.info("kafka %s ready on %s in %.1fs", KAFKA_VERSION, self.bootstrap, self.last_start_seconds)
        return self

    def _wait_ready(self, log_offset: int, deadline: float) -> None:
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Kafka broker exited ({self.process.returncode}):\n{self._log_tail()}")
            with self.log_path.open("rb") as f:
                f.seek(log_offset)
                if b"Kafka Server started" in f.read():
                    try:
                        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
                        admin.list_topics()
                        admin.close()
                        return
                    except KafkaError:
                        pass
            time.sleep(0.1)
        self.kill()
        raise TimeoutError(f"the Kafka broker did not start in time:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30) -> None:
        """A clean shutdown (SIGTERM), or SIGKILL if it takes longer than `timeout`."""
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.is_running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def restart(self) -> "KafkaBroker":
        self.stop()
        return self.start()

    def __enter__(self) -> "KafkaBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.rig.kafka", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "run"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--dir", type=Path, default=Path("var/kafka"))
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(ensure_jars())
        return
    broker = KafkaBroker(args.dir, port=args.port).start()
    print(f"{broker.url} (Kafka {KAFKA_VERSION}, started in {broker.last_start_seconds:.1f}s); Ctrl-C stops it",
          flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        broker.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
