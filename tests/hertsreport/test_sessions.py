"""Sessions read through Redis still work when Redis does not answer."""

import copy

import pytest
from django.core.cache.backends.base import BaseCache

from reports.models import Report
from tests.reports.journey_data import complete_journey

pytestmark = pytest.mark.django_db


class UnreachableCache(BaseCache):
    """A cache server that has gone away: every call fails, as redis-py's do."""

    def __init__(self, location, params):
        super().__init__(params)

    def _gone(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    add = get = set = touch = delete = has_key = clear = _gone
    get_many = set_many = delete_many = incr = decr = _gone


class WorkingCache(BaseCache):
    """A working cache that keeps copies of what it is given, as Redis does."""

    def __init__(self, location, params):
        super().__init__(params)
        self.data = {}

    def get(self, key, default=None, version=None):
        return copy.deepcopy(self.data[key]) if key in self.data else default

    def set(self, key, value, timeout=None, version=None):
        self.data[key] = copy.deepcopy(value)

    def delete(self, key, version=None):
        return self.data.pop(key, None) is not None

    def has_key(self, key, version=None):
        return key in self.data


@pytest.fixture
def use_cache(settings):
    """Sessions through the given cache for the test; the usual cache again
    before any other fixture's teardown needs it."""
    original = settings.CACHES

    def use(backend: str) -> None:
        settings.SESSION_ENGINE = "hertsreport.sessions"
        settings.CACHES = {
            **original,
            "default": {"BACKEND": f"tests.hertsreport.test_sessions.{backend}"},
        }

    yield use
    settings.CACHES = original


def test_a_report_is_sent_while_the_session_cache_is_down(client, use_cache):
    use_cache("UnreachableCache")

    check = complete_journey(client)
    assert "Check your answers" in check.content.decode()
    response = client.post("/report/check/", {"confirm": "on"}, follow=True)

    assert response.status_code == 200
    assert "Report sent" in response.content.decode()
    assert Report.objects.count() == 1


def test_signing_out_while_the_session_cache_is_down_signs_out(client, use_cache):
    from django.contrib.auth import get_user_model

    from tests.casework.staff import make_staff

    use_cache("UnreachableCache")
    client.force_login(make_staff(get_user_model(), "agent"))
    assert client.get("/admin/casework/case/").status_code == 200

    client.post("/admin/logout/")

    assert client.get("/admin/casework/case/").status_code == 302


def test_a_session_changed_while_the_cache_was_refusing_is_not_read_stale(
    client, use_cache
):
    from django.core.cache import cache

    use_cache("WorkingCache")
    client.post("/report/emergency/", {"emergency": "no"})
    key = client.cookies["sessionid"].value
    stale = dict(client.session.items())
    assert stale  # the draft's id, read back through the cache

    session = client.session
    original_set = cache.set
    cache.set = UnreachableCache._gone.__get__(cache)
    try:
        session["report_draft"] = "another draft"
        session.save()
    finally:
        cache.set = original_set

    from hertsreport.sessions import SessionStore

    assert SessionStore(key).load()["report_draft"] == "another draft"
