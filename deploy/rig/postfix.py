"""A Postfix instance on loopback that accepts every message and discards it: the kind of local
relay production sends through, for benchmarks (Debian's `postfix` package; run as root).

It is a separate instance with its own config, queue and log under `workdir`; the system's own
Postfix (/etc/postfix) is not started or changed, except for naming this instance's config in
`alternate_config_directories`, which Postfix requires before it runs another config as root.
Messages are accepted (queued durably, as Postfix does) and then delivered to its `discard`
transport, so the queue drains and the whole cost of a real MTA is on the machine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from deploy.rig.ports import free_port, wait_for_port

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = rig.localhost
mydestination =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard
relay_transport = discard
local_transport = discard
smtputf8_enable = yes
"""


class PostfixSink:
    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir, self.port = Path(workdir), port or free_port()
        self.conf, self.queue, self.data = (
            self.workdir / "conf",
            self.workdir / "queue",
            self.workdir / "data",
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> PostfixSink:
        if not shutil.which("postfix"):
            raise RuntimeError("Postfix is not installed: apt-get install postfix")
        for folder in (self.conf, self.queue, self.data):
            folder.mkdir(parents=True, exist_ok=True)
        # Postfix's daemons run as the postfix user and must reach the queue: every folder above it
        # has to let others through.
        self.workdir.chmod(0o755)
        closed = [p for p in self.workdir.resolve().parents if not p.stat().st_mode & 0o001]
        if closed:
            raise RuntimeError(
                f"Postfix's user cannot pass through {closed[0]}: chmod o+x it, or use another folder"
            )
        self.conf.joinpath("main.cf").write_text(MAIN_CF.format(queue=self.queue, data=self.data))
        master = Path("/etc/postfix/master.cf").read_text().splitlines()
        master = [
            f"127.0.0.1:{self.port} inet n - n - - smtpd"
            if line.startswith("smtp ") and " inet " in line
            else line
            for line in master
        ]
        self.conf.joinpath("master.cf").write_text("\n".join(master) + "\n")
        self._allow_config()
        shutil.chown(self.data, "postfix", "postfix")
        self._postfix("start")
        if not wait_for_port(self.port, 20):
            raise RuntimeError(f"Postfix did not listen on {self.port}")
        return self

    def stop(self) -> None:
        self._postfix("stop", check=False)

    def queued(self) -> int:
        """Messages still in the queue (accepted, not yet discarded)."""
        out = subprocess.run(["postqueue", "-c", str(self.conf), "-j"], capture_output=True, text=True).stdout
        return len(out.splitlines())

    def _allow_config(self) -> None:
        main = subprocess.run(
            ["postconf", "-h", "alternate_config_directories"], capture_output=True, text=True, check=True
        ).stdout.split()
        if str(self.conf) not in [entry.rstrip(",") for entry in main]:
            value = ", ".join([*[entry.rstrip(",") for entry in main], str(self.conf)])
            subprocess.run(["postconf", "-e", f"alternate_config_directories = {value}"], check=True)

    def _postfix(self, command: str, check: bool = True) -> None:
        subprocess.run(["postfix", "-c", str(self.conf), command], check=check, capture_output=True)


class PostfixSmtpSink:
    """Postfix's own `smtp-sink`: one C process that speaks SMTP (EHLO, PIPELINING, DATA) and throws
    every message away. It is made for measuring SMTP clients, so a benchmark's figure is the
    client's cost, not the cost of the MTA's queue (use PostfixSink for that)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> PostfixSmtpSink:
        program = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
        if not Path(program).exists():
            raise RuntimeError("Postfix's smtp-sink is not installed: apt-get install postfix")
        # -u: as root it must drop to some user; -m: room for every connection a benchmark opens.
        self.process = subprocess.Popen(
            [
                program,
                "-4",
                "-u",
                "nobody",
                "-m",
                "1024",
                "-h",
                "sink.localhost",
                f"127.0.0.1:{self.port}",
                "1024",
            ],
            stdout=subprocess.DEVNULL,
        )
        if not wait_for_port(self.port, 10):
            raise RuntimeError(f"smtp-sink did not listen on {self.port}")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
