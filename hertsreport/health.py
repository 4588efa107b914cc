"""Checks behind /healthz: each answers "ok", "not configured" or an error."""

import asyncio
import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

OK = "ok"
NOT_CONFIGURED = "not configured"
# The channel layer's Pub/Sub delivers at most once: a message that does not
# come back in this time is an error, not a check that never answers.
ROUND_TRIP_SECONDS = 5.0


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("cache did not return what was stored")
    return OK


def check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), ROUND_TRIP_SECONDS)
        await end_channel(layer, channel)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("channel layer returned another message")

    async_to_sync(round_trip)()
    return OK


async def end_channel(layer, channel: str) -> None:
    """Let go of a channel that has had its one message.

    Channels ends a consumer's channel by cancelling its receive; until then
    the Pub/Sub layer keeps it subscribed. In daphne this check runs on the
    event loop the sockets share, so each /healthz (every few seconds) would
    otherwise leave one more subscription open for the life of the process.
    """
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(layer.receive(channel), timeout=0.01)


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return NOT_CONFIGURED
    from hertsreport.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return OK


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is reported
            results[name] = f"error: {type(error).__name__}"
            healthy = False
    return healthy, results
