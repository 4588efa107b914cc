"""Fixtures shared by every test folder."""

import os

import pytest

REAL_SERVICES = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    """Integration tests need the real PostgreSQL and Redis; say so when skipped."""
    if REAL_SERVICES:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL"
    )
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="a-long-test-password", is_staff=True
    )
