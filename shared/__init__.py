"""Rapport's shared library: settings, events, the event bus, database, tokens and web helpers."""
