"""/healthz: 200 only when every required part answers."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["channel_layer"] == "ok"
    assert body["checks"]["broker"] in {"ok", "not configured"}


def test_healthz_is_503_when_the_cache_does_not_answer(client, settings):
    # The dummy cache stores nothing: exactly what a cache that lost its
    # server looks like to the site.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["cache"].startswith("error")


def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    # Nothing listens on port 1 of this machine.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
