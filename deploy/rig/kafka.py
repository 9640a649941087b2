"""A real Apache Kafka broker (KRaft, one node that is broker and controller), run with `java`.

No Docker and no tarball: Maven copies the broker and its runtime dependencies (declared in
deploy/kafka/pom.xml) into a cached folder once, and the broker is started the way Kafka's own
bin/kafka-storage.sh and bin/kafka-server-start.sh do it: `kafka.tools.StorageTool format
--standalone` the first time, then `kafka.Kafka server.properties`.

    python -m deploy.rig.kafka fetch                 # fetch the jars once; print their folder
    python -m deploy.rig.kafka run [--port N] [--dir D]  # a broker until Ctrl-C or SIGTERM
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import TracebackType

from deploy.rig import tail, wait_for_stop_signal
from deploy.rig.ports import free_ports

log = logging.getLogger("deploy.rig.kafka")  # not __name__: that is "__main__" under `python -m`

KAFKA_DIR = Path(__file__).resolve().parents[1] / "kafka"
POM = KAFKA_DIR / "pom.xml"
LOG4J_CONFIG = KAFKA_DIR / "log4j2.yaml"
READY_LINE = b"Kafka Server started"
MARKER = ".complete"  # written last into a fetched jar folder: a folder without it is fetched again


def _pom_property(name: str) -> str:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    value = ElementTree.parse(POM).getroot().findtext(f"m:properties/m:{name}", namespaces=ns)
    if not value:
        raise RuntimeError(f"{POM} has no <{name}> property")
    return value.strip()


KAFKA_VERSION = _pom_property("kafka.version")

# One small, quick broker: Kafka's defaults suit a three-node cluster, so every internal topic
# gets one replica and one partition here, and the first consumer-group rebalance no wait.
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

# The JVM options of Kafka's bin/kafka-run-class.sh, so benchmarks see the broker as shipped.
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:MaxInlineLevel=15",
    "-Djava.awt.headless=true",
]


def default_libs_dir() -> Path:
    """Where the jars are cached: $RAPPORT_KAFKA_LIBS, else ~/.cache/rapport/kafka-<version>/libs.

    Either way the folder belongs to the rig, which replaces it when it is incomplete: point
    RAPPORT_KAFKA_LIBS at a cache location (CI caches it), not at a folder of your own.
    """
    override = os.environ.get("RAPPORT_KAFKA_LIBS")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "rapport" / f"kafka-{KAFKA_VERSION}" / "libs"


def _fingerprint() -> str:
    # A hash of the whole pom, not just the Kafka version, so that a changed logging binding
    # refetches too; of the parsed pom, which drops comments, so that a comment edit does not.
    pom = ElementTree.tostring(ElementTree.parse(POM).getroot())
    return f"kafka {KAFKA_VERSION} pom {hashlib.sha256(pom).hexdigest()[:16]}\n"


def _is_complete(libs: Path) -> bool:
    marker = libs / MARKER
    return marker.is_file() and marker.read_text() == _fingerprint()


def ensure_jars(cache_dir: Path | None = None) -> Path:
    """The folder holding the broker's runtime jars (`cache_dir`, else default_libs_dir()).

    Fetches them with Maven (a few seconds from a warm ~/.m2, under a minute from nothing) only
    when the folder lacks the marker of a complete copy of this pom's dependencies. The copy is
    made in a temporary sibling folder and renamed into place once complete, so an interrupted
    fetch is redone, and a broker already running from the old folder keeps its open jars.
    Refuses to replace a folder that holds anything but jars.
    """
    libs = Path(cache_dir).expanduser().absolute() if cache_dir else default_libs_dir().absolute()
    if _is_complete(libs):
        return libs
    if libs.exists() and any(not (p.name.endswith(".jar") or p.name == MARKER) for p in libs.iterdir()):
        raise RuntimeError(
            f"{libs} is not a Kafka jar cache (it holds more than jars): "
            "point RAPPORT_KAFKA_LIBS at an empty or missing folder"
        )
    if shutil.which("mvn") is None:
        raise RuntimeError(
            "Maven is needed once to fetch the Kafka broker's jars: "
            "apt-get install maven (Debian/Ubuntu), or set RAPPORT_KAFKA_LIBS to a filled cache"
        )
    libs.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_copies(libs)
    partial = libs.with_name(f"{libs.name}.partial-{os.getpid()}")
    started = time.monotonic()
    try:
        result = subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-Dstyle.color=never",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={partial}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"Maven could not fetch the Kafka {KAFKA_VERSION} jars (exit {result.returncode}):\n"
                f"{result.stdout[-4000:]}"
            )
        if not (partial / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file():
            raise RuntimeError(f"Maven finished but {partial} lacks kafka_2.13-{KAFKA_VERSION}.jar")
        (partial / MARKER).write_text(_fingerprint())
        _swap_into_place(partial, libs)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    log.info("fetched the Kafka %s jars into %s in %.1f s", KAFKA_VERSION, libs, time.monotonic() - started)
    return libs


def _swap_into_place(new: Path, libs: Path) -> None:
    if _is_complete(libs):  # another process finished the same fetch first: keep theirs
        return
    old = libs.with_name(f"{libs.name}.old-{os.getpid()}")
    if libs.exists():
        libs.rename(old)
    try:
        new.rename(libs)
    except OSError:
        if not _is_complete(libs):  # not a concurrent winner: a real failure
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _remove_abandoned_copies(libs: Path) -> None:
    """Delete the temporary siblings left by fetches whose process died (e.g. SIGKILL)."""
    for sibling in libs.parent.glob(f"{libs.name}.*-*"):
        kind, _, pid = sibling.name[len(libs.name) + 1 :].partition("-")
        if kind in ("partial", "old") and pid.isdigit() and not _process_exists(int(pid)):
            shutil.rmtree(sibling, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def java_binary() -> str:
    """$JAVA_HOME/bin/java, else `java` on PATH (Kafka 4 needs Java 17 or newer)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise RuntimeError(
            "Java 17 or newer is needed for the Kafka broker: "
            "apt-get install openjdk-17-jre-headless (Debian/Ubuntu)"
        )
    return found


def new_cluster_id() -> str:
    """A cluster id in Kafka's own format: a random UUID, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


class KafkaBroker:
    """One Kafka broker whose configuration, data and log live in `workdir`.

    Ports not given are picked free when the object is made and kept for its lifetime, so
    stop() then start(), or restart(), bring the same broker back on the same address with the
    same data, as a real broker restart does. Use it as a context manager (or call stop()) so
    the java process never outlives the test: it runs in a process group of its own, which
    also keeps a terminal's Ctrl-C from reaching it before the rig shuts it down cleanly.
    """

    def __init__(
        self, workdir: Path, port: int | None = None, controller_port: int | None = None, heap: str = "512m"
    ):
        self.workdir = Path(workdir).resolve()
        spare = iter(free_ports(2) if not (port and controller_port) else [])
        self.port = port or next(spare)
        self.controller_port = controller_port or next(spare)
        if self.port == self.controller_port:
            raise ValueError(f"the broker and controller ports must differ (both {self.port})")
        self.heap = heap
        self.process: subprocess.Popen[bytes] | None = None
        self.last_start_seconds: float | None = None

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<KafkaBroker {self.bootstrap} {state} in {self.workdir}>"

    @property
    def bootstrap(self) -> str:
        """The bootstrap servers string for kafka-python: "127.0.0.1:PORT"."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The bus URL the services read from RAPPORT_BUS_URL: "kafka://127.0.0.1:PORT"."""
        return f"kafka://{self.bootstrap}"

    @property
    def log_path(self) -> Path:
        """The broker's stdout and stderr, appended to across restarts."""
        return self.workdir / "broker.log"

    @property
    def config_path(self) -> Path:
        return self.workdir / "server.properties"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> KafkaBroker:
        """Start the broker and return once clients can use it; a no-op if it already runs.

        Formats the storage on the first start only. Ready means the log says "Kafka Server
        started" and an admin client lists the topics. Raises RuntimeError with the log's tail
        if the broker exits, TimeoutError if it is not ready within `timeout` seconds (the
        jar fetch, which only a first run on a machine does, is not counted in the timeout).
        """
        if self.is_running():
            return self
        libs = ensure_jars()
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            PROPERTIES.format(port=self.port, controller_port=self.controller_port, data=self.data_dir)
        )
        if not (self.data_dir / "meta.properties").exists():
            self._format(libs)
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self._java(libs, "kafka.Kafka", str(self.config_path)),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,
            )
        try:
            self._wait_ready(log_offset, started + timeout)
        except BaseException:
            self.kill()  # also on KeyboardInterrupt: a half-started broker must not linger
            raise
        self.last_start_seconds = time.monotonic() - started
        log.info(
            "Kafka %s ready on %s in %.1f s (pid %d)",
            KAFKA_VERSION,
            self.bootstrap,
            self.last_start_seconds,
            self.process.pid,
        )
        return self

    def _java(
        self, libs: Path, main_class: str, *args: str, heap: tuple[str, str] | None = None
    ) -> list[str]:
        maximum, initial = heap or (self.heap, self.heap)
        return [
            java_binary(),
            f"-Xmx{maximum}",
            f"-Xms{initial}",
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            "-cp",
            f"{libs}/*",
            main_class,
            *args,
        ]

    def _format(self, libs: Path) -> None:
        # The formatter needs no large heap: the broker's -Xms would only slow its start.
        command = self._java(
            libs,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            # One argument: an id can start with "-" (URL-safe base64), which argparse takes for an option.
            f"--cluster-id={new_cluster_id()}",
            "--config",
            str(self.config_path),
            heap=("256m", "32m"),
        )
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.workdir,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"formatting the Kafka storage in {self.data_dir} failed "
                f"(exit {result.returncode}):\n{result.stdout[-4000:]}"
            )

    def _wait_ready(self, log_offset: int, deadline: float) -> None:
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        seen_ready_line = False
        with self.log_path.open("rb") as broker_log:
            broker_log.seek(log_offset)
            recent = b""
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the Kafka broker exited with code {self.process.returncode}; "
                        f"{self._failure_report(log_offset)}"
                    )
                if not seen_ready_line:
                    recent = recent[-len(READY_LINE) :] + broker_log.read()  # the line may span two reads
                    seen_ready_line = READY_LINE in recent
                if seen_ready_line:
                    try:
                        admin = KafkaAdminClient(
                            bootstrap_servers=self.bootstrap, client_id="rapport-rig", request_timeout_ms=5000
                        )
                        try:
                            admin.list_topics()
                            return
                        finally:
                            admin.close()
                    except KafkaError as error:
                        log.debug("broker not ready for clients yet: %r", error)
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"the Kafka broker was not ready in time; {self._failure_report(log_offset)}"
                    )
                time.sleep(0.1)

    def _failure_report(self, log_offset: int) -> str:
        """This start's ERROR entries (each with the exception line after it), then the log's tail.

        The tail alone is not enough: after a failed start the broker logs its whole shutdown.
        """
        with self.log_path.open("rb") as broker_log:
            broker_log.seek(log_offset)
            lines = broker_log.read().decode(errors="replace").splitlines()
        errors = [
            line
            for i, entry in enumerate(lines)
            if "] ERROR " in entry or "] FATAL " in entry
            for line in lines[i : i + 2]
        ]
        report = "\n".join(errors[:12]) or "(no ERROR in the log)"
        return f"errors in {self.log_path}:\n{report}\n... which ends with:\n{self.log_tail(15)}"

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` lines of the broker's log (for error messages)."""
        return tail(self.log_path, lines)

    def stop(self, timeout: float = 30) -> None:
        """Shut the broker down cleanly (SIGTERM), or SIGKILL it after `timeout` s. Idempotent."""
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the Kafka broker did not stop within %s s: killing it", timeout)
            self.kill()

    def kill(self) -> None:
        """SIGKILL the broker's whole process group at once, as a crash would. Idempotent."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # already gone and reaped
        self.process.wait()

    def restart(self, timeout: float = 60) -> KafkaBroker:
        """stop() then start(): the same ports, the same data."""
        self.stop()
        return self.start(timeout)

    def __enter__(self) -> KafkaBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.rig.kafka",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="fetch the broker's jars (once) and print their folder")
    run = commands.add_parser("run", help="run a broker until SIGINT or SIGTERM")
    run.add_argument("--port", type=int, help="client port (default: a free one)")
    run.add_argument("--controller-port", type=int, help="KRaft controller port (default: a free one)")
    run.add_argument(
        "--dir", type=Path, default=Path("var/kafka"), help="config, data and log (default: %(default)s)"
    )
    run.add_argument("--heap", default="512m", help="JVM heap (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # no client-library chatter
    logging.getLogger("deploy.rig").setLevel(logging.INFO)

    if args.command == "fetch":
        print(ensure_jars())
        return 0
    stop = wait_for_stop_signal()
    broker = KafkaBroker(args.dir, port=args.port, controller_port=args.controller_port, heap=args.heap)
    try:
        broker.start()
        print(
            f"{broker.url}  (Kafka {KAFKA_VERSION}, started in {broker.last_start_seconds:.1f} s; "
            f"log {broker.log_path}; Ctrl-C stops it)",
            flush=True,
        )
        while not stop.wait(0.5):
            if not broker.is_running():
                print(f"the broker exited on its own:\n{broker.log_tail()}", file=sys.stderr)
                return 1
        return 0
    finally:
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
