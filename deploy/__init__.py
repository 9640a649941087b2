"""Deployment files and the native test rig (deploy.rig)."""
