"""Shared building blocks: errors, column vocabulary, region tables, privacy, atomic files."""
