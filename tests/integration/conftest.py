"""Start the production processes against the test database and one Redis db.

gunicorn serves pages, two daphne processes serve websockets and a Celery
worker consumes every queue, as behind nginx in production. They share the
test's PostgreSQL database (pytest-django's ``test_<name>``) and a Redis
database of their own, which the test process is pointed at too, so a task
the test enqueues reaches the worker and a row the test commits is seen by
every process. How the processes are started and stopped is in processes.py.
"""

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time as time_of_day
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import override_settings

from hertsreport.celery import app as celery_app
from hertsreport.settings import redis_channel_layer
from tests.integration.processes import (
    CHAT_FLOOD_BURST,
    CHAT_FLOOD_RATE,
    READY_TIMEOUT,
    SITE_ASGI_APPLICATION,
    ServerProcess,
    database_url_for,
    listening_socket,
    redis_url_for_integration,
    server_env,
    start,
    start_daphne,
    start_ready_daphnes,
    stop_all,
    wait_until_healthy,
    wait_until_worker_answers,
    worker_queues,
)


@dataclass
class Topology:
    gunicorn_url: str
    daphne_ports: list[int]
    worker_name: str
    processes: list[ServerProcess] = field(default_factory=list)

    def process(self, name: str) -> ServerProcess:
        return next(p for p in self.processes if p.name == name)


@pytest.fixture(scope="module")
def integration_redis_url() -> Iterator[str]:
    """Point this process's cache, channel layer and Celery at the test Redis db.

    The workers get the same URL, so what the test enqueues is what they
    consume.
    """
    url = redis_url_for_integration()
    client = redis.Redis.from_url(url)
    client.flushdb()
    override = override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "hertsreport",
            }
        },
        CHANNEL_LAYERS={"default": redis_channel_layer(url)},
        CELERY_BROKER_URL=url,
        CELERY_TASK_ALWAYS_EAGER=False,
    )
    override.enable()
    # Celery reads its settings live, but keeps the broker connections it
    # already opened; drop them so the next publish connects to this db.
    _forget_broker_connections()
    try:
        yield url
    finally:
        _forget_broker_connections()
        override.disable()
        client.flushdb()
        client.close()


def _forget_broker_connections() -> None:
    # Private attributes: Celery's public close() also unregisters the app.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def server_environment(django_db_setup, integration_redis_url) -> dict:
    """What every server process of this module runs with."""
    return server_env(
        database_url=database_url_for(connection.settings_dict),
        redis_url=integration_redis_url,
    )


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="module")
def topology(server_environment, log_dir) -> Iterator[Topology]:
    """gunicorn, two daphne processes and a Celery worker, all ready."""
    env = server_environment
    worker_name = f"integration-{uuid.uuid4().hex[:8]}@localhost"
    processes: list[ServerProcess] = []
    ports: dict[str, int] = {}
    try:
        gunicorn_socket = listening_socket()
        ports["gunicorn"] = gunicorn_socket.getsockname()[1]
        fd = gunicorn_socket.fileno()
        try:
            processes.append(
                start(
                    "gunicorn",
                    [
                        "gunicorn",
                        "hertsreport.wsgi:application",
                        f"--bind=fd://{fd}",
                        "--workers=2",
                        "--graceful-timeout=5",
                        # Its default path is shared with any other gunicorn of
                        # this user, a developer's own included.
                        "--no-control-socket",
                    ],
                    env,
                    log_dir,
                    pass_fds=(fd,),
                )
            )
        finally:
            gunicorn_socket.close()
        for name in ("daphne-a", "daphne-b"):
            process, ports[name] = start_daphne(name, env, log_dir)
            processes.append(process)
        processes.append(
            start(
                "worker",
                [
                    "celery",
                    "--app=hertsreport",
                    "worker",
                    f"--queues={','.join(worker_queues())}",
                    "--pool=solo",
                    f"--hostname={worker_name}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                env,
                log_dir,
            )
        )

        deadline = time.monotonic() + READY_TIMEOUT
        by_name = {process.name: process for process in processes}
        for name, port in ports.items():
            wait_until_healthy(by_name[name], f"http://127.0.0.1:{port}", deadline)
        wait_until_worker_answers(by_name["worker"], worker_name, deadline)

        yield Topology(
            gunicorn_url=f"http://127.0.0.1:{ports['gunicorn']}",
            daphne_ports=[ports["daphne-a"], ports["daphne-b"]],
            worker_name=worker_name,
            processes=processes,
        )
    finally:
        stop_all(processes)


@pytest.fixture
def chat_open(db) -> None:
    """Web chat staffed all day, every day (agents are made by each test)."""
    from webchat.models import OpeningHours

    for day in range(7):
        OpeningHours.objects.create(
            day=day, opens=time_of_day(0, 0), closes=time_of_day(23, 59, 59)
        )


@pytest.fixture(scope="module")
def chat_environment(server_environment) -> dict:
    return {
        **server_environment,
        "CHAT_FLOOD_RATE": str(CHAT_FLOOD_RATE),
        "CHAT_FLOOD_BURST": str(CHAT_FLOOD_BURST),
    }


@pytest.fixture(scope="module")
def chat_daphnes(chat_environment, log_dir) -> Iterator[list[ServerProcess]]:
    """daphne A and daphne B for web chat, on the same database and Redis."""
    processes, _ = start_ready_daphnes(
        ["daphne-a", "daphne-b"],
        chat_environment,
        log_dir,
        application=SITE_ASGI_APPLICATION,
    )
    try:
        yield processes
    finally:
        stop_all(processes)


@pytest.fixture
def chat_ports(chat_daphnes) -> list[int]:
    """The ports of daphne A and B, both still running."""
    for process in chat_daphnes:
        assert process.popen.poll() is None, process.describe()
    return [process.port for process in chat_daphnes]
