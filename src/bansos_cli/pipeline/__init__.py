"""Pipelines: ingest -> stage(s) -> outputs. The CLI and the Python API call these."""
