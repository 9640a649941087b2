"""Free loopback ports for the rig's servers, and a wait for a port to accept connections."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    The port is released before returning, so another process could take it before the caller
    binds it: good enough for tests on one machine, where the kernel hands out ephemeral ports
    in a rotating order and rarely gives the same one twice in a row.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports (each bound until all are chosen, so none repeats)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for_port(port: int, timeout: float, host: str = "127.0.0.1") -> bool:
    """True as soon as `host:port` accepts a TCP connection, False if it does not within `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            if sock.connect_ex((host, port)) == 0:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
