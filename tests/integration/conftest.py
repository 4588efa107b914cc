"""Start the production processes against the test database and one Redis db.

gunicorn serves pages, two daphne processes serve websockets and a Celery
worker consumes every queue, as behind nginx in production. They share the
test's PostgreSQL database (pytest-django's ``test_<name>``) and a Redis
database of their own, which the test process is pointed at too, so a task
the test enqueues reaches the worker and a row the test commits is seen by
every process.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from hertsreport.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
# Away from the db a developer's own stack uses: it is flushed on every run.
INTEGRATION_REDIS_DB = 15
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_TAIL = 4000


@dataclass
class ServerProcess:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def output(self) -> str:
        """The end of what the process wrote, for failure messages."""
        text = self.log_path.read_text(errors="replace")
        return text[-LOG_TAIL:] or "(no output)"

    def describe(self) -> str:
        status = self.popen.poll()
        state = "running" if status is None else f"exited with {status}"
        return f"{self.name} ({state}); its output:\n{self.output()}"


@dataclass
class Topology:
    gunicorn_url: str
    daphne_ports: list[int]
    worker_name: str
    processes: list[ServerProcess] = field(default_factory=list)

    def process(self, name: str) -> ServerProcess:
        return next(p for p in self.processes if p.name == name)


def redis_url_for_integration() -> str:
    """REDIS_URL's server and options with the integration database number."""
    parts = urlsplit(os.environ["REDIS_URL"])
    options = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    return urlunsplit(
        parts._replace(path=f"/{INTEGRATION_REDIS_DB}", query=urlencode(options))
    )


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database this test run connects to."""
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail(
            "The integration tests need PostgreSQL; DATABASE_URL names "
            f"{settings_dict['ENGINE']}."
        )
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(settings_dict.get("HOST") or "localhost", safe="")
    port = settings_dict.get("PORT")
    netloc = f"{credentials}@{host}" if credentials else host
    if port:
        netloc += f":{port}"
    return f"postgres://{netloc}/{quote(settings_dict['NAME'], safe='')}"


def worker_queues() -> list[str]:
    """Every queue a task can be routed to, so the worker misses none."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def listening_socket() -> socket.socket:
    """A socket on a free port, handed to a server so no other can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def start(
    name: str, args: list[str], env: dict, log_dir: Path, pass_fds=()
) -> ServerProcess:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=pass_fds,
            # Its own process group, so teardown reaches gunicorn's workers too.
            start_new_session=True,
        )
    return ServerProcess(name=name, popen=popen, log_path=log_path)


def stop_all(processes: list[ServerProcess]) -> None:
    """SIGTERM every group, wait, then SIGKILL whatever is left."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Sweep the group even when its leader left in time: a worker process
        # orphaned by its arbiter must not outlive the test run.
        _signal_group(process, signal.SIGKILL)
        process.popen.wait(timeout=STOP_TIMEOUT)


def _signal_group(process: ServerProcess, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signum)


def wait_until_healthy(process: ServerProcess, base_url: str, deadline: float) -> None:
    """Poll /healthz until it answers 200; fail with the server's output."""
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            break
        try:
            # S310: base_url is always http://127.0.0.1:<port>.
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read()[:500]!r}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    pytest.fail(
        f"{base_url}/healthz never answered 200 (last: {last}). " + process.describe()
    )


def wait_until_worker_answers(
    process: ServerProcess, worker_name: str, deadline: float
) -> None:
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            break
        if celery_app.control.ping(destination=[worker_name], timeout=0.5):
            return
    pytest.fail(
        f"Celery worker {worker_name} never answered a ping. " + process.describe()
    )


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
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": "hertsreport"},
            }
        },
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
def topology(
    django_db_setup, integration_redis_url, tmp_path_factory
) -> Iterator[Topology]:
    """gunicorn, two daphne processes and a Celery worker, all ready."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hertsreport.settings",
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "REDIS_URL": integration_redis_url,
        "CELERY_BROKER_URL": integration_redis_url,
        "DEBUG": "false",
        # The test signs sessions with its key; the servers must accept them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log_dir = tmp_path_factory.mktemp("topology")
    worker_name = f"integration-{uuid.uuid4().hex[:8]}@localhost"
    sockets = {
        name: listening_socket() for name in ("gunicorn", "daphne-a", "daphne-b")
    }
    ports = {name: sock.getsockname()[1] for name, sock in sockets.items()}
    processes: list[ServerProcess] = []
    try:
        fd = sockets["gunicorn"].fileno()
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
        for name in ("daphne-a", "daphne-b"):
            fd = sockets[name].fileno()
            processes.append(
                start(
                    name,
                    ["daphne", f"--fd={fd}", "hertsreport.asgi:application"],
                    env,
                    log_dir,
                    pass_fds=(fd,),
                )
            )
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
        # The servers hold their own copies of the sockets now.
        for sock in sockets.values():
            sock.close()

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
        for sock in sockets.values():
            sock.close()
        stop_all(processes)
