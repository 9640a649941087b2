"""Run a service's WSGI app under gunicorn, as `python -m services.<name>` does."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from shared.config import Settings
from shared.process import setup_logging


class _Gunicorn(BaseApplication):
    def __init__(self, app_factory: Callable[[], Flask], options: dict):
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app_factory()


def serve(app_factory: Callable[[], Flask], port: int, settings: Settings, *, threads: int = 4) -> None:
    """Serve with `settings.workers` processes of `threads` threads each (requests wait on I/O)."""
    setup_logging(settings.log_level)
    _Gunicorn(
        app_factory,
        {
            "bind": [f"{address}:{port}" for address in settings.bind.split(",") if address],
            "workers": settings.workers,
            "worker_class": "gthread",
            "threads": threads,
            "accesslog": "-",
            "loglevel": settings.log_level.lower(),
            # Build the app in each worker, after fork: a Kafka client or a DB pool must not cross a fork.
            "preload_app": False,
            # A whole event's print PDF is rendered in the request.
            "timeout": 120,
            # gunicorn's control socket has one default path per user: four services would share it.
            "control_socket_disable": True,
        },
    ).run()
