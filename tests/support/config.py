"""The test configuration every test and tool shares: the app settings of a test run, the
database a run may use, and the rule that nothing is skipped under CI."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("FAMNEN_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

# Cheap password hashing keeps the suite fast; the hash format stays argon2id.
BASE_CONFIG = {
    "ENV_NAME": "testing",
    "SECRET_KEY": "tests-only-secret-key-that-is-long-enough-0123456789",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 8192,
    "ARGON2_PARALLELISM": 1,
    "MAIL_BACKEND": "outbox",
    "BASE_URL": "http://localhost",
}
# What a correct production installation sets (see docs/deployment.md).
PRODUCTION_CONFIG = {
    **BASE_CONFIG,
    "ENV_NAME": "production",
    "MAIL_BACKEND": "smtp",
    "BASE_URL": "https://famnen.example.fi",
    "PROXY_COUNT": 1,
}


def unavailable(reason: str) -> None:
    """Skip a test that needs a missing tool - or fail it under CI, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)
