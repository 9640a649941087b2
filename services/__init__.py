"""Rapport's four services; each is a package with a create_app() factory."""
