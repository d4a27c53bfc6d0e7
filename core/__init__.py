"""Shared building blocks that every blueprint uses: database, languages, access, security."""
